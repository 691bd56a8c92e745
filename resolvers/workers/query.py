# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``workers`` and ``guidanceStations``: the root listings, filtered inside the store."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph_schema import Label
from resolvers.connections import After, Before, Connection, First, Last, list_connection
from resolvers.context import Info
from resolvers.filters import FILTER, OrderBy, node_filter, node_order
from resolvers.workers.enums import WorkerRole
from resolvers.workers.types import GuidanceStation, Worker


@strawberry.input(description="Conditions on workers (工作人员).")
class WorkerFilter:
    name_contains: str | None = strawberry.field(
        default=None,
        description="Workers whose name contains this text (case-insensitive). Worker names are personal "
        "information: refused (code PII) unless the viewer may see personal information.",
    )
    within: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only workers who work (WORKS_IN) in this area or under it (global ID of a Street, Community, "
        "Grid or Building).",
    )
    role: WorkerRole | None = strawberry.field(default=None, description="Workers of this role.")
    full_time: bool | None = strawberry.field(
        default=None, description="true: full-time (专职) workers only; false: those recorded as part-time."
    )


@strawberry.input(description="Conditions on guidance stations (基层党建工作指导站).")
class GuidanceStationFilter:
    name_contains: str | None = strawberry.field(
        default=None, description="Stations whose name contains this text (case-insensitive)."
    )
    within: strawberry.ID | None = strawberry.field(
        default=None, description="Only stations that serve (SERVES_AREA) a street within this area."
    )


@strawberry.type(description="Listing workers and guidance stations.")
class WorkerQuery:
    @strawberry.field(description="People who work the grid (工作人员), a page at a time.")
    async def workers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[WorkerFilter | None, strawberry.argument(description=FILTER)] = None,
        order_by: OrderBy = None,
    ) -> Connection[Worker]:
        label = Label.WORKER
        return await list_connection(
            info, label, node_filter(info, label, filter), node_order(info, label, order_by), first, after, last, before
        )

    @strawberry.field(description="Party-building guidance stations (基层党建工作指导站), a page at a time.")
    async def guidance_stations(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[GuidanceStationFilter | None, strawberry.argument(description=FILTER)] = None,
        order_by: OrderBy = None,
    ) -> Connection[GuidanceStation]:
        label = Label.GUIDANCE_STATION
        return await list_connection(
            info, label, node_filter(info, label, filter), node_order(info, label, order_by), first, after, last, before
        )
