"""A walk down several layers of relationships at once: the read of a nested selection.

A nested GraphQL selection such as community → grids → buildings → households reads one layer
per relationship.  Through the DataLoaders that is one store call per layer (depth + 1 round
trips, whatever the number of results); a store that can do better answers the whole walk in
one call: the Neo4j store in one statement (:meth:`Neo4jStore.walk
<loaders.stores.neo4j_store.Neo4jStore.walk>`).  :func:`walk` is the port's entry point: it uses
the store's own ``walk`` when it has one, and otherwise (the embedded store, whose calls cost
no round trip) the generic walk of one :meth:`GraphStore.neighbours
<loaders.store.GraphStore.neighbours>` call per layer.  Both give the same answer, layer for
layer, as those ``neighbours`` calls would (the contract suite checks it on both stores).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from loaders.scope import Scope
from loaders.store import Direction, Edge, GraphStore, Projection


@dataclass(frozen=True, slots=True)
class WalkLayer:
    """One layer of a walk: what :meth:`GraphStore.neighbours` is asked for each node of the
    layer above (``labels`` sorted, or None; ``limit`` per node, or None)."""

    rel_type: str
    direction: Direction
    labels: tuple[str, ...] | None = None
    limit: int | None = None
    props: Projection = None


Walked = list[dict[str, list[Edge]]]
"""For each layer of a walk, each node of the layer above (the ids given, for the first) → its
edges, exactly as ``neighbours`` returns them.  Every node of the layer above has an entry,
empty when it has no such relationship."""


async def walk(
    store: GraphStore, ids: Sequence[str], layers: Sequence[WalkLayer], *, scope: Scope | None = None
) -> Walked:
    """Walk ``layers`` down from ``ids``: the first layer from ``ids``, each next one from the
    distinct nodes the layer above found (in ``scope``, at most ``limit`` per node).

    The store's own ``walk`` when it has one (one round trip), else :func:`walk_by_neighbours`.
    """
    own: Callable[..., Awaitable[Walked]] | None = getattr(store, "walk", None)
    if own is not None:
        return await own(ids, layers=layers, scope=scope)
    return await walk_by_neighbours(store, ids, layers, scope=scope)


async def walk_by_neighbours(
    store: Any, ids: Sequence[str], layers: Sequence[WalkLayer], *, scope: Scope | None = None
) -> Walked:
    """The generic walk: one ``neighbours`` call per layer."""
    out: Walked = []
    frontier = list(dict.fromkeys(ids))
    for layer in layers:
        found: list[list[Edge]] = await store.neighbours(
            frontier,
            layer.rel_type,
            layer.direction,
            labels=layer.labels,
            limit=layer.limit,
            scope=scope,
            props=layer.props,
        )
        out.append(dict(zip(frontier, found, strict=True)))
        frontier = list(dict.fromkeys(e.node.id for edges in found for e in edges))
    return out
