"""A store's analytics projection, kept between requests, and its data version.

The embedded store keeps its projection itself and folds the writes made since into it when
it is next asked for (:mod:`loaders.stores.embedded_projection`), so asking it costs nothing
without writes and one copy after any number of them.  A Neo4j
projection streams the whole graph over Bolt (seconds at city scale), so it is kept here: it
follows the writes this process makes through the store (told by the store's
:class:`~loaders.write_listeners.WriteListeners`), noted as they end and folded in all at once
on a worker thread when an analysis next asks (:class:`~loaders.projection_delta.Fold`: the
event loop copies nothing per write), and it is built again from
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
from loaders.projection_delta import Delta, Fold, NeedsRebuild
from loaders.store import GraphStore

_log = logging.getLogger("civicmesh.projection")


class ProjectionCache:
    """The whole-graph projection of one store, shared by the requests of one process."""

    def __init__(self, store: GraphStore, max_age: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.max_age = max_age
        self._clock = clock
        self._graph: nx.MultiDiGraph | None = None
        self._pending: list[WriteBatch] = []
        """Writes followed since :attr:`_graph` and not folded into it yet (:meth:`graph` folds them)."""
        self._rows = 0
        self._epoch = 0
        """Grows each time the kept projection is dropped (a fold begun before is then kept for none)."""
        self._taken = 0.0
        self._lock = asyncio.Lock()
        self._during: list[WriteBatch | None] | None = None
        """While a projection streams: the writes that ended meanwhile (``None`` for one that
        cannot be followed)."""
        self._last: nx.MultiDiGraph | None = None
        self._versions: weakref.WeakKeyDictionary[nx.MultiDiGraph, int] = weakref.WeakKeyDictionary()
        self.version = 0
        """Grows each time :meth:`graph` hands out a projection other than the one before."""
        self._counted: weakref.WeakKeyDictionary[nx.MultiDiGraph, int] = weakref.WeakKeyDictionary()
        self._counts = 0
        self.followed = 0
        """Writes carried forward into the kept projection (rather than dropping it)."""
        self.folds = 0
        """Times :meth:`graph` folded pending writes into the kept projection (one copy each)."""
        self.streams = 0
        """Times :meth:`graph` streamed the whole projection from the store."""
        self.dropped: str | None = None
        """Why the kept projection was last dropped (None: never), logged with the next stream."""
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
        with this process's writes and at most ``max_age`` old for the others.  Writes followed
        since it was last asked for are folded into it here, on a worker thread."""
        if self.store.name == "embedded":
            return self._named(await self.store.project())
        async with self._lock:
            while True:
                if self.streams_next:
                    why = self.dropped or ("first use" if not self.streams else f"older than {self.max_age:g} s")
                    self._drop(why)
                    self.dropped = None
                    self._during = []
                    self.streams += 1
                    _log.info("streaming the analytics projection from the store (stream %d: %s)", self.streams, why)
                    try:
                        built = await self.store.project()
                        landed = self._during
                    finally:
                        self._during = None
                    self._graph = built
                    self._taken = self._clock()
                    self._counts += 1
                    self._counted[built] = self._counts
                    # Writes that ended while it streamed may or may not show in it: applied
                    # again in their order (each sets what it writes, so applying one twice
                    # changes nothing), the projection ends at the state after the last of them.
                    if any(batch is None for batch in landed):
                        self._drop("a write that cannot be followed ended while it streamed")
                        return self._named(built)  # served to this request, kept for none
                    self._pending = [*(b for b in landed if b is not None), *self._pending]
                graph = self._graph
                assert graph is not None
                pending = list(self._pending)
                if not pending:
                    return self._named(graph)
                epoch = self._epoch
                try:
                    folded = await asyncio.to_thread(_fold, graph, pending)
                except NeedsRebuild as exc:
                    self._drop(f"a write that cannot be followed from the projection ({exc})")
                    continue  # streamed again
                self.folds += 1
                counted = self._counted.get(graph)
                if counted is None or not all(map(renames_only, pending)):
                    self._counts += 1
                    counted = self._counts
                self._counted[folded] = counted
                if epoch != self._epoch:  # dropped meanwhile: this request's, kept for none
                    return self._named(folded)
                self._graph = folded
                del self._pending[: len(pending)]
                self._rows = sum(_count(b) for b in self._pending)
                return self._named(folded)

    @property
    def streams_next(self) -> bool:
        """Whether :meth:`graph` would stream the projection from the store (Neo4j: none kept,
        or older than ``max_age``) rather than hand out the kept one, folding pending writes."""
        return self._graph is None or self._clock() - self._taken > self.max_age

    @property
    def pending(self) -> int:
        """Writes followed and not folded into the kept projection yet."""
        return len(self._pending)

    @property
    def newest_version(self) -> int:
        """The version of the newest data this process knows of: :attr:`version`, or the next
        one when writes are pending (the fold that takes them in is named so)."""
        return self.version + 1 if self._pending else self.version

    def kept(self) -> nx.MultiDiGraph | None:
        """The projection :meth:`graph` would hand out without any work (Neo4j: the kept one,
        younger than ``max_age``, no write pending), or None when it would stream or fold one
        (or for the embedded store)."""
        if self.store.name == "embedded" or self.streams_next or self._pending:
            return None
        return self._named(self._graph)

    def _named(self, graph: nx.MultiDiGraph | None) -> nx.MultiDiGraph:
        assert graph is not None
        if graph is not self._last:
            self._last = graph
            self.version += 1
            self._versions[graph] = self.version
        return graph

    def counted_version(self, graph: nx.MultiDiGraph) -> int:
        """What an analysis counts in ``graph``, as a number: two projections this cache handed
        out with the same number differ at most in names (only :func:`renames_only` writes came
        between them); 0 for a graph it did not make (never the same as another's).  The
        embedded store numbers the projections it hands out itself."""
        if self.store.name == "embedded":
            counted = getattr(self.store, "counted_version", None)
            return int(counted(graph)) if counted is not None else 0
        return self._counted.get(graph, 0)

    def version_of(self, graph: nx.MultiDiGraph) -> int:
        """The version :meth:`graph` named ``graph`` with (0 for one it never handed out)."""
        return self._versions.get(graph, 0)

    def _drop(self, why: str) -> None:
        if self._graph is not None:
            self.dropped = why
        self._graph = None
        self._pending = []
        self._rows = 0
        self._epoch += 1

    def invalidate(self) -> None:
        """Forget the kept projection (the next analysis builds it again from the store)."""
        self._drop("invalidated")
        if self._during is not None:
            self._during.append(None)

    def follow(self, batch: WriteBatch | None) -> None:
        """Note ``batch``, committed through this process, to be folded into the kept
        projection when it is next asked for (``None``: a write that cannot be followed; the
        projection is dropped).  Nothing is copied here: this runs on the event loop, once per
        write."""
        if self._during is not None:
            self._during.append(batch)
        if self._graph is None:
            return
        if batch is None:
            self._drop("a write that cannot be followed (failed, cleared, or overlapping one on the same records)")
            return
        rows = _count(batch)
        if not rows:
            return  # nothing written (e.g. refused): the projection stays the same version
        self._rows += rows
        if self._rows > PENDING_ROWS:
            self._drop(f"more than {PENDING_ROWS:,} rows written since it was folded")
            return
        self._pending.append(batch)
        self.followed += 1


PENDING_ROWS = 200_000
"""Rows (nodes and relationships, written or deleted) the kept projection may trail by before
it is dropped and streamed again when next asked for (as the embedded store's,
:data:`loaders.stores.embedded_projection.PENDING_ROWS`)."""


NAME_PROPERTIES = frozenset({"name"})
"""Properties analyses show (as labels) but never count, select or group by (checked in
``analytics``: ``name`` is read only into the figures' labels)."""


def renames_only(batch: WriteBatch) -> bool:
    """Whether ``batch`` only sets :data:`NAME_PROPERTIES` of nodes that exist (a patch, no
    relationship written or deleted, no node deleted): the analyses' figures are the same after it.

    >>> from graph_schema import Node, Relationship
    >>> renames_only(WriteBatch([Node("Street", "s1", {"name": "新"})], patch=True))
    True
    >>> renames_only(WriteBatch([Node("Household", "h1", {"size": 3})], patch=True))
    False
    >>> part_of = [Relationship("PART_OF", "s1", "c1")]
    >>> renames_only(WriteBatch([Node("Street", "s1", {"name": "新"})], part_of, patch=True))
    False
    """
    return (
        batch.patch
        and not (batch.relationships or batch.delete_nodes or batch.delete_relationships)
        and all(n.properties.keys() <= NAME_PROPERTIES for n in batch.nodes)
    )


def _count(batch: WriteBatch) -> int:
    return len(batch.nodes) + len(batch.relationships) + len(batch.delete_nodes) + len(batch.delete_relationships)


def _fold(graph: nx.MultiDiGraph, batches: list[WriteBatch]) -> nx.MultiDiGraph:
    """``graph`` with ``batches`` applied in their order, each made into its stored rows against
    the state after the ones before it (on a worker thread: ``graph`` is frozen, never changed)."""
    fold = Fold(graph)
    for batch in batches:
        fold.apply(batch_delta(fold, batch))
    return fold.finish()


def batch_delta(graph: nx.MultiDiGraph | Fold, batch: WriteBatch) -> Delta:
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


def forget_inherited() -> list[Any]:
    """In a forked process: the parent's caches (their locks belong to its event loop) are set
    aside; each store gets a new cache on first use.  What was is returned, to be kept referenced."""
    kept = list(_CACHES.items())
    _CACHES.clear()
    return kept


def projection_cache(store: GraphStore, max_age: float = 300.0) -> ProjectionCache:
    """The one cache of ``store`` in this process (made on first use)."""
    cache = _CACHES.get(store)
    if cache is None:
        cache = _CACHES[store] = ProjectionCache(store, max_age)
    return cache
