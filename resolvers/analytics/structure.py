# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``structure``: structure completeness of an area (branches on grids, groups in buildings, alliances)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

import analytics as A
from resolvers.analytics.common import AreaRef, area_id, area_ref, as_json, run
from resolvers.analytics.snapshot import _snapshot
from resolvers.context import Info


@strawberry.type(description="Structure completeness of an area (grids, buildings, communities, star ratings).")
class StructureResult:
    area: AreaRef
    grids: int
    grids_with_branch_rate: float | None
    buildings: int
    buildings_with_group_rate: float | None
    communities: int
    communities_with_alliance_rate: float | None
    grids_off_norm: int
    details: JSON


@strawberry.type
class StructureQuery:
    @strawberry.field(description="Structure completeness: branches on grids, groups in buildings, alliances.")
    async def structure(self, info: Info, area: strawberry.ID | None = None) -> StructureResult:
        snap = await _snapshot(info)
        rep = await run(A.structure, snap.graph, area_id(area), index=snap.index)
        return StructureResult(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            grids=rep["grids"],
            grids_with_branch_rate=rep["grids_with_branch_rate"],
            buildings=rep["buildings"],
            buildings_with_group_rate=rep["buildings_with_group_rate"],
            communities=rep["communities"],
            communities_with_alliance_rate=rep["communities_with_alliance_rate"],
            grids_off_norm=len(rep["grids_off_norm"]),
            details=as_json(rep),
        )
