# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The monthly work's relationships seen from the other end, as one-line fields of the existing
types (``secretary_projects = walks.projects_here()``):

* an area's ``secretaryProjects`` (HELD_IN), an organization's ``projectsLed`` (LED_BY) and a
  member's ``projectsLeading`` (LEADS);
* a member's ``activitiesHeld`` (HELD_BY: a vanguard's monthly contact meetings);
* a household's ``activitiesServing`` and an activity's ``servedHouseholds`` (SERVED), an activity's
  ``project`` (ADVANCES);
* a member's ``points`` in a year or month and ``pointsByMonth`` (EARNED), and the members who
  earned points from an activity, project or appeal (``earnedBy``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph_schema import Label, RelType
from loaders.store import Direction
from resolvers.connections import related_one
from resolvers.context import Info
from resolvers.errors import ClientError
from resolvers.lazy_types import ActivityT, HouseholdT, PartyMemberT, SecretaryProjectT
from resolvers.walk_fields import walk

if TYPE_CHECKING:
    from resolvers.work.types import MemberPoints, MonthPoints

MemberPointsT = Annotated["MemberPoints", strawberry.lazy("resolvers.work.types")]
MonthPointsT = Annotated["MonthPoints", strawberry.lazy("resolvers.work.types")]

OUT, IN = Direction.OUT, Direction.IN
PROJECT, ACTIVITY = [Label.SECRETARY_PROJECT.value], [Label.ACTIVITY.value]
HOUSEHOLD, MEMBER = [Label.HOUSEHOLD.value], [Label.PARTY_MEMBER.value]
Year = Annotated[int | None, strawberry.argument(description="The calendar year, e.g. 2026; null: every year.")]
Month = Annotated[
    int | None,
    strawberry.argument(description="A month of the year (1 to 12), only with a year; null: the whole year."),
]
ByMonthYear = Annotated[int | None, strawberry.argument(description="The calendar year; null: this year.")]


async def _project(root: Any, info: Info) -> SecretaryProjectT | None:
    return await related_one(info, root.record, RelType.ADVANCES, OUT, PROJECT)


def _check_period(year: int | None, month: int | None) -> None:
    if year is None:
        if month is not None:
            raise ClientError("month: give the year too", "BAD_USER_INPUT")
        return
    if not 1900 <= year <= 9999:
        raise ClientError(f"year: {year} is not a calendar year", "BAD_USER_INPUT")
    if month is not None and not 1 <= month <= 12:
        raise ClientError(f"month: must be between 1 and 12, got {month}", "BAD_USER_INPUT")


async def _points(root: Any, info: Info, year: Year = None, month: Month = None) -> MemberPointsT:
    from resolvers.work.types import MemberPoints, points_entries

    _check_period(year, month)
    entries = [
        e
        for e in await points_entries(info, root.record)
        if (year is None or e.on.year == year) and (month is None or e.on.month == month)
    ]
    return MemberPoints(year=year, month=month, total=sum(e.points for e in entries), entries=entries)


async def _by_month(root: Any, info: Info, year: ByMonthYear = None) -> list[MonthPointsT]:
    from resolvers.work.types import MonthPoints, points_entries

    year = year if year is not None else dt.date.today().year
    _check_period(year, None)
    totals = [0] * 12
    for e in await points_entries(info, root.record):
        if e.on.year == year:
            totals[e.on.month - 1] += e.points
    return [MonthPoints(month=m + 1, total=t) for m, t in enumerate(totals)]


def projects_here() -> Any:
    return walk(
        RelType.HELD_IN,
        IN,
        SecretaryProjectT,
        "Secretary projects held in this very area (书记项目, HELD_IN).",
        labels=PROJECT,
    )


def projects_led() -> Any:
    return walk(
        RelType.LED_BY, IN, SecretaryProjectT, "Secretary projects this organization leads (LED_BY).", labels=PROJECT
    )


def projects_leading() -> Any:
    return walk(
        RelType.LEADS, OUT, SecretaryProjectT, "Secretary projects this member leads (领办, LEADS).", labels=PROJECT
    )


def activities_held() -> Any:
    return walk(
        RelType.HELD_BY,
        IN,
        ActivityT,
        "Activities this member held (主办, HELD_BY): a vanguard's monthly contact (月联).",
        labels=ACTIVITY,
    )


def served_by() -> Any:
    return walk(
        RelType.SERVED, IN, ActivityT, "Activities that served this household (服务对象, SERVED).", labels=ACTIVITY
    )


def served_households() -> Any:
    return walk(
        RelType.SERVED, OUT, HouseholdT, "The households it served (服务对象, SERVED), by id.", labels=HOUSEHOLD
    )


def advanced_project() -> Any:
    return strawberry.field(
        resolver=_project,
        description="The secretary project it advances (推进项目, ADVANCES): set for a SECRETARY_PROJECT_EVENT, else "
        "null.",
    )


def earned_by() -> Any:
    return walk(
        RelType.EARNED,
        IN,
        PartyMemberT,
        "The party members who earned points (积分, EARNED) from it, by id; a member's points field has the figures.",
        labels=MEMBER,
    )


def points() -> Any:
    return strawberry.field(
        resolver=_points,
        description="Points (积分) the member earned (EARNED) in a year, a month of it, or (no year) ever.",
    )


def points_by_month() -> Any:
    return strawberry.field(
        resolver=_by_month, description="Points (积分) the member earned in each month of a year, January first."
    )
