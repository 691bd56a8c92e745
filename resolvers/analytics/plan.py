# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``coveragePlan``: uncovered households assigned to vanguards with spare capacity (min-cost flow)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

import analytics as A
from resolvers.analytics.common import AreaRef, Ratio, area_id, area_ref, as_json, gid, ratio, run
from resolvers.analytics.snapshot import _snapshot
from resolvers.context import Info


@strawberry.type
class PlannedLink:
    household: strawberry.ID
    vanguard: strawberry.ID
    same_building: bool


@strawberry.type(description="One grid of a coverage plan, over the households of the plan's area in it.")
class GridPlan:
    grid: AreaRef
    before: Ratio
    after: Ratio
    assigned: int
    same_building: int
    spare_capacity: int = strawberry.field(description="Of the vanguards living in the grid, before the plan.")
    left_uncovered: int = strawberry.field(description="Households no vanguard of the grid can take.")
    vanguards_needed: int = strawberry.field(
        description="New vanguards (at householdsNorm households each) it would take to cover what is left."
    )


@strawberry.type(description="Uncovered households assigned to vanguards with spare capacity (min-cost flow).")
class CoveragePlanResult:
    area: AreaRef
    before: Ratio
    after: Ratio
    assigned: int
    same_building: int
    unassigned: int
    without_grid: int = strawberry.field(description="Uncovered households in no building or in no grid.")
    grids: list[GridPlan] = strawberry.field(description="Per grid with households in the area, by grid id.")
    assignments: list[PlannedLink]
    details: JSON


@strawberry.type
class PlanQuery:
    @strawberry.field(description="A plan assigning uncovered households to vanguards with spare capacity.")
    async def coverage_plan(
        self, info: Info, area: strawberry.ID | None = None, households_norm: int = 15
    ) -> CoveragePlanResult:
        snap = await _snapshot(info)
        local = area_id(area)
        rep = await run(
            A.coverage_plan,
            snap.graph,
            local,
            households_norm=households_norm,
            index=snap.index,
            linkage=snap.linkage,
        )
        return CoveragePlanResult(
            area=area_ref(local, snap.graph.nodes[local]["label"] if local else "City", None),
            before=ratio(rep["before"]),
            after=ratio(rep["after"]),
            assigned=rep["assigned"],
            same_building=rep["same_building"],
            unassigned=len(rep["unassigned"]),
            without_grid=rep["without_grid"],
            grids=[
                GridPlan(
                    grid=area_ref(g["grid"], "Grid", g["name"]),
                    before=Ratio(total=g["households"], covered=g["covered_before"], rate=g["rate_before"]),
                    after=Ratio(total=g["households"], covered=g["covered_after"], rate=g["rate_after"]),
                    assigned=g["assigned"],
                    same_building=g["same_building"],
                    spare_capacity=g["spare_capacity"],
                    left_uncovered=g["left_uncovered"],
                    vanguards_needed=g["vanguards_needed"],
                )
                for g in rep["grids"]
            ],
            assignments=[
                PlannedLink(
                    household=gid("Household", a["household"]),
                    vanguard=gid("PartyMember", a["vanguard"]),
                    same_building=a["same_building"],
                )
                for a in rep["assignments"]
            ],
            details=as_json(rep),
        )
