"""A store's analytics projection, kept between requests, and its data version.

The embedded store keeps its projection itself and folds the writes made since into it when
it is next asked for (:mod:`loaders.stores.embedded_projection`), so asking it costs nothing
without writes and one copy after any number of them.  A Neo4j
projection streams the whole graph over Bolt (seconds at city scale), so it is kept here: it
follows the writes this process makes through the store (:mod:`loaders.projection_delta`,
told by the store's :class:`~loaders.write_listeners.WriteListeners`) and is built again from
the server when it is older than ``max_age`` seconds (writes from elsewhere), when a write
cannot be followed (it failed or overlapped another), or after :meth:`ProjectionCache.invalidate`.

:attr:`ProjectionCache.version` names the projection last handed out: it changes whenever the
projection does, so what is built on a projection (an analytics session) is keyed by it.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable
from typing import Any

import networkx as nx

from graph_schema import WriteBatch
from loaders.projection_delta import Delta, NeedsRebuild, advance
from loaders.store import GraphStore

_log = logging.getLogger(__name__)


class ProjectionCache:
    """The whole-graph projection of one store, shared by the requests of one process."""

    def __init__(self, store: GraphStore, max_age: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.max_age = max_age
        self._clock = clock
        self._graph: nx.MultiDiGraph | None = None
        self._taken = 0.0
        self._lock = asyncio.Lock()
        self._during: list[WriteBatch | None] | None = None
        """While a projection streams: the writes that ended meanwhile (``None`` for one that
        cannot be followed)."""
        self._last: nx.MultiDiGraph | None = None
        self._versions: weakref.WeakKeyDictionary[nx.MultiDiGraph, int] = weakref.WeakKeyDictionary()
        self.version = 0
        """Grows each time :meth:`graph` hands out a projection other than the one before."""
        self.followed = 0
        """Writes carried forward into the kept projection (rather than dropping it)."""
        listeners = getattr(store, "write_listeners", None)
        if store.name != "embedded" and listeners is not None:
            ref = weakref.ref(self)

            def heard(batch: WriteBatch | None) -> None:
                cache = ref()
                if cache is not None:
                    cache.follow(batch)

            listeners.add(heard)

    async def graph(self) -> nx.MultiDiGraph:
        """The projection (read-only): fresh for the embedded store, and for Neo4j up to date
        with this process's writes and at most ``max_age`` old for the others."""
        if self.store.name == "embedded":
            return self._named(await self.store.project())
        async with self._lock:
            if self._graph is None or self._clock() - self._taken > self.max_age:
                self._graph = None
                self._during = []
                try:
                    built = await self.store.project()
                    landed = self._during
                finally:
                    self._during = None
                # Writes that ended while it streamed may or may not show in it: applied again
                # in their order (each sets what it writes, so applying one twice changes
                # nothing), the projection ends at the state after the last of them.
                try:
                    for batch in landed:
                        if batch is None:
                            raise NeedsRebuild("a write that cannot be followed")
                        built = advance(built, batch_delta(built, batch))
                except NeedsRebuild:
                    return self._named(built)  # served to this request, kept for none
                self._graph = built
                self._taken = self._clock()
            return self._named(self._graph)

    def kept(self) -> nx.MultiDiGraph | None:
        """The projection :meth:`graph` would hand out without any work (Neo4j: the kept one,
        younger than ``max_age``), or None when it would stream one (or for the embedded store)."""
        if self.store.name == "embedded" or self._graph is None or self._clock() - self._taken > self.max_age:
            return None
        return self._named(self._graph)

    def _named(self, graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
        if graph is not self._last:
            self._last = graph
            self.version += 1
            self._versions[graph] = self.version
        return graph

    def version_of(self, graph: nx.MultiDiGraph) -> int:
        """The version :meth:`graph` named ``graph`` with (0 for one it never handed out)."""
        return self._versions.get(graph, 0)

    def invalidate(self) -> None:
        """Forget the kept projection (the next analysis builds it again from the store)."""
        self._graph = None
        if self._during is not None:
            self._during.append(None)

    def follow(self, batch: WriteBatch | None) -> None:
        """Carry the kept projection forward over ``batch``, committed through this process
        (``None``: a write that cannot be followed; the projection is dropped)."""
        if self._during is not None:
            self._during.append(batch)
        if self._graph is None:
            return
        if batch is None:
            self._graph = None
            return
        if not (batch.nodes or batch.relationships or batch.delete_nodes or batch.delete_relationships):
            return  # nothing written (e.g. refused): the projection stays the same version
        try:
            self._graph = advance(self._graph, batch_delta(self._graph, batch))
            self.followed += 1
        except NeedsRebuild:
            self._graph = None
        except Exception:  # never fail the write that was committed: rebuild instead
            _log.exception("the kept projection could not follow a write; it is built again")
            self._graph = None


def batch_delta(graph: nx.MultiDiGraph, batch: WriteBatch) -> Delta:
    """``batch`` as the rows it stores, against the projection ``graph`` it follows (a patch is
    merged into the node's projected properties; a relationship deleted without a key takes
    every one of its type between the two nodes)."""
    node = graph._node
    succ = graph._succ
    rel_deletes: list[tuple[str, str, str]] = []
    for ref in batch.delete_relationships:
        keyed = succ.get(ref.start, {}).get(ref.end, {})
        rel_deletes += [
            (ref.start, k, ref.end)
            for k, a in keyed.items()
            if a.get("type") == ref.type and (ref.key is None or ref.key == ref.type or ref.key == k)
        ]
    node_rows: list[tuple[str, str, dict[str, Any]]] = []
    for n in batch.nodes:
        if batch.patch:
            kept = node.get(n.id)
            if kept is None:  # deleted by this very batch: Neo4j's patch would have failed
                raise NeedsRebuild(n.id)
            merged = {k: v for k, v in kept.items() if k != "label"}
            merged.update(n.properties)
            node_rows.append((n.id, str(kept["label"]), {k: v for k, v in merged.items() if v is not None}))
        else:
            node_rows.append((n.id, n.label, {k: v for k, v in n.properties.items() if v is not None}))
    rel_rows = [
        (r.start, r.key, r.end, r.type, {k: v for k, v in r.properties.items() if v is not None})
        for r in batch.relationships
    ]
    return Delta(node_rows, rel_rows, rel_deletes, list(batch.delete_nodes))


_CACHES: weakref.WeakKeyDictionary[GraphStore, ProjectionCache] = weakref.WeakKeyDictionary()


def projection_cache(store: GraphStore, max_age: float = 300.0) -> ProjectionCache:
    """The one cache of ``store`` in this process (made on first use)."""
    cache = _CACHES.get(store)
    if cache is None:
        cache = _CACHES[store] = ProjectionCache(store, max_age)
    return cache
