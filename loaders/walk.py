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

import gc
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector paused for a synchronous stretch that makes many small objects (a
    walk's rows, a compiled answer): with it on, each young generation that fills up has the
    collector traverse the whole answer made so far again.  Never held across an await."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


Row = tuple[str, str, Mapping[str, Any]]
"""One node a compact walk found: its id, label and its properties: at least those asked for
(absent ones left out; the embedded store gives its stored dict whole, to be read, never
shipped), as the store holds them (a scope's name-only node is presented by the caller)."""

CompactWalked = list[dict[str, list[Row]]]
""":data:`Walked` without the relationship and Node objects: for each layer, each node of the
layer above → the nodes it reaches, in ``neighbours`` order (by id)."""


@dataclass(frozen=True, slots=True, eq=False)
class WalkTree:
    """A tree of walk layers: ``layer`` from each node above, then each of ``below`` from the
    nodes it found (compared by identity: one tree per compiled selection)."""

    layer: WalkLayer
    below: tuple[WalkTree, ...] = ()


async def walk_compact(
    store: GraphStore, ids: Sequence[str], layers: Sequence[WalkLayer], *, scope: Scope | None = None
) -> CompactWalked:
    """:func:`walk`'s answer as :data:`Row` tuples: the store's own ``walk_compact`` when it has
    one (Neo4j: the same one statement, decoded without building an object per edge), else the
    generic walk by ``neighbours`` converted."""
    own: Callable[..., Awaitable[CompactWalked]] | None = getattr(store, "walk_compact", None)
    if own is not None:
        return await own(ids, layers=layers, scope=scope)
    found = await walk_by_neighbours(store, ids, layers, scope=scope)
    return [
        {parent: [(e.node.id, e.node.label, e.node.properties) for e in edges] for parent, edges in layer.items()}
        for layer in found
    ]


RootedWalk = tuple[Row | None, CompactWalked]
"""A root found by id and the compact walk down from it: the root's row (None when there is no
such node of that label in the scope, and then every layer is empty) and :data:`CompactWalked`
from it (its first layer has the root's entry)."""


async def walk_compact_from(
    store: GraphStore,
    root_id: str,
    label: str,
    props: Collection[str],
    layers: Sequence[WalkLayer],
    *,
    scope: Scope | None = None,
) -> RootedWalk:
    """The node ``root_id`` as ``node(id)`` reads it (of ``label``, in ``scope``: the point read's
    own scope condition, in the store's read) with at least its properties ``props``, and
    :func:`walk_compact` of ``layers`` down from it: one call, the store's own
    ``walk_compact_from`` when it has one (one statement on Neo4j), else ``get_nodes`` then
    :func:`walk_compact`.  A root of another label, outside the scope or missing is None, and
    nothing is walked from it."""
    if not layers:
        raise ValueError("walk_compact_from: give at least one layer to walk")
    own: Callable[..., Awaitable[RootedWalk]] | None = getattr(store, "walk_compact_from", None)
    if own is not None:
        return await own(root_id, label, props, layers=layers, scope=scope)
    (node,) = await store.get_nodes([root_id], scope=scope)
    if node is None or node.label != label:
        return None, [{} for _ in layers]
    return (node.id, node.label, node.properties), await walk_compact(store, [root_id], layers, scope=scope)


async def walk_tree_from(
    store: GraphStore,
    root_id: str,
    label: str,
    props: Collection[str],
    trees: Sequence[WalkTree],
    *,
    scope: Scope | None = None,
) -> tuple[Row | None, dict[WalkTree, dict[str, list[Row]]]]:
    """The root ``root_id`` (see :func:`walk_compact_from`) and each of ``trees`` walked down
    from it as :func:`walk_tree` walks it: the first tree's chain in the same call as the root,
    the rest of the trees (and the branches below that chain) each in their own, only when
    the root was found."""
    out: dict[WalkTree, dict[str, list[Row]]] = {}
    chain = [trees[0]]
    while len(chain[-1].below) == 1:
        chain.append(chain[-1].below[0])
    root, found = await walk_compact_from(store, root_id, label, props, [t.layer for t in chain], scope=scope)
    if root is None:
        return None, out
    for part, rows in zip(chain, found, strict=True):
        out[part] = rows
    frontier = list(dict.fromkeys(row[0] for rows in found[-1].values() for row in rows))
    for branch in chain[-1].below:
        out.update(await walk_tree(store, frontier, branch, scope=scope))
    for other in trees[1:]:
        out.update(await walk_tree(store, [root_id], other, scope=scope))
    return root, out


async def walk_tree(
    store: GraphStore, ids: Sequence[str], tree: WalkTree, *, scope: Scope | None = None
) -> dict[WalkTree, dict[str, list[Row]]]:
    """Walk ``tree`` down from ``ids``: each chain of it (a tree with one ``below``) in one
    :func:`walk_compact` call, the branches of a fork each in their own from the nodes found.
    Every tree maps each node of the layer above (that was walked from) to its rows."""
    out: dict[WalkTree, dict[str, list[Row]]] = {}
    chain = [tree]
    while len(chain[-1].below) == 1:
        chain.append(chain[-1].below[0])
    found = await walk_compact(store, ids, [t.layer for t in chain], scope=scope)
    for part, rows in zip(chain, found, strict=True):
        out[part] = rows
    frontier = list(dict.fromkeys(row[0] for rows in found[-1].values() for row in rows))
    for branch in chain[-1].below:
        out.update(await walk_tree(store, frontier, branch, scope=scope))
    return out
