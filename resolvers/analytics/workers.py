# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``workerStats``: the people who work the grid in an area: grids without a worker, instructor load
and property companies no instructor guides (docs/design.md 7.13)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

import analytics as A
from graph_schema import Label
from graph_schema.contract import INSTRUCTOR_NORM, OVERLOAD_FACTOR
from resolvers.analytics.common import AreaArg, AreaRef, area_in_scope, area_ref, as_json, gid, run
from resolvers.analytics.snapshot import _snapshot
from resolvers.context import Info
from resolvers.workers.enums import WorkerRole


@strawberry.type(description="How many workers of one role work in the area.")
class WorkerRoleCount:
    role: WorkerRole = strawberry.field(description="The role.")
    count: int = strawberry.field(description="Workers of the role who WORKS_IN the area or under it.")


@strawberry.type(description="A grid that no grid worker (网格员) works in.")
class WorkerlessGridRow:
    grid: strawberry.ID = strawberry.field(description="Global ID of the grid.")
    local_id: str = strawberry.field(description="The grid's id inside the graph.")
    name: str | None = strawberry.field(description="The grid's name.")
    households: int = strawberry.field(description="Households under the grid.")


@strawberry.type(description="One instructor's guided organizations against the norm.")
class InstructorLoadRow:
    instructor: strawberry.ID = strawberry.field(description="Global ID of the instructor (a Worker).")
    local_id: str = strawberry.field(description="The instructor's id inside the graph.")
    full_time: bool = strawberry.field(description="Whether the instructor is full-time (专职).")
    organizations: int = strawberry.field(description="Party organizations and units it GUIDES.")
    station: strawberry.ID | None = strawberry.field(description="Global ID of its guidance station; null if none.")


@strawberry.type(description="A property company (物业公司) that no instructor guides, itself or through its branch.")
class UnguidedCompanyRow:
    unit: strawberry.ID = strawberry.field(description="Global ID of the company (an AllianceMember).")
    local_id: str = strawberry.field(description="The company's id inside the graph.")
    name: str | None = strawberry.field(description="The company's name.")
    has_branch: bool = strawberry.field(description="Whether it has a party branch (BRANCH_OF).")
    buildings: int = strawberry.field(description="Buildings of the area it manages (MANAGES).")


@strawberry.type(
    description="The people who work the grid in an area (7.13): counts by role, grids without a grid worker, "
    "instructor load against the norm, and property companies no instructor guides."
)
class WorkerStatsResult:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    instructor_norm: int = strawberry.field(description="The norm used: organizations per instructor.")
    overload_factor: float = strawberry.field(description="Overloaded above this multiple of the norm.")
    by_role: list[WorkerRoleCount] = strawberry.field(description="Workers of the area per role, every role listed.")
    full_time: int = strawberry.field(description="Full-time workers of the area.")
    grids: int = strawberry.field(description="Grids of the area.")
    grids_with_worker: int = strawberry.field(description="Grids a GRID_WORKER works in.")
    part_time_only: int = strawberry.field(description="Grids whose only grid workers are part-time.")
    workerless_grids: list[WorkerlessGridRow] = strawberry.field(description="Grids no grid worker works in, by id.")
    instructors: int = strawberry.field(description="Instructors (INSTRUCTOR) who work in the area.")
    mean_organizations: float | None = strawberry.field(
        description="Mean organizations an instructor of the area guides; null when it has none."
    )
    overloaded: list[InstructorLoadRow] = strawberry.field(
        description="Instructors guiding more than overloadFactor × instructorNorm organizations, by id."
    )
    idle: int = strawberry.field(description="Instructors who guide nothing.")
    property_companies: int = strawberry.field(
        description="Property companies of the area (managing a building in it; the city: all of them)."
    )
    unguided_property_companies: list[UnguidedCompanyRow] = strawberry.field(
        description="Property companies of the area no instructor guides, by id."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze workers` prints)."
    )


def _load(d: dict[str, Any]) -> InstructorLoadRow:
    station = d.get("station")
    return InstructorLoadRow(
        instructor=gid(Label.WORKER.value, d["id"]),
        local_id=d["id"],
        full_time=bool(d["full_time"]),
        organizations=int(d["organizations"]),
        station=gid(Label.GUIDANCE_STATION.value, station) if station else None,
    )


@strawberry.type(description="The workerStats field of Query.")
class WorkerStatsQuery:
    @strawberry.field(
        description="The people who work the grid (工作人员) in an area: grids without a grid worker, instructor "
        "load, property companies without an instructor."
    )
    async def worker_stats(
        self,
        info: Info,
        area: AreaArg = None,
        instructor_norm: Annotated[
            int,
            strawberry.argument(
                description="Organizations an instructor guides (default 6: the seed's 3,770 branches over 663 "
                "instructors); 0 to 1000."
            ),
        ] = INSTRUCTOR_NORM,
        overload_factor: Annotated[
            float, strawberry.argument(description="Overloaded above this multiple of the norm (default 2); 1 to 100.")
        ] = OVERLOAD_FACTOR,
    ) -> WorkerStatsResult:
        snap = await _snapshot(info)
        rep = await run(
            info,
            A.workers_report,
            snap.graph,
            await area_in_scope(info, area),
            instructor_norm=instructor_norm,
            overload_factor=overload_factor,
            index=snap.index,
        )
        return WorkerStatsResult(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            instructor_norm=rep["instructor_norm"],
            overload_factor=rep["overload_factor"],
            by_role=[WorkerRoleCount(role=WorkerRole(r), count=n) for r, n in rep["by_role"].items()],
            full_time=rep["full_time"],
            grids=rep["grids"],
            grids_with_worker=rep["grids_with_worker"],
            part_time_only=rep["part_time_only"],
            workerless_grids=[
                WorkerlessGridRow(
                    grid=gid(Label.GRID.value, g["id"]), local_id=g["id"], name=g["name"], households=g["households"]
                )
                for g in rep["workerless_grids"]
            ],
            instructors=rep["instructors"],
            mean_organizations=rep["mean_organizations"],
            overloaded=[_load(d) for d in rep["overloaded"]],
            idle=len(rep["idle"]),
            property_companies=rep["property_companies"],
            unguided_property_companies=[
                UnguidedCompanyRow(
                    unit=gid(Label.ALLIANCE_MEMBER.value, u["id"]),
                    local_id=u["id"],
                    name=u["name"],
                    has_branch=u["branch"] is not None,
                    buildings=u["buildings"],
                )
                for u in rep["unguided_property_companies"]
            ],
            details=as_json(rep),
        )
