# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``allianceReach``: the households the alliance member units reach, and a greedy expansion."""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

import analytics as A
from resolvers.analytics.common import AreaArg, AreaRef, Ratio, area_in_scope, area_ref, as_json, gid, ratio, run
from resolvers.analytics.snapshot import _model, _snapshot
from resolvers.context import Info
from resolvers.enums import ResourceKind
from resolvers.errors import ClientError


@strawberry.type(
    description="How many households of the area one alliance member unit reaches: under the areas its "
    "alliances SERVE, or in the buildings it MANAGES."
)
class UnitReach:
    unit: strawberry.ID = strawberry.field(description="Global ID of the unit (an AllianceMember).")
    local_id: str = strawberry.field(description="The unit's id inside the graph.")
    name: str | None = strawberry.field(description="The unit's name.")
    kind: str | None = strawberry.field(description="The unit's kind (a UnitKind value); null when not recorded.")
    resources: list[str] = strawberry.field(description="The resource kinds it brings (ResourceKind values).")
    households: int = strawberry.field(description="Households of the area it reaches.")


@strawberry.type(description="Households reached by at least one unit offering a resource kind.")
class ResourceReach:
    resource: str = strawberry.field(
        description="The resource kind: every ResourceKind value, then any other kind units list."
    )
    units: int = strawberry.field(description="Units offering it that reach at least one household of the area.")
    households: Ratio = strawberry.field(
        description="The area's households, and how many a unit offering this resource reaches."
    )


@strawberry.type(
    description="One step of the greedy expansion: a unit JOINs an alliance, or an alliance SERVES an area, and "
    "what it adds. Each step is valued against today's graph."
)
class ExpansionStep:
    action: str = strawberry.field(description="JOIN (unit joins alliance) or SERVE (alliance starts serving area).")
    unit: str | None = strawberry.field(description="Id (inside the graph) of the unit that joins; null for SERVE.")
    alliance: str | None = strawberry.field(description="Id of the alliance joined, or that serves.")
    area: str | None = strawberry.field(description="Id of the community or street served; null for JOIN.")
    gain: int = strawberry.field(description="Households newly reached by this step.")
    reached: int = strawberry.field(description="Households of the area reached after this step.")


@strawberry.enum(description="Why an expansion plan has no steps.")
class ExpansionEmpty(Enum):
    NO_UNIT_OFFERS_RESOURCE = strawberry.enum_value(
        "NO_UNIT_OFFERS_RESOURCE", description="No unit offers the resource asked for."
    )
    ALL_REACHED = strawberry.enum_value("ALL_REACHED", description="Every household of the area is reached already.")
    NO_CANDIDATE_REACHES_MORE = strawberry.enum_value(
        "NO_CANDIDATE_REACHES_MORE", description="No join or serve would reach another household."
    )


@strawberry.type(
    description="Alliance resource reach of an area: a unit reaches a household when it JOINED an alliance that "
    "SERVES an area containing the household, or MANAGES its building (since dates are not considered)."
)
class ReachResult:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    households: Ratio = strawberry.field(
        description="The area's households, and how many some unit reaches (households in no building are never "
        "reached)."
    )
    units: list[UnitReach] = strawberry.field(
        description="Units reaching at least one household of the area, most households first."
    )
    resources: list[ResourceReach] = strawberry.field(description="Reach per resource kind.")
    expansion: list[ExpansionStep] = strawberry.field(
        description="The k greedy steps that would reach the most unreached households, best first; empty when k is 0."
    )
    expansion_empty_because: ExpansionEmpty | None = strawberry.field(
        description="Why the expansion has no steps (null when it has some, or when k = 0)."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze reach` prints), with the expansion plan."
    )


@strawberry.type(description="The allianceReach field of Query.")
class ReachQuery:
    @strawberry.field(description="Alliance resource reach of an area, with a greedy expansion of k steps.")
    async def alliance_reach(
        self,
        info: Info,
        area: AreaArg = None,
        k: Annotated[
            int,
            strawberry.argument(description="Greedy expansion steps to plan, 0 to 100 (0: no expansion)."),
        ] = 0,
        resource: Annotated[
            ResourceKind | None,
            strawberry.argument(
                description="Plan the expansion for households not reached by a unit offering this resource; "
                "null: by any unit."
            ),
        ] = None,
    ) -> ReachResult:
        if not 0 <= k <= 100:
            raise ClientError(f"k must be between 0 and 100, got {k}", "BAD_USER_INPUT")
        snap = await _snapshot(info)
        local = await area_in_scope(info, area)
        model = await asyncio.to_thread(_model, snap)
        rep = await run(info, A.reach, snap.graph, local, index=snap.index, model=model)
        steps: list[dict[str, Any]] = []
        plan: dict[str, Any] | None = None
        if k:
            res = resource.value if resource is not None else None
            plan = await run(
                info, A.expansion_plan, snap.graph, k, area=local, resource=res, index=snap.index, model=model
            )
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
