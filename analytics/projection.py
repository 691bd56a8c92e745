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
