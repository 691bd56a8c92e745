# mypy: disable-error-code="untyped-decorator"
# (strawberry.subscription(...) with arguments is typed as returning Any.)
"""``appealEvents(area)``: the live queue over the graphql-transport-ws protocol."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import Enum
from typing import Annotated

import strawberry

from resolvers.appeals.filters import PLACES
from resolvers.appeals.types import Appeal
from resolvers.context import Info
from resolvers.node import as_node, decode_id


@strawberry.enum(description="The workflow step that wrote an appeal.")
class AppealAction(Enum):
    REPORT = strawberry.enum_value("report", description="反映: reported (a new appeal).")
    ACCEPT = strawberry.enum_value("accept", description="受理: accepted.")
    REJECT = strawberry.enum_value("reject", description="不予受理: rejected.")
    ASSIGN = strawberry.enum_value("assign", description="派单: assigned to a handler.")
    ESCALATE = strawberry.enum_value("escalate", description="上报: escalated to the organization above its handler.")
    RESOLVE = strawberry.enum_value("resolve", description="办结: resolved by its handler.")
    REVIEW = strawberry.enum_value("review", description="评价: reviewed by the resident (UNSATISFIED reopens it).")
    CLOSE = strawberry.enum_value("close", description="归档: closed.")
    REOPEN = strawberry.enum_value("reopen", description="重办: reopened, back to its handler.")


@strawberry.type(description="A new or changed appeal, as its write committed.")
class AppealEvent:
    action: AppealAction = strawberry.field(description="The step that wrote it.")
    appeal: Appeal = strawberry.field(description="The appeal as written.")


@strawberry.type(description="Live updates, over the graphql-transport-ws protocol at /graphql.")
class AppealSubscription:
    @strawberry.subscription(
        description="New and changed appeals (the live queue), as each workflow step commits, in order: those within "
        "area, or all of them. Nothing is replayed: an app loads the queue with appeals first, then listens."
    )
    async def appeal_events(
        self,
        info: Info,
        area: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only appeals within this place (global ID of a Street, Community, Grid, Building or "
                "Household); null: every appeal."
            ),
        ] = None,
    ) -> AsyncGenerator[AppealEvent, None]:
        place = decode_id(area, PLACES, "area")[1] if area else None
        context = info.context
        async for event in context.events.subscribe(place):
            scope = await context.loaders.scope()
            if scope is not None:  # only what the viewer may read (section 9 of docs/design.md)
                (seen,) = await context.store.get_nodes([event.appeal.id], scope=scope)
                if seen is None:
                    continue
            yield AppealEvent(action=AppealAction(event.action), appeal=as_node(event.appeal))
