"""Alliance resource reach: which households the alliance member units can bring resources to.

Definitions (docs/design.md "Analytics definitions", made exact here):

- A unit (AllianceMember) *reaches* a household when the unit JOINED an alliance that
  SERVES an area containing the household (through PART_OF), or the unit MANAGES the
  household's building.  Reach is about the graph's structure only; ``since`` dates are not
  considered.
- A resource kind reaches a household when some unit whose ``resources`` list the kind
  reaches it.
- Reach in an area counts the area's households only.  Households in no building are never
  reached (they still count in the city's total).

How it is computed: a unit's reach is the *antichain* of the areas it reaches (the served
areas and managed buildings, minus those lying under another of them), so its household
count is a sum over a handful of areas instead of a set of households
(:meth:`analytics.areas.AreaIndex.antichain`).  Unions, intersections and per-area counts
work on antichains too.  The greedy expansion works at building granularity, each building
weighted by its household count (docs/design.md: 60x fewer pairs than households).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from analytics._common import (
    JsonResult,
    name_of,
    node_data,
    nodes_by_label,
    rate,
    require_area,
    string_list,
    succ,
)
from analytics.areas import AreaIndex, breakdown_level
from analytics.greedy import GreedyStep, lazy_greedy, naive_greedy
from graph_schema import Label, RelType, ResourceKind

_JOINED = RelType.JOINED.value
_SERVES = RelType.SERVES.value
_MANAGES = RelType.MANAGES.value
_UNIT = Label.ALLIANCE_MEMBER.value
_ALLIANCE = Label.ALLIANCE.value
_BUILDING = Label.BUILDING.value


@dataclass(frozen=True, slots=True)
class UnitInfo(JsonResult):
    id: str
    name: str | None
    kind: str | None
    resources: tuple[str, ...]


class ReachModel:
    """Units, alliances and each unit's reach (an antichain of areas), built once per graph.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> G = tiny_city()
    >>> m = ReachModel.build(G, AreaIndex.build(G))
    >>> m.units, m.alliances, sorted(m.atoms["u1"]), sorted(m.atoms["u2"])
    (('u1', 'u2'), ('al1',), ['c1'], ['b4'])
    >>> sorted(m.union(m.offering("FUNDING")))
    ['c1']
    """

    __slots__ = ("alliances", "atoms", "index", "info", "joined", "manages", "members_of", "serves", "units")

    def __init__(self, index: AreaIndex) -> None:
        self.index = index
        self.units: tuple[str, ...] = ()
        self.alliances: tuple[str, ...] = ()
        self.info: dict[str, UnitInfo] = {}
        self.joined: dict[str, frozenset[str]] = {}
        """Unit → alliances it JOINED."""
        self.members_of: dict[str, frozenset[str]] = {}
        """Alliance → units that JOINED it."""
        self.serves: dict[str, frozenset[str]] = {}
        """Alliance → the areas it SERVES."""
        self.manages: dict[str, frozenset[str]] = {}
        """Unit → the buildings it MANAGES."""
        self.atoms: dict[str, frozenset[str]] = {}
        """Unit → antichain of the areas it reaches."""

    @classmethod
    def build(cls, G: Any, index: AreaIndex | None = None) -> ReachModel:
        """Scan units' JOINED/MANAGES and alliances' SERVES relationships."""
        idx = index or AreaIndex.build(G)
        self = cls(idx)
        nodes = node_data(G)
        out = succ(G)
        by_label = nodes_by_label(G)
        self.units = tuple(sorted(by_label.get(_UNIT, ())))
        self.alliances = tuple(sorted(by_label.get(_ALLIANCE, ())))
        alliance_set = set(self.alliances)
        for a in self.alliances:
            self.serves[a] = frozenset(t for t, keys in out[a].items() if _SERVES in keys and idx.label(t) is not None)
        members: dict[str, set[str]] = {a: set() for a in self.alliances}
        for u in self.units:
            data = nodes[u]
            kind = data.get("kind")
            self.info[u] = UnitInfo(
                u, name_of(data), None if kind is None else str(kind), string_list(data.get("resources"))
            )
            joined: list[str] = []
            managed: list[str] = []
            for t, keys in out[u].items():
                if _JOINED in keys and t in alliance_set:
                    joined.append(t)
                    members[t].add(u)
                if _MANAGES in keys and idx.label(t) == _BUILDING:
                    managed.append(t)
            self.joined[u] = frozenset(joined)
            self.manages[u] = frozenset(managed)
            served = [area for a in joined for area in self.serves[a]]
            self.atoms[u] = idx.antichain([*served, *managed])
        self.members_of = {a: frozenset(us) for a, us in members.items()}
        return self

    def offering(self, resource: str | None) -> list[str]:
        """The units whose ``resources`` list ``resource`` (all units for None)."""
        if resource is None:
            return list(self.units)
        return [u for u in self.units if resource in self.info[u].resources]

    def union(self, units: Iterable[str]) -> frozenset[str]:
        """The antichain of the areas reached by any of ``units``."""
        return self.index.antichain(a for u in units for a in self.atoms[u])

    def resource_kinds(self) -> list[str]:
        """Every ``ResourceKind`` of the contract, then any other kind the units list."""
        known = [r.value for r in ResourceKind]
        extra = sorted({r for info in self.info.values() for r in info.resources} - set(known))
        return known + extra


# --- results -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reached(JsonResult):
    """``reached`` out of ``total`` households; ``rate`` None when ``total`` is 0."""

    total: int
    reached: int
    rate: float | None

    @classmethod
    def of(cls, reached: int, total: int) -> Reached:
        return cls(total, reached, rate(reached, total))


@dataclass(frozen=True, slots=True)
class UnitReach(JsonResult):
    id: str
    name: str | None
    kind: str | None
    resources: tuple[str, ...]
    households: int
    """Households of the area the unit reaches."""


@dataclass(frozen=True, slots=True)
class ResourceReach(JsonResult):
    resource: str
    units: int
    """Units offering the resource that reach at least one household of the area."""
    households: Reached


@dataclass(frozen=True, slots=True)
class AreaReach(JsonResult):
    """One breakdown row: households reached by any unit and per resource kind."""

    area: str
    label: str
    name: str | None
    households: Reached
    resources: dict[str, int]


@dataclass(frozen=True, slots=True)
class ReachReport(JsonResult):
    """Reach in an area (None: the city): overall, per unit, per resource kind, per area below.

    JSON: ``{area, label, name, households: {total, reached, rate}, units: [{id, name, kind,
    resources, households}], resources: [{resource, units, households: {total, reached,
    rate}}], by, breakdown: [{area, label, name, households, resources: {kind: n}}]}``.
    """

    area: str | None
    label: str
    name: str | None
    households: Reached
    units: tuple[UnitReach, ...]
    """Units reaching at least one household of the area, most households first."""
    resources: tuple[ResourceReach, ...]
    by: str | None
    breakdown: tuple[AreaReach, ...]


@dataclass(frozen=True, slots=True)
class UnitOverlap(JsonResult):
    first: str
    second: str
    first_households: int
    second_households: int
    both: int
    either: int
    jaccard: float | None


@dataclass(frozen=True, slots=True)
class OverlapReport(JsonResult):
    """Pairwise overlap of the units' reach in an area, most shared households first."""

    area: str | None
    units: tuple[str, ...]
    pairs: tuple[UnitOverlap, ...]


@dataclass(frozen=True, slots=True)
class UnreachedReport(JsonResult):
    """Households of an area reached by no unit (offering ``resource``, when given)."""

    area: str | None
    resource: str | None
    households_total: int
    unreached: int
    buildings: tuple[str, ...]
    """Buildings of the area none of whose households are reached, sorted."""
    households: tuple[str, ...]
    """The unreached households, by building then id (at most ``limit``)."""
    truncated: bool


@dataclass(frozen=True, slots=True)
class Join(JsonResult):
    """A candidate action: ``unit`` JOINs ``alliance`` (and so reaches the areas it serves)."""

    unit: str
    alliance: str


@dataclass(frozen=True, slots=True)
class Serve(JsonResult):
    """A candidate action: ``alliance`` SERVES ``area`` (and so its units reach it)."""

    alliance: str
    area: str


@dataclass(frozen=True, slots=True)
class ExpansionStep(JsonResult):
    action: Literal["JOIN", "SERVE"]
    unit: str | None
    alliance: str
    area: str | None
    gain: int
    """Households newly reached by this step (its marginal gain)."""
    reached: int
    """Households reached after this step."""


@dataclass(frozen=True, slots=True)
class ExpansionPlan(JsonResult):
    area: str | None
    resource: str | None
    k: int
    method: Literal["lazy", "naive"]
    households_total: int
    reached_before: int
    reached_after: int
    candidates: int
    steps: tuple[ExpansionStep, ...]
    why_empty: str | None = None
    """When there are no steps, why: ``NO_UNIT_OFFERS_RESOURCE``, ``ALL_REACHED``,
    ``NO_CANDIDATE_REACHES_MORE`` (or ``K_IS_ZERO``); None when there are steps."""


# --- functions -----------------------------------------------------------------------


def _setup(G: Any, area: str | None, index: AreaIndex | None, model: ReachModel | None) -> tuple[str, ReachModel]:
    label = require_area(node_data(G), area)
    if model is None:
        model = ReachModel.build(G, index)
    return label, model


def reach(
    G: Any,
    area: str | None = None,
    *,
    by: str | None = None,
    breakdown: bool = True,
    index: AreaIndex | None = None,
    model: ReachModel | None = None,
) -> ReachReport:
    """Households reached by the alliance member units: overall, per unit, per resource, per area.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A store projection.
    area : str, optional
        A Street, Community, Grid or Building id; None for the whole city.
    by : str, optional
        The breakdown level (an area label below ``area``); default one level down.
    breakdown : bool
        False skips the per-area rows.
    index, model : optional
        A prebuilt :class:`AreaIndex` / :class:`ReachModel` of ``G``.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> r = reach(tiny_city())
    >>> r.households, [(u.id, u.households) for u in r.units]
    (Reached(total=8, reached=8, rate=1.0), [('u1', 6), ('u2', 2)])
    >>> {x.resource: x.households.reached for x in r.resources if x.units}
    {'FUNDING': 6, 'VOLUNTEERS': 6, 'PROPERTY_SERVICE': 2}
    >>> reach(tiny_city(), "c2", by="Grid").to_dict()["breakdown"][0]["resources"]["PROPERTY_SERVICE"]
    2
    """
    label, m = _setup(G, area, index, model)
    idx = m.index
    level = breakdown_level(label, by, breakdown)
    total = idx.household_count(area)
    everyone = m.union(m.units)
    units: list[UnitReach] = []
    for u in m.units:
        n = idx.count_within(m.atoms[u], area)
        if n:
            info = m.info[u]
            units.append(UnitReach(u, info.name, info.kind, info.resources, n))
    units.sort(key=lambda x: (-x.households, x.id))
    reaching = {x.id for x in units}
    kinds = m.resource_kinds()
    kind_atoms = {kind: m.union(m.offering(kind)) for kind in kinds}
    resources = tuple(
        ResourceReach(
            kind,
            sum(1 for u in m.offering(kind) if u in reaching),
            Reached.of(idx.count_within(kind_atoms[kind], area), total),
        )
        for kind in kinds
    )
    rows: list[AreaReach] = []
    if level is not None:
        for a in idx.areas_under(area, level):
            n_a = idx.household_count(a)
            rows.append(
                AreaReach(
                    a,
                    level,
                    idx.name(a),
                    Reached.of(idx.count_within(everyone, a), n_a),
                    {kind: idx.count_within(kind_atoms[kind], a) for kind in kinds},
                )
            )
    return ReachReport(
        area,
        label,
        idx.name(area),
        Reached.of(idx.count_within(everyone, area), total),
        tuple(units),
        resources,
        level,
        tuple(rows),
    )


def reach_overlap(
    G: Any,
    area: str | None = None,
    *,
    units: Sequence[str] | None = None,
    top: int = 10,
    index: AreaIndex | None = None,
    model: ReachModel | None = None,
) -> OverlapReport:
    """Pairwise overlap (shared households, Jaccard) of units' reach within an area.

    Parameters
    ----------
    units : sequence of str, optional
        The units to compare (e.g. one pair); default the ``top`` units reaching the most
        households of the area (ties by id).

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> reach_overlap(tiny_city()).pairs[0]
    UnitOverlap(first='u1', second='u2', first_households=6, second_households=2, both=0, either=8, jaccard=0.0)
    """
    _, m = _setup(G, area, index, model)
    idx = m.index
    if units is None:
        counts = sorted((-idx.count_within(m.atoms[u], area), u) for u in m.units)
        chosen = [u for n, u in counts[: max(top, 0)] if n < 0]
    else:
        missing = [u for u in units if u not in m.atoms]
        if missing:
            raise ValueError(f"not alliance member units: {missing}")
        chosen = list(dict.fromkeys(units))
    sizes = {u: idx.count_within(m.atoms[u], area) for u in chosen}
    pairs: list[UnitOverlap] = []
    for i, a in enumerate(chosen):
        for b in chosen[i + 1 :]:
            both = idx.count_within(idx.meet(m.atoms[a], m.atoms[b]), area)
            either = sizes[a] + sizes[b] - both
            pairs.append(UnitOverlap(a, b, sizes[a], sizes[b], both, either, rate(both, either)))
    pairs.sort(key=lambda p: (-p.both, p.first, p.second))
    return OverlapReport(area, tuple(chosen), tuple(pairs))


def unreached_households(
    G: Any,
    area: str | None = None,
    *,
    resource: str | None = None,
    limit: int | None = None,
    index: AreaIndex | None = None,
    model: ReachModel | None = None,
) -> UnreachedReport:
    """Households of an area that no unit (offering ``resource``, when given) reaches.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> r = unreached_households(tiny_city(), resource="FUNDING")
    >>> r.unreached, r.buildings, r.households
    (2, ('b4',), ('h6', 'h7'))
    """
    _, m = _setup(G, area, index, model)
    idx = m.index
    reached = idx.buildings_in(m.union(m.offering(resource)))
    buildings = sorted(b for b in idx.buildings(area) if b not in reached)
    households = [h for b in buildings for h in sorted(idx.households_of_building(b))]
    if area is None:
        households += sorted(h for h in idx.households() if idx.building_of(h) is None)
    shown = households if limit is None else households[: max(limit, 0)]
    total = idx.household_count(area)
    return UnreachedReport(
        area,
        resource,
        total,
        len(households),
        tuple(b for b in buildings if idx.household_count(b) > 0),
        tuple(shown),
        len(shown) < len(households),
    )


def expansion_plan(
    G: Any,
    k: int = 5,
    *,
    area: str | None = None,
    resource: str | None = None,
    actions: Sequence[Literal["JOIN", "SERVE"]] = ("JOIN", "SERVE"),
    candidates: Sequence[Join | Serve] | None = None,
    lazy: bool = True,
    index: AreaIndex | None = None,
    model: ReachModel | None = None,
) -> ExpansionPlan:
    """The ``k`` new JOINED or SERVES relationships that would reach the most unreached households.

    The objective is the number of households of ``area`` not reached today (by a unit
    offering ``resource``, when given) that the chosen actions would reach, a weighted
    coverage function over buildings, maximised greedily (lazy greedy, or the naive one with
    ``lazy=False``: same steps).  Each action is valued against today's graph:

    - ``Join(unit, alliance)`` reaches the areas the alliance serves today, when the unit
      offers ``resource`` (any unit when None);
    - ``Serve(alliance, area)`` reaches the area, when the alliance has a member offering
      ``resource`` today (any member when None).

    (A join and a serve that only work together are not combined: that keeps the objective
    submodular, which the greedy needs.)

    Default candidates, one per distinct set of households so that equal options do not
    crowd the answer: for ``JOIN``, each alliance with no member offering the resource;
    for ``SERVE``, each community then each street (by id) with unreached households, with
    the best-placed alliance that has a member offering it and does not serve the area yet
    (one already serving an area in the same street first, then the one with most such
    members, then by id).  The unit of a default ``JOIN`` is named after the greedy: the
    eligible units not yet in the alliance, fewest alliances joined first, then fewest
    households reached, then id, each unit used once per plan while others remain.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> p = expansion_plan(tiny_city(), 2, resource="FUNDING")
    >>> p.reached_before, p.reached_after, [(s.action, s.alliance, s.area, s.gain) for s in p.steps]
    (6, 8, [('SERVE', 'al1', 'c2', 2)])
    >>> expansion_plan(tiny_city(), 2, resource="LEGAL_AID").why_empty
    'NO_UNIT_OFFERS_RESOURCE'
    """
    _, m = _setup(G, area, index, model)
    idx = m.index
    eligible = m.offering(resource)
    eligible_set = set(eligible)
    reached_atoms = m.union(eligible)
    reached_b = idx.buildings_in(reached_atoms)
    weights = {b: idx.household_count(b) for b in idx.buildings(area) if b not in reached_b}
    weights = {b: w for b, w in weights.items() if w > 0}
    before = idx.count_within(reached_atoms, area)
    alliance_ok = {a for a in m.alliances if m.members_of[a] & eligible_set}

    def elements(areas: Iterable[str]) -> frozenset[str]:
        return frozenset(b for b in idx.buildings_in(idx.antichain(areas)) if b in weights)

    options: list[tuple[Literal["JOIN", "SERVE"], str | None, str, str | None]] = []
    sets: list[frozenset[str]] = []
    if candidates is not None:
        for c in candidates:
            if isinstance(c, Join):
                if c.unit not in m.atoms or c.alliance not in m.serves:
                    raise ValueError(f"unknown unit or alliance in {c}")
                options.append(("JOIN", c.unit, c.alliance, None))
                sets.append(elements(m.serves[c.alliance]) if c.unit in eligible_set else frozenset())
            else:
                if c.alliance not in m.serves or idx.label(c.area) is None:
                    raise ValueError(f"unknown alliance or area in {c}")
                options.append(("SERVE", None, c.alliance, c.area))
                sets.append(elements([c.area]) if c.alliance in alliance_ok else frozenset())
    else:
        if "JOIN" in actions and eligible:
            for a in m.alliances:
                if a not in alliance_ok and m.serves[a]:
                    s = elements(m.serves[a])
                    if s:
                        options.append(("JOIN", None, a, None))
                        sets.append(s)
        if "SERVE" in actions and alliance_ok:
            for label in (Label.COMMUNITY.value, Label.STREET.value):
                for x in sorted(idx.areas(label)):
                    s = elements([x])
                    if not s:
                        continue
                    street = x if label == Label.STREET.value else idx.path(x).street
                    choices = [a for a in alliance_ok if x not in m.serves[a]]
                    if not choices:
                        continue

                    def rank(a: str, street: str | None = street) -> tuple[int, int, str]:
                        near = any(street is not None and street in (s2, *idx.ancestors(s2)) for s2 in m.serves[a])
                        return (0 if near else 1, -len(m.members_of[a] & eligible_set), a)

                    options.append(("SERVE", None, min(choices, key=rank), x))
                    sets.append(s)
    greedy = lazy_greedy if lazy else naive_greedy
    picked: tuple[GreedyStep, ...] = greedy(sets, weights, k)
    steps: list[ExpansionStep] = []
    used: set[str] = set()
    order = sorted(eligible, key=lambda u: (len(m.joined[u]), idx.count_within(m.atoms[u], None), u))
    for step in picked:
        action, unit, alliance, target = options[step.candidate]
        if action == "JOIN" and unit is None:
            free = [u for u in order if alliance not in m.joined[u]]
            fresh = [u for u in free if u not in used]
            pool = fresh or free
            if pool:
                unit = pool[0]
                used.add(unit)
        steps.append(ExpansionStep(action, unit, alliance, target, step.gain, before + step.total))
    total = idx.household_count(area)
    why_empty = None
    if not steps:
        if k <= 0:
            why_empty = "K_IS_ZERO"
        elif resource is not None and not eligible:
            why_empty = "NO_UNIT_OFFERS_RESOURCE"
        elif before >= total:
            why_empty = "ALL_REACHED"
        else:
            why_empty = "NO_CANDIDATE_REACHES_MORE"
    return ExpansionPlan(
        area,
        resource,
        k,
        "lazy" if lazy else "naive",
        total,
        before,
        before + (picked[-1].total if picked else 0),
        len(options),
        tuple(steps),
        why_empty,
    )
