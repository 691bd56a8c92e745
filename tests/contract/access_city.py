"""A small city with two of every area level, for the access tests, and an oracle of what
each role may see in it, computed from the city's own lists (independently of the stores).

Streets s1, s2; each has communities c{s}{c}; each community grids g{s}{c}{g}; each grid
buildings b{...}{b}; each building households h{...}{h}, with one resident member m{...}{h}.
Every area is governed by an organization o-<area id> (REPORTS_TO following PART_OF).  The
vanguard m11111 links members and households of its grid g111 and one household of g112; it
runs station vs1 in building b1111 and visited h11112.  Alliance al1 (joined by am1, am2)
serves c11 and s1; al2 (joined by am3) serves c21.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graph_schema import WITHIN_VIA, Label, Node, Relationship
from graph_schema.roles import Role

N, R = Node, Relationship


@dataclass(frozen=True)
class City:
    nodes: list[Node]
    rels: list[Relationship]

    @property
    def labels(self) -> dict[str, str]:
        return {n.id: n.label for n in self.nodes}

    def parent(self, node_id: str) -> str | None:
        return next((r.end for r in self.rels if r.type == "PART_OF" and r.start == node_id), None)

    def ancestors(self, node_id: str) -> list[str]:
        out, current = [], self.parent(node_id)
        while current is not None:
            out.append(current)
            current = self.parent(current)
        return out

    def subtree(self, root: str) -> set[str]:
        """The root's PART_OF closure plus what WITHIN_VIA attaches to it."""
        closure = {root}
        changed = True
        while changed:
            changed = False
            for r in self.rels:
                if r.type == "PART_OF" and r.end in closure and r.start not in closure:
                    closure.add(r.start)
                    changed = True
        labels = self.labels
        inside = set(closure)
        for r in self.rels:
            via = WITHIN_VIA.get(Label(labels[r.start]))
            if via is not None and r.type == via.value and r.end in closure:
                inside.add(r.start)
        return inside

    def out(self, node_id: str, rtype: str) -> list[str]:
        return [r.end for r in self.rels if r.type == rtype and r.start == node_id]

    def visible(self, role: Role, scope: str | None) -> tuple[set[str], set[str]]:
        """(ids whose records a viewer sees, ids it sees by name only)."""
        everything = {n.id for n in self.nodes}
        if role is Role.ADMIN or scope is None:
            return everything, set()
        if role is Role.VANGUARD:
            stations = self.out(scope, "RUNS")
            seen = {scope, *self.out(scope, "LINKS"), *stations}
            for s in stations:
                seen.update(self.out(s, "LOCATED_IN"))
            return seen, set()
        if role is Role.ALLIANCE_UNIT:
            alliances = self.out(scope, "JOINED")
            served = {a for al in alliances for a in self.out(al, "SERVES")}
            return {scope, *alliances}, served
        return self.subtree(scope), set(self.ancestors(scope))


def _areas() -> Iterator[tuple[str, str, str | None]]:
    for s in (1, 2):
        yield "Street", f"s{s}", None
        for c in (1, 2):
            yield "Community", f"c{s}{c}", f"s{s}"
            for g in (1, 2):
                yield "Grid", f"g{s}{c}{g}", f"c{s}{c}"
                for b in (1, 2):
                    yield "Building", f"b{s}{c}{g}{b}", f"g{s}{c}{g}"


_NAMES = {"Street": "街道", "Community": "社区", "Grid": "网格", "Building": "楼"}
_LEVEL = {
    "Street": "STREET_COMMITTEE",
    "Community": "COMMUNITY_COMMITTEE",
    "Grid": "GRID_BRANCH",
    "Building": "BUILDING_GROUP",
}


def build_city() -> City:
    nodes: list[Node] = []
    rels: list[Relationship] = []
    for label, area, parent in _areas():
        props: dict[str, object] = {"name": f"{area}{_NAMES[label]}"}
        if label == "Building":
            props |= {"kind": "BUILDING", "address": f"{area}路1号"}
        nodes.append(N(label, area, props))
        nodes.append(N("PartyOrganization", f"o-{area}", {"name": f"{area}党组织", "level": _LEVEL[label]}))
        rels.append(R("GOVERNS", f"o-{area}", area))
        if parent is not None:
            rels.append(R("PART_OF", area, parent))
            rels.append(R("REPORTS_TO", f"o-{area}", f"o-{parent}"))
        if label == "Building":
            for h in (1, 2):
                hid, mid = f"h{area[1:]}{h}", f"m{area[1:]}{h}"
                nodes.append(
                    N(
                        "Household",
                        hid,
                        {
                            "name": f"{hid}户",
                            "size": 2,
                            "tags": ["LOW_INCOME", "FLOATING"] if h == 1 else [],
                            "head_name": "张三丰",
                            "phone": "13812341234",
                            "address": f"{area}路1号{h}01室",
                        },
                    )
                )
                nodes.append(
                    N(
                        "PartyMember",
                        mid,
                        {
                            "name": f"王{hid}",
                            "kind": "RESIDENT",
                            "vanguard": mid == "m11111",
                            "phone": "13912345678",
                            "gender": "M",
                            "birth_year": 1970,
                        },
                    )
                )
                rels += [R("PART_OF", hid, area), R("LIVES_IN", mid, hid), R("MEMBER_OF", mid, f"o-g{area[1:4]}")]
    nodes += [
        N("VanguardStation", "vs1", {"name": "先锋驿站一"}),
        N("VanguardStation", "vs2", {"name": "先锋驿站二"}),
        N("Alliance", "al1", {"name": "联盟一", "theme": "物业"}),
        N("Alliance", "al2", {"name": "联盟二"}),
        N("AllianceMember", "am1", {"name": "单位一", "kind": "ENTERPRISE", "resources": ["FUNDING"]}),
        N("AllianceMember", "am2", {"name": "单位二", "kind": "PROPERTY_COMPANY"}),
        N("AllianceMember", "am3", {"name": "单位三", "kind": "ENTERPRISE"}),
    ]
    rels += [
        R("RUNS", "m11111", "vs1"),
        R("LOCATED_IN", "vs1", "b1111"),
        R("LOCATED_IN", "vs2", "b2111"),
        R("LINKS", "m11111", "m11112", {"since": "2024-01-01"}),
        R("LINKS", "m11111", "m11121"),
        R("LINKS", "m11111", "h11112"),
        R("LINKS", "m11111", "h11121"),
        R("LINKS", "m11111", "h11211"),  # a household of the neighbouring grid g112
        R("VISITED", "m11111", "h11112", {"on": "2024-03-05"}),
        R("REPORTED_TO", "m11112", "c11", {"since": "2023-01-01"}),
        R("SITS_ON", "m11111", "o-c11"),
        R("LED_BY", "al1", "o-c11"),
        R("LED_BY", "al2", "o-c21"),
        R("SERVES", "al1", "c11"),
        R("SERVES", "al1", "s1"),
        R("SERVES", "al2", "c21"),
        R("JOINED", "am1", "al1", {"since": "2023-01-01"}),
        R("JOINED", "am2", "al1"),
        R("JOINED", "am3", "al2"),
        R("MANAGES", "am2", "b1111"),
        R("BRANCH_OF", "o-b2222", "am3"),
    ]
    return City(nodes, rels)


VIEWERS: dict[Role, str | None] = {
    Role.ADMIN: None,
    Role.CITY: "s1",
    Role.STREET: "s2",
    Role.COMMUNITY: "c11",
    Role.GRID_WORKER: "g111",
    Role.VANGUARD: "m11111",
    Role.ALLIANCE_UNIT: "am1",
    Role.ANALYST: "c12",
}
"""The node each role is bound to in the matrix."""
