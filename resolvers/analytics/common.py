# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) with arguments is typed as returning Any.)
"""What every analytics field shares: the area argument, running an analysis, counts and area references."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry

from graph_schema import AREA_LABELS, NotFoundError, to_global_id
from resolvers.errors import ClientError
from resolvers.node import decode_id

_AREAS = [label.value for label in AREA_LABELS]


def area_id(area: strawberry.ID | None) -> str | None:
    """The local id of an ``area`` argument (a Street, Community, Grid or Building); None for the city."""
    if area is None:
        return None
    return decode_id(area, expected=_AREAS, argument="area")[1]


async def run(fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run an analysis on a worker thread (the projection is read-only); its JSON figures."""
    try:
        result = await asyncio.to_thread(fn, *args, **kwargs)
        figures: dict[str, Any] = result.to_dict()
        return figures
    except NotFoundError as exc:
        raise ClientError(str(exc), "NOT_FOUND") from None
    except ValueError as exc:
        raise ClientError(str(exc), "BAD_USER_INPUT") from None


@strawberry.type(description="A count out of a total; rate is null when the total is 0.")
class Ratio:
    total: int
    covered: int
    rate: float | None


@strawberry.type(description="An area an analysis speaks of (the city when id is null).")
class AreaRef:
    id: strawberry.ID | None
    local_id: str | None
    label: str
    name: str | None


def area_ref(local: str | None, label: str, name: str | None) -> AreaRef:
    return AreaRef(id=gid(label, local) if local else None, local_id=local, label=label, name=name)


def ratio(d: dict[str, Any], covered_key: str = "covered") -> Ratio:
    return Ratio(total=int(d["total"]), covered=int(d[covered_key]), rate=d["rate"])


def as_json(value: dict[str, Any]) -> Any:
    return value


def gid(label: str, local: str) -> strawberry.ID:
    return strawberry.ID(to_global_id(label, local))
