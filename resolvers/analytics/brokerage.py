# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``brokerage``: brokers and articulation points of the organization-level graph."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.scalars import JSON

import analytics as A
from resolvers.analytics.common import AreaRef, area_id, area_ref, as_json, gid, run
from resolvers.analytics.snapshot import _model, _snapshot
from resolvers.context import Info
from resolvers.errors import ClientError


@strawberry.type
class Broker:
    node: strawberry.ID
    label: str
    name: str | None
    betweenness: float
    degree: int


@strawberry.type
class ArticulationPoint:
    node: strawberry.ID
    label: str
    name: str | None
    pieces: int
    households_disconnected: int
    households_unreached: int


@strawberry.type(description="Brokers (sampled betweenness) and articulation points of the organization graph.")
class BrokerageResult:
    area: AreaRef
    brokers: list[Broker]
    articulation_points: list[ArticulationPoint]
    details: JSON


@strawberry.type
class BrokerageQuery:
    @strawberry.field(description="Brokers and articulation points of the organization-level graph (seeded sample).")
    async def brokerage(
        self, info: Info, area: strawberry.ID | None = None, top: int = 10, k: int = 256, seed: int = 0
    ) -> BrokerageResult:
        if not 1 <= top <= 100 or not 1 <= k <= 4096:
            raise ClientError("top must be 1-100 and k 1-4096", "BAD_USER_INPUT")
        snap = await _snapshot(info)
        local = area_id(area)
        rep = await run(
            A.brokerage,
            snap.graph,
            local,
            top=top,
            k=k,
            seed=seed,
            index=snap.index,
            model=await asyncio.to_thread(_model, snap),
        )
        return BrokerageResult(
            area=area_ref(local, snap.graph.nodes[local]["label"] if local else "City", None),
            brokers=[
                Broker(
                    node=gid(b["label"], b["id"]),
                    label=b["label"],
                    name=b.get("name"),
                    betweenness=b["betweenness"],
                    degree=b["degree"],
                )
                for b in rep["brokers"]
            ],
            articulation_points=[
                ArticulationPoint(
                    node=gid(p["label"], p["id"]),
                    label=p["label"],
                    name=p.get("name"),
                    pieces=p["pieces"],
                    households_disconnected=p["households_disconnected"],
                    households_unreached=p["households_unreached"],
                )
                for p in rep["articulation_points"][:top]
            ],
            details=as_json(rep),
        )
