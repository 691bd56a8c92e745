"""Request-scoped DataLoaders over the store's batch methods (no N+1).

One :class:`Loaders` is made per GraphQL request.  Every read the API makes goes through it:
resolvers ask for one key (a node id) and the loader hands the store all the keys that the
resolvers of one layer asked for in the same turn of the event loop, so a nested query costs
one store round trip per layer, whatever the number of results.

Loaders are keyed by what they ask (relationship type, direction, labels, limit), so that
two fields asking different questions never share a batch.  Results are cached for the
request; a mutation calls :meth:`Loaders.clear` after it writes.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from graph_schema import Node
from loaders.projection_cache import projection_cache
from loaders.store import Direction, Edge, GraphStore

NeighbourKey = tuple[str, Direction, tuple[str, ...] | None, int | None]
CountKey = tuple[str, Direction, tuple[str, ...] | None]


def _labels(labels: Sequence[str] | None) -> tuple[str, ...] | None:
    return tuple(sorted(labels)) if labels else None


class Loaders:
    """The DataLoaders of one request, over one store."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.nodes: DataLoader[str, Node | None] = DataLoader(load_fn=self._load_nodes)
        self._loaders: dict[Hashable, DataLoader[str, Any]] = {}

    # --- the loaders -----------------------------------------------------------------
    def neighbours(
        self,
        rel_type: str,
        direction: Direction,
        labels: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> DataLoader[str, list[Edge]]:
        """Node id → its relationships of ``rel_type`` in ``direction`` (store order: by the
        other node's id), at most ``limit`` of them."""
        key: NeighbourKey = (rel_type, direction, _labels(labels), limit)
        loader = self._loaders.get(("neighbours", key))
        if loader is None:
            loader = DataLoader(load_fn=self._neighbours_fn(key))
            self._loaders[("neighbours", key)] = loader
        return loader

    def count(self, rel_type: str, direction: Direction, labels: Sequence[str] | None = None) -> DataLoader[str, int]:
        """Node id → how many relationships ``neighbours`` would return without a limit."""
        key: CountKey = (rel_type, direction, _labels(labels))
        loader = self._loaders.get(("count", key))
        if loader is None:
            loader = DataLoader(load_fn=self._count_fn(key))
            self._loaders[("count", key)] = loader
        return loader

    def ancestors(self, rel_type: str, max_depth: int) -> DataLoader[str, list[Node]]:
        """Node id → the chain of single parents through ``rel_type``, nearest first."""
        cache_key = ("ancestors", rel_type, max_depth)
        loader = self._loaders.get(cache_key)
        if loader is None:

            async def load(ids: list[str]) -> list[list[Node]]:
                return await self.store.ancestors(ids, rel_type, max_depth=max_depth)

            loader = DataLoader(load_fn=load)
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
                return await self.store.descendants(ids, rel_type, max_depth=max_depth, labels=wanted)

            loader = DataLoader(load_fn=load)
            self._loaders[cache_key] = loader
        return loader

    def clear(self) -> None:
        """Forget every cached answer (after a write in the same request), and the kept projection."""
        projection_cache(self.store).invalidate()
        self.nodes.clear_all()
        for loader in self._loaders.values():
            loader.clear_all()

    # --- batch functions -------------------------------------------------------------
    async def _load_nodes(self, ids: list[str]) -> list[Node | None]:
        return await self.store.get_nodes(ids)

    def _neighbours_fn(self, key: NeighbourKey) -> Any:
        rel_type, direction, labels, limit = key

        async def load(ids: list[str]) -> list[list[Edge]]:
            return await self.store.neighbours(ids, rel_type, direction, labels=labels, limit=limit)

        return load

    def _count_fn(self, key: CountKey) -> Any:
        rel_type, direction, labels = key

        async def load(ids: list[str]) -> list[int]:
            return await self.store.count_neighbours(ids, rel_type, direction, labels=labels)

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
