# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""Create, update and delete workers and guidance stations.

``createWorker`` writes the worker with where it works (WORKS_IN), optionally its station
(STATIONED_AT), the party member it is (IS_MEMBER) and the organizations it guides (GUIDES),
in one batch; ``createGuidanceStation`` a station with the streets it serves (SERVES_AREA).
Other links go through ``link``/``unlink``.  Every write passes the role rules of
:mod:`resolvers.permissions` (a community may add workers inside it; a street or the city
stations too) and the audit trail.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from graph_schema import AREA_LABELS, Label, RelType, WriteBatch
from graph_schema import Node as Record
from graph_schema import Relationship as Rel
from resolvers.context import Info
from resolvers.errors import ERRORS, UserError
from resolvers.mutations.common import Refused, field_names, new_id, parse_id, properties_of, write
from resolvers.mutations.nodes import DeleteId, DeletePayload, delete_node, update_node
from resolvers.node import as_node
from resolvers.properties import ID, UPDATE_ID, change, prop
from resolvers.workers.enums import WorkerRole
from resolvers.workers.types import GuidanceStation, Worker

UNSET: Any = strawberry.UNSET
_AREAS = [a.value for a in AREA_LABELS]
_GUIDED = [Label.PARTY_ORGANIZATION.value, Label.ALLIANCE_MEMBER.value]
_UPDATE = "Changes to one {what}: the fields given are set, null removes an optional property, omitted fields stay."
NEW = "The new node's properties and the relationships written with it."
CHANGES = "Which node to change (its global ID), and the properties to set or remove."


@strawberry.input(
    description="A new worker (工作人员): its properties, where it works, and optionally its station, the party "
    "member it is and what it guides, written with it in one batch."
)
class CreateWorkerInput:
    name: str = strawberry.field(description=prop(Label.WORKER, "name"))
    role: WorkerRole = strawberry.field(description=prop(Label.WORKER, "role"))
    area: strawberry.ID = strawberry.field(
        description="Global ID of the Street, Community, Grid or Building it works in (WORKS_IN)."
    )
    full_time: bool | None = strawberry.field(default=None, description=prop(Label.WORKER, "full_time"))
    phone: str | None = strawberry.field(default=None, description=prop(Label.WORKER, "phone"))
    station: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the guidance station it is stationed at (STATIONED_AT); null: none."
    )
    member: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the party member this worker is (IS_MEMBER); null: none."
    )
    guides: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Global IDs of the party organizations and alliance member units it guides (GUIDES); null: none.",
    )
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="worker"))
class UpdateWorkerInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.WORKER, "name"))
    role: WorkerRole | None = strawberry.field(default=UNSET, description=change(Label.WORKER, "role"))
    full_time: bool | None = strawberry.field(default=UNSET, description=change(Label.WORKER, "full_time"))
    phone: str | None = strawberry.field(default=UNSET, description=change(Label.WORKER, "phone"))


@strawberry.input(
    description="A new guidance station (基层党建工作指导站): its name and the streets it serves, written in one batch."
)
class CreateGuidanceStationInput:
    name: str = strawberry.field(description=prop(Label.GUIDANCE_STATION, "name"))
    streets: list[strawberry.ID] = strawberry.field(
        description="Global IDs of the streets and towns it serves (SERVES_AREA); at least one."
    )
    id: str | None = strawberry.field(default=None, description=ID)


@strawberry.input(description=_UPDATE.format(what="guidance station"))
class UpdateGuidanceStationInput:
    id: strawberry.ID = strawberry.field(description=UPDATE_ID)
    name: str | None = strawberry.field(default=UNSET, description=change(Label.GUIDANCE_STATION, "name"))


@strawberry.type(description="The result of a worker mutation: the worker, or why nothing was written.")
class WorkerPayload:
    worker: Worker | None = strawberry.field(
        description="The worker as stored after the write; null when errors is not empty."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a guidance station mutation: the station, or why nothing was written.")
class GuidanceStationPayload:
    guidance_station: GuidanceStation | None = strawberry.field(
        description="The station as stored after the write; null when errors is not empty."
    )
    errors: list[UserError] = strawberry.field(description=ERRORS)


async def create_worker(info: Info, data: CreateWorkerInput) -> tuple[Any, list[UserError]]:
    """Write a new worker and the relationships its input names in one batch."""
    try:
        node_id = data.id or new_id(Label.WORKER)
        record = Record(Label.WORKER.value, node_id, properties_of(Label.WORKER, data))
        rels = [Rel(RelType.WORKS_IN.value, node_id, parse_id(data.area, "area", _AREAS)[1])]
        fields = field_names(Label.WORKER) | {"WORKS_IN.end": "area"}
        if data.station is not None:
            station = parse_id(data.station, "station", [Label.GUIDANCE_STATION.value])[1]
            rels.append(Rel(RelType.STATIONED_AT.value, node_id, station))
            fields["STATIONED_AT.end"] = "station"
        if data.member is not None:
            rels.append(
                Rel(RelType.IS_MEMBER.value, node_id, parse_id(data.member, "member", [Label.PARTY_MEMBER.value])[1])
            )
            fields["IS_MEMBER.end"] = "member"
        for i, guided in enumerate(data.guides or []):
            rels.append(Rel(RelType.GUIDES.value, node_id, parse_id(guided, f"guides[{i}]", _GUIDED)[1]))
        if data.guides:
            fields["GUIDES.end"] = "guides"
        await write(info, WriteBatch(nodes=[record], relationships=rels, create_only=True), fields)
        return as_node(record), []
    except Refused as refused:
        return None, refused.errors


async def create_station(info: Info, data: CreateGuidanceStationInput) -> tuple[Any, list[UserError]]:
    """Write a new guidance station with the streets it serves in one batch."""
    try:
        if not data.streets:
            raise Refused([UserError.of("streets", "REQUIRED", "a guidance station serves at least one street")])
        node_id = data.id or new_id(Label.GUIDANCE_STATION)
        record = Record(Label.GUIDANCE_STATION.value, node_id, properties_of(Label.GUIDANCE_STATION, data))
        rels = [
            Rel(RelType.SERVES_AREA.value, node_id, parse_id(s, f"streets[{i}]", [Label.STREET.value])[1])
            for i, s in enumerate(data.streets)
        ]
        fields = field_names(Label.GUIDANCE_STATION) | {"SERVES_AREA.end": "streets"}
        await write(info, WriteBatch(nodes=[record], relationships=rels, create_only=True), fields)
        return as_node(record), []
    except Refused as refused:
        return None, refused.errors


@strawberry.type(description="Create, update and delete workers and guidance stations.")
class WorkerMutation:
    @strawberry.mutation(description="Create a worker where it works, with its station, membership and guidance.")
    async def create_worker(
        self, info: Info, input: Annotated[CreateWorkerInput, strawberry.argument(description=NEW)]
    ) -> WorkerPayload:
        node, errors = await create_worker(info, input)
        return WorkerPayload(worker=node, errors=errors)

    @strawberry.mutation(description="Change a worker's properties.")
    async def update_worker(
        self, info: Info, input: Annotated[UpdateWorkerInput, strawberry.argument(description=CHANGES)]
    ) -> WorkerPayload:
        node, errors = await update_node(info, Label.WORKER, input)
        return WorkerPayload(worker=node, errors=errors)

    @strawberry.mutation(description="Delete a worker and its relationships.")
    async def delete_worker(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.WORKER, id)

    @strawberry.mutation(description="Create a guidance station serving one or more streets.")
    async def create_guidance_station(
        self, info: Info, input: Annotated[CreateGuidanceStationInput, strawberry.argument(description=NEW)]
    ) -> GuidanceStationPayload:
        node, errors = await create_station(info, input)
        return GuidanceStationPayload(guidance_station=node, errors=errors)

    @strawberry.mutation(description="Change a guidance station's properties.")
    async def update_guidance_station(
        self, info: Info, input: Annotated[UpdateGuidanceStationInput, strawberry.argument(description=CHANGES)]
    ) -> GuidanceStationPayload:
        node, errors = await update_node(info, Label.GUIDANCE_STATION, input)
        return GuidanceStationPayload(guidance_station=node, errors=errors)

    @strawberry.mutation(description="Delete a guidance station and its relationships (its instructors stay).")
    async def delete_guidance_station(self, info: Info, id: DeleteId) -> DeletePayload:
        return await delete_node(info, Label.GUIDANCE_STATION, id)
