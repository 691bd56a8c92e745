"""The 接诉即办 figures of an area over a period: :func:`appeal_stats` and its result.

The rates come from :mod:`analytics.appeals.counting`, what lies behind them from
:mod:`analytics.appeals.details`; the breakdown by an area level below is ordered here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from analytics._common import JsonResult, months, node_data, parse_date, require_area
from analytics.appeals.counting import RESPOND_WITHIN_DAYS, Count, Flags, Period, Satisfied, _figures, _sum
from analytics.appeals.details import (
    HOT_SPOT_REPEATS,
    Counted,
    HandlerPerformance,
    HotSpot,
    MonthAppeals,
    RoundtableEffect,
    UnitAppealReach,
    _handlers,
    _hot_spots,
    _resolve_time,
    _unit_reach,
)
from analytics.appeals.index import HANDLER_KINDS, AppealIndex
from analytics.areas import AreaIndex, breakdown_level
from analytics.reach import ReachModel

Order = Literal["resolved", "responded", "on_time", "satisfied", "overdue", "id"]
"""How the breakdown is ordered, worst first: lowest rate of that measure (areas with nothing
received last), most overdue, or by area id."""
ORDERS: tuple[Order, ...] = ("resolved", "responded", "on_time", "satisfied", "overdue", "id")


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


def _order_key(order: Order) -> Any:
    if order == "id":
        return lambda r: r.area
    if order == "overdue":
        return lambda r: (-r.overdue, r.area)

    def key(r: AreaAppeals) -> tuple[bool, float, int, str]:
        measure: Count | Satisfied = getattr(r, order)
        return (measure.rate is None, measure.rate or 0.0, -r.overdue, r.area)

    return key


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
    for month, lo, hi in months(start, end):
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


__all__ = ["ORDERS", "AppealStats", "AreaAppeals", "Order", "appeal_stats"]
