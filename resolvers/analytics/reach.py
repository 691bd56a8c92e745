# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``allianceReach``: the households the alliance member units reach, and a greedy expansion."""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

import analytics as A
from graph_schema import ResourceKind
from resolvers.analytics.common import AreaRef, Ratio, area_id, area_ref, as_json, gid, ratio, run
from resolvers.analytics.snapshot import _model, _snapshot
from resolvers.context import Info
from resolvers.errors import ClientError


@strawberry.type(description="How many households one alliance member unit reaches.")
class UnitReach:
    unit: strawberry.ID
    local_id: str
    name: str | None
    kind: str | None
    resources: list[str]
    households: int


@strawberry.type(description="Households reached by at least one unit offering a resource kind.")
class ResourceReach:
    resource: str
    units: int
    households: Ratio


@strawberry.type(description="Greedy expansion: the next join or served area and what it adds.")
class ExpansionStep:
    action: str
    unit: str | None
    alliance: str | None
    area: str | None
    gain: int
    reached: int


@strawberry.enum(description="Why an expansion plan has no steps.")
class ExpansionEmpty(Enum):
    NO_UNIT_OFFERS_RESOURCE = "NO_UNIT_OFFERS_RESOURCE"
    ALL_REACHED = "ALL_REACHED"
    NO_CANDIDATE_REACHES_MORE = "NO_CANDIDATE_REACHES_MORE"


@strawberry.type(description="Alliance resource reach of an area.")
class ReachResult:
    area: AreaRef
    households: Ratio
    units: list[UnitReach]
    resources: list[ResourceReach]
    expansion: list[ExpansionStep]
    expansion_empty_because: ExpansionEmpty | None = strawberry.field(
        description="Why the expansion has no steps (null when it has some, or when k = 0)."
    )
    details: JSON


@strawberry.type
class ReachQuery:
    @strawberry.field(description="Alliance resource reach of an area, with a greedy expansion of k steps.")
    async def alliance_reach(
        self,
        info: Info,
        area: strawberry.ID | None = None,
        k: int = 0,
        resource: ResourceKind | None = None,
    ) -> ReachResult:
        if not 0 <= k <= 100:
            raise ClientError(f"k must be between 0 and 100, got {k}", "BAD_USER_INPUT")
        snap = await _snapshot(info)
        local = area_id(area)
        model = await asyncio.to_thread(_model, snap)
        rep = await run(A.reach, snap.graph, local, index=snap.index, model=model)
        steps: list[dict[str, Any]] = []
        plan: dict[str, Any] | None = None
        if k:
            res = resource.value if resource is not None else None
            plan = await run(A.expansion_plan, snap.graph, k, area=local, resource=res, index=snap.index, model=model)
            steps = plan["steps"]
        return ReachResult(
            area=area_ref(rep["area"], rep["label"], rep["name"]),
            households=ratio(rep["households"], "reached"),
            units=[
                UnitReach(
                    unit=gid("AllianceMember", u["id"]),
                    local_id=u["id"],
                    name=u.get("name"),
                    kind=u.get("kind"),
                    resources=list(u.get("resources") or []),
                    households=u["households"],
                )
                for u in rep["units"]
            ],
            resources=[
                ResourceReach(resource=r["resource"], units=r["units"], households=ratio(r["households"], "reached"))
                for r in rep["resources"]
            ],
            expansion=[
                ExpansionStep(
                    action=s["action"],
                    unit=s.get("unit"),
                    alliance=s.get("alliance"),
                    area=s.get("area"),
                    gain=s["gain"],
                    reached=s["reached"],
                )
                for s in steps
            ],
            expansion_empty_because=ExpansionEmpty(plan["why_empty"]) if plan and plan["why_empty"] else None,
            details=as_json({**rep, "expansion": plan}),
        )
