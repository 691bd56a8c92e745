"""What lies behind an area's appeal rates: the monthly trend, the time to resolve, the hot
spots, every handler's performance, the alliance units' measured reach and the roundtables.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from analytics._common import JsonResult, rate
from analytics.appeals.counting import Count, Flags, Satisfied
from analytics.appeals.index import Appeal, HandlerKind
from analytics.areas import AreaIndex
from analytics.reach import ReachModel
from graph_schema import Label

HOT_SPOT_WINDOW_DAYS = 90
"""Repeated appeals of one category in one building count as a hot spot within this many days."""
HOT_SPOT_REPEATS = 3
"""How many appeals of one category in one building within the window make a hot spot (two
happen by chance in a city of thousands of buildings; three rarely do)."""


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` percentile of ``values`` by nearest rank (an observed value); None when empty.

    >>> percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), percentile([4, 12], 0.9), percentile([], 0.5)
    (9, 12, None)
    """
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class MonthAppeals(JsonResult):
    """One month of the trend: the appeals received in it (clipped to the period) and what became of them."""

    month: str
    date_from: str
    date_to: str
    received: int
    responded: Count
    resolved: Count
    on_time: Count
    satisfied: Satisfied


@dataclass(frozen=True, slots=True)
class ResolveTime(JsonResult):
    """Days from report to resolution of the resolved received appeals of one group."""

    group: str
    received: int
    resolved: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True, slots=True)
class HotSpot(JsonResult):
    """A building with repeated appeals of one category within the window."""

    building: str
    name: str | None
    grid: str | None
    community: str | None
    category: str
    appeals: int
    """The most appeals of the category reported within one window."""
    first: str
    last: str
    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HandlerPerformance(JsonResult):
    """What one handler did with the received appeals of the area assigned to it."""

    id: str
    kind: HandlerKind
    name: str | None
    assigned: int
    resolved: Count
    """Rate over ``assigned``."""
    on_time: Count
    """Rate over ``assigned``."""
    satisfied: Satisfied
    overdue: int
    median_days: float | None


@dataclass(frozen=True, slots=True)
class UnitAppealReach(JsonResult):
    """An alliance unit's measured reach beside its structural reach, in the area."""

    id: str
    name: str | None
    structural_households: int
    """Households of the area the unit reaches through the graph (JOINED+SERVES, MANAGES)."""
    measured_households: int
    """Households whose received appeals the unit resolved."""
    measured_within_structural: int
    """Of those, how many it also reaches structurally."""
    assigned: int
    resolved: int


@dataclass(frozen=True, slots=True)
class RoundtableEffect(JsonResult):
    """Roundtable-discussed appeals beside the others; ``faster`` compares the medians (None when one is missing)."""

    discussed: ResolveTime
    others: ResolveTime
    faster: bool | None


Counted = tuple[Appeal, Flags]
"""An appeal in the area and its :class:`Flags` for the period."""


def _days(group: Iterable[Counted]) -> list[float]:
    return [float(a.days) for a, f in group if f[2] and a.days is not None]


def _resolve_time(group: str, appeals: Sequence[Counted]) -> ResolveTime:
    days = _days(appeals)
    return ResolveTime(
        group,
        sum(f[0] for _, f in appeals),
        sum(f[2] for _, f in appeals),
        statistics.median(days) if days else None,
        percentile(days, 0.9),
    )


def _hot_spots(received: Sequence[Appeal], index: AreaIndex, repeats: int) -> list[HotSpot]:
    groups: dict[tuple[str, str], list[Appeal]] = {}
    building = Label.BUILDING.value
    for a in received:
        if a.anchor is not None and index.label(a.anchor) == building:
            groups.setdefault((a.anchor, a.category), []).append(a)
    out: list[HotSpot] = []
    for (building, category), group in groups.items():
        if len(group) < repeats:
            continue
        group.sort(key=lambda a: (a.reported, a.id))
        best = (0, 0, 0)
        lo = 0
        for hi, a in enumerate(group):
            assert a.reported is not None
            while (a.reported - group[lo].reported).days >= HOT_SPOT_WINDOW_DAYS:  # type: ignore[operator]
                lo += 1
            if hi - lo + 1 > best[0]:
                best = (hi - lo + 1, lo, hi)
        n, lo, hi = best
        if n >= repeats:
            path = index.path(building)
            window = group[lo : hi + 1]
            out.append(
                HotSpot(
                    building,
                    index.name(building),
                    path.grid,
                    path.community,
                    category,
                    n,
                    str(window[0].reported),
                    str(window[-1].reported),
                    tuple(a.id for a in window),
                )
            )
    out.sort(key=lambda h: (-h.appeals, h.building, h.category))
    return out


def _handlers(counted: Sequence[Counted], names: Mapping[str, str | None]) -> list[HandlerPerformance]:
    acc: dict[str, list[int]] = {}  # assigned, resolved, on time, reviewed, satisfied, overdue
    days: dict[str, list[float]] = {}
    kinds: dict[str, HandlerKind] = {}
    for a, f in counted:
        h = a.handler
        if h is None or not f[0]:
            continue
        c = acc.get(h)
        if c is None:
            c = acc[h] = [0, 0, 0, 0, 0, 0]
            kinds[h] = a.handler_kind
        c[0] += 1
        c[1] += f[2]
        c[2] += f[3]
        c[3] += f[4]
        c[4] += f[5]
        c[5] += f[7]
        if f[2] and a.days is not None:
            days.setdefault(h, []).append(float(a.days))
    out: list[HandlerPerformance] = []
    for h, (n, resolved, on_time, reviewed, satisfied, overdue) in acc.items():
        d = days.get(h)
        out.append(
            HandlerPerformance(
                h,
                kinds[h],
                names.get(h),
                n,
                Count(resolved, rate(resolved, n)),
                Count(on_time, rate(on_time, n)),
                Satisfied(satisfied, reviewed, rate(satisfied, reviewed)),
                overdue,
                statistics.median(d) if d else None,
            )
        )
    out.sort(
        key=lambda p: (
            p.resolved.rate if p.resolved.rate is not None else 2.0,
            -(p.median_days if p.median_days is not None else -1.0),
            -p.assigned,
            p.id,
        )
    )
    return out


def _unit_reach(counted: Sequence[Counted], area: str | None, model: ReachModel) -> list[UnitAppealReach]:
    idx = model.index
    assigned: dict[str, int] = {}
    resolved: dict[str, int] = {}
    measured: dict[str, set[str]] = {}
    for a, f in counted:
        if a.handler_kind != "unit" or a.handler is None or not f[0]:
            continue
        assigned[a.handler] = assigned.get(a.handler, 0) + 1
        if f[2]:
            resolved[a.handler] = resolved.get(a.handler, 0) + 1
            if a.household is not None:
                measured.setdefault(a.handler, set()).add(a.household)
    out: list[UnitAppealReach] = []
    for u in sorted(set(model.units) | set(assigned)):
        atoms = model.atoms.get(u, frozenset())
        structural = idx.count_within(atoms, area)
        hs = measured.get(u, set())
        if not (structural or assigned.get(u)):
            continue
        within = 0
        for h in hs:
            b = idx.building_of(h)
            if b is not None and any(idx.within(b, at) for at in atoms):
                within += 1
        info = model.info.get(u)
        out.append(
            UnitAppealReach(
                u,
                info.name if info is not None else None,
                structural,
                len(hs),
                within,
                assigned.get(u, 0),
                resolved.get(u, 0),
            )
        )
    out.sort(key=lambda r: (-r.measured_households, -r.structural_households, r.id))
    return out


__all__ = [
    "HOT_SPOT_REPEATS",
    "HOT_SPOT_WINDOW_DAYS",
    "Counted",
    "HandlerPerformance",
    "HotSpot",
    "MonthAppeals",
    "ResolveTime",
    "RoundtableEffect",
    "UnitAppealReach",
    "percentile",
]
