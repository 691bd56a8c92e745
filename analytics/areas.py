"""The area index: where every household and member sits in the governance network (一张网).

``AreaIndex.build(G)`` walks the PART_OF tree once, top-down from the buildings' incoming
PART_OF relationships (no per-household path search), and answers in O(1) or O(size of the
answer): a household's building, grid, community and street; the households and members
under an area; households per area; and the area algebra the reach analysis needs
(antichains of areas and their household counts).

Definitions (docs/design.md "Analytics definitions"):

- an area's households are the Household nodes under it through PART_OF; the city's
  households are all Household nodes, including any that sit in no building;
- an area's members are the PartyMember nodes that LIVE_IN one of its households; the
  city's members are all PartyMember nodes, including any without a residence.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from analytics._common import CITY, JsonResult, node_data, nodes_by_label, pred, succ
from graph_schema import Label, NotFoundError, RelType

_PART_OF = RelType.PART_OF.value
_LIVES_IN = RelType.LIVES_IN.value
_HOUSEHOLD = Label.HOUSEHOLD.value
_MEMBER = Label.PARTY_MEMBER.value
_AREA_ORDER: tuple[str, ...] = (Label.STREET.value, Label.COMMUNITY.value, Label.GRID.value, Label.BUILDING.value)
"""Area labels from the top down; the city sits above ``Street``."""


@dataclass(frozen=True, slots=True)
class AreaPath(JsonResult):
    """The areas above a household (or an area): None where the chain has no such level."""

    building: str | None = None
    grid: str | None = None
    community: str | None = None
    street: str | None = None


def level_below(label: str) -> str | None:
    """The area label one level down (``City`` → ``Street`` … ``Grid`` → ``Building``), or None.

    >>> level_below("City"), level_below("Grid"), level_below("Building")
    ('Street', 'Building', None)
    """
    if label == CITY:
        return _AREA_ORDER[0]
    if label in _AREA_ORDER:
        i = _AREA_ORDER.index(label)
        return _AREA_ORDER[i + 1] if i + 1 < len(_AREA_ORDER) else None
    return None


def is_below(label: str, upper: str) -> bool:
    """Whether area label ``label`` lies strictly below ``upper`` (``City`` is above all)."""
    if label not in _AREA_ORDER:
        return False
    return upper == CITY or (upper in _AREA_ORDER and _AREA_ORDER.index(label) > _AREA_ORDER.index(upper))


def breakdown_level(label: str, by: str | None, breakdown: bool = True) -> str | None:
    """The area label a report on a ``label`` area breaks down by: ``by``, or one level down
    when ``by`` is None; None without a breakdown.  ``ValueError`` when ``by`` is not below.

    >>> breakdown_level("Community", None), breakdown_level("City", "Grid"), breakdown_level("Grid", "Grid", False)
    ('Grid', 'Grid', None)
    """
    if not breakdown:
        return None
    if by is None:
        return level_below(label)
    if not is_below(by, label):
        raise ValueError(f"cannot break a {label} down by {by!r}: choose an area label below it")
    return by


AreaPart = Literal["households", "members"]
"""The parts of an :class:`AreaIndex` read on first use: ``households`` (the households PART_OF
each building, the counts) and ``members`` (every member's home; it reads ``households`` first)."""

AREA_PARTS: tuple[AreaPart, ...] = ("households", "members")


class AreaIndex:
    """Households, members and areas of one projection, indexed once.

    Build with :meth:`build`; the index is a snapshot, rebuild it after the graph changes.
    Every analysis takes an optional ``index=`` so that a caller running several of them on
    one graph builds it once.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> idx = AreaIndex.build(tiny_city())
    >>> idx.path("h3")
    AreaPath(building='b2', grid='g1', community='c1', street='st1')
    >>> idx.household_count(), idx.household_count("g1"), idx.households("b1")
    (8, 3, ['h1', 'h2'])
    >>> sorted(idx.members("g1"))
    ['m1', 'm3', 'v1']
    >>> idx.children(None), idx.children("c1")
    (['st1'], ['g1', 'g2'])
    """

    __slots__ = (
        "_ancestors",
        "_areas_by_label",
        "_building_of",
        "_building_rank",
        "_buildings_under",
        "_children",
        "_count",
        "_households",
        "_households_of_building",
        "_into",
        "_label",
        "_lock",
        "_lone_buildings",
        "_lone_homes",
        "_member_building",
        "_members",
        "_members_of_building",
        "_name",
        "_nodes",
        "_out",
        "_placed",
        "_resided",
        "_residence",
        "_unplaced_members",
        "nodes_by_label",
    )

    def __init__(self) -> None:
        self._label: dict[str, str] = {}
        self._name: dict[str, str | None] = {}
        self._areas_by_label: dict[str, list[str]] = {label: [] for label in _AREA_ORDER}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._children: dict[str | None, list[str]] = {None: []}
        self._buildings_under: dict[str, list[str]] = {}
        self._building_rank: dict[str, int] = {}
        self._households: list[str] = []
        self._members: list[str] = []
        self._nodes: Mapping[str, Mapping[str, Any]] = {}
        self._out: Mapping[str, Mapping[str, Mapping[Any, Any]]] = {}
        self._into: Mapping[str, Mapping[str, Mapping[Any, Any]]] = {}
        self.nodes_by_label: dict[str, list[str]] = {}
        """The projection's node ids grouped by label, in graph order (read by :meth:`build`; the
        monthly work's node scan reuses it)."""
        self._lock = threading.Lock()
        # the households part (read on first use): which households sit in which building
        self._placed = False
        self._households_of_building: dict[str, list[str]] = {}
        self._building_of: dict[str, str] = {}
        self._count: dict[str, int] = {}
        # the members part (read on first use): where every member lives
        self._resided = False
        self._residence: dict[str, str] = {}
        self._members_of_building: dict[str, list[str]] = {}
        self._member_building: dict[str, str] = {}
        self._unplaced_members: int = 0
        # single households' buildings and members' homes looked up before their part is read
        self._lone_buildings: dict[str, str | None] = {}
        self._lone_homes: dict[str, str | None] = {}

    # --- construction ------------------------------------------------------------------
    @classmethod
    def build(cls, G: Any) -> AreaIndex:
        """Index the projection ``G``: its areas now, its households and members on first use.

        Building reads the nodes' labels once and the areas' PART_OF (the tree of areas,
        enough for labels, names, ancestors, children, buildings and ``within``).  The
        households under each building (for counts and household lists) and the members'
        homes (for member lists) are each read in one pass the first time they are asked
        for; one household's building or one member's home is looked up from its own
        relationships until then.  The answers are the same either way.

        A household whose PART_OF is missing (or does not lead to a Building) belongs to
        the city only.  A PART_OF chain that skips a level simply has None there.
        """
        self = cls()
        self._nodes = nodes = node_data(G)
        self._out, self._into = out, _ = succ(G), pred(G)
        self.nodes_by_label = by_label = nodes_by_label(G)
        parent: dict[str, str] = {}
        for label in _AREA_ORDER:
            for area in by_label.get(label, ()):
                self._label[area] = label
                self._areas_by_label[label].append(area)
                data = nodes[area]
                self._name[area] = None if data.get("name") is None else str(data["name"])
        for area in self._label:
            for target, keys in out[area].items():
                if _PART_OF in keys and target in self._label and target != area:
                    parent[area] = target
                    break
        for area in self._label:
            chain: list[str] = []
            seen = {area}
            up = parent.get(area)
            while up is not None and up not in seen:
                chain.append(up)
                seen.add(up)
                up = parent.get(up)
            self._ancestors[area] = tuple(chain)
            self._children.setdefault(parent.get(area), []).append(area)
            self._buildings_under[area] = []
        self._children[None] = [a for a in self._areas_by_label[Label.STREET.value] if a not in parent]
        for kids in self._children.values():
            kids.sort()
        for rank, b in enumerate(self._areas_by_label[Label.BUILDING.value]):
            self._building_rank[b] = rank
            for a in (b, *self._ancestors[b]):
                self._buildings_under[a].append(b)
        self._households = list(by_label.get(Label.HOUSEHOLD.value, ()))
        self._members = list(by_label.get(Label.PARTY_MEMBER.value, ()))
        return self

    def ensure(self, *parts: AreaPart) -> AreaIndex:
        """Read ``parts`` now (both when none is named), e.g. on a worker thread; returns the index.

        >>> from analytics.projection import tiny_city
        >>> AreaIndex.build(tiny_city()).ensure().built
        ('households', 'members')
        """
        for part in parts or AREA_PARTS:
            if part not in AREA_PARTS:
                raise ValueError(f"an area index reads {', '.join(AREA_PARTS)}, not {part!r}")
            (self._place if part == "households" else self._reside)()
        return self

    @property
    def built(self) -> tuple[AreaPart, ...]:
        """The parts read so far (the tree of areas is read by :meth:`build`)."""
        return tuple(p for p, done in zip(AREA_PARTS, (self._placed, self._resided), strict=True) if done)

    def _place(self) -> None:
        """Read the households part: the households under each building, and the counts."""
        if self._placed:
            return
        with self._lock:
            if self._placed:
                return
            into = self._into
            is_household = set(self._households)
            hob: dict[str, list[str]] = {}
            listed = 0
            for b in self._areas_by_label[Label.BUILDING.value]:
                hob[b] = hs = [h for h, keys in into[b].items() if _PART_OF in keys and h in is_household]
                listed += len(hs)
            building_of = {h: b for b, hs in hob.items() for h in hs}
            if len(building_of) != listed:  # a household PART_OF two buildings (invalid) counts in the first
                building_of = {}
                for b, hs in hob.items():
                    for h in hs:
                        building_of.setdefault(h, b)
                for b, hs in hob.items():
                    hob[b] = [h for h in hs if building_of[h] == b]
            count = dict.fromkeys(self._label, 0)
            count.update(self.rollup({b: len(hs) for b, hs in hob.items()}))
            self._households_of_building, self._building_of, self._count = hob, building_of, count
            self._placed = True

    def _reside(self) -> None:
        """Read the members part: every member's home, and the members of each building."""
        if self._resided:
            return
        self._place()
        with self._lock:
            if self._resided:
                return
            out, building_of = self._out, self._building_of
            is_household = set(self._households)
            residence: dict[str, str] = {}
            member_building: dict[str, str] = {}
            mob: dict[str, list[str]] = {}
            unplaced = 0
            for m in self._members:
                for target, keys in out[m].items():
                    if _LIVES_IN in keys and target in is_household:
                        residence[m] = target
                        home = building_of.get(target)
                        if home is None:
                            unplaced += 1
                        else:
                            member_building[m] = home
                            mob.setdefault(home, []).append(m)
                        break
            self._residence, self._member_building, self._members_of_building = residence, member_building, mob
            self._unplaced_members = unplaced
            self._resided = True

    def _is_household(self, node: str) -> bool:
        data = self._nodes.get(node)
        return data is not None and data.get("label") == _HOUSEHOLD

    def _lone_building(self, household: str) -> str | None:
        """One household's building from its own PART_OF (the first building, in graph order, of several)."""
        if household in self._lone_buildings:
            return self._lone_buildings[household]
        if len(self._lone_buildings) > len(self._households) // 8:
            # many households asked for one by one (2-3x the part's cost each): read the part
            self._place()
            return self._building_of.get(household)
        found: str | None = None
        if self._is_household(household):
            rank = self._building_rank
            for target, keys in self._out.get(household, {}).items():
                if _PART_OF in keys and target in rank and (found is None or rank[target] < rank[found]):
                    found = target
        self._lone_buildings[household] = found
        return found

    def _lone_residence(self, member: str) -> str | None:
        """One member's home from their own LIVES_IN (the first household they live in)."""
        if member in self._lone_homes:
            return self._lone_homes[member]
        found: str | None = None
        if self._nodes.get(member, {}).get("label") == _MEMBER:
            for target, keys in self._out.get(member, {}).items():
                if _LIVES_IN in keys and self._is_household(target):
                    found = target
                    break
        self._lone_homes[member] = found
        return found

    # --- lookups -----------------------------------------------------------------------
    def label(self, area: str) -> str | None:
        """The label of an area node (``Street`` … ``Building``), None when not an area."""
        return self._label.get(area)

    def name(self, area: str | None) -> str | None:
        """The ``name`` of an area (None for the city or when unnamed)."""
        return None if area is None else self._name.get(area)

    def check(self, area: str | None) -> str:
        """The label of ``area`` (``City`` for None); raises ``NotFoundError``/``ValueError`` otherwise."""
        if area is None:
            return CITY
        label = self._label.get(area)
        if label is None:
            raise NotFoundError(f"{area!r} is not an area (Street, Community, Grid or Building) of this graph")
        return label

    def areas(self, label: str) -> list[str]:
        """All areas of ``label``, in graph order."""
        return list(self._areas_by_label.get(label, ()))

    def ancestors(self, area: str) -> tuple[str, ...]:
        """The PART_OF chain above an area, nearest first."""
        return self._ancestors.get(area, ())

    def within(self, node: str, area: str | None) -> bool:
        """Whether area ``node`` is ``area`` or lies under it (everything lies within the city)."""
        return area is None or node == area or area in self._ancestors.get(node, ())

    def children(self, area: str | None) -> list[str]:
        """The areas directly under ``area`` (for the city: the streets), sorted by id."""
        return list(self._children.get(area, ()))

    def areas_under(self, area: str | None, label: str) -> list[str]:
        """The areas of ``label`` that are ``area`` or lie under it, sorted by id."""
        if area is None:
            return sorted(self._areas_by_label.get(label, ()))
        return sorted(a for a in self._areas_by_label.get(label, ()) if a == area or area in self._ancestors[a])

    def path(self, node: str) -> AreaPath:
        """The building, grid, community and street above a household or an area."""
        start = node if node in self._label else (self.building_of(node) or node)
        if start not in self._label:
            return AreaPath()
        slots: dict[str, str] = {}
        for a in (start, *self._ancestors[start]):
            slots.setdefault(self._label[a].lower(), a)
        return AreaPath(slots.get("building"), slots.get("grid"), slots.get("community"), slots.get("street"))

    def building_of(self, household: str) -> str | None:
        """The household's building (None when it has none)."""
        if self._placed:
            return self._building_of.get(household)
        return self._lone_building(household)

    def residence(self, member: str) -> str | None:
        """The household a party member LIVES_IN (None when unknown)."""
        if self._resided:
            return self._residence.get(member)
        return self._lone_residence(member)

    def member_building(self, member: str) -> str | None:
        """The building of the household a party member LIVES_IN (None when unknown)."""
        if self._resided:
            return self._member_building.get(member)
        home = self._lone_residence(member)
        return None if home is None else self.building_of(home)

    def buildings(self, area: str | None = None) -> list[str]:
        """The buildings under ``area`` (all buildings for the city)."""
        if area is None:
            return list(self._areas_by_label[Label.BUILDING.value])
        return list(self._buildings_under.get(area, ()))

    def households(self, area: str | None = None) -> list[str]:
        """The households under ``area`` (all households for the city)."""
        if area is None:
            return list(self._households)
        self._place()
        hob = self._households_of_building
        return [h for b in self._buildings_under.get(area, ()) for h in hob[b]]

    def households_of_building(self, building: str) -> list[str]:
        """The households PART_OF a building."""
        self._place()
        return list(self._households_of_building.get(building, ()))

    def household_count(self, area: str | None = None) -> int:
        """How many households are under ``area`` (all for the city)."""
        if area is None:
            return len(self._households)
        self._place()
        return self._count.get(area, 0)

    def members(self, area: str | None = None) -> list[str]:
        """Party members living in ``area`` (all PartyMember nodes for the city)."""
        if area is None:
            return list(self._members)
        self._reside()
        mob = self._members_of_building
        return [m for b in self._buildings_under.get(area, ()) for m in mob.get(b, ())]

    # --- aggregation -------------------------------------------------------------------
    def rollup(self, per_building: Mapping[str, int]) -> dict[str, int]:
        """Sum per-building counts into every area above them (buildings included).

        >>> from analytics.projection import tiny_city
        >>> idx = AreaIndex.build(tiny_city())
        >>> r = idx.rollup({"b1": 2, "b3": 1})
        >>> r["b1"], r["g1"], r["g2"], r["c1"], r["st1"], r.get("c2", 0)
        (2, 2, 1, 3, 3, 0)
        """
        out: dict[str, int] = {}
        for b, n in per_building.items():
            if b not in self._label:
                continue
            out[b] = out.get(b, 0) + n
            for a in self._ancestors[b]:
                out[a] = out.get(a, 0) + n
        return out

    def count_by_building(self, households: Iterable[str]) -> dict[str, int]:
        """How many of ``households`` sit in each building (households without one are skipped)."""
        counts: dict[str, int] = {}
        self._place()
        bo = self._building_of
        for h in households:
            b = bo.get(h)
            if b is not None:
                counts[b] = counts.get(b, 0) + 1
        return counts

    # --- area algebra (reach) ----------------------------------------------------------
    def antichain(self, areas: Iterable[str]) -> frozenset[str]:
        """The areas among ``areas`` that lie under no other of them (non-areas dropped).

        Their households are disjoint, so the households under the union of ``areas`` are
        the sum of :meth:`household_count` over the antichain.

        >>> from analytics.projection import tiny_city
        >>> sorted(AreaIndex.build(tiny_city()).antichain(["b1", "g1", "c2", "b4", "nope"]))
        ['c2', 'g1']
        """
        pool = {a for a in areas if a in self._label}
        return frozenset(a for a in pool if not any(up in pool for up in self._ancestors[a]))

    def count_within(self, antichain: Iterable[str], area: str | None) -> int:
        """Households under both the union of ``antichain`` and ``area``."""
        self._place()
        if area is None:
            return sum(self._count[a] for a in antichain)
        total = 0
        above = self._ancestors.get(area, ())
        for a in antichain:
            if a == area or a in above:
                return self._count[area]  # one member of an antichain contains area: nothing else meets it
            if area in self._ancestors[a]:
                total += self._count[a]
        return total

    def meet(self, first: frozenset[str], second: frozenset[str]) -> frozenset[str]:
        """The antichain covering exactly the households under both unions (arguments are antichains).

        >>> from analytics.projection import tiny_city
        >>> idx = AreaIndex.build(tiny_city())
        >>> sorted(idx.meet(frozenset({"c1", "b4"}), frozenset({"g1", "g3"})))
        ['b4', 'g1']
        """
        out = [a for a in first if a in second or any(up in second for up in self._ancestors[a])]
        out += [b for b in second if b not in first and any(up in first for up in self._ancestors[b])]
        return frozenset(out)

    def buildings_in(self, antichain: Iterable[str]) -> set[str]:
        """The buildings under the union of the areas in ``antichain``."""
        out: set[str] = set()
        for a in antichain:
            out.update(self._buildings_under.get(a, ()))
        return out
