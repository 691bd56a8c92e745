# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""What every analytics field shares: the area argument, running an analysis, counts and area references."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import networkx as nx
import strawberry

from graph_schema import AREA_LABELS, NotFoundError, to_global_id
from resolvers.analytics.scoping import scoped_area, scrub
from resolvers.context import Info
from resolvers.errors import ClientError
from resolvers.node import decode_id

_AREAS = [label.value for label in AREA_LABELS]

AreaArg = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="The area to analyse: global ID of a Street, Community, Grid or Building (another type is "
        "refused with WRONG_TYPE, an unknown area with NOT_FOUND, one outside the viewer's scope with FORBIDDEN); "
        "null: the viewer's own area, or the whole city for a viewer bound to none."
    ),
]


def area_id(area: strawberry.ID | None) -> str | None:
    """The local id of an ``area`` argument (a Street, Community, Grid or Building); None for the city."""
    if area is None:
        return None
    return decode_id(area, expected=_AREAS, argument="area")[1]


async def area_in_scope(info: Info, area: strawberry.ID | None) -> str | None:
    """The local id of the area to analyse: the ``area`` argument, or the viewer's own area, and
    FORBIDDEN outside the viewer's scope (:func:`resolvers.analytics.scoping.scoped_area`)."""
    return await scoped_area(info, area_id(area), area)


async def run(info: Info, fn: Any, graph: nx.MultiDiGraph, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run an analysis on a worker thread (the projection is read-only); its JSON figures, with
    what the viewer may not see left out (:func:`resolvers.analytics.scoping.scrub`)."""
    try:
        result = await asyncio.to_thread(fn, graph, *args, **kwargs)
        figures: dict[str, Any] = result.to_dict()
    except NotFoundError as exc:
        raise ClientError(str(exc), "NOT_FOUND") from None
    except ValueError as exc:
        raise ClientError(str(exc), "BAD_USER_INPUT") from None
    return await scrub(info, graph, figures)


@strawberry.type(description="A count out of a total; rate is null when the total is 0.")
class Ratio:
    total: int = strawberry.field(description="How many there are: the households (or members) of the area.")
    covered: int = strawberry.field(
        description="How many of them count: covered by a vanguard's LINKS (coverage, plans) or reached by a unit "
        "(alliance reach)."
    )
    rate: float | None = strawberry.field(description="covered / total, from 0 to 1; null when total is 0.")


@strawberry.type(description="An area an analysis speaks of (the city when id is null).")
class AreaRef:
    id: strawberry.ID | None = strawberry.field(description="Global ID of the area; null for the city.")
    local_id: str | None = strawberry.field(description="The area's id inside the graph; null for the city.")
    label: str = strawberry.field(description="Its type: Street, Community, Grid or Building, or City.")
    name: str | None = strawberry.field(
        description="Its name; null for the city, and in brokerage and coveragePlan (which do not look it up)."
    )


def area_ref(local: str | None, label: str, name: str | None) -> AreaRef:
    return AreaRef(id=gid(label, local) if local else None, local_id=local, label=label, name=name)


def ratio(d: dict[str, Any], covered_key: str = "covered") -> Ratio:
    return Ratio(total=int(d["total"]), covered=int(d[covered_key]), rate=d["rate"])


def as_json(value: dict[str, Any]) -> Any:
    return value


def gid(label: str, local: str) -> strawberry.ID:
    return strawberry.ID(to_global_id(label, local))
