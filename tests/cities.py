"""The test city: small builders, and the one shared city the store, import and API tests read.

``CITY`` is two streets.  澄江街道 (``st1``) is written out record by record, so that each
relationship type and each kind of property (PII, lists, dates, enums) appears with values a
test can name; 南闸街道 (``s2``) is regular, every area having two parts down to the buildings,
so that any area has a sibling and a cousin to compare with (what a viewer of one area must
not see).  96 nodes, 200 relationships.  Ids in brackets; an area is PART_OF the one drawn above
it, a household PART_OF its building, and a member is drawn under the household it LIVES_IN::

    CITY
    ├── 澄江街道 [st1]  governed by 澄江街道党工委 [org-st]
    │   ├── 东门社区 [c1]  governed by 东门社区党委 [org-c1] (EXCELLENT; reports to org-st)
    │   │   ├── 东门一网格 [g1]  GOVERNMENT_SERVICE, PUBLIC_SAFETY; target 300 (the default)
    │   │   │   │              governed by 东门一网格党支部 [org-g1] (reports to org-c1)
    │   │   │   ├── 1栋 [b1]  东门路1号; governed by 1栋楼栋党小组 [org-b1] (reports to org-g1);
    │   │   │   │   │         managed by am1; 东门先锋驿站 [vs1] is here, run by pm1
    │   │   │   │   ├── 1栋101室 [hh1]  1 person, ELDERLY_ALONE; head 张三丰 with phone and id number
    │   │   │   │   │       └── 王建国 [pm1]  RESIDENT, the vanguard, M, born 1970; member of org-g1,
    │   │   │   │   │                         sits on org-c1, has phone and id number
    │   │   │   │   └── 1栋102室 [hh2]  3 people
    │   │   │   │           └── 李四 [pm2]  IN_SERVICE; member of org-g1; reported to c1 2023-06-01
    │   │   │   └── 2栋 [b2]  managed by am1
    │   │   │       └── 2栋201室 [hh3]  2 people, FLOATING
    │   │   └── 东门二网格 [g2]  LIFE_SERVICE; target 250
    │   │       └── 梅园院落 [b3]  COURTYARD
    │   │           └── 梅园3号 [hh4]  4 people
    │   └── 西门社区 [c2]
    │       └── 西门一网格 [g3]
    │           └── 3栋 [b4]
    │               ├── 3栋301室 [hh5]  2 people, ELDERLY_ALONE, LOW_INCOME
    │               │       └── 欧阳娜娜 [pm3]  RETIRED; member of org-c1
    │               └── 3栋302室 [hh6]  5 people
    └── 南闸街道 [s2]  governed by 南闸街道党工委 [s2-po]
        ├── 观西社区 [s2c1]  governed by 观西社区党委 [s2c1-po] (reports to s2-po)
        │   ├── 观西一网格 [s2c1g1]  governed by 观西一网格党支部 [s2c1g1-po] (reports to s2c1-po)
        │   │   ├── 1栋 [s2c1g1b1]  managed by s2-am1; 观西先锋驿站 [s2c1-vs] is here
        │   │   │   └── 观西1-1号 [s2c1g1b1-h]
        │   │   │           └── 赵海 [s2c1g1b1-m]  the community's vanguard
        │   │   └── 2栋 [s2c1g1b2]  managed by s2-am1
        │   │       └── 观西1-2号 [s2c1g1b2-h]
        │   │               └── 钱进 [s2c1g1b2-m]
        │   └── 观西二网格 [s2c1g2]  (and so on: 1栋, 2栋, one household and one member each)
        └── 陶湾社区 [s2c2]  (the same shape: grids 陶湾一网格, 陶湾二网格; vanguard 周明)

The organization tree: org-st ← org-c1 ← {org-g1 ← org-b1, org-am}; s2-po ← s2cX-po ←
s2cXgY-po.  红色物业党支部 [org-am] (UNIT_BRANCH) is the branch of 澄江物业公司 [am1].

Links and visits (1+10+N): pm1 LINKS the member pm2 (since 2024-01-01) and the households hh3
(2024-02-01) and hh4 (no date), and VISITED hh3 on 2024-03-05 and 2024-04-02.  In 南闸, each
community's vanguard (``s2cXg1b1-m``) LINKS the three other members of its community and the two
households of its second grid (since 2025-03-01), and VISITED the first of them on 2025-04-08.

Alliances: 东门党建联盟 [al1] (theme 物业治理) is led by org-c1 and SERVES c1 and st1; its units
澄江物业公司 [am1] (PROPERTY_COMPANY, joined 2023-01-01, credit code, PROPERTY_SERVICE and
VOLUNTEERS, MANAGES b1 and b2) and 江阴农商银行
[am2] (FINANCIAL_INSTITUTION, FUNDING).  南闸党建联盟 [s2-al] is led by s2-po and SERVES s2;
its units 南闸物业公司 [s2-am1] (PROPERTY_COMPANY, MANAGES s2c1g1b1 and s2c1g1b2) and
南闸志愿者协会 [s2-am2] (SOCIAL_ORGANIZATION, VOLUNTEERS).

Appeals (诉求), one in each status, each with its ``history`` (times on 2026-03-DD, +08:00):

    ap1  楼顶渗漏 HOUSING_SAFETY, HOTLINE, CONCERNS b1, RAISED_BY hh1 (a description naming
         张三丰): accepted 03-01, ASSIGNED_TO am1 since 03-02, resolved 03-05, SATISFIED, CLOSED 03-08
    ap2  僵尸车长期占位 PARKING, GRID_PATROL, CONCERNS g1: accepted 03-11, assigned to org-g1, escalated
         03-15 to org-c1 (ASSIGNED_TO since 03-15), ASSIGNED, due 03-25
    ap3  楼上噪音扰民 NEIGHBOUR_DISPUTE, difficult, VANGUARD_VISIT, CONCERNS hh3, RAISED_BY pm1,
         ASSIGNED_TO pm1 since 03-13: RESOLVED 03-20, BASICALLY_SATISFIED
    ap4  垃圾清运不及时 SANITATION, WALK_IN, CONCERNS c2, RAISED_BY hh5: REJECTED 03-16 (重复反映)
    ap5  独居老人助餐 ELDERLY_CARE, ONLINE, CONCERNS hh5, RAISED_BY hh5: REPORTED 03-20
    ap6  电梯故障停运 PROPERTY_SERVICE, ROUNDTABLE, CONCERNS b2, RAISED_BY hh3: ACCEPTED 03-18
    s2-ap1  水管爆裂 FACILITIES, HOTLINE, CONCERNS s2c1g1b1, RAISED_BY its household, ASSIGNED_TO s2-am1:
         resolved 03-06, reviewed UNSATISFIED and reopened 03-07, ASSIGNED again
    s2-ap2  社区活动建议 OTHER, VANGUARD_VISIT, CONCERNS s2c2, RAISED_BY 周明 (s2c2g1b1-m), ASSIGNED_TO
         s2-al: resolved 03-09, CLOSED 03-12

Roundtables (Activity, ROUNDTABLE): 东门社区民生议题圆桌会议 [act1] on 2026-03-18, HELD_BY al1, HELD_IN
c1, DISCUSSED ap3 and ap6, ATTENDED by pm1, pm2 and am1; 观西社区物业服务协商会 [s2-act1] on
2026-03-10, HELD_BY s2c1-po, HELD_IN s2c1, DISCUSSED s2-ap1, ATTENDED by 赵海 and s2-am1.

Workers (工作人员) and guidance stations (基层党建工作指导站): 澄江街道基层党建工作指导站 [gs1] SERVES_AREA st1;
陈静 [w-g1] (GRID_WORKER, full-time, phone 13912345678) WORKS_IN g1 since 2022-05-01 and IS_MEMBER pm2;
刘德华 [w-b1] (BUILDING_HEAD, part-time) WORKS_IN b1; 吴敏 [w-i1] (INSTRUCTOR, full-time) WORKS_IN st1,
STATIONED_AT gs1, GUIDES org-c1, org-g1 and org-am (am1's branch) since 2024-09-01.  南闸街道基层党建工作指导站
[s2-gs] SERVES_AREA s2; 黄磊 [s2-w1] (GRID_WORKER, full-time) WORKS_IN s2c1g1; 沈丽 [s2-w2] (INSTRUCTOR,
part-time) WORKS_IN s2c1, STATIONED_AT s2-gs, GUIDES s2c1-po and s2c1g1-po.  So g2, g3 and five grids of
南闸 have no grid worker, and 南闸物业公司 [s2-am1] no instructor.
Monthly work (南闸): 陈刚 [s2c1g1b1-w] (IN_SERVICE, lives in s2c1g1b1-h) is MEMBER_OF 南闸物业公司党支部
[s2-am1-po] (UNIT_BRANCH, BRANCH_OF s2-am1, reports to s2-po) and REPORTED_TO s2c1 since 2025-06-01;
林静 [s2c2g1b1-w] (IN_SERVICE, lives in s2c2g1b1-h) is MEMBER_OF an external branch [s2-ext-po] and
reported nowhere.  赵海 held two MONTHLY_CONTACT meetings in his building s2c1g1b1: [s2-mc1] on
2026-09-08 with 钱进 and [s2-mc2] on 2026-10-09 with 孙丽 (s2c1g2b1-m).  s2c1-po held the
VOLUNTEER_SERVICE [s2-vs1] on 2026-09-20 in s2c1, attended by 陈刚, serving s2c1g2b1-h and
s2c1g2b2-h.  观西停车治理书记项目 [s2-sp1] (PARKING, IN_PROGRESS: proposed 2026-06-01, led 06-15,
started 07-01) is LED_BY s2c1-po, HELD_IN s2c1, led by 钱进; its SECRETARY_PROJECT_EVENT [s2-spe1] on
2026-09-15 in s2c1g1, attended by 钱进, served s2c1g1b2-h.  Points (EARNED, by POINTS_TABLE): 2 for
each attendance of a monthly contact, 5 for 陈刚's volunteering, 4 and 20 for 钱进's event and
project (on 06-15); in 澄江, pm1 EARNED 5 for handling ap3 (on 2026-03-20).

``EAST`` is the variation with 澄江街道 alone, for tests whose figures were worked out by hand
over one street (the analytics API).  Add new kinds of records to both streets through the
builders, and give ``CityBuilder`` a method per new relationship.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graph_schema import WITHIN_VIA, Label, Node, Relationship, WriteBatch
from graph_schema.appeals import history_entry
from graph_schema.contract import WITHIN_THROUGH
from graph_schema.roles import Role
from loaders.formats.graphdata import GraphData


@dataclass(frozen=True)
class City:
    """A graph to write into a store: nodes and relationships, in the order they were built."""

    nodes: tuple[Node, ...]
    relationships: tuple[Relationship, ...]

    def batch(self) -> WriteBatch:
        return WriteBatch(nodes=list(self.nodes), relationships=list(self.relationships))

    def data(self) -> GraphData:
        """The city as an export holds it (nodes by id, relationships by start, type, end, key)."""
        return GraphData.sorted(self.nodes, self.relationships)

    def ids(self, *labels: str) -> list[str]:
        """The ids of the nodes with one of ``labels`` (all nodes without), sorted."""
        return sorted(n.id for n in self.nodes if not labels or n.label in labels)

    def count(self, label: str) -> int:
        return sum(1 for n in self.nodes if n.label == label)

    # --- an oracle of what each role may read (docs/design.md, "Users, roles and scopes") ----
    # Computed from the city's own lists, independently of the stores' scoping.

    @property
    def labels(self) -> dict[str, str]:
        """Label by node id."""
        return {n.id: n.label for n in self.nodes}

    def parent(self, node_id: str) -> str | None:
        return next((r.end for r in self.relationships if r.type == "PART_OF" and r.start == node_id), None)

    def ancestors(self, node_id: str) -> list[str]:
        """The areas above ``node_id``, nearest first."""
        out, current = [], self.parent(node_id)
        while current is not None:
            out.append(current)
            current = self.parent(current)
        return out

    def out(self, node_id: str, rtype: str) -> list[str]:
        return [r.end for r in self.relationships if r.type == rtype and r.start == node_id]

    def appeals_of(self, targets: Iterable[str], rtype: str) -> set[str]:
        """The appeals with a ``rtype`` relationship to one of ``targets``."""
        wanted, labels = set(targets), self.labels
        return {
            r.start for r in self.relationships if r.type == rtype and r.end in wanted and labels[r.start] == "Appeal"
        }

    def subtree(self, root: str) -> set[str]:
        """The root's PART_OF closure plus what WITHIN_VIA attaches to it, and what WITHIN_THROUGH
        attaches to those (an assessment of a branch governing an area inside)."""
        closure = {root}
        changed = True
        while changed:
            changed = False
            for r in self.relationships:
                if r.type == "PART_OF" and r.end in closure and r.start not in closure:
                    closure.add(r.start)
                    changed = True
        labels = self.labels
        inside = set(closure)
        for r in self.relationships:
            via = WITHIN_VIA.get(Label(labels[r.start]))
            if via is not None and r.type == via.value and r.end in closure:
                inside.add(r.start)
        placed = set(inside)
        for r in self.relationships:
            through = WITHIN_THROUGH.get(Label(labels[r.start]))
            if through is not None and r.type == through[0].value and r.end in placed:
                inside.add(r.start)
        return inside

    def visible(self, role: Role, scope: str | None) -> tuple[set[str], set[str]]:
        """(ids whose records a viewer in ``role`` bound to ``scope`` sees, ids it sees by name only)."""
        everything = {n.id for n in self.nodes}
        if role is Role.ADMIN or scope is None:
            return everything, set()
        if role is Role.VANGUARD:
            stations = self.out(scope, "RUNS")
            linked = self.out(scope, "LINKS")
            seen = {scope, *linked, *stations, *self.appeals_of([scope], "ASSIGNED_TO")}
            for s in stations:
                seen.update(self.out(s, "LOCATED_IN"))
            households = [i for i in linked if self.labels[i] == "Household"]
            seen.update(self.appeals_of(households, "CONCERNS"), self.appeals_of(households, "RAISED_BY"))
            return seen, set()
        if role is Role.ALLIANCE_UNIT:
            alliances = self.out(scope, "JOINED")
            served = {a for al in alliances for a in self.out(al, "SERVES")}
            return {scope, *alliances, *self.appeals_of([scope], "ASSIGNED_TO")}, served
        return self.subtree(scope), set(self.ancestors(scope))


class CityBuilder:
    """Builds a city area by area: each method adds a node with its PART_OF (or other) links."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.relationships: list[Relationship] = []

    def build(self) -> City:
        return City(tuple(self.nodes), tuple(self.relationships))

    # --- nodes ------------------------------------------------------------------------------
    def add(self, label: str, node_id: str, name: str, parent: str | None = None, **props: Any) -> str:
        """A node named ``name``; ``parent`` makes it PART_OF that area."""
        self.nodes.append(Node(label, node_id, {"name": name, **props}))
        if parent is not None:
            self.rel("PART_OF", node_id, parent)
        return node_id

    def street(self, node_id: str, name: str, **props: Any) -> str:
        return self.add("Street", node_id, name, **props)

    def community(self, node_id: str, name: str, street: str, **props: Any) -> str:
        return self.add("Community", node_id, name, street, **props)

    def grid(self, node_id: str, name: str, community: str, **props: Any) -> str:
        return self.add("Grid", node_id, name, community, **props)

    def building(self, node_id: str, name: str, grid: str, kind: str = "BUILDING", **props: Any) -> str:
        return self.add("Building", node_id, name, grid, kind=kind, **props)

    def household(self, node_id: str, name: str, building: str, **props: Any) -> str:
        return self.add("Household", node_id, name, building, **props)

    def organization(
        self,
        node_id: str,
        name: str,
        level: str,
        reports_to: str | None = None,
        governs: str | None = None,
        **props: Any,
    ) -> str:
        self.add("PartyOrganization", node_id, name, level=level, **props)
        if reports_to is not None:
            self.rel("REPORTS_TO", node_id, reports_to)
        if governs is not None:
            self.rel("GOVERNS", node_id, governs)
        return node_id

    def member(
        self, node_id: str, name: str, kind: str, home: str | None = None, branch: str | None = None, **props: Any
    ) -> str:
        """A party member living in ``home`` and MEMBER_OF ``branch``."""
        self.add("PartyMember", node_id, name, kind=kind, **props)
        if branch is not None:
            self.rel("MEMBER_OF", node_id, branch)
        if home is not None:
            self.rel("LIVES_IN", node_id, home)
        return node_id

    def station(self, node_id: str, name: str, building: str, run_by: str) -> str:
        self.add("VanguardStation", node_id, name)
        self.rel("RUNS", run_by, node_id)
        self.rel("LOCATED_IN", node_id, building)
        return node_id

    def alliance(self, node_id: str, name: str, led_by: str, serves: Iterable[str], **props: Any) -> str:
        self.add("Alliance", node_id, name, **props)
        self.rel("LED_BY", node_id, led_by)
        for area in serves:
            self.rel("SERVES", node_id, area)
        return node_id

    def unit(self, node_id: str, name: str, kind: str, alliance: str, since: str | None = None, **props: Any) -> str:
        """An alliance member unit that JOINED ``alliance``."""
        self.add("AllianceMember", node_id, name, kind=kind, **props)
        self.rel("JOINED", node_id, alliance, **({"since": since} if since else {}))
        return node_id

    # --- relationships -----------------------------------------------------------------------
    def guidance_station(self, node_id: str, name: str, *streets: str) -> str:
        self.nodes.append(Node("GuidanceStation", node_id, {"name": name}))
        for street in streets:
            self.rel("SERVES_AREA", node_id, street)
        return node_id

    def worker(
        self,
        node_id: str,
        name: str,
        role: str,
        area: str,
        *,
        station: str | None = None,
        since: str | None = None,
        **props: Any,
    ) -> str:
        """A worker who WORKS_IN ``area`` (since ``since``), STATIONED_AT ``station`` if given."""
        self.nodes.append(Node("Worker", node_id, {"name": name, "role": role, **props}))
        self.rel("WORKS_IN", node_id, area, **({"since": since} if since else {}))
        if station is not None:
            self.rel("STATIONED_AT", node_id, station)
        return node_id

    def rel(self, type_: str, start: str, end: str, **props: Any) -> None:
        self.relationships.append(Relationship(type_, start, end, props))

    def links(self, vanguard: str, *targets: str, since: str | None = None) -> None:
        """1+10+N: the vanguard LINKS members and households."""
        for target in targets:
            self.rel("LINKS", vanguard, target, **({"since": since} if since else {}))

    def visited(self, member: str, household: str, on: str) -> None:
        self.rel("VISITED", member, household, on=on)

    # --- appeals and activities ----------------------------------------------------------------
    def appeal(
        self,
        node_id: str,
        title: str,
        category: str,
        source: str,
        concerns: str,
        steps: Iterable[tuple[str, str, str]],
        raised_by: str | None = None,
        handler: str | None = None,
        since: str | None = None,
        **props: Any,
    ) -> str:
        """An appeal (诉求) that CONCERNS an area or household, with its ``history`` from ``steps``
        ``(time, to status, actor)`` (the first from ``-``) and its status the last step's;
        RAISED_BY ``raised_by`` and ASSIGNED_TO ``handler`` (since ``since``) when given."""
        history: list[str] = []
        previous: str | None = None
        for at, to, actor in steps:
            history.append(history_entry(at, previous, to, actor))
            previous = to
        status = previous or "REPORTED"
        self.nodes.append(
            Node(
                "Appeal",
                node_id,
                {"title": title, "category": category, "source": source, "status": status, **props, "history": history},
            )
        )
        if raised_by is not None:
            self.rel("RAISED_BY", node_id, raised_by)
        self.rel("CONCERNS", node_id, concerns)
        if handler is not None:
            self.rel("ASSIGNED_TO", node_id, handler, **({"since": since} if since else {}))
        return node_id

    def roundtable(
        self,
        node_id: str,
        title: str,
        on: str,
        held_by: str,
        held_in: str,
        discussed: Iterable[str] = (),
        attendees: Iterable[str] = (),
    ) -> str:
        """A roundtable meeting (圆桌会议) HELD_BY an organization or alliance, HELD_IN an area."""
        self.nodes.append(Node("Activity", node_id, {"title": title, "kind": "ROUNDTABLE", "on": on}))
        self.rel("HELD_BY", node_id, held_by)
        self.rel("HELD_IN", node_id, held_in)
        for appeal in discussed:
            self.rel("DISCUSSED", node_id, appeal)
        for person in attendees:
            self.rel("ATTENDED", person, node_id)
        return node_id

    def activity(
        self,
        node_id: str,
        title: str,
        kind: str,
        on: str,
        held_by: str,
        held_in: str,
        attendees: Iterable[str] = (),
        served: Iterable[str] = (),
        advances: str | None = None,
    ) -> str:
        """An activity of ``kind`` HELD_BY an organization, alliance or vanguard, HELD_IN an area,
        ATTENDED by ``attendees``, SERVED ``served`` households, advancing a secretary project."""
        self.nodes.append(Node("Activity", node_id, {"title": title, "kind": kind, "on": on}))
        self.rel("HELD_BY", node_id, held_by)
        self.rel("HELD_IN", node_id, held_in)
        for person in attendees:
            self.rel("ATTENDED", person, node_id)
        for household in served:
            self.rel("SERVED", node_id, household)
        if advances is not None:
            self.rel("ADVANCES", node_id, advances)
        return node_id

    def project(
        self, node_id: str, title: str, category: str, led_by: str, held_in: str, leaders: Iterable[str], **props: Any
    ) -> str:
        """A secretary project (书记项目) LED_BY an organization, HELD_IN an area, that ``leaders`` LEAD."""
        self.nodes.append(Node("SecretaryProject", node_id, {"title": title, "category": category, **props}))
        self.rel("LED_BY", node_id, led_by)
        self.rel("HELD_IN", node_id, held_in)
        for member in leaders:
            self.rel("LEADS", member, node_id)
        return node_id

    def earned(self, member: str, source: str, points: int, on: str, reason: str) -> None:
        """Points (积分) a member EARNED from an activity, a project or an appeal."""
        self.rel("EARNED", member, source, points=points, on=on, reason=reason)


def chengjiang(b: CityBuilder) -> None:
    """澄江街道 [st1], record by record (see the module's docstring)."""
    b.street("st1", "澄江街道", code="320281001")
    b.community("c1", "东门社区", "st1", code="320281001001")
    b.community("c2", "西门社区", "st1")
    b.grid("g1", "东门一网格", "c1", kinds=["GOVERNMENT_SERVICE", "PUBLIC_SAFETY"])
    b.grid("g2", "东门二网格", "c1", kinds=["LIFE_SERVICE"], target_households=250)
    b.grid("g3", "西门一网格", "c2")
    b.building("b1", "1栋", "g1", address="东门路1号")
    b.building("b2", "2栋", "g1")
    b.building("b3", "梅园院落", "g2", kind="COURTYARD")
    b.building("b4", "3栋", "g3")
    b.household(
        "hh1",
        "1栋101室",
        "b1",
        size=1,
        tags=["ELDERLY_ALONE"],
        head_name="张三丰",
        phone="13812341234",
        head_id_number="11010519491231002X",
    )
    b.household("hh2", "1栋102室", "b1", size=3)
    b.household("hh3", "2栋201室", "b2", size=2, tags=["FLOATING"])
    b.household("hh4", "梅园3号", "b3", size=4)
    b.household("hh5", "3栋301室", "b4", size=2, tags=["ELDERLY_ALONE", "LOW_INCOME"])
    b.household("hh6", "3栋302室", "b4", size=5)
    b.organization("org-st", "澄江街道党工委", "STREET_COMMITTEE", governs="st1")
    b.organization("org-c1", "东门社区党委", "COMMUNITY_COMMITTEE", "org-st", "c1", star="EXCELLENT")
    b.organization("org-g1", "东门一网格党支部", "GRID_BRANCH", "org-c1", "g1")
    b.organization("org-b1", "1栋楼栋党小组", "BUILDING_GROUP", "org-g1", "b1")
    b.organization("org-am", "红色物业党支部", "UNIT_BRANCH", "org-c1")
    b.member(
        "pm1",
        "王建国",
        "RESIDENT",
        "hh1",
        "org-g1",
        vanguard=True,
        phone="13912345678",
        id_number="440524188001010014",
        gender="M",
        birth_year=1970,
    )
    b.member("pm2", "李四", "IN_SERVICE", "hh2", "org-g1")
    b.member("pm3", "欧阳娜娜", "RETIRED", "hh5", "org-c1")
    b.rel("REPORTED_TO", "pm2", "c1", since="2023-06-01")
    b.rel("SITS_ON", "pm1", "org-c1")
    b.station("vs1", "东门先锋驿站", "b1", run_by="pm1")
    b.links("pm1", "pm2", since="2024-01-01")
    b.links("pm1", "hh3", since="2024-02-01")
    b.links("pm1", "hh4")
    b.visited("pm1", "hh3", "2024-03-05")
    b.visited("pm1", "hh3", "2024-04-02")
    b.alliance("al1", "东门党建联盟", "org-c1", ["c1", "st1"], theme="物业治理")
    b.unit(
        "am1",
        "澄江物业公司",
        "PROPERTY_COMPANY",
        "al1",
        since="2023-01-01",
        credit_code="91350100M000100Y43",
        resources=["PROPERTY_SERVICE", "VOLUNTEERS"],
    )
    b.unit("am2", "江阴农商银行", "FINANCIAL_INSTITUTION", "al1", resources=["FUNDING"])
    b.rel("MANAGES", "am1", "b1")
    b.rel("MANAGES", "am1", "b2")
    b.rel("BRANCH_OF", "org-am", "am1")
    chengjiang_appeals(b)
    chengjiang_workers(b)


def _t(day: str, hour: int) -> str:
    return f"2026-03-{day}T{hour:02d}:00:00+08:00"


def chengjiang_appeals(b: CityBuilder) -> None:
    """澄江's appeals, one in each status, and a roundtable of 东门社区 (see the module's docstring)."""
    b.appeal(
        "ap1",
        "楼顶渗漏",
        "HOUSING_SAFETY",
        "HOTLINE",
        "b1",
        [
            (_t("01", 9), "REPORTED", "hh1"),
            (_t("01", 10), "ACCEPTED", "org-g1"),
            (_t("02", 9), "ASSIGNED", "org-g1"),
            (_t("05", 16), "RESOLVED", "am1"),
            (_t("06", 10), "RESOLVED", "hh1"),
            (_t("08", 9), "CLOSED", "org-c1"),
        ],
        raised_by="hh1",
        handler="am1",
        since="2026-03-02",
        description="张三丰反映：1栋楼顶渗漏，雨天房间进水",
        reported_on="2026-03-01",
        accepted_on="2026-03-01",
        resolved_on="2026-03-05",
        closed_on="2026-03-08",
        due="2026-03-08",
        satisfaction="SATISFIED",
    )
    b.appeal(
        "ap2",
        "僵尸车长期占位",
        "PARKING",
        "GRID_PATROL",
        "g1",
        [
            (_t("10", 9), "REPORTED", "org-g1"),
            (_t("11", 9), "ACCEPTED", "org-g1"),
            (_t("11", 10), "ASSIGNED", "org-g1"),
            (_t("15", 9), "ASSIGNED", "org-g1"),
        ],
        handler="org-c1",
        since="2026-03-15",
        reported_on="2026-03-10",
        accepted_on="2026-03-11",
        due="2026-03-25",
    )
    b.appeal(
        "ap3",
        "楼上噪音扰民",
        "NEIGHBOUR_DISPUTE",
        "VANGUARD_VISIT",
        "hh3",
        [
            (_t("12", 9), "REPORTED", "pm1"),
            (_t("12", 11), "ACCEPTED", "org-g1"),
            (_t("13", 9), "ASSIGNED", "org-g1"),
            (_t("20", 15), "RESOLVED", "pm1"),
            (_t("21", 9), "RESOLVED", "hh3"),
        ],
        raised_by="pm1",
        handler="pm1",
        since="2026-03-13",
        difficult=True,
        reported_on="2026-03-12",
        accepted_on="2026-03-12",
        resolved_on="2026-03-20",
        due="2026-04-11",
        satisfaction="BASICALLY_SATISFIED",
    )
    b.appeal(
        "ap4",
        "垃圾清运不及时",
        "SANITATION",
        "WALK_IN",
        "c2",
        [(_t("15", 9), "REPORTED", "hh5"), (_t("16", 9), "REJECTED", "org-c1")],
        raised_by="hh5",
        reported_on="2026-03-15",
        rejected_on="2026-03-16",
        rejection_reason="重复反映，已并入原诉求办理",
        due="2026-03-18",
    )
    b.appeal(
        "ap5",
        "独居老人助餐",
        "ELDERLY_CARE",
        "ONLINE",
        "hh5",
        [(_t("20", 9), "REPORTED", "hh5")],
        raised_by="hh5",
        reported_on="2026-03-20",
        due="2026-03-30",
    )
    b.appeal(
        "ap6",
        "电梯故障停运",
        "PROPERTY_SERVICE",
        "ROUNDTABLE",
        "b2",
        [(_t("18", 15), "REPORTED", "hh3"), (_t("18", 16), "ACCEPTED", "org-c1")],
        raised_by="hh3",
        reported_on="2026-03-18",
        accepted_on="2026-03-18",
        due="2026-03-25",
    )
    b.roundtable("act1", "东门社区民生议题圆桌会议", "2026-03-18", "al1", "c1", ["ap3", "ap6"], ["pm1", "pm2", "am1"])
    b.earned("pm1", "ap3", 5, "2026-03-20", "办理诉求")


_NANZHA_COMMUNITIES = (("观西", ("赵海", "钱进", "孙丽", "李娟")), ("陶湾", ("周明", "吴芳", "郑强", "冯雪")))


def nanzha(b: CityBuilder) -> None:
    """南闸街道 [s2]: 2 communities x 2 grids x 2 buildings, one household and one member in each."""
    street = b.street("s2", "南闸街道", code="320281002")
    top = b.organization("s2-po", "南闸街道党工委", "STREET_COMMITTEE", governs=street)
    for c, (place, names) in enumerate(_NANZHA_COMMUNITIES, start=1):
        community = b.community(f"s2c{c}", f"{place}社区", street, code=f"32028100200{c}")
        committee = b.organization(f"{community}-po", f"{place}社区党委", "COMMUNITY_COMMITTEE", top, community)
        members: list[str] = []
        households: dict[int, list[str]] = {1: [], 2: []}
        for g, number in ((1, "一"), (2, "二")):
            grid = b.grid(f"{community}g{g}", f"{place}{number}网格", community)
            branch = b.organization(f"{grid}-po", f"{place}{number}网格党支部", "GRID_BRANCH", committee, grid)
            for k in (1, 2):
                building = b.building(f"{grid}b{k}", f"{k}栋", grid)
                home = b.household(f"{building}-h", f"{place}{g}-{k}号", building, size=1 + k)
                households[g].append(home)
                first = not members  # the community's first member is its vanguard
                name = names[len(members)]
                members.append(
                    b.member(f"{building}-m", name, "RESIDENT", home, branch, **({"vanguard": True} if first else {}))
                )
        vanguard, *others = members
        b.links(vanguard, *others, *households[2], since="2025-03-01")
        b.visited(vanguard, households[2][0], "2025-04-08")
        if c == 1:
            b.station(f"{community}-vs", f"{place}先锋驿站", f"{community}g1b1", run_by=vanguard)
    alliance = b.alliance("s2-al", "南闸党建联盟", top, [street], theme="乡村振兴")
    b.unit("s2-am1", "南闸物业公司", "PROPERTY_COMPANY", alliance, since="2025-01-01", resources=["PROPERTY_SERVICE"])
    b.unit("s2-am2", "南闸志愿者协会", "SOCIAL_ORGANIZATION", alliance, resources=["VOLUNTEERS"])
    b.rel("MANAGES", "s2-am1", "s2c1g1b1")
    b.rel("MANAGES", "s2-am1", "s2c1g1b2")
    b.appeal(
        "s2-ap1",
        "水管爆裂",
        "FACILITIES",
        "HOTLINE",
        "s2c1g1b1",
        [
            (_t("02", 9), "REPORTED", "s2c1g1b1-h"),
            (_t("02", 10), "ACCEPTED", "s2c1g1-po"),
            (_t("03", 9), "ASSIGNED", "s2c1g1-po"),
            (_t("06", 9), "RESOLVED", "s2-am1"),
            (_t("07", 9), "RESOLVED", "s2c1g1b1-h"),
            (_t("07", 10), "ASSIGNED", "s2c1g1b1-h"),
        ],
        raised_by="s2c1g1b1-h",
        handler="s2-am1",
        since="2026-03-03",
        reported_on="2026-03-02",
        accepted_on="2026-03-02",
        due="2026-03-12",
        satisfaction="UNSATISFIED",
    )
    b.appeal(
        "s2-ap2",
        "社区活动建议",
        "OTHER",
        "VANGUARD_VISIT",
        "s2c2",
        [
            (_t("04", 9), "REPORTED", "s2c2g1b1-m"),
            (_t("04", 10), "ACCEPTED", "s2c2-po"),
            (_t("05", 9), "ASSIGNED", "s2c2-po"),
            (_t("09", 9), "RESOLVED", "s2-al"),
            (_t("12", 9), "CLOSED", "s2c2-po"),
        ],
        raised_by="s2c2g1b1-m",
        handler="s2-al",
        since="2026-03-05",
        reported_on="2026-03-04",
        accepted_on="2026-03-04",
        resolved_on="2026-03-09",
        closed_on="2026-03-12",
        due="2026-03-19",
    )
    b.roundtable(
        "s2-act1", "观西社区物业服务协商会", "2026-03-10", "s2c1-po", "s2c1", ["s2-ap1"], ["s2c1g1b1-m", "s2-am1"]
    )
    b.guidance_station("s2-gs", "南闸街道基层党建工作指导站", "s2")
    b.worker("s2-w1", "黄磊", "GRID_WORKER", "s2c1g1", full_time=True)
    b.worker("s2-w2", "沈丽", "INSTRUCTOR", "s2c1", full_time=False, station="s2-gs")
    b.rel("GUIDES", "s2-w2", "s2c1-po")
    b.rel("GUIDES", "s2-w2", "s2c1g1-po")

    nanzha_work(b)


def chengjiang_workers(b: CityBuilder) -> None:
    """澄江's guidance station and workers (see the module's docstring)."""
    b.guidance_station("gs1", "澄江街道基层党建工作指导站", "st1")
    b.worker("w-g1", "陈静", "GRID_WORKER", "g1", full_time=True, phone="13912345678", since="2022-05-01")
    b.rel("IS_MEMBER", "w-g1", "pm2")
    b.worker("w-b1", "刘德华", "BUILDING_HEAD", "b1", full_time=False)
    b.worker("w-i1", "吴敏", "INSTRUCTOR", "st1", full_time=True, station="gs1")
    for org in ("org-c1", "org-g1", "org-am"):
        b.rel("GUIDES", "w-i1", org, since="2024-09-01")


def nanzha_work(b: CityBuilder) -> None:
    """南闸's monthly work (see the module's docstring): in-service members, monthly contact,
    volunteer service, a secretary project and the points earned."""
    unit_branch = b.organization("s2-am1-po", "南闸物业公司党支部", "UNIT_BRANCH", "s2-po")
    b.rel("BRANCH_OF", unit_branch, "s2-am1")
    outside = b.organization("s2-ext-po", "无锡华新科技有限公司党支部", "UNIT_BRANCH", external=True)
    b.member("s2c1g1b1-w", "陈刚", "IN_SERVICE", "s2c1g1b1-h", unit_branch)
    b.rel("REPORTED_TO", "s2c1g1b1-w", "s2c1", since="2025-06-01")
    b.member("s2c2g1b1-w", "林静", "IN_SERVICE", "s2c2g1b1-h", outside)
    vanguard, others = "s2c1g1b1-m", ("s2c1g1b2-m", "s2c1g2b1-m")
    b.activity(
        "s2-mc1", "观西9月党员联系活动", "MONTHLY_CONTACT", "2026-09-08", vanguard, "s2c1g1b1", [vanguard, others[0]]
    )
    b.activity(
        "s2-mc2", "观西10月党员联系活动", "MONTHLY_CONTACT", "2026-10-09", vanguard, "s2c1g1b1", [vanguard, others[1]]
    )
    b.activity(
        "s2-vs1",
        "观西垃圾分类志愿服务",
        "VOLUNTEER_SERVICE",
        "2026-09-20",
        "s2c1-po",
        "s2c1",
        ["s2c1g1b1-w"],
        ["s2c1g2b1-h", "s2c1g2b2-h"],
    )
    b.project(
        "s2-sp1",
        "观西停车治理书记项目",
        "PARKING",
        "s2c1-po",
        "s2c1",
        [others[0]],
        stage="IN_PROGRESS",
        proposed_on="2026-06-01",
        led_on="2026-06-15",
        started_on="2026-07-01",
    )
    b.activity(
        "s2-spe1",
        "观西停车治理议事会",
        "SECRETARY_PROJECT_EVENT",
        "2026-09-15",
        "s2c1-po",
        "s2c1g1",
        [others[0]],
        ["s2c1g1b2-h"],
        advances="s2-sp1",
    )
    for member, source, points, on, reason in (
        (vanguard, "s2-mc1", 2, "2026-09-08", "参加月联"),
        (others[0], "s2-mc1", 2, "2026-09-08", "参加月联"),
        (vanguard, "s2-mc2", 2, "2026-10-09", "参加月联"),
        (others[1], "s2-mc2", 2, "2026-10-09", "参加月联"),
        ("s2c1g1b1-w", "s2-vs1", 5, "2026-09-20", "参加志愿服务"),
        (others[0], "s2-spe1", 4, "2026-09-15", "参加书记项目活动"),
        (others[0], "s2-sp1", 20, "2026-06-15", "领办书记项目"),
    ):
        b.earned(member, source, points, on, reason)


def build(*streets: Callable[[CityBuilder], None]) -> City:
    """A city of the given streets (``chengjiang``, ``nanzha``, or a test's own)."""
    b = CityBuilder()
    for street in streets:
        street(b)
    return b.build()


CITY = build(chengjiang, nanzha)
"""The shared city: both streets."""

EAST = build(chengjiang)
"""澄江街道 alone."""


def without_appeals(batch: WriteBatch) -> WriteBatch:
    """``batch`` without its appeals and activities (and their relationships): for tests that
    store appeals of their own and count exactly those."""
    kept = [n for n in batch.nodes if n.label not in ("Appeal", "Activity")]
    ids = {n.id for n in kept}
    rels = [r for r in batch.relationships if r.start in ids and r.end in ids]
    return WriteBatch(nodes=kept, relationships=rels)
