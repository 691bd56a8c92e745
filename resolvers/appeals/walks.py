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
from resolvers.connections import After, Before, Connection, First, Last
from resolvers.context import Info
from resolvers.lazy_types import ActivityT, AppealT
from resolvers.walk_fields import walk

if TYPE_CHECKING:
    from resolvers.appeals.filters import AppealFilter, AppealOrder

AppealFilterT = Annotated["AppealFilter", strawberry.lazy("resolvers.appeals.filters")]
AppealOrderT = Annotated["AppealOrder", strawberry.lazy("resolvers.appeals.filters")]

OUT, IN = Direction.OUT, Direction.IN
APPEAL, ACTIVITY = [Label.APPEAL.value], [Label.ACTIVITY.value]


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
    return walk(RelType.RAISED_BY, IN, AppealT, "Appeals it raised (反映, RAISED_BY), by id.", labels=APPEAL)


def appeals() -> Any:
    return walk(
        RelType.CONCERNS,
        IN,
        AppealT,
        "Appeals that concern this very node (涉及, CONCERNS), by id; appealsWithin adds those below it.",
        labels=APPEAL,
    )


def appeals_within() -> Any:
    return strawberry.field(
        resolver=_within,
        description="Appeals within this area: concerning it or anything under it (PART_OF), filtered and sorted "
        "like Query.appeals (by due day by default: the overdue first).",
    )


def assigned_appeals() -> Any:
    return walk(
        RelType.ASSIGNED_TO,
        IN,
        AppealT,
        "Appeals assigned to it (承办, ASSIGNED_TO), with the day each was assigned.",
        labels=APPEAL,
        kind="since",
    )


def activities_attended() -> Any:
    return walk(
        RelType.ATTENDED, OUT, ActivityT, "Activities and meetings it attended (参加, ATTENDED).", labels=ACTIVITY
    )


def activities_held() -> Any:
    return walk(RelType.HELD_BY, IN, ActivityT, "Activities and meetings it held (主办, HELD_BY).", labels=ACTIVITY)


def activities_here() -> Any:
    return walk(RelType.HELD_IN, IN, ActivityT, "Activities and meetings held in this area (HELD_IN).", labels=ACTIVITY)
