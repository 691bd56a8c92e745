"""The embedded store's deferred projection: pending writes survive a fold that fails or whose
caller is cancelled, and what it then hands out equals a projection built from scratch."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import networkx as nx
import pytest

from graph_schema import Node, WriteBatch
from loaders.formats.batches import write_batches
from loaders.stores import embedded_projection
from loaders.stores.embedded import EmbeddedStore
from tests.cities import CITY

STREETS = sorted(n.id for n in CITY.nodes if n.label == "Street")


def _edges(g: nx.MultiDiGraph) -> dict[tuple[str, str, str], Any]:
    return {(s, e, k): d for s, nbrs in g._succ.items() for e, keyed in nbrs.items() for k, d in keyed.items()}


def same(kept: nx.MultiDiGraph, fresh: nx.MultiDiGraph) -> bool:
    return dict(kept._node) == dict(fresh._node) and _edges(kept) == _edges(fresh)


async def city_store() -> EmbeddedStore:
    store = EmbeddedStore()
    await store.open()
    for batch in write_batches(CITY.nodes, CITY.relationships, 200):
        await store.write(batch)
    await store.project()
    return store


async def rename(store: EmbeddedStore, k: int) -> None:
    await store.write(WriteBatch([Node("Street", STREETS[k % len(STREETS)], {"name": f"renamed {k}"})], patch=True))


def test_a_failed_fold_leaves_the_writes_pending(monkeypatch: pytest.MonkeyPatch) -> None:
    async def go() -> None:
        store = await city_store()
        try:
            for k in range(3):
                await rename(store, k)
            real = embedded_projection.advance_all

            def broken(*args: Any, **kwargs: Any) -> nx.MultiDiGraph:
                raise RuntimeError("the fold failed")

            monkeypatch.setattr(embedded_projection, "advance_all", broken)
            with pytest.raises(RuntimeError):
                await store.project()
            monkeypatch.setattr(embedded_projection, "advance_all", real)
            await rename(store, 3)
            kept = await store.project()
            assert kept.nodes[STREETS[3 % len(STREETS)]]["name"] == "renamed 3"
            assert same(kept, store._build_projection(None, None))
        finally:
            await store.close()

    asyncio.run(go())


def test_a_cancelled_fold_finishes_before_the_next_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller cancelled (its deadline) while the fold runs on its thread: the write lock
    stays held until the fold ends, so no write changes the graph the thread reads."""
    order: list[str] = []
    real = embedded_projection.advance_all

    def slow(*args: Any, **kwargs: Any) -> nx.MultiDiGraph:
        time.sleep(0.3)
        out = real(*args, **kwargs)
        order.append("folded")
        return out

    async def go() -> None:
        store = await city_store()
        try:
            for k in range(4):
                await rename(store, k)
            monkeypatch.setattr(embedded_projection, "advance_all", slow)
            asking = asyncio.ensure_future(store.project())
            await asyncio.sleep(0.05)  # the fold has started on its thread, under the write lock
            asking.cancel()
            writing = asyncio.ensure_future(rename(store, 4))
            writing.add_done_callback(lambda _: order.append("written"))
            with pytest.raises(asyncio.CancelledError):
                await asking
            await writing
            assert order == ["folded", "written"]
            kept = await store.project()
            assert kept.nodes[STREETS[4 % len(STREETS)]]["name"] == "renamed 4"
            assert same(kept, store._build_projection(None, None))
        finally:
            await store.close()

    asyncio.run(go())
