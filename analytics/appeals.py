"""Residents' appeals (接诉即办): received, responded, resolved, on time, satisfied, overdue.

Definitions (docs/design.md "Appeals (接诉即办)", made exact here), for an area and the
period ``[date_from, date_to]`` (both days included), as of ``as_of`` (default ``date_to``):

- An appeal is *in* an area when what it CONCERNS is the area itself or lies under it
  through PART_OF; an appeal about a household is where the household's building is.  Every
  appeal is in the city, even one that concerns nothing or a household in no building.
- **received**: appeals in the area with ``reported_on`` in the period.
- **responded**: received ones accepted or rejected at most ``respond_within_days`` (default 1)
  days after ``reported_on`` (the earlier of ``accepted_on`` and ``rejected_on``), and no later
  than ``as_of``.
- **resolved**: received ones ``RESOLVED`` or ``CLOSED`` with ``resolved_on`` ≤ ``as_of``.
- **on time**: resolved ones with ``resolved_on`` ≤ ``due`` (one without ``due`` is on time).
- **satisfied**: received ones that were reviewed (have a ``satisfaction``) and rated
  ``SATISFIED`` or ``BASICALLY_SATISFIED``, over the reviewed ones.
- **overdue**: appeals in the area, whatever their report date, still ``REPORTED``,
  ``ACCEPTED`` or ``ASSIGNED``, whose ``due`` is before ``as_of``.  **open**: the same
  without the ``due`` condition, reported on or before ``as_of``.
- **with vanguard help**: resolved ones ASSIGNED_TO a vanguard (a PartyMember whose
  ``vanguard`` is true).
- Rates are count / received (satisfied: / reviewed), None when the denominator is 0.

Beyond the rates, :func:`appeal_stats` gives the breakdown by an area level below (worst
first), the monthly trend, the time to resolve (days from ``reported_on`` to ``resolved_on``
of the resolved ones: median, and p90 by nearest rank) by category and by handler kind, the
hot spots (a building with ``hot_spot_repeats`` or more received appeals of one category
within ``HOT_SPOT_WINDOW_DAYS`` days), every handler's performance, each alliance unit's
measured reach (households whose received appeals it resolved) beside its structural reach
(:mod:`analytics.reach`), and how roundtable-discussed appeals resolve beside the others.

The appeals of a projection are read once into an :class:`AppealIndex` (an
:class:`~analytics.session.AnalyticsSession` keeps it as ``session.appeals``).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from analytics._common import JsonResult, name_of, node_data, parse_date, pred, rate, require_area, succ
from analytics.areas import AreaIndex, breakdown_level
from analytics.reach import ReachModel
from graph_schema import Label, RelType

RESPOND_WITHIN_DAYS = 1
"""An appeal is responded to when accepted or rejected at most this many days after it was reported."""
HOT_SPOT_WINDOW_DAYS = 90
"""Repeated appeals of one category in one building count as a hot spot within this many days."""
HOT_SPOT_REPEATS = 3
"""How many appeals of one category in one building within the window make a hot spot (two
happen by chance in a city of thousands of buildings; three rarely do)."""

HandlerKind = Literal["vanguard", "member", "organization", "unit", "alliance", "none"]
"""Who handles an appeal: a vanguard, another party member, a party organization, an alliance
member unit, an alliance, or nobody yet (``none``)."""
HANDLER_KINDS: tuple[HandlerKind, ...] = ("vanguard", "member", "organization", "unit", "alliance", "none")

Order = Literal["resolved", "responded", "on_time", "satisfied", "overdue", "id"]
"""How the breakdown is ordered, worst first: lowest rate of that measure (areas with nothing
received last), most overdue, or by area id."""
ORDERS: tuple[Order, ...] = ("resolved", "responded", "on_time", "satisfied", "overdue", "id")

_OPEN = frozenset({"REPORTED", "ACCEPTED", "ASSIGNED"})
_DONE = frozenset({"RESOLVED", "CLOSED"})
_GOOD = frozenset({"SATISFIED", "BASICALLY_SATISFIED"})
_CONCERNS = RelType.CONCERNS.value
_ASSIGNED_TO = RelType.ASSIGNED_TO.value
_RAISED_BY = RelType.RAISED_BY.value
_DISCUSSED = RelType.DISCUSSED.value
_HOUSEHOLD = Label.HOUSEHOLD.value
_MEMBER = Label.PARTY_MEMBER.value
_ACTIVITY = Label.ACTIVITY.value
_KIND_OF_LABEL: dict[str, HandlerKind] = {
    Label.PARTY_ORGANIZATION.value: "organization",
    Label.ALLIANCE_MEMBER.value: "unit",
    Label.ALLIANCE.value: "alliance",
}


def _day(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


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
class Appeal:
    """One appeal as the analyses read it (dates parsed; None when absent or unreadable)."""

    id: str
    category: str
    status: str
    reported: dt.date | None
    accepted: dt.date | None
    rejected: dt.date | None
    resolved: dt.date | None
    due: dt.date | None
    satisfaction: str | None
    difficult: bool
    concerns: str | None
    """What it CONCERNS (a Household, Building, Grid or Community id)."""
    anchor: str | None
    """The area it lies in: what it concerns, or the building of the household it concerns."""
    household: str | None
    """The household it speaks for: the one that raised it (a member's residence), else the one it concerns."""
    handler: str | None
    handler_kind: HandlerKind
    roundtable: bool
    """Discussed (DISCUSSED) at a ROUNDTABLE activity."""
    days: int | None = None
    """Days from ``reported_on`` to ``resolved_on`` (None when either is missing)."""

    def response(self) -> dt.date | None:
        """The earlier of ``accepted_on`` and ``rejected_on``."""
        days = [d for d in (self.accepted, self.rejected) if d is not None]
        return min(days) if days else None


class AppealIndex:
    """Every appeal of a projection, read once, with where it lies and who handles it.

    Examples
    --------
    >>> from analytics.projection import tiny_appeals
    >>> G = tiny_appeals()
    >>> ix = AppealIndex.build(G, AreaIndex.build(G))
    >>> [(a.id, a.anchor, a.handler_kind) for a in ix.appeals][:3]
    [('a1', 'b1', 'vanguard'), ('a2', 'b1', 'unit'), ('a3', 'b2', 'organization')]
    >>> [a.id for a in ix.in_area("c2")], len(ix.in_area(None))
    (['a5'], 6)
    """

    __slots__ = ("appeals", "chains", "index", "names")

    def __init__(self, index: AreaIndex, appeals: Sequence[Appeal], names: Mapping[str, str | None]) -> None:
        self.index = index
        self.appeals: tuple[Appeal, ...] = tuple(appeals)
        """Every Appeal node, sorted by id."""
        self.names: Mapping[str, str | None] = names
        """The names of the handlers (None for party members: their names are personal data)."""
        self.chains: dict[str, tuple[str, ...]] = {
            a.id: (a.anchor, *index.ancestors(a.anchor)) if a.anchor is not None else () for a in self.appeals
        }
        """Appeal id → its anchor area and the areas above it."""

    @classmethod
    def build(cls, G: Any, index: AreaIndex | None = None) -> AppealIndex:
        """Read the Appeal nodes, their CONCERNS, RAISED_BY and ASSIGNED_TO, and the DISCUSSED into them."""
        idx = index or AreaIndex.build(G)
        nodes = node_data(G)
        out, into = succ(G), pred(G)
        names: dict[str, str | None] = {}
        appeals: list[Appeal] = []
        appeal_label = Label.APPEAL.value
        for a in sorted(n for n, d in nodes.items() if d.get("label") == appeal_label):
            data = nodes[a]
            concerns = raised = handler = None
            for target, keys in out[a].items():
                if _CONCERNS in keys:
                    concerns = target
                if _RAISED_BY in keys:
                    raised = target
                if _ASSIGNED_TO in keys:
                    handler = target
            anchor: str | None = None
            if concerns is not None:
                anchor = idx.building_of(concerns) if idx.label(concerns) is None else concerns
            household = None
            if raised is not None:
                raised_label = nodes.get(raised, {}).get("label")
                household = raised if raised_label == _HOUSEHOLD else idx.residence(raised)
            if household is None and concerns is not None and nodes.get(concerns, {}).get("label") == _HOUSEHOLD:
                household = concerns
            kind: HandlerKind = "none"
            if handler is not None:
                hdata = nodes.get(handler, {})
                hlabel = str(hdata.get("label"))
                if hlabel == _MEMBER:
                    kind = "vanguard" if hdata.get("vanguard") is True else "member"
                else:
                    kind = _KIND_OF_LABEL.get(hlabel, "none")
                    names[handler] = name_of(hdata)
            roundtable = False
            for src, keys in into[a].items():
                if _DISCUSSED in keys:
                    source = nodes.get(src, {})
                    if source.get("label") == _ACTIVITY and source.get("kind") == "ROUNDTABLE":
                        roundtable = True
                        break
            sat = data.get("satisfaction")
            reported, resolved = _day(data.get("reported_on")), _day(data.get("resolved_on"))
            appeals.append(
                Appeal(
                    id=a,
                    category=str(data.get("category") or "OTHER"),
                    status=str(data.get("status") or ""),
                    reported=reported,
                    accepted=_day(data.get("accepted_on")),
                    rejected=_day(data.get("rejected_on")),
                    resolved=resolved,
                    due=_day(data.get("due")),
                    satisfaction=str(sat) if sat else None,
                    difficult=data.get("difficult") is True,
                    concerns=concerns,
                    anchor=anchor,
                    household=household,
                    handler=handler,
                    handler_kind=kind,
                    roundtable=roundtable,
                    days=(resolved - reported).days if resolved is not None and reported is not None else None,
                )
            )
        return cls(idx, appeals, names)

    def in_area(self, area: str | None) -> list[Appeal]:
        """The appeals in ``area`` (all of them for the city)."""
        if area is None:
            return list(self.appeals)
        chains = self.chains
        return [a for a in self.appeals if area in chains[a.id]]


# --- results -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Count(JsonResult):
    """How many, and ``count / received`` (None when nothing was received)."""

    count: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class Satisfied(JsonResult):
    """Reviewed appeals rated satisfied or basically satisfied, over the reviewed ones."""

    count: int
    reviewed: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class Tally:
    """The counts behind the rates, for one group of appeals."""

    received: int = 0
    responded: int = 0
    resolved: int = 0
    on_time: int = 0
    reviewed: int = 0
    satisfied: int = 0
    with_vanguard_help: int = 0
    overdue: int = 0
    open: int = 0


@dataclass(frozen=True, slots=True)
class AreaAppeals(JsonResult):
    """The figures of one area (a breakdown row)."""

    area: str
    label: str
    name: str | None
    received: int
    responded: Count
    resolved: Count
    on_time: Count
    satisfied: Satisfied
    overdue: int
    open: int
    with_vanguard_help: int


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


@dataclass(frozen=True, slots=True)
class AppealStats(JsonResult):
    """Appeals (接诉即办) of an area over a period, as of a date.

    JSON: ``{area, label, name, date_from, date_to, as_of, respond_within_days, received,
    responded: {count, rate}, resolved, on_time, satisfied: {count, reviewed, rate}, overdue,
    open, with_vanguard_help, by, order, breakdown: [...], trend: [...], time_to_resolve:
    {overall, by_category, by_handler_kind}, hot_spots, handlers, unit_reach, roundtable}``.
    """

    area: str | None
    label: str
    name: str | None
    date_from: str
    date_to: str
    as_of: str
    respond_within_days: int
    received: int
    responded: Count
    resolved: Count
    on_time: Count
    satisfied: Satisfied
    overdue: int
    open: int
    with_vanguard_help: int
    by: str | None
    order: str
    breakdown: tuple[AreaAppeals, ...]
    trend: tuple[MonthAppeals, ...]
    time_to_resolve: dict[str, Any]
    hot_spots: tuple[HotSpot, ...]
    handlers: tuple[HandlerPerformance, ...]
    """Worst first: lowest resolution rate, then slowest median, then most assigned."""
    unit_reach: tuple[UnitAppealReach, ...]
    roundtable: RoundtableEffect


# --- counting --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """The period ``[start, end]`` as of ``as_of``, and the response window in days."""

    start: dt.date
    end: dt.date
    as_of: dt.date
    respond_within_days: int = RESPOND_WITHIN_DAYS

    def flags(self, a: Appeal) -> Flags:
        """What ``a`` counts for, in :class:`Tally` order (the rates' counts are 0 unless it was received)."""
        reported, status = a.reported, a.status
        still = status in _OPEN
        overdue = int(still and a.due is not None and a.due < self.as_of)
        opened = int(still and reported is not None and reported <= self.as_of)
        if reported is None or not self.start <= reported <= self.end:
            return (0, 0, 0, 0, 0, 0, 0, overdue, opened)
        r = a.response()
        responded = int(r is not None and (r - reported).days <= self.respond_within_days and r <= self.as_of)
        done = a.resolved
        resolved = status in _DONE and done is not None and done <= self.as_of
        on_time = int(resolved and (a.due is None or (done is not None and done <= a.due)))
        vanguard = int(resolved and a.handler_kind == "vanguard")
        sat = a.satisfaction
        return (
            1,
            responded,
            int(resolved),
            on_time,
            int(sat is not None),
            int(sat in _GOOD),
            vanguard,
            overdue,
            opened,
        )


Flags = tuple[int, int, int, int, int, int, int, int, int]
"""An appeal's counts: received, responded, resolved, on time, reviewed, satisfied, with vanguard
help, overdue, open (each 0 or 1)."""


def _sum(flags: Iterable[Flags]) -> Tally:
    columns = list(zip(*flags, strict=True))
    return Tally(*map(sum, columns)) if columns else Tally()


def tally(appeals: Iterable[Appeal], period: Period) -> Tally:
    """Count the appeals of one group (received ones for the rates; all for overdue and open).

    >>> from analytics.projection import tiny_appeals
    >>> ix = AppealIndex.build(tiny_appeals())
    >>> t = tally(ix.appeals, Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 10, 31)))
    >>> t.received, t.responded, t.resolved, t.on_time, t.reviewed, t.satisfied, t.overdue, t.open
    (5, 3, 2, 1, 2, 2, 2, 3)
    """
    return _sum(period.flags(a) for a in appeals)


def _figures(t: Tally) -> dict[str, Any]:
    n = t.received
    return {
        "received": n,
        "responded": Count(t.responded, rate(t.responded, n)),
        "resolved": Count(t.resolved, rate(t.resolved, n)),
        "on_time": Count(t.on_time, rate(t.on_time, n)),
        "satisfied": Satisfied(t.satisfied, t.reviewed, rate(t.satisfied, t.reviewed)),
        "overdue": t.overdue,
        "open": t.open,
        "with_vanguard_help": t.with_vanguard_help,
    }


def _order_key(order: Order) -> Any:
    if order == "id":
        return lambda r: r.area
    if order == "overdue":
        return lambda r: (-r.overdue, r.area)

    def key(r: AreaAppeals) -> tuple[bool, float, int, str]:
        measure: Count | Satisfied = getattr(r, order)
        return (measure.rate is None, measure.rate or 0.0, -r.overdue, r.area)

    return key


def _months(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    out: list[tuple[str, dt.date, dt.date]] = []
    first = start.replace(day=1)
    while first <= end:
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        out.append((first.strftime("%Y-%m"), max(first, start), min(nxt - dt.timedelta(days=1), end)))
        first = nxt
    return out


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


def appeal_stats(
    G: Any,
    area: str | None = None,
    *,
    date_from: dt.date | str,
    date_to: dt.date | str,
    as_of: dt.date | str | None = None,
    by: str | None = None,
    breakdown: bool = True,
    order: Order = "resolved",
    respond_within_days: int = RESPOND_WITHIN_DAYS,
    hot_spot_repeats: int = HOT_SPOT_REPEATS,
    index: AreaIndex | None = None,
    appeals: AppealIndex | None = None,
    model: ReachModel | None = None,
) -> AppealStats:
    """The 接诉即办 figures of an area over a period, its breakdown and what lies behind them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A store projection.
    area : str, optional
        A Street, Community, Grid or Building id; None for the whole city.
    date_from, date_to : date or ISO str
        The period (both days included) whose reported appeals are *received*.
    as_of : date or ISO str, optional
        The day the figures are taken on (default ``date_to``); not before ``date_from``.
    by : str, optional
        The breakdown level (an area label below ``area``); default one level down.
    breakdown : bool
        False skips the per-area rows.
    order : {"resolved", "responded", "on_time", "satisfied", "overdue", "id"}
        The breakdown's order, worst first (lowest rate; most overdue), or by area id.
    respond_within_days : int
        The response window (0 or more days after ``reported_on``).
    hot_spot_repeats : int
        Appeals of one category in one building within 90 days that make a hot spot (2 or more).
    index, appeals, model : optional
        A prebuilt :class:`AreaIndex`, :class:`AppealIndex`, :class:`ReachModel` of ``G``.

    Returns
    -------
    AppealStats

    Examples
    --------
    >>> from analytics.projection import tiny_appeals
    >>> r = appeal_stats(tiny_appeals(), date_from="2026-10-01", date_to="2026-10-31")
    >>> r.received, r.responded, r.resolved, r.on_time
    (5, Count(count=3, rate=0.6), Count(count=2, rate=0.4), Count(count=1, rate=0.2))
    >>> r.satisfied, r.overdue, r.open, r.with_vanguard_help
    (Satisfied(count=2, reviewed=2, rate=1.0), 2, 3, 1)
    >>> [(h.building, h.category, h.appeals) for h in r.hot_spots]
    [('b1', 'HOUSING_SAFETY', 3)]
    >>> [(h.id, h.kind, h.assigned, h.resolved.count) for h in r.handlers]
    [('u2', 'unit', 1, 0), ('o_g1', 'organization', 1, 1), ('v1', 'vanguard', 1, 1)]
    >>> r.roundtable.discussed.median_days, r.roundtable.others.median_days, r.roundtable.faster
    (12.0, 4.0, False)
    >>> c1 = appeal_stats(tiny_appeals(), "c1", date_from="2026-10-01", date_to="2026-10-31", order="id")
    >>> [(row.area, row.received, row.resolved.count, row.overdue) for row in c1.breakdown]
    [('g1', 4, 2, 1), ('g2', 1, 0, 0)]
    """
    label = require_area(node_data(G), area)
    start, end = parse_date(date_from), parse_date(date_to)
    day = parse_date(as_of) if as_of is not None else end
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    if day < start:
        raise ValueError(f"as of {day} is before the period starts ({start})")
    if respond_within_days < 0:
        raise ValueError(f"respond_within_days must be 0 or more, got {respond_within_days}")
    if hot_spot_repeats < 2:
        raise ValueError(f"a hot spot needs at least 2 repeated appeals, got {hot_spot_repeats}")
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    idx = index or (appeals.index if appeals is not None else AreaIndex.build(G))
    ix = appeals or AppealIndex.build(G, idx)
    period = Period(start, end, day, respond_within_days)
    level = breakdown_level(label, by, breakdown)
    mine = ix.in_area(area)
    counted: list[Counted] = [(a, period.flags(a)) for a in mine]
    top = _figures(_sum(f for _, f in counted))

    rows: list[AreaAppeals] = []
    if level is not None:
        groups: dict[str, list[Flags]] = {a: [] for a in idx.areas_under(area, level)}
        chains = ix.chains
        for a, f in counted:
            for up in chains[a.id]:
                group = groups.get(up)
                if group is not None:
                    group.append(f)
                    break
        for a_id, flags in groups.items():
            rows.append(AreaAppeals(a_id, level, idx.name(a_id), **_figures(_sum(flags))))
        rows.sort(key=_order_key(order))

    received = [(a, f) for a, f in counted if f[0]]
    by_month: dict[str, list[Flags]] = {}
    for a, f in received:
        assert a.reported is not None
        by_month.setdefault(f"{a.reported.year:04d}-{a.reported.month:02d}", []).append(f)
    trend: list[MonthAppeals] = []
    for month, lo, hi in _months(start, end):
        m = _figures(_sum(by_month.get(month, ())))
        trend.append(
            MonthAppeals(
                month,
                lo.isoformat(),
                hi.isoformat(),
                m["received"],
                m["responded"],
                m["resolved"],
                m["on_time"],
                m["satisfied"],
            )
        )

    by_category: dict[str, list[Counted]] = {}
    by_kind: dict[str, list[Counted]] = {}
    discussed: list[Counted] = []
    others: list[Counted] = []
    for c in counted:
        a = c[0]
        by_category.setdefault(a.category, []).append(c)
        by_kind.setdefault(a.handler_kind, []).append(c)
        (discussed if a.roundtable else others).append(c)
    time_to_resolve = {
        "overall": _resolve_time("all", counted),
        "by_category": [_resolve_time(c, by_category[c]) for c in sorted(by_category)],
        "by_handler_kind": [_resolve_time(k, by_kind[k]) for k in HANDLER_KINDS if k in by_kind],
    }
    d_time, o_time = _resolve_time("roundtable", discussed), _resolve_time("others", others)
    faster = (
        None if d_time.median_days is None or o_time.median_days is None else d_time.median_days < o_time.median_days
    )
    reach_model = model or ReachModel.build(G, idx)
    return AppealStats(
        area=area,
        label=label,
        name=idx.name(area),
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        as_of=day.isoformat(),
        respond_within_days=respond_within_days,
        **top,
        by=level,
        order=order,
        breakdown=tuple(rows),
        trend=tuple(trend),
        time_to_resolve=time_to_resolve,
        hot_spots=tuple(_hot_spots([a for a, _ in received], idx, hot_spot_repeats)),
        handlers=tuple(_handlers(received, ix.names)),
        unit_reach=tuple(_unit_reach(received, area, reach_model)),
        roundtable=RoundtableEffect(d_time, o_time, faster),
    )


__all__ = [
    "HANDLER_KINDS",
    "HOT_SPOT_REPEATS",
    "HOT_SPOT_WINDOW_DAYS",
    "ORDERS",
    "RESPOND_WITHIN_DAYS",
    "Appeal",
    "AppealIndex",
    "AppealStats",
    "AreaAppeals",
    "Count",
    "Flags",
    "HandlerKind",
    "HandlerPerformance",
    "HotSpot",
    "MonthAppeals",
    "Order",
    "Period",
    "ResolveTime",
    "RoundtableEffect",
    "Satisfied",
    "Tally",
    "UnitAppealReach",
    "appeal_stats",
    "percentile",
    "tally",
]
