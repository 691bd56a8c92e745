"""The embedded store and the cycle collector: a small write leaves the objects alive in the
collector's sight (freezing them at every write would keep every cycle of garbage the requests
in flight left, for good); a bulk write and a folded projection are frozen."""

from __future__ import annotations

import asyncio
import gc
import weakref

from graph_schema import Node, WriteBatch
from loaders.formats.batches import write_batches
from loaders.stores import embedded
from loaders.stores.embedded import EmbeddedStore
from tests.cities import CITY

STREETS = sorted(n.id for n in CITY.nodes if n.label == "Street")


class _Cycle:
    """Garbage that only the collector frees (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def test_small_writes_freeze_nothing_and_their_garbage_is_collected() -> None:
    async def go() -> None:
        store = EmbeddedStore()
        await store.open()
        try:
            for batch in write_batches(CITY.nodes, CITY.relationships, 200):
                await store.write(batch)
            await store.project()
            garbage = _Cycle()
            gone = weakref.ref(garbage)
            del garbage  # a cycle left by a request in flight
            frozen = gc.get_freeze_count()
            await store.write(WriteBatch([Node("Street", STREETS[0], {"name": "renamed"})], patch=True))
            assert gc.get_freeze_count() <= frozen  # none added (the replaced node dict was freed)
            gc.collect()
            assert gone() is None
            await store.write(WriteBatch([Node("Street", STREETS[1], {"name": "renamed too"})], patch=True))
            kept = await store.project()  # the fold of the pending write: frozen
            assert kept.nodes[STREETS[1]]["name"] == "renamed too"
            assert gc.get_freeze_count() > frozen
        finally:
            await store.close()
            gc.unfreeze()

    asyncio.run(go())


def test_a_bulk_write_is_frozen() -> None:
    async def go() -> None:
        store = EmbeddedStore()
        await store.open()
        try:
            frozen = gc.get_freeze_count()
            nodes = [Node("Street", f"bulk-{i}", {"name": f"街 {i}"}) for i in range(embedded.BULK_ROWS)]
            await store.write(WriteBatch(nodes))
            assert gc.get_freeze_count() > frozen
        finally:
            await store.close()
            gc.unfreeze()

    asyncio.run(go())
