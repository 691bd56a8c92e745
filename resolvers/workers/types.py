# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any; the record -> type registry is dynamic.)
"""``Worker`` (工作人员) and ``GuidanceStation`` (基层党建工作指导站) as GraphQL types.

A worker walks to where it works (``worksIn``, with the date), what it guides (``guides``),
its station (``station``), the assessments it made (``assessmentsMade``) and, when it is one, its
party membership (``member``); a station
to the streets it serves and the instructors stationed at it.  The other ends walk back
through the fields of :mod:`resolvers.workers.walks`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_schema import Label, RelType
from graph_schema import Node as Record
from loaders.store import Direction
from resolvers.assessments import walks as assessment_walks
from resolvers.connections import After, Before, Connection, First, Last, SinceConnection, related, related_one
from resolvers.context import Info
from resolvers.node import Area, Node, global_id, node_type
from resolvers.properties import prop
from resolvers.workers.enums import WorkerRole

if TYPE_CHECKING:
    from resolvers.areas import Street
    from resolvers.organization import PartyMember

OUT, IN = Direction.OUT, Direction.IN
PartyMemberT = Annotated["PartyMember", strawberry.lazy("resolvers.organization")]
StreetT = Annotated["Street", strawberry.lazy("resolvers.areas")]


@node_type(Label.WORKER)
@strawberry.type(
    description="A person who works the grid (工作人员): a grid worker (网格员), building head (楼栋长), "
    "party-building instructor (党建指导员) or community worker (社区工作者). name and phone are personal "
    "information: masked unless the viewer may see personal information."
)
class Worker(Node):
    role: WorkerRole = strawberry.field(description=prop(Label.WORKER, "role"))
    full_time: bool = strawberry.field(description=prop(Label.WORKER, "full_time"))

    @classmethod
    def from_record(cls, record: Record) -> Worker:
        p = record.properties
        return cls(id=global_id(record), record=record, role=p["role"], full_time=bool(p.get("full_time")))

    @strawberry.field(description=prop(Label.WORKER, "name"))
    def name(self, info: Info) -> str:
        return str(info.context.viewer.reveal(self.record, "name") or "")

    @strawberry.field(description=prop(Label.WORKER, "phone"))
    def phone(self, info: Info) -> str | None:
        return info.context.viewer.reveal(self.record, "phone")

    @strawberry.field(description="The areas it works in (工作区域, WORKS_IN), with the day it started in each.")
    async def works_in(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> SinceConnection[Area]:
        return await related(info, self.record, RelType.WORKS_IN, OUT, None, first, after, last, before, "since")

    @strawberry.field(
        description="The organizations it guides (指导, GUIDES): party organizations and alliance member units "
        "(e.g. a property company), with the day it started."
    )
    async def guides(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> SinceConnection[Node]:
        return await related(info, self.record, RelType.GUIDES, OUT, None, first, after, last, before, "since")

    @strawberry.field(description="The guidance station it is stationed at (所属指导站, STATIONED_AT); null if none.")
    async def station(self, info: Info) -> GuidanceStation | None:
        return await related_one(info, self.record, RelType.STATIONED_AT, OUT)

    assessments_made = assessment_walks.assessments_made(
        "The assessments of branches it made as an instructor (考核单位, ASSESSED_BY): the cross- and spot-checks "
        "of the 双强双优 campaign; by id."
    )

    @strawberry.field(
        description="The party member this worker is (党员身份, IS_MEMBER); null when not one, or not recorded."
    )
    async def member(self, info: Info) -> PartyMemberT | None:
        return await related_one(info, self.record, RelType.IS_MEMBER, OUT)


@node_type(Label.GUIDANCE_STATION)
@strawberry.type(
    description="A party-building guidance station (基层党建工作指导站): its instructors guide the grassroots "
    "organizations of the streets it serves."
)
class GuidanceStation(Node):
    name: str = strawberry.field(description=prop(Label.GUIDANCE_STATION, "name"))

    @classmethod
    def from_record(cls, record: Record) -> GuidanceStation:
        return cls(id=global_id(record), record=record, name=record.name)

    @strawberry.field(description="The streets and towns it serves (服务街道, SERVES_AREA).")
    async def serves(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[StreetT]:
        return await related(info, self.record, RelType.SERVES_AREA, OUT, None, first, after, last, before)

    @strawberry.field(description="The instructors stationed at it (STATIONED_AT), by id.")
    async def instructors(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Worker]:
        return await related(info, self.record, RelType.STATIONED_AT, IN, None, first, after, last, before)


__all__ = ["GuidanceStation", "Worker"]
