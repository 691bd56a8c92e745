# mypy: disable-error-code="untyped-decorator, no-any-return"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""The worker relationships seen from the other end, as fields the existing types take with one
line each (``workers = walks.workers()``):

* an area's ``workers`` (who WORKS_IN it) and a street's ``guidanceStations`` (SERVES_AREA);
* an organization's or a unit's ``guidedBy`` (GUIDES, with the date);
* a party member's ``worker`` (IS_MEMBER).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph_schema import Label, RelType
from loaders.store import Direction
from resolvers.connections import After, Before, Connection, First, Last, SinceConnection, related, related_one
from resolvers.context import Info

if TYPE_CHECKING:
    from resolvers.workers.types import GuidanceStation, Worker

WorkerT = Annotated["Worker", strawberry.lazy("resolvers.workers.types")]
GuidanceStationT = Annotated["GuidanceStation", strawberry.lazy("resolvers.workers.types")]

OUT, IN = Direction.OUT, Direction.IN
WORKER, STATION = [Label.WORKER.value], [Label.GUIDANCE_STATION.value]


async def _workers(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> SinceConnection[WorkerT]:
    return await related(info, root.record, RelType.WORKS_IN, IN, WORKER, first, after, last, before, "since")


async def _guided_by(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> SinceConnection[WorkerT]:
    return await related(info, root.record, RelType.GUIDES, IN, WORKER, first, after, last, before, "since")


async def _stations(
    root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Connection[GuidanceStationT]:
    return await related(info, root.record, RelType.SERVES_AREA, IN, STATION, first, after, last, before)


async def _as_worker(root: Any, info: Info) -> WorkerT | None:
    return await related_one(info, root.record, RelType.IS_MEMBER, IN, WORKER)


def workers() -> Any:
    return strawberry.field(
        resolver=_workers,
        description="The workers who work in this very area (工作区域, WORKS_IN): grid workers, building heads, "
        "instructors, community workers; by id, with the day each started.",
    )


def guided_by() -> Any:
    return strawberry.field(
        resolver=_guided_by,
        description="The instructors who guide it (党建指导员, GUIDES), with the day each started.",
    )


def guidance_stations() -> Any:
    return strawberry.field(
        resolver=_stations, description="The guidance stations that serve it (基层党建工作指导站, SERVES_AREA)."
    )


def worker() -> Any:
    return strawberry.field(
        resolver=_as_worker, description="The worker this member is (IS_MEMBER), e.g. a grid worker; null if none."
    )
