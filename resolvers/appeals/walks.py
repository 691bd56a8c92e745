# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The appeal and activity relationships seen from the other end, as fields the existing types
take with one line each (``raised_appeals = walks.raised_appeals()``):

* a household's or a member's ``raisedAppeals`` (RAISED_BY);
* a household's or an area's ``appeals`` (what CONCERNS it directly) and an area's
  ``appealsWithin`` (everything in it or under it, with the filters of ``appeals``);
* a handler's ``assignedAppeals`` (ASSIGNED_TO, with the date);
* a member's or a unit's ``activitiesAttended`` (ATTENDED), an organization's or an
  alliance's ``activitiesHeld`` (HELD_BY) and an area's ``activities`` (HELD_IN).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph_schema import Label, RelType
from loaders.store import Direction
from resolvers.connections import After, Before, Connection, First, Last, SinceConnection, related
from resolvers.context import Info

if TYPE_CHECKING:
    from resolvers.appeals.filters import AppealFilter, AppealOrder
    from resolvers.appeals.types import Activity, Appeal

AppealT = Annotated["Appeal", strawberry.lazy("resolvers.appeals.types")]
ActivityT = Annotated["Activity", strawberry.lazy("resolvers.appeals.types")]
AppealFilterT = Annotated["AppealFilter", strawberry.lazy("resolvers.appeals.filters")]
AppealOrderT = Annotated["AppealOrder", strawberry.lazy("resolvers.appeals.filters")]

OUT, IN = Direction.OUT, Direction.IN
APPEAL, ACTIVITY = [Label.APPEAL.value], [Label.ACTIVITY.value]


async def _raised(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Connection[AppealT]:
    return await related(info, root.record, RelType.RAISED_BY, IN, APPEAL, first, after, last, before)


async def _concerning(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Connection[AppealT]:
    return await related(info, root.record, RelType.CONCERNS, IN, APPEAL, first, after, last, before)


async def _assigned(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> SinceConnection[AppealT]:
    return await related(info, root.record, RelType.ASSIGNED_TO, IN, APPEAL, first, after, last, before, "since")


async def _attended(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Connection[ActivityT]:
    return await related(info, root.record, RelType.ATTENDED, OUT, ACTIVITY, first, after, last, before)


async def _held(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Connection[ActivityT]:
    return await related(info, root.record, RelType.HELD_BY, IN, ACTIVITY, first, after, last, before)


async def _held_in(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Connection[ActivityT]:
    return await related(info, root.record, RelType.HELD_IN, IN, ACTIVITY, first, after, last, before)


async def _within(
    root: Any,
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        AppealFilterT | None,
        strawberry.argument(description="Further conditions, as for Query.appeals (its within is this area)."),
    ] = None,
    order_by: Annotated[
        AppealOrderT | None, strawberry.argument(description="How to sort (null: by due day, soonest first).")
    ] = None,
) -> Connection[AppealT]:
    from resolvers.appeals.query import appeal_connection

    return await appeal_connection(info, filter, order_by, first, after, last, before, area=root.record.id)


def raised_appeals() -> Any:
    return strawberry.field(resolver=_raised, description="Appeals it raised (反映, RAISED_BY), by id.")


def appeals() -> Any:
    return strawberry.field(
        resolver=_concerning,
        description="Appeals that concern this very node (涉及, CONCERNS), by id; appealsWithin adds those below it.",
    )


def appeals_within() -> Any:
    return strawberry.field(
        resolver=_within,
        description="Appeals within this area: concerning it or anything under it (PART_OF), filtered and sorted "
        "like Query.appeals (by due day by default: the overdue first).",
    )


def assigned_appeals() -> Any:
    return strawberry.field(
        resolver=_assigned, description="Appeals assigned to it (承办, ASSIGNED_TO), with the day each was assigned."
    )


def activities_attended() -> Any:
    return strawberry.field(resolver=_attended, description="Activities and meetings it attended (参加, ATTENDED).")


def activities_held() -> Any:
    return strawberry.field(resolver=_held, description="Activities and meetings it held (主办, HELD_BY).")


def activities_here() -> Any:
    return strawberry.field(resolver=_held_in, description="Activities and meetings held in this area (HELD_IN).")
