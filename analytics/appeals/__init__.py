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

Where things are: ``index`` (the AppealIndex, and how an appeal is placed in areas),
``counting`` (what each appeal counts for, and the sums behind the rates), ``details`` (trend,
time to resolve, hot spots, handlers, measured reach, roundtables) and ``stats``
(:func:`appeal_stats`, its result and the breakdown's order).
"""

from analytics.appeals.counting import RESPOND_WITHIN_DAYS, Count, Flags, Period, Satisfied, Tally, tally
from analytics.appeals.details import (
    HOT_SPOT_REPEATS,
    HOT_SPOT_WINDOW_DAYS,
    HandlerPerformance,
    HotSpot,
    MonthAppeals,
    ResolveTime,
    RoundtableEffect,
    UnitAppealReach,
    percentile,
)
from analytics.appeals.index import HANDLER_KINDS, Appeal, AppealIndex, HandlerKind
from analytics.appeals.stats import ORDERS, AppealStats, AreaAppeals, Order, appeal_stats

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
