# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""``brokerage``: brokers and articulation points of the organization-level graph."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

import analytics as A
from resolvers.analytics.common import AreaArg, AreaRef, area_in_scope, area_ref, as_json, gid, run
from resolvers.analytics.snapshot import _model, _snapshot
from resolvers.context import Info
from resolvers.errors import ClientError


@strawberry.type(description="A node many shortest paths of the organization graph pass through.")
class Broker:
    node: strawberry.ID = strawberry.field(description="Global ID of the node.")
    label: str = strawberry.field(description="Its type (a NodeLabel value).")
    name: str | None = strawberry.field(description="Its name.")
    betweenness: float = strawberry.field(
        description="Sampled betweenness centrality, normalized (0 to 1): the share of shortest paths through it."
    )
    degree: int = strawberry.field(description="Its neighbours in the organization graph.")


@strawberry.type(description="A node whose removal splits its part of the organization graph.")
class ArticulationPoint:
    node: strawberry.ID = strawberry.field(description="Global ID of the node.")
    label: str = strawberry.field(description="Its type (a NodeLabel value).")
    name: str | None = strawberry.field(description="Its name.")
    pieces: int = strawberry.field(description="Connected pieces its part of the graph falls into without it.")
    households_disconnected: int = strawberry.field(
        description="Households of grids that have a path to a Street (or to the area asked about) and lose every "
        "such path without it (its own households, for a grid)."
    )
    households_unreached: int = strawberry.field(
        description="Households reached by some alliance unit today and by none without it (units and alliances only)."
    )


@strawberry.type(description="Brokers (sampled betweenness) and articulation points of the organization graph.")
class BrokerageResult:
    area: AreaRef = strawberry.field(description="The area asked about (the city when area was null).")
    brokers: list[Broker] = strawberry.field(description="The top brokers, highest betweenness first, then by id.")
    articulation_points: list[ArticulationPoint] = strawberry.field(
        description="At most top articulation points, most households disconnected first, then most unreached, "
        "then by id."
    )
    details: JSON = strawberry.field(
        description="The complete figures as JSON (what `civicmesh analyze brokerage` prints), every articulation "
        "point included."
    )


@strawberry.type(description="The brokerage field of Query.")
class BrokerageQuery:
    @strawberry.field(description="Brokers and articulation points of the organization-level graph (seeded sample).")
    async def brokerage(
        self,
        info: Info,
        area: AreaArg = None,
        top: Annotated[
            int, strawberry.argument(description="How many brokers and articulation points to list, 1 to 100.")
        ] = 10,
        k: Annotated[
            int,
            strawberry.argument(
                description="Betweenness sample: shortest paths from this many source nodes, 1 to 4096 (exact when "
                "the graph has no more nodes). Larger is slower and closer to exact."
            ),
        ] = 256,
        seed: Annotated[
            int, strawberry.argument(description="Seed of the sample: the same seed gives the same answer.")
        ] = 0,
    ) -> BrokerageResult:
        if not 1 <= top <= 100 or not 1 <= k <= 4096:
            raise ClientError("top must be 1-100 and k 1-4096", "BAD_USER_INPUT")
        snap = await _snapshot(info)
        local = await area_in_scope(info, area)
        rep = await run(
            info,
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
