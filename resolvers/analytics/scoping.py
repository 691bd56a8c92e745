"""What an analytics field may analyse and show to its viewer (the access rules of docs/design.md,
"Users, roles and scopes").

An analysis runs on the whole projection (a household linked from outside the area is still
covered), so the area it analyses is confined to the viewer's scope (:func:`scoped_area`), and
its figures are stripped of every node the viewer cannot read before they leave the service
(:func:`scrub`).
"""

from __future__ import annotations

from typing import Any, cast

import networkx as nx
import strawberry

from graph_schema.privacy import public_tags
from graph_schema.roles import Role
from loaders.scope import Scope
from resolvers.context import Info
from resolvers.errors import ClientError


async def scoped_area(info: Info, local: str | None, asked: strawberry.ID | None) -> str | None:
    """The area to analyse: ``local`` (the decoded ``area`` argument), inside the viewer's scope.

    A viewer bound to an area analyses that area when none is asked for, and any area of its
    subtree; an alliance unit the areas its alliances serve (named explicitly); any other
    area, existing or not, is FORBIDDEN.  Unscoped viewers analyse anything (None: the city).
    """
    scope = await info.context.loaders.scope()
    if scope is None:
        return local
    if scope.root is not None:
        if local is None:
            return scope.root
        (inside,) = await info.context.store.get_nodes([local], scope=Scope(root=scope.root))
        if inside is not None:
            return local
    elif local is not None and info.context.viewer.role is Role.ALLIANCE_UNIT and local in scope.name_only:
        return local
    what = f"area {asked!r}" if asked is not None else "the whole city"
    raise ClientError(f"{what} lies outside what this viewer may analyse", "FORBIDDEN")


async def scrub(info: Info, graph: nx.MultiDiGraph, figures: dict[str, Any]) -> dict[str, Any]:
    """``figures`` without what the viewer may not see.

    Vulnerable household tags are left out unless the viewer sees personal information.  Every
    id of the projection named in the figures is looked up once through the viewer's scope;
    list entries naming a hidden one are left out, other mentions become null.  Counts and rates
    (aggregate figures) stay as computed.
    """
    if not info.context.viewer.sees_pii:
        figures = _public_tags(figures)
    if await info.context.loaders.scope() is None:
        return figures
    named: set[str] = set()
    _collect(figures, graph, named)
    if not named:
        return figures
    wanted = sorted(named)
    seen = await info.context.loaders.nodes.load_many(wanted)
    hidden = {i for i, n in zip(wanted, seen, strict=True) if n is None}
    return cast(dict[str, Any], _without(figures, hidden)) if hidden else figures


def _public_tags(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: public_tags(v) if k == "tags" else _public_tags(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_public_tags(v) for v in value]
    return value


def _collect(value: Any, graph: nx.MultiDiGraph, into: set[str]) -> None:
    if isinstance(value, str):
        if value in graph:
            into.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, graph, into)
    elif isinstance(value, list):
        for v in value:
            _collect(v, graph, into)


def _names_hidden(value: Any, hidden: set[str]) -> bool:
    if isinstance(value, str):
        return value in hidden
    return isinstance(value, dict) and any(isinstance(v, str) and v in hidden for v in value.values())


def _without(value: Any, hidden: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: None if isinstance(v, str) and v in hidden else _without(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [_without(v, hidden) for v in value if not _names_hidden(v, hidden)]
    return value
