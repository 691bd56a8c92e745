"""Counting appeals for the rates: what each appeal counts for in a period, and the sums.

:meth:`Period.flags` says what one appeal counts for (received, responded, resolved, on time,
reviewed, satisfied, with vanguard help, overdue, open); :func:`tally` sums a group into a
:class:`Tally`; :class:`Count` and :class:`Satisfied` are the rates the results carry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analytics._common import JsonResult, rate
from analytics.appeals.index import Appeal

RESPOND_WITHIN_DAYS = 1
"""An appeal is responded to when accepted or rejected at most this many days after it was reported."""

_OPEN = frozenset({"REPORTED", "ACCEPTED", "ASSIGNED"})
_DONE = frozenset({"RESOLVED", "CLOSED"})
_GOOD = frozenset({"SATISFIED", "BASICALLY_SATISFIED"})


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

    >>> from analytics.appeals.index import AppealIndex
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


__all__ = ["RESPOND_WITHIN_DAYS", "Count", "Flags", "Period", "Satisfied", "Tally", "tally"]
