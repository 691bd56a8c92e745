# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``coveragePlan``: uncovered households assigned to vanguards with spare capacity (min-cost flow)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

import analytics as A
from graph_schema.contract import HOUSEHOLDS_NORM
from resolvers.analytics.common import AreaArg, AreaRef, Ratio, area_in_scope, area_ref, as_json, gid, ratio, run
from resolvers.analytics.snapshot import _snapshot
from resolvers.context import Info


@strawberry.type(description="One LINKS the plan proposes: a vanguard takes an uncovered household of their grid.")
class PlannedLink:
    household: strawberry.ID = strawberry.field(description="Global ID of the uncovered household.")
    vanguard: strawberry.ID = strawberry.field(description="Global ID of the vanguard member who would link it.")
    same_building: bool = strawberry.field(description="Whether the vanguard lives in the household's building.")


@strawberry.type(description="One grid of a coverage plan, over the households of the plan's area in it.")
class GridPlan:
    grid: AreaRef = strawberry.field(description="The grid.")
    before: Ratio = strawberry.field(description="The grid's households of the area, and how many are covered today.")
    after: Ratio = strawberry.field(description="The same, once the plan's links are made.")
    assigned: int = strawberry.field(description="Uncovered households the plan assigns in this grid.")
    same_building: int = strawberry.field(description="Of those, assigned to a vanguard of their own building.")
    spare_capacity: int = strawberry.field(description="Of the vanguards living in the grid, before the plan.")
    left_uncovered: int = strawberry.field(description="Households no vanguard of the grid can take.")
    vanguards_needed: int = strawberry.field(
        description="New vanguards (at householdsNorm households each) it would take to cover what is left."
    )


@strawberry.type(description="Uncovered households assigned to vanguards with spare capacity (min-cost flow).")
class CoveragePlanResult:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    before: Ratio = strawberry.field(description="The area's households, and how many are covered today.")
    after: Ratio = strawberry.field(description="The same, once the plan's links are made.")
    assigned: int = strawberry.field(description="Uncovered households the plan gives a vanguard.")
    same_building: int = strawberry.field(description="Of those, given to a vanguard of their own building.")
    unassigned: int = strawberry.field(description="Uncovered households left without a vanguard.")
    without_grid: int = strawberry.field(description="Uncovered households in no building or in no grid.")
    grids: list[GridPlan] = strawberry.field(description="Per grid with households in the area, by grid id.")
    assignments: list[PlannedLink] = strawberry.field(
        description="Every proposed link, by grid, vanguard and household (not paged: ask for a small area on a "
        "large city)."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze plan` prints), the unassigned "
        "households listed."
    )


@strawberry.type(description="The coveragePlan field of Query.")
class PlanQuery:
    @strawberry.field(description="A plan assigning uncovered households to vanguards with spare capacity.")
    async def coverage_plan(
        self,
        info: Info,
        area: AreaArg = None,
        households_norm: Annotated[
            int,
            strawberry.argument(
                description="Households a vanguard should link (N, 15 by default): a vanguard's spare capacity is "
                "this minus the households they link today."
            ),
        ] = HOUSEHOLDS_NORM,
    ) -> CoveragePlanResult:
        snap = await _snapshot(info)
        local = await area_in_scope(info, area)
        rep = await run(
            info,
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
