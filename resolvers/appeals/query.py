# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``appeals``: the appeal listing (a Relay connection), filtered and sorted inside the store."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph_schema import Label
from loaders.store import Order
from resolvers.appeals.filters import AppealFilter, AppealOrder, appeal_filter, appeal_order
from resolvers.appeals.types import Activity, Appeal
from resolvers.connections import After, Before, Connection, First, Last, list_connection
from resolvers.context import Info


async def appeal_connection(
    info: Info,
    flt: AppealFilter | None,
    order: AppealOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    area: str | None = None,
) -> Any:
    """A page of appeals (``area``: a local id that replaces the filter's ``within``)."""
    return await list_connection(
        info, Label.APPEAL, appeal_filter(flt, area), appeal_order(order), first, after, last, before
    )


@strawberry.type(description="Listing appeals and activities.")
class AppealQuery:
    @strawberry.field(
        description="Appeals (诉求), a page at a time: by due day unless orderBy says otherwise, so an area's queue "
        "with filter {within, overdue: true} shows the most overdue first."
    )
    async def appeals(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            AppealFilter | None,
            strawberry.argument(description="Only the appeals that meet every condition given (null: all)."),
        ] = None,
        order_by: Annotated[
            AppealOrder | None, strawberry.argument(description="How to sort (null: by due day, soonest first).")
        ] = None,
    ) -> Connection[Appeal]:
        return await appeal_connection(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Activities and meetings (活动/会议), by id, a page at a time.")
    async def activities(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Activity]:
        return await list_connection(info, Label.ACTIVITY, None, Order(), first, after, last, before)
