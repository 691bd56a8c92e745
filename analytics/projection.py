"""Build projection-shaped graphs by hand: for tests, doctests and scratch analysis.

A store's ``project()`` is the real source of the analytics' input; this module makes the
same shape without a store: a ``networkx.MultiDiGraph`` whose nodes are keyed by id with a
``label`` attribute and their properties, and whose edges are keyed by
``graph_schema.rel_key`` with a ``type`` attribute and their properties.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph_schema import rel_key


class ProjectionBuilder:
    """Add nodes and relationships; ``graph`` is the projection.

    Examples
    --------
    >>> b = ProjectionBuilder()
    >>> b.node("Building", "b1", kind="BUILDING").node("Household", "h1", size=2)
    ProjectionBuilder(nodes=2, relationships=0)
    >>> b.rel("PART_OF", "h1", "b1").rel("VISITED", "pm1", "h1", on="2026-10-03")
    ProjectionBuilder(nodes=3, relationships=2)
    >>> sorted(b.graph.edges(keys=True))
    [('h1', 'b1', 'PART_OF'), ('pm1', 'h1', 'VISITED|2026-10-03')]
    """

    def __init__(self) -> None:
        self.graph: Any = nx.MultiDiGraph()

    def __repr__(self) -> str:
        return f"ProjectionBuilder(nodes={self.graph.number_of_nodes()}, relationships={self.graph.number_of_edges()})"

    def node(self, label: str, node_id: str, **properties: Any) -> ProjectionBuilder:
        """Add (or replace the properties of) a node."""
        if node_id in self.graph:
            self.graph.nodes[node_id].clear()
        self.graph.add_node(node_id, label=label, **properties)
        return self

    def nodes(self, label: str, *node_ids: str, **properties: Any) -> ProjectionBuilder:
        """Add several nodes of one label with the same properties."""
        for node_id in node_ids:
            self.node(label, node_id, **properties)
        return self

    def rel(self, rel_type: str, start: str, end: str, **properties: Any) -> ProjectionBuilder:
        """Add a relationship ``(start)-[:rel_type {properties}]->(end)``, keyed like a store's projection."""
        self.graph.add_edge(start, end, key=rel_key(rel_type, properties), type=rel_type, **properties)
        return self

    def part_of(self, parent: str, *children: str) -> ProjectionBuilder:
        """``(child)-[:PART_OF]->(parent)`` for each child."""
        for child in children:
            self.rel("PART_OF", child, parent)
        return self


def tiny_city() -> Any:
    """A hand-made city small enough to check every figure by eye (used by the doctests).

    ::

        Street st1
        ├── Community c1  (served by alliance al1; u1 FUNDING+VOLUNTEERS joined al1)
        │   ├── Grid g1  (GRID_BRANCH o_g1)
        │   │   ├── Building b1 (BUILDING_GROUP o_b1): h1 (v1 lives), h2 (m1 lives)
        │   │   └── Building b2: h3 (m3 lives)
        │   └── Grid g2: Building b3: h4 (v2 lives), h5 (m2 lives), h8
        └── Community c2
            └── Grid g3: Building b4 (managed by u2, PROPERTY_SERVICE): h6, h7

    Vanguard v1 LINKS h2, h3 and m1 and VISITED h2 on 2026-10-03; vanguard v2 LINKS h5.

    >>> G = tiny_city()
    >>> G.number_of_nodes(), G.number_of_edges()
    (31, 40)
    """
    b = ProjectionBuilder()
    b.node("Street", "st1", name="Chengjiang", code="320281001000")
    b.nodes("Community", "c1", "c2", name="community")
    b.nodes("Grid", "g1", "g2", "g3", name="grid", target_households=300)
    b.nodes("Building", "b1", "b2", "b3", "b4", name="building", kind="BUILDING")
    b.nodes("Household", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", size=3, tags=[])
    b.node("Household", "h6", size=1, tags=["ELDERLY_ALONE"])
    b.part_of("st1", "c1", "c2").part_of("c1", "g1", "g2").part_of("c2", "g3")
    b.part_of("g1", "b1", "b2").part_of("g2", "b3").part_of("g3", "b4")
    b.part_of("b1", "h1", "h2").part_of("b2", "h3").part_of("b3", "h4", "h5", "h8").part_of("b4", "h6", "h7")
    b.nodes("PartyMember", "v1", "v2", kind="RESIDENT", vanguard=True)
    b.nodes("PartyMember", "m1", "m2", "m3", kind="RETIRED", vanguard=False)
    for member, household in (("v1", "h1"), ("v2", "h4"), ("m1", "h2"), ("m2", "h5"), ("m3", "h3")):
        b.rel("LIVES_IN", member, household)
    for target in ("h2", "h3", "m1"):
        b.rel("LINKS", "v1", target, since="2025-01-01")
    b.rel("LINKS", "v2", "h5", since="2025-01-01")
    b.rel("VISITED", "v1", "h2", on="2026-10-03")
    b.node("PartyOrganization", "o_st", name="street committee", level="STREET_COMMITTEE", star=None)
    b.node("PartyOrganization", "o_c1", name="c1 committee", level="COMMUNITY_COMMITTEE", star="EXCELLENT")
    b.node("PartyOrganization", "o_g1", name="g1 branch", level="GRID_BRANCH", star="DEMONSTRATION")
    b.node("PartyOrganization", "o_b1", name="b1 group", level="BUILDING_GROUP", star=None)
    b.node("PartyOrganization", "o_u2", name="u2 branch", level="UNIT_BRANCH", star="QUALIFIED")
    for org, governed in (("o_st", "st1"), ("o_c1", "c1"), ("o_g1", "g1"), ("o_b1", "b1")):
        b.rel("GOVERNS", org, governed)
    b.rel("REPORTS_TO", "o_c1", "o_st").rel("REPORTS_TO", "o_g1", "o_c1").rel("REPORTS_TO", "o_b1", "o_g1")
    b.rel("REPORTS_TO", "o_u2", "o_c1")
    b.node("Alliance", "al1", name="c1 alliance", theme="elderly care")
    b.rel("SERVES", "al1", "c1").rel("LED_BY", "al1", "o_c1")
    b.node("AllianceMember", "u1", name="Bank", kind="FINANCIAL_INSTITUTION", resources=["FUNDING", "VOLUNTEERS"])
    b.node("AllianceMember", "u2", name="Red Property", kind="PROPERTY_COMPANY", resources=["PROPERTY_SERVICE"])
    b.rel("JOINED", "u1", "al1", since="2024-05-01").rel("MANAGES", "u2", "b4").rel("BRANCH_OF", "o_u2", "u2")
    return b.graph


def tiny_appeals() -> Any:
    """:func:`tiny_city` with six appeals and a roundtable, small enough to count by hand.

    ::

        id  concerns category        reported response   status   resolved due   handler  review
        a1  h2 (b1)  HOUSING_SAFETY  10-01    acc. 10-01 CLOSED   10-05    10-10 v1 (vgd) SATISFIED
        a2  b1       HOUSING_SAFETY  10-20    acc. 10-22 ASSIGNED -        10-30 u2       -
        a3  h3 (b2)  SANITATION      10-03    acc. 10-04 RESOLVED 10-15    10-10 o_g1     BASICALLY
        a4  g2       PARKING         10-07    rej. 10-07 REJECTED -        -     -        -
        a5  h6 (b4)  PROPERTY_SERV.  09-15    acc. 09-15 ASSIGNED -        09-30 u2       -
        a6  b1       HOUSING_SAFETY  10-25    -          REPORTED -        11-10 -        -

    All dates are in 2026.  Roundtable r1 (held by o_c1 in c1 on 10-08) DISCUSSED a3; h2 raised a1.

    >>> G = tiny_appeals()
    >>> G.number_of_nodes(), G.number_of_edges()
    (38, 54)
    """
    b = ProjectionBuilder()
    b.graph = tiny_city()
    rows = (
        (
            "a1",
            "h2",
            "HOUSING_SAFETY",
            "CLOSED",
            "10-01",
            {
                "accepted_on": "10-01",
                "resolved_on": "10-05",
                "closed_on": "10-06",
                "due": "10-10",
                "satisfaction": "SATISFIED",
            },
            "v1",
        ),
        ("a2", "b1", "HOUSING_SAFETY", "ASSIGNED", "10-20", {"accepted_on": "10-22", "due": "10-30"}, "u2"),
        (
            "a3",
            "h3",
            "SANITATION",
            "RESOLVED",
            "10-03",
            {"accepted_on": "10-04", "resolved_on": "10-15", "due": "10-10", "satisfaction": "BASICALLY_SATISFIED"},
            "o_g1",
        ),
        ("a4", "g2", "PARKING", "REJECTED", "10-07", {"rejected_on": "10-07"}, None),
        ("a5", "h6", "PROPERTY_SERVICE", "ASSIGNED", "09-15", {"accepted_on": "09-15", "due": "09-30"}, "u2"),
        ("a6", "b1", "HOUSING_SAFETY", "REPORTED", "10-25", {"due": "11-10"}, None),
    )
    for appeal, concerns, category, status, reported, dates, handler in rows:
        props = {k: f"2026-{v}" if k != "satisfaction" else v for k, v in dates.items()}
        b.node(
            "Appeal",
            appeal,
            title=f"appeal {appeal}",
            category=category,
            source="HOTLINE",
            status=status,
            reported_on=f"2026-{reported}",
            difficult=False,
            **props,
        )
        b.rel("CONCERNS", appeal, concerns)
        if handler is not None:
            b.rel("ASSIGNED_TO", appeal, handler, since=f"2026-{reported}")
    b.rel("RAISED_BY", "a1", "h2")
    b.node("Activity", "r1", kind="ROUNDTABLE", on="2026-10-08", title="c1 roundtable")
    b.rel("DISCUSSED", "r1", "a3").rel("HELD_BY", "r1", "o_c1").rel("HELD_IN", "r1", "c1")
    return b.graph


def tiny_work() -> Any:
    """:func:`tiny_city` with three months of monthly work (October to December 2026), counted by hand.

    ::

        vanguards  v1 (h1, links h2 h3 m1)  v2 (h4, links h5 m2)  v3 (h6 in c2, links h7)
        contact    c_v1_10 10-12 v1+m1 (b1)   c_v1_11 11-09 v1 alone (b1)   c_v2_12 12-05 v2+m2 (b3)
        visits     v1: h2 10-03, h3 12-20     v2: h5 10-15                  v3: none
        in service i1 (h7, c2; branch o_u2 of unit u2; REPORTED_TO c1: the wrong community)
                   i2 (h8, c1; o_u2; REPORTED_TO c1)   i3 (h1, c1; o_ext outside the city; REPORTED_TO c1)
        activities e1 VOLUNTEER_SERVICE 11-03 by o_c1 in g2: i2, m2, unit u1; served h4 h5
                   e2 ALLIANCE_ACTIVITY 11-20 by al1 in c2: i3, unit u1; served h5 h6 h7
                   e3 BRANCH_MEETING 12-02 by o_g1 in g1: m1, m3, v1
                   p_ev SECRETARY_PROJECT_EVENT 10-20 by o_c1 in c1, advances sp1: m3; served h1
        projects   sp1 ENVIRONMENT REVIEWED (score 92) by o_c1 in c1, led by m3
                   sp2 SAFETY LED since 06-01 by o_g1 in g1, led by v1
                   sp3 ESTATE_MANAGEMENT IN_PROGRESS since 10-01 by o_c1 in c2, led by i3
        appeal     ap1 about h2, reported 09-20, ASSIGNED_TO i3 since 09-20
        points     v1: c_v1_10 2 (10-12), e3 1 (12-02), sp2 10 (06-01)   m1: e3 1
                   m3: p_ev 3 (10-20), sp1 10 (10-30), e3 1   i2: e1 2 (11-03)   i3: ap1 5 (11-05), e2 2 (11-20)
        branches   v1 m1 in o_b1; m3 v2 m2 in o_g1; i1 i2 in o_u2; i3 in o_ext

    >>> G = tiny_work()
    >>> G.number_of_nodes(), G.number_of_edges()
    (47, 115)
    """
    b = ProjectionBuilder()
    b.graph = tiny_city()
    b.node("PartyMember", "v3", kind="RESIDENT", vanguard=True)
    b.nodes("PartyMember", "i1", "i2", "i3", kind="IN_SERVICE", vanguard=False)
    for member, household in (("v3", "h6"), ("i1", "h7"), ("i2", "h8"), ("i3", "h1")):
        b.rel("LIVES_IN", member, household)
    b.rel("LINKS", "v2", "m2", since="2025-01-01").rel("LINKS", "v3", "h7", since="2025-01-01")
    b.node("PartyOrganization", "o_ext", name="outside branch", level="UNIT_BRANCH", star=None, external=True)
    for member, org in (("v1", "o_b1"), ("m1", "o_b1"), ("m3", "o_g1"), ("v2", "o_g1"), ("m2", "o_g1")):
        b.rel("MEMBER_OF", member, org)
    b.rel("MEMBER_OF", "i1", "o_u2").rel("MEMBER_OF", "i2", "o_u2").rel("MEMBER_OF", "i3", "o_ext")
    for member in ("i1", "i2", "i3"):
        b.rel("REPORTED_TO", member, "c1", since="2025-03-01")
    b.rel("VISITED", "v1", "h3", on="2026-12-20").rel("VISITED", "v2", "h5", on="2026-10-15")
    activities = (
        ("c_v1_10", "MONTHLY_CONTACT", "10-12", "v1", "b1", ("v1", "m1"), (), ()),
        ("c_v1_11", "MONTHLY_CONTACT", "11-09", "v1", "b1", ("v1",), (), ()),
        ("c_v2_12", "MONTHLY_CONTACT", "12-05", "v2", "b3", ("v2", "m2"), (), ()),
        ("e1", "VOLUNTEER_SERVICE", "11-03", "o_c1", "g2", ("i2", "m2", "u1"), ("h4", "h5"), ()),
        ("e2", "ALLIANCE_ACTIVITY", "11-20", "al1", "c2", ("i3", "u1"), ("h5", "h6", "h7"), ()),
        ("e3", "BRANCH_MEETING", "12-02", "o_g1", "g1", ("m1", "m3", "v1"), (), ()),
        ("p_ev", "SECRETARY_PROJECT_EVENT", "10-20", "o_c1", "c1", ("m3",), ("h1",), ("sp1",)),
    )
    for act, kind, on, holder, place, came, served, advances in activities:
        b.node("Activity", act, kind=kind, on=f"2026-{on}", title=f"activity {act}")
        b.rel("HELD_BY", act, holder).rel("HELD_IN", act, place)
        for who in came:
            b.rel("ATTENDED", who, act)
        for household in served:
            b.rel("SERVED", act, household)
        for project in advances:
            b.rel("ADVANCES", act, project)
    projects = (
        ("sp1", "ENVIRONMENT", "REVIEWED", "o_c1", "c1", "m3", {"proposed_on": "03-01", "led_on": "03-10"}, 92),
        ("sp2", "SAFETY", "LED", "o_g1", "g1", "v1", {"proposed_on": "05-01", "led_on": "06-01"}, None),
        ("sp3", "ESTATE_MANAGEMENT", "IN_PROGRESS", "o_c1", "c2", "i3", {"proposed_on": "09-01"}, None),
    )
    for project, category, stage, org, place, leader, dates, score in projects:
        extra: dict[str, Any] = {k: f"2026-{v}" for k, v in dates.items()}
        if project == "sp1":
            extra.update(started_on="2026-04-01", reviewed_on="2026-10-30", review_score=score)
        if project == "sp3":
            extra.update(led_on="2026-09-10", started_on="2026-10-01")
        b.node("SecretaryProject", project, title=f"project {project}", category=category, stage=stage, **extra)
        b.rel("LED_BY", project, org).rel("HELD_IN", project, place).rel("LEADS", leader, project)
    b.node("Appeal", "ap1", title="appeal ap1", category="FACILITIES", source="HOTLINE", status="RESOLVED")
    b.graph.nodes["ap1"].update(reported_on="2026-09-20", resolved_on="2026-11-05", difficult=False)
    b.rel("CONCERNS", "ap1", "h2").rel("ASSIGNED_TO", "ap1", "i3", since="2026-09-20")
    points = (
        ("v1", "c_v1_10", 2, "10-12"),
        ("v1", "e3", 1, "12-02"),
        ("v1", "sp2", 10, "06-01"),
        ("m1", "e3", 1, "12-02"),
        ("m3", "p_ev", 3, "10-20"),
        ("m3", "sp1", 10, "10-30"),
        ("m3", "e3", 1, "12-02"),
        ("i2", "e1", 2, "11-03"),
        ("i3", "ap1", 5, "11-05"),
        ("i3", "e2", 2, "11-20"),
    )
    for member, target, pts, on in points:
        b.rel("EARNED", member, target, points=pts, on=f"2026-{on}", reason=f"for {target}")
    return b.graph
