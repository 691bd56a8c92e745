"""A store's analytics projection, kept between requests.

The embedded store already keeps its projection and rebuilds it only after a write, so
asking it each time costs nothing.  A Neo4j projection streams the whole graph over Bolt
(seconds at city scale), so it is kept for ``max_age`` seconds, and dropped at once when
this process writes through :meth:`ProjectionCache.invalidate`.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable

import networkx as nx

from loaders.store import GraphStore


class ProjectionCache:
    """The whole-graph projection of one store, shared by the requests of one process."""

    def __init__(self, store: GraphStore, max_age: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.max_age = max_age
        self._clock = clock
        self._graph: nx.MultiDiGraph | None = None
        self._taken = 0.0
        self._lock = asyncio.Lock()

    async def graph(self) -> nx.MultiDiGraph:
        """The projection (read-only): fresh for the embedded store, at most ``max_age`` old otherwise."""
        if self.store.name == "embedded":
            return await self.store.project()
        async with self._lock:
            if self._graph is None or self._clock() - self._taken > self.max_age:
                self._graph = await self.store.project()
                self._taken = self._clock()
            return self._graph

    def invalidate(self) -> None:
        """Forget the kept projection (after a write through this process)."""
        self._graph = None


_CACHES: weakref.WeakKeyDictionary[GraphStore, ProjectionCache] = weakref.WeakKeyDictionary()


def projection_cache(store: GraphStore, max_age: float = 300.0) -> ProjectionCache:
    """The one cache of ``store`` in this process (made on first use)."""
    cache = _CACHES.get(store)
    if cache is None:
        cache = _CACHES[store] = ProjectionCache(store, max_age)
    return cache
