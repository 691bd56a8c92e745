"""Coverage plan: assign uncovered households to vanguards with spare capacity (min-cost flow).

Definitions (docs/design.md "Coverage plan", made exact here):

- A vanguard's *capacity* is ``households_norm`` minus the households it LINKS today
  (never below 0), unless given explicitly per vanguard.
- A vanguard may take an uncovered household of its own grid only (its grid is that of
  the household it LIVES_IN), never the household it lives in itself; cost
  ``same_building_cost`` (1) when they share the building, ``same_grid_cost`` (3)
  otherwise.  Households whose building has no grid, and vanguards without a residence,
  take no part.
- The plan is a maximum flow of minimum cost: as many households as capacity allows, then
  as many in the vanguard's own building as possible.

Grids are independent (a vanguard lives in exactly one grid), so there is one flow problem
per grid.  Households of one building are interchangeable in it, so each problem is
source → vanguard (capacity: spare) → building (cost) → sink (capacity: uncovered
households of the building), solved with ``networkx.max_flow_min_cost`` (network simplex
at the maximum flow value); the flow into a
building is then handed out to its households, those with ``tags`` first, then by id.
That keeps a problem at a few vanguards times a few buildings whatever the household count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analytics._common import JsonResult, Ratio, checkpoint, node_data, require_area, string_list
from analytics.areas import AreaIndex
from analytics.coverage import Linkage
from graph_schema.contract import HOUSEHOLDS_NORM, check_norm


@dataclass(frozen=True, slots=True)
class Assignment(JsonResult):
    household: str
    vanguard: str
    building: str
    grid: str
    same_building: bool


@dataclass(frozen=True, slots=True)
class GridPlan(JsonResult):
    """One grid of a plan, over the households of the plan's area in it."""

    grid: str
    name: str | None
    households: int
    covered_before: int
    covered_after: int
    rate_before: float | None
    rate_after: float | None
    assigned: int
    same_building: int
    same_grid: int
    spare_capacity: int
    """Of the vanguards living in the grid, before the plan."""
    left_uncovered: int
    vanguards_needed: int
    """New vanguards (at ``households_norm`` each) it would take to cover what is left."""


@dataclass(frozen=True, slots=True)
class CoveragePlan(JsonResult):
    """The plan for an area (None: the city) and household coverage before and after it."""

    area: str | None
    households_norm: int
    before: Ratio
    after: Ratio
    assigned: int
    same_building: int
    same_grid: int
    cost: int
    capacity: int
    """Spare capacity of the vanguards living in grids with uncovered households of the area."""
    vanguards_used: int
    flow_problems: int
    assignments: tuple[Assignment, ...]
    """Sorted by grid, vanguard, household."""
    unassigned: tuple[str, ...]
    """Uncovered households left without a vanguard, sorted by id."""
    grids: tuple[GridPlan, ...] = ()
    """Per grid with households of the area, by grid id."""
    without_grid: int = 0
    """Uncovered households of the area in no building or in a building of no grid."""


def _solve_grid(
    spare: Mapping[str, int],
    vanguard_building: Mapping[str, str],
    own_home: Mapping[str, str],
    demand: Mapping[str, int],
    near: int,
    far: int,
) -> dict[str, dict[str, int]]:
    """Min-cost max-flow of one grid: vanguard → building → sink, in units of households.

    A vanguard whose own home is among the uncovered households of its building goes to
    the building through a node of that home, capped at the building's households minus
    one: the vanguards sharing that home can never take more than the others.
    """
    D = nx.DiGraph()
    for v, cap in spare.items():
        D.add_edge("s", ("v", v), capacity=cap, weight=0)
        for b, n in demand.items():
            if vanguard_building[v] != b:
                D.add_edge(("v", v), ("b", b), capacity=min(cap, n), weight=far)
            elif v in own_home:
                if n > 1:
                    D.add_edge(("v", v), ("home", own_home[v]), capacity=min(cap, n - 1), weight=near)
                    D.add_edge(("home", own_home[v]), ("b", b), capacity=n - 1, weight=0)
            else:
                D.add_edge(("v", v), ("b", b), capacity=min(cap, n), weight=near)
    for b, n in demand.items():
        D.add_edge(("b", b), "t", capacity=n, weight=0)
    if "s" not in D or "t" not in D:
        return {}
    flow = nx.max_flow_min_cost(D, "s", "t")
    out: dict[str, dict[str, int]] = {}
    for v in spare:
        into: dict[str, int] = {}
        for (kind, target), f in flow[("v", v)].items():
            if f:
                b = vanguard_building[v] if kind == "home" else target
                into[b] = into.get(b, 0) + f
        out[v] = into
    return out


def _hand_out(
    queue: Sequence[str], same: Mapping[str, int], cross: Mapping[str, int], own_home: Mapping[str, str]
) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """Turn the flow into one building into (household, vanguard, same building) triples.

    ``queue`` is the building's uncovered households by priority; ``same`` and ``cross`` the
    flow of its own and of other buildings' vanguards.  The households taken are the first
    of the queue, except the shared home of a group of vanguards who take the whole flow.
    Vanguards sharing an uncovered home are handed out group by group; each group first
    takes the homes of the groups after it (the last group's first), so no group is ever
    left with only its own home (Hall's condition, which the flow's home caps guarantee).
    """
    total = sum(same.values()) + sum(cross.values())
    groups: dict[str, list[str]] = {}
    free: list[str] = []
    for v in sorted(same):
        if same[v] <= 0:
            continue
        if v in own_home:
            groups.setdefault(own_home[v], []).append(v)
        else:
            free.append(v)
    need = {h: sum(same[v] for v in vs) for h, vs in groups.items()}
    excluded = {h for h, n in need.items() if n >= total}
    chosen = [h for h in queue if h not in excluded][:total]
    taken_set = set(chosen)
    left = [h for h in queue if h not in taken_set]
    remaining = list(chosen)
    out: list[tuple[str, str, bool]] = []

    def take(v: str, count: int, forbidden: str | None, prefer: Sequence[str], is_same: bool) -> None:
        pool = [h for h in prefer if h in remaining] + [h for h in remaining if h not in prefer]
        picked = [h for h in pool if h != forbidden][:count]
        for h in picked:
            out.append((h, v, is_same))
            remaining.remove(h)

    order = sorted(groups)
    for i, h0 in enumerate(order):
        later = order[i + 1 :][::-1]
        for v in groups[h0]:
            take(v, same[v], h0, later, True)
    for v in free:
        take(v, same[v], None, (), True)
    for v in sorted(cross):
        take(v, cross[v], None, (), False)
    return out, left + remaining


def coverage_plan(
    G: Any,
    area: str | None = None,
    *,
    households_norm: int = HOUSEHOLDS_NORM,
    capacity: Mapping[str, int] | None = None,
    same_building_cost: int = 1,
    same_grid_cost: int = 3,
    index: AreaIndex | None = None,
    linkage: Linkage | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> CoveragePlan:
    """Assign the uncovered households of an area to vanguards of their grid with spare capacity.

    Parameters
    ----------
    households_norm : int
        N of "1+10+N": a vanguard's capacity is N minus its linked households.
    capacity : mapping, optional
        Vanguard id → capacity, overriding the norm for the vanguards listed.
    same_building_cost, same_grid_cost : int
        Flow costs; same building must be cheaper for "same building first".
    should_stop : callable, optional
        Asked before each grid's flow problem; when it returns True the plan raises
        :class:`analytics.Cancelled`.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> p = coverage_plan(tiny_city(), households_norm=3)
    >>> p.before.covered, p.after.covered, p.unassigned
    (3, 4, ('h1', 'h4', 'h6', 'h7'))
    >>> p.assignments
    (Assignment(household='h8', vanguard='v2', building='b3', grid='g2', same_building=True),)
    >>> [(r.grid, r.covered_before, r.covered_after, r.spare_capacity, r.left_uncovered) for r in p.grids]
    [('g1', 2, 2, 1, 1), ('g2', 1, 2, 2, 1), ('g3', 0, 0, 0, 2)]
    """
    check_norm("households_norm", households_norm)
    nodes = node_data(G)
    require_area(nodes, area)
    idx = index or AreaIndex.build(G)
    link = linkage or Linkage.build(G)
    covered = link.covered_households
    demand: dict[str, dict[str, list[str]]] = {}
    grid_of: dict[str, str | None] = {}
    unassigned: list[str] = []
    total = 0
    covered_before = 0
    per_grid: dict[str, list[int]] = {}  # grid -> [households, covered before]
    without_grid = 0
    for h in idx.households(area):
        total += 1
        b = idx.building_of(h)
        if b is not None and b not in grid_of:
            grid_of[b] = idx.path(b).grid
        g = grid_of.get(b) if b is not None else None
        tally = per_grid.setdefault(g, [0, 0]) if g is not None else None
        if tally is not None:
            tally[0] += 1
        if h in covered:
            covered_before += 1
            if tally is not None:
                tally[1] += 1
            continue
        if b is None or g is None:
            unassigned.append(h)
            without_grid += 1
            continue
        demand.setdefault(g, {}).setdefault(b, []).append(h)
    if area is None:
        total = idx.household_count()
    spare: dict[str, dict[str, int]] = {}
    spare_in: dict[str, int] = {}  # grid -> spare capacity of all its vanguards
    home: dict[str, str] = {}
    own_home: dict[str, str] = {}
    for v in link.vanguards:
        r = idx.residence(v)
        b = idx.building_of(r) if r is not None else None
        if b is None:
            continue
        if b not in grid_of:
            grid_of[b] = idx.path(b).grid
        g = grid_of[b]
        if g is None:
            continue
        cap = capacity.get(v) if capacity is not None and v in capacity else households_norm - len(link.households[v])
        if cap is not None and cap > 0:
            spare_in[g] = spare_in.get(g, 0) + int(cap)
        if g not in demand:
            continue
        if cap is not None and cap > 0:
            spare.setdefault(g, {})[v] = int(cap)
            home[v] = b
            if r is not None and r not in covered:
                own_home[v] = r

    def priority(h: str) -> tuple[int, str]:
        return (0 if string_list(nodes[h].get("tags")) else 1, h)

    assignments: list[Assignment] = []
    problems = 0
    for g in sorted(demand):
        checkpoint(should_stop)
        buildings = demand[g]
        if g not in spare:
            unassigned.extend(h for hs in buildings.values() for h in hs)
            continue
        problems += 1
        counts = {b: len(hs) for b, hs in buildings.items()}
        flow = _solve_grid(spare[g], home, own_home, counts, same_building_cost, same_grid_cost)
        for b, hs in buildings.items():
            same = {v: into[b] for v, into in flow.items() if b in into and home[v] == b}
            cross = {v: into[b] for v, into in flow.items() if b in into and home[v] != b}
            given, left = _hand_out(sorted(hs, key=priority), same, cross, own_home)
            assignments.extend(Assignment(h, v, b, g, is_same) for h, v, is_same in given)
            unassigned.extend(left)
    assignments.sort(key=lambda a: (a.grid, a.vanguard, a.household))
    near = sum(1 for a in assignments if a.same_building)
    capacity_total = sum(c for caps in spare.values() for c in caps.values())
    grid_plans = _grid_plans(idx, per_grid, demand, spare_in, assignments, households_norm)
    return CoveragePlan(
        area=area,
        households_norm=households_norm,
        before=Ratio.of(covered_before if area is not None else len(covered), total),
        after=Ratio.of((covered_before if area is not None else len(covered)) + len(assignments), total),
        assigned=len(assignments),
        same_building=near,
        same_grid=len(assignments) - near,
        cost=near * same_building_cost + (len(assignments) - near) * same_grid_cost,
        capacity=capacity_total,
        vanguards_used=len({a.vanguard for a in assignments}),
        flow_problems=problems,
        assignments=tuple(assignments),
        unassigned=tuple(sorted(unassigned)),
        grids=grid_plans,
        without_grid=without_grid,
    )


def _grid_plans(
    idx: AreaIndex,
    per_grid: Mapping[str, Sequence[int]],
    demand: Mapping[str, Mapping[str, Sequence[str]]],
    spare_in: Mapping[str, int],
    assignments: Sequence[Assignment],
    households_norm: int,
) -> tuple[GridPlan, ...]:
    given: dict[str, list[int]] = {}
    for a in assignments:
        given.setdefault(a.grid, [0, 0])[0 if a.same_building else 1] += 1
    rows = []
    for g in sorted(per_grid):
        households, before = per_grid[g]
        near, far = given.get(g, (0, 0))
        uncovered = sum(len(hs) for hs in demand.get(g, {}).values())
        left = uncovered - near - far
        rows.append(
            GridPlan(
                grid=g,
                name=idx.name(g),
                households=households,
                covered_before=before,
                covered_after=before + near + far,
                rate_before=Ratio.of(before, households).rate,
                rate_after=Ratio.of(before + near + far, households).rate,
                assigned=near + far,
                same_building=near,
                same_grid=far,
                spare_capacity=spare_in.get(g, 0),
                left_uncovered=left,
                vanguards_needed=-(-left // households_norm) if households_norm > 0 else 0,
            )
        )
    return tuple(rows)
