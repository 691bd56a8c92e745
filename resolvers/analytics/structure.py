# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``structure``: structure completeness of an area (branches on grids, groups in buildings, alliances)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

import analytics as A
from resolvers.analytics.common import AreaArg, AreaRef, area_in_scope, area_ref, as_json, run
from resolvers.analytics.snapshot import _snapshot
from resolvers.context import Info


@strawberry.type(description="Structure completeness of an area (grids, buildings, communities, star ratings).")
class StructureResult:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    grids: int = strawberry.field(description="Grids in the area.")
    grids_with_branch_rate: float | None = strawberry.field(
        description="Share of the grids governed by a GRID_BRANCH or a party group (GRID_GROUP, or BUILDING_GROUP "
        "in older data; every grid should have a branch or group), 0 to 1; null without grids."
    )
    buildings: int = strawberry.field(description="Buildings and courtyards in the area.")
    buildings_with_group_rate: float | None = strawberry.field(
        description="Share of the buildings governed by a BUILDING_GROUP, 0 to 1; null without buildings."
    )
    communities: int = strawberry.field(description="Communities in the area.")
    communities_with_alliance_rate: float | None = strawberry.field(
        description="Share of the communities an alliance SERVES, directly or through their street, 0 to 1; null "
        "without communities."
    )
    grids_off_norm: int = strawberry.field(
        description="Grids whose household count is outside ±50% of their norm (their targetHouseholds, else 300)."
    )
    villages: int = strawberry.field(description="Villages (村) among the communities (kind VILLAGE).")
    stations: int = strawberry.field(description="Vanguard stations (先锋驿站) located in the area's buildings.")
    stations_with_group_rate: float | None = strawberry.field(
        description="Share of the stations ATTACHED_TO a party group (BUILDING_GROUP or GRID_GROUP: stations are set "
        "by the party groups), 0 to 1; null without stations."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze structure` prints): the off-norm grids, "
        "grids without a branch, communities without an alliance, the star spread per street, the stations attached to "
        "no party group."
    )


@strawberry.type(description="The structure field of Query.")
class StructureQuery:
    @strawberry.field(description="Structure completeness: branches on grids, groups in buildings, alliances.")
    async def structure(self, info: Info, area: AreaArg = None) -> StructureResult:
        snap = await _snapshot(info)
        rep = await run(info, A.structure, snap.graph, await area_in_scope(info, area), index=snap.index)
        return StructureResult(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            grids=rep["grids"],
            grids_with_branch_rate=rep["grids_with_branch_rate"],
            buildings=rep["buildings"],
            buildings_with_group_rate=rep["buildings_with_group_rate"],
            communities=rep["communities"],
            communities_with_alliance_rate=rep["communities_with_alliance_rate"],
            grids_off_norm=len(rep["grids_off_norm"]),
            villages=rep["villages"],
            stations=rep["stations"],
            stations_with_group_rate=rep["stations_with_group_rate"],
            details=as_json(rep),
        )
