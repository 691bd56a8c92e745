# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""What the monthly-work fields share (monthlyContact, registrationStats, activityStats, pointsStats):
the period arguments, a count with its rate, and how they run on the session's work index."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

import strawberry

from analytics.work.index import WorkIndex
from resolvers.analytics.common import area_in_scope, run
from resolvers.analytics.snapshot import _snapshot
from resolvers.context import Info
from resolvers.errors import ClientError

FromArg = Annotated[
    dt.date | None,
    strawberry.argument(name="from", description="The first day of the period (included); null: 364 days before to."),
]
ToArg = Annotated[
    dt.date | None,
    strawberry.argument(name="to", description="The last day of the period (included); null: today."),
]
FirstArg = Annotated[
    int | None, strawberry.argument(description="Keep only the first this many rows (0 or more); null: all.")
]


def period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for, refused (BAD_USER_INPUT) when it ends before it starts."""
    end = date_to or dt.date.today()
    start = date_from or end - dt.timedelta(days=364)
    if start > end:
        raise ClientError(f"the period starts on {start} after it ends on {end}", "BAD_USER_INPUT")
    return start, end


def first_rows(rows: list[Any], first: int | None) -> list[Any]:
    if first is not None and first < 0:
        raise ClientError(f"first must be 0 or more, got {first}", "BAD_USER_INPUT")
    return rows if first is None else rows[:first]


ANALYSIS_OF: dict[str, str] = {
    "monthly_contact": "contact",
    "registration": "registration",
    "registration_plan": "registration",
    "activity_stats": "activities",
    "points_stats": "points",
}
"""The monthly-work analysis (a key of ``analytics.work.index.NEEDS``) each function answers."""


async def work_session(info: Info, *analyses: str) -> tuple[Any, WorkIndex]:
    """The store's analytics session, and its work index with the work parts ``analyses`` need
    read (``AnalyticsSession.work_for``): on a worker thread of this process, or, when the
    session is built in a fork server (``resolvers.analytics.snapshot``), by that server once,
    so that the analyses forked from it inherit them.  An analysis run in a forked child would
    otherwise read them there each time and lose them when it exits (the EARNED columns too,
    which the projection keeps once read)."""
    snap = await _snapshot(info)
    return snap, await asyncio.to_thread(snap.work_for, *analyses)


async def run_work(
    info: Info,
    fn: Any,
    area: strawberry.ID | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    *,
    linkage: bool = False,
    **kwargs: Any,
) -> tuple[dt.date, dt.date, dict[str, Any]]:
    """The period checked, then ``fn`` run over the session's work index for the area (the viewer's
    own when null, FORBIDDEN outside its scope), with the linkage too when asked; ``kwargs`` go to
    ``fn``.  Returns the period's first and last day and the figures."""
    start, end = period(date_from, date_to)
    name = ANALYSIS_OF.get(getattr(fn, "__name__", ""))
    snap, work = await work_session(info, *([name] if name else []))
    local = await area_in_scope(info, area)
    extra = {"linkage": snap.linkage} if linkage else {}
    rep = await run(
        info, fn, snap.graph, local, date_from=start, date_to=end, index=snap.index, work=work, **extra, **kwargs
    )
    return start, end, rep


@strawberry.type(description="A count and its rate over the step before (null when that is 0).")
class WorkShare:
    count: int = strawberry.field(description="How many.")
    rate: float | None = strawberry.field(description="count over the step before, 0 to 1; null when that is 0.")


def share(d: dict[str, Any]) -> WorkShare:
    return WorkShare(count=int(d["count"]), rate=d["rate"])


@strawberry.type(description="A name (a kind, a stage, a source, a month) and a number.")
class NamedCount:
    name: str = strawberry.field(description="What is counted: see the field's description.")
    count: int = strawberry.field(description="How many (activities, projects, points).")


def named(d: dict[str, int]) -> list[NamedCount]:
    return [NamedCount(name=k, count=int(v)) for k, v in d.items()]
