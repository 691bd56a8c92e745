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

from analytics._common import JsonResult, name_of, node_data, nodes_by_label, parse_date, pred, rate, require_area, succ
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
_KIND_OF_LABEL: dict[str, HandlerKind] = {
    Label.PARTY_ORGANIZATION.value: "organization",
    Label.ALLIANCE_MEMBER.value: "unit",
    Label.ALLIANCE.value: "alliance",
}


def _day(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value)
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

    def response(self) -> dt.date | None:
        """The earlier of ``accepted_on`` and ``rejected_on``."""
        days = [d for d in (self.accepted, self.rejected) if d is not None]
        return min(days) if days else None

    def days_to_resolve(self) -> int | None:
        if self.resolved is None or self.reported is None:
            return None
        return (self.resolved - self.reported).days


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
        for a in sorted(nodes_by_label(G).get(Label.APPEAL.value, ())):
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
            roundtable = any(
                _DISCUSSED in keys and nodes.get(src, {}).get("kind") == "ROUNDTABLE" for src, keys in into[a].items()
            )
            sat = data.get("satisfaction")
            appeals.append(
                Appeal(
                    id=a,
                    category=str(data.get("category") or "OTHER"),
                    status=str(data.get("status") or ""),
                    reported=_day(data.get("reported_on")),
                    accepted=_day(data.get("accepted_on")),
                    rejected=_day(data.get("rejected_on")),
                    resolved=_day(data.get("resolved_on")),
                    due=_day(data.get("due")),
                    satisfaction=str(sat) if sat else None,
                    difficult=data.get("difficult") is True,
                    concerns=concerns,
                    anchor=anchor,
                    household=household,
                    handler=handler,
                    handler_kind=kind,
                    roundtable=roundtable,
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

    def received(self, a: Appeal) -> bool:
        return a.reported is not None and self.start <= a.reported <= self.end

    def responded(self, a: Appeal) -> bool:
        r = a.response()
        return (
            r is not None
            and a.reported is not None
            and (r - a.reported).days <= self.respond_within_days
            and r <= self.as_of
        )

    def resolved(self, a: Appeal) -> bool:
        return a.status in _DONE and a.resolved is not None and a.resolved <= self.as_of

    def is_open(self, a: Appeal) -> bool:
        return a.status in _OPEN and a.reported is not None and a.reported <= self.as_of

    def overdue(self, a: Appeal) -> bool:
        return a.status in _OPEN and a.due is not None and a.due < self.as_of


def tally(appeals: Iterable[Appeal], period: Period) -> Tally:
    """Count the appeals of one group (received ones for the rates; all for overdue and open)."""
    received = responded = resolved = on_time = reviewed = satisfied = vanguard = overdue = opened = 0
    for a in appeals:
        if period.overdue(a):
            overdue += 1
        if period.is_open(a):
            opened += 1
        if not period.received(a):
            continue
        received += 1
        if period.responded(a):
            responded += 1
        if period.resolved(a):
            resolved += 1
            if a.due is None or (a.resolved is not None and a.resolved <= a.due):
                on_time += 1
            if a.handler_kind == "vanguard":
                vanguard += 1
        if a.satisfaction is not None:
            reviewed += 1
            if a.satisfaction in _GOOD:
                satisfied += 1
    return Tally(received, responded, resolved, on_time, reviewed, satisfied, vanguard, overdue, opened)


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


def _resolve_time(group: str, appeals: Sequence[Appeal], period: Period) -> ResolveTime:
    received = [a for a in appeals if period.received(a)]
    days = [float(d) for a in received if period.resolved(a) and (d := a.days_to_resolve()) is not None]
    return ResolveTime(
        group,
        len(received),
        sum(1 for a in received if period.resolved(a)),
        statistics.median(days) if days else None,
        percentile(days, 0.9),
    )


def _hot_spots(appeals: Sequence[Appeal], period: Period, index: AreaIndex, repeats: int) -> list[HotSpot]:
    groups: dict[tuple[str, str], list[Appeal]] = {}
    for a in appeals:
        if period.received(a) and a.anchor is not None and index.label(a.anchor) == Label.BUILDING.value:
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


def _handlers(appeals: Sequence[Appeal], period: Period, names: Mapping[str, str | None]) -> list[HandlerPerformance]:
    by_handler: dict[str, list[Appeal]] = {}
    for a in appeals:
        if a.handler is not None and period.received(a):
            by_handler.setdefault(a.handler, []).append(a)
    out: list[HandlerPerformance] = []
    for h, group in by_handler.items():
        t = tally(group, period)
        n = t.received
        days = [float(d) for a in group if period.resolved(a) and (d := a.days_to_resolve()) is not None]
        out.append(
            HandlerPerformance(
                h,
                group[0].handler_kind,
                names.get(h),
                n,
                Count(t.resolved, rate(t.resolved, n)),
                Count(t.on_time, rate(t.on_time, n)),
                Satisfied(t.satisfied, t.reviewed, rate(t.satisfied, t.reviewed)),
                t.overdue,
                statistics.median(days) if days else None,
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


def _unit_reach(
    appeals: Sequence[Appeal], period: Period, area: str | None, model: ReachModel
) -> list[UnitAppealReach]:
    idx = model.index
    assigned: dict[str, int] = {}
    resolved: dict[str, int] = {}
    measured: dict[str, set[str]] = {}
    for a in appeals:
        if a.handler_kind != "unit" or a.handler is None or not period.received(a):
            continue
        assigned[a.handler] = assigned.get(a.handler, 0) + 1
        if period.resolved(a):
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
    top = _figures(tally(mine, period))

    rows: list[AreaAppeals] = []
    if level is not None:
        groups: dict[str, list[Appeal]] = {a: [] for a in idx.areas_under(area, level)}
        for a in mine:
            for up in ix.chains[a.id]:
                group = groups.get(up)
                if group is not None:
                    group.append(a)
                    break
        for a_id, group in groups.items():
            rows.append(AreaAppeals(a_id, level, idx.name(a_id), **_figures(tally(group, period))))
        rows.sort(key=_order_key(order))

    trend: list[MonthAppeals] = []
    for month, lo, hi in _months(start, end):
        t = tally(
            (a for a in mine if a.reported is not None and lo <= a.reported <= hi),
            Period(lo, hi, day, respond_within_days),
        )
        f = _figures(t)
        trend.append(
            MonthAppeals(
                month,
                lo.isoformat(),
                hi.isoformat(),
                f["received"],
                f["responded"],
                f["resolved"],
                f["on_time"],
                f["satisfied"],
            )
        )

    categories = sorted({a.category for a in mine})
    time_to_resolve = {
        "overall": _resolve_time("all", mine, period),
        "by_category": [_resolve_time(c, [a for a in mine if a.category == c], period) for c in categories],
        "by_handler_kind": [
            _resolve_time(k, group, period)
            for k in HANDLER_KINDS
            if (group := [a for a in mine if a.handler_kind == k])
        ],
    }
    discussed = [a for a in mine if a.roundtable]
    others = [a for a in mine if not a.roundtable]
    d_time, o_time = _resolve_time("roundtable", discussed, period), _resolve_time("others", others, period)
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
        hot_spots=tuple(_hot_spots(mine, period, idx, hot_spot_repeats)),
        handlers=tuple(_handlers(mine, period, ix.names)),
        unit_reach=tuple(_unit_reach(mine, period, area, reach_model)),
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
