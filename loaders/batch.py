"""Request-scoped DataLoaders over the store's batch methods (no N+1).

One :class:`Loaders` is made per GraphQL request.  Every read the API makes goes through it:
resolvers ask for one key (a node id) and the loader hands the store all the keys that the
resolvers of one layer asked for in the same turn of the event loop, so a nested query costs
one store round trip per layer, whatever the number of results.

Loaders are keyed by what they ask (relationship type, direction, labels, limit), so that
two fields asking different questions never share a batch.  Results are cached for the
request; a mutation calls :meth:`Loaders.clear` after it writes.  On a store that shares point
reads across requests (Neo4j: :mod:`loaders.coalesce`), node lookups go to the shared reads
directly (:class:`SharedPointReads`), which gather each turn's ids themselves.

The loaders carry the request's :class:`loaders.scope.Scope` (resolved once, from the
viewer's role and bound node, through :func:`loaders.scope.scope_cache`): every read passes
it to the store, which filters inside its own query, and every node read is shown through
:meth:`Scope.present` (a name-only node keeps only its name).  Resolvers read through the
loaders only, so no read path can forget the scope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Protocol, TypeVar

from strawberry.dataloader import DataLoader

from graph_schema import Node
from graph_schema.roles import Role
from loaders.coalesce import point_reads
from loaders.scope import Scope, scope_cache
from loaders.store import Direction, Edge, GraphStore, NodeFilter, Order, Page, Projection
from loaders.walk import WalkLayer, walk

NeighbourKey = tuple[str, Direction, tuple[str, ...] | None, int | None, Projection]
CountKey = tuple[str, Direction, tuple[str, ...] | None]


K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    """A DataLoader whose callers each wait on their own view of a shared result.

    The loader hands every caller of one key the same future.  When the executor cancels one
    waiting field (graphql-core cancels the siblings of a field that failed), cancelling the
    shared future would cancel every other field that waits for the same key anywhere in the
    response, and the request would end in a ``CancelledError`` instead of one field error.
    Each caller therefore waits through :func:`asyncio.shield`.
    """

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


class NodeLookups(Protocol):
    """What the API asks of a request's node lookups."""

    def load(self, key: str) -> Awaitable[Node | None]: ...

    def load_many(self, keys: Sequence[str]) -> Awaitable[list[Node | None]]: ...

    def clear_all(self) -> Any: ...


class SharedPointReads:
    """A request's node lookups on a store whose point reads are shared across requests
    (:mod:`loaders.coalesce`): each lookup goes straight to the shared reads, which gather
    every id asked for in the same turn of the event loop, this request's and the others', into
    one statement.  A DataLoader in front of them would gather this request's ids once more, at
    the cost of turns of the loop (its ``call_soon``, its dispatch task, a shield and a gather
    per lookup): with a store that answers at once, a lookup took 6 turns through a DataLoader
    and takes at most 4 here, the shared reads' own included.

    What it keeps for the request is what it read (a later lookup of the same id answers from
    it); :meth:`clear_all` (after a write of the request) forgets it, and a read that was in
    flight during the clear keeps nothing.  Each caller waits on its own future in the shared
    reads, so a cancelled caller cancels no one else's lookup.

    >>> async def read(ids):
    ...     calls.append(list(ids))
    ...     return [Node("Household", i, {}) if i != "x" else None for i in ids]
    >>> calls = []
    >>> lookups = SharedPointReads(read)
    >>> async def twice():
    ...     first = await lookups.load_many(["h1", "x", "h1"])
    ...     second = await lookups.load_many(["h1", "h2"])
    ...     return [n and n.id for n in first], [n and n.id for n in second]
    >>> asyncio.run(twice()), calls
    ((['h1', None, 'h1'], ['h1', 'h2']), [['h1', 'x'], ['h2']])
    """

    def __init__(self, read: Callable[[list[str]], Awaitable[list[Node | None]]]) -> None:
        self._read = read
        self._known: dict[str, Node | None] = {}
        self._generation = 0

    async def load_many(self, keys: Sequence[str]) -> list[Node | None]:
        answer = {k: self._known[k] for k in keys if k in self._known}
        missing = [k for k in dict.fromkeys(keys) if k not in answer]
        if missing:
            generation = self._generation
            fresh = dict(zip(missing, await self._read(missing), strict=True))
            answer.update(fresh)
            if generation == self._generation:  # not cleared while reading
                self._known.update(fresh)
        return [answer[k] for k in keys]

    async def load(self, key: str) -> Node | None:
        return (await self.load_many([key]))[0]

    def clear_all(self) -> None:
        self._known.clear()
        self._generation += 1


def _labels(labels: Sequence[str] | None) -> tuple[str, ...] | None:
    return tuple(sorted(labels)) if labels else None


class Loaders:
    """The DataLoaders of one request, over one store."""

    def __init__(self, store: GraphStore, role: Role = Role.ADMIN, scope_id: str | None = None) -> None:
        self.store = store
        self.role = role
        self.scope_id = scope_id
        self._scope: tuple[Scope | None] | None = None
        self._shared = point_reads(store)
        self.nodes: NodeLookups = (
            SharedPointReads(self._load_nodes) if self._shared is not None else SharedLoader(load_fn=self._load_nodes)
        )
        self._loaders: dict[Hashable, DataLoader[str, Any]] = {}
        self.memo: dict[Any, Any] = {}
        """What the API works out once per request and keeps here (e.g. what a field's selection
        asks of the store); never store data."""

    # --- the scope -------------------------------------------------------------------
    async def scope(self) -> Scope | None:
        """The request's scope (None: the whole city), resolved on first use."""
        if self._scope is None:
            if self.role is Role.ADMIN:
                self._scope = (None,)
            else:
                self._scope = (await scope_cache(self.store).get(self.role, self.scope_id),)
        return self._scope[0]

    @staticmethod
    def _shown(scope: Scope | None, nodes: list[Node]) -> list[Node]:
        return nodes if scope is None or not scope.name_only else [scope.present(n) for n in nodes]

    @staticmethod
    def _shown_edges(scope: Scope | None, edges: list[Edge]) -> list[Edge]:
        if scope is None or not scope.name_only:
            return edges
        return [e if e.node.id not in scope.name_only else Edge(e.relationship, scope.present(e.node)) for e in edges]

    # --- listings (not batched: one call per root field) -------------------------------
    async def list_nodes(
        self,
        label: str,
        *,
        filter: NodeFilter | None,
        order: Order,
        first: int,
        after: str | None,
        backward: bool,
        props: Projection = None,
    ) -> Page:
        """A page of the nodes of ``label`` in scope (``GraphStore.list_nodes``), with only the
        properties ``props`` (None: all)."""
        scope = await self.scope()
        page = await self.store.list_nodes(
            label, filter=filter, order=order, first=first, after=after, backward=backward, scope=scope, props=props
        )
        if scope is None or not scope.name_only:
            return page
        return Page(nodes=self._shown(scope, page.nodes), cursors=page.cursors, has_more=page.has_more)

    async def count_nodes(self, label: str, filter: NodeFilter | None) -> int:
        """How many nodes of ``label`` in scope match ``filter``."""
        return await self.store.count_nodes(label, filter=filter, scope=await self.scope())

    async def search(self, text: str, labels: Sequence[str] | None, limit: int) -> list[Node]:
        """Nodes in scope whose name contains ``text`` (``GraphStore.search``)."""
        scope = await self.scope()
        return self._shown(scope, await self.store.search(text, labels=labels, limit=limit, scope=scope))

    # --- the loaders -----------------------------------------------------------------
    def neighbours(
        self,
        rel_type: str,
        direction: Direction,
        labels: Sequence[str] | None = None,
        limit: int | None = None,
        props: Projection = None,
        below: tuple[WalkLayer, ...] = (),
    ) -> DataLoader[str, list[Edge]]:
        """Node id → its relationships of ``rel_type`` in ``direction`` (store order: by the
        other node's id), at most ``limit`` of them, the other nodes with only the properties
        ``props`` (None: all; part of the key, so a field asking for more never shares the
        batch of one asking for less).

        ``below``: the layers the selection walks further down from these nodes (see
        :meth:`walk`); the answer is the same, read with them in one walk."""
        if below:
            return self.walk((WalkLayer(rel_type, direction, _labels(labels), limit, props), *below))
        key: NeighbourKey = (rel_type, direction, _labels(labels), limit, props)
        loader = self._loaders.get(("neighbours", key))
        if loader is None:
            loader = SharedLoader(load_fn=self._neighbours_fn(key))
            self._loaders[("neighbours", key)] = loader
        return loader

    def walk(self, layers: tuple[WalkLayer, ...]) -> DataLoader[str, list[Edge]]:
        """Node id → its edges of the first of ``layers`` (as :meth:`neighbours` gives them),
        read in one walk (:func:`loaders.walk.walk`: one statement on Neo4j) together with the
        layers below, whose answers prime the loaders the resolvers of those layers will ask:
        the plain :meth:`neighbours` loader of each layer, and the walk loader of the layers
        from it down.  Those resolvers then find their rows without a round trip."""
        loader = self._loaders.get(("walk", layers))
        if loader is None:
            loader = SharedLoader(load_fn=self._walk_fn(layers))
            self._loaders[("walk", layers)] = loader
        return loader

    def count(self, rel_type: str, direction: Direction, labels: Sequence[str] | None = None) -> DataLoader[str, int]:
        """Node id → how many relationships ``neighbours`` would return without a limit."""
        key: CountKey = (rel_type, direction, _labels(labels))
        loader = self._loaders.get(("count", key))
        if loader is None:
            loader = SharedLoader(load_fn=self._count_fn(key))
            self._loaders[("count", key)] = loader
        return loader

    def ancestors(self, rel_type: str, max_depth: int) -> DataLoader[str, list[Node]]:
        """Node id → the chain of single parents through ``rel_type``, nearest first."""
        cache_key = ("ancestors", rel_type, max_depth)
        loader = self._loaders.get(cache_key)
        if loader is None:

            async def load(ids: list[str]) -> list[list[Node]]:
                scope = await self.scope()
                found = await self.store.ancestors(ids, rel_type, max_depth=max_depth, scope=scope)
                return [self._shown(scope, chain) for chain in found]

            loader = SharedLoader(load_fn=load)
            self._loaders[cache_key] = loader
        return loader

    def descendants(
        self, rel_type: str, max_depth: int, labels: Sequence[str] | None = None
    ) -> DataLoader[str, list[tuple[Node, int]]]:
        """Node id → the nodes reaching it through ``rel_type`` within ``max_depth`` hops, with
        their depth, breadth-first."""
        wanted = _labels(labels)
        cache_key = ("descendants", rel_type, max_depth, wanted)
        loader = self._loaders.get(cache_key)
        if loader is None:

            async def load(ids: list[str]) -> list[list[tuple[Node, int]]]:
                scope = await self.scope()
                found = await self.store.descendants(ids, rel_type, max_depth=max_depth, labels=wanted, scope=scope)
                if scope is None or not scope.name_only:
                    return found
                return [[(scope.present(n), d) for n, d in level] for level in found]

            loader = SharedLoader(load_fn=load)
            self._loaders[cache_key] = loader
        return loader

    def clear(self) -> None:
        """Forget every cached answer (after a write in the same request) and the resolved scope
        (the write may have changed it); the kept projection follows the write by itself
        (:mod:`loaders.projection_cache`)."""
        self._scope = None
        self.nodes.clear_all()
        for loader in self._loaders.values():
            loader.clear_all()

    # --- batch functions -------------------------------------------------------------
    async def _load_nodes(self, ids: list[str]) -> list[Node | None]:
        scope = await self.scope()
        shared = self._shared
        found = await (shared.get(ids, scope) if shared is not None else self.store.get_nodes(ids, scope=scope))
        if scope is None or not scope.name_only:
            return found
        return [None if n is None else scope.present(n) for n in found]

    def _neighbours_fn(self, key: NeighbourKey) -> Any:
        rel_type, direction, labels, limit, props = key

        async def load(ids: list[str]) -> list[list[Edge]]:
            scope = await self.scope()
            found = await self.store.neighbours(
                ids, rel_type, direction, labels=labels, limit=limit, scope=scope, props=props
            )
            return [self._shown_edges(scope, edges) for edges in found]

        return load

    def _walk_fn(self, layers: tuple[WalkLayer, ...]) -> Any:
        async def load(ids: list[str]) -> list[list[Edge]]:
            scope = await self.scope()
            found = await walk(self.store, ids, layers, scope=scope)
            for depth in range(1, len(layers)):
                layer = layers[depth]
                plain = self.neighbours(layer.rel_type, layer.direction, layer.labels, layer.limit, layer.props)
                deeper = self.walk(layers[depth:]) if depth < len(layers) - 1 else None
                for node_id, edges in found[depth].items():
                    shown = self._shown_edges(scope, edges)
                    plain.prime(node_id, shown)
                    if deeper is not None:
                        deeper.prime(node_id, shown)
            first = found[0]
            return [self._shown_edges(scope, first.get(i, [])) for i in ids]

        return load

    def _count_fn(self, key: CountKey) -> Any:
        rel_type, direction, labels = key

        async def load(ids: list[str]) -> list[int]:
            return await self.store.count_neighbours(ids, rel_type, direction, labels=labels, scope=await self.scope())

        return load


class CountingStore:
    """A real store that counts its calls ("round trips"), per method; everything else is the
    store's own behaviour.  Used by the N+1 tests and the benchmark."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.name = store.name
        self.calls: dict[str, int] = {}

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def reset(self) -> None:
        self.calls.clear()

    def __getattr__(self, attr: str) -> Any:
        target = getattr(self._store, attr)
        if not callable(target) or attr.startswith("_"):
            return target

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[attr] = self.calls.get(attr, 0) + 1
            return await target(*args, **kwargs)

        return counted
