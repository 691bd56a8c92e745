"""The kept Neo4j projection follows writes that overlap in time (docs/design.md 2.9).

Writes of this process that overlap in time are passed on to the projection cache in the
order they end when they share no record (they commute), and dropped (the projection is built
again) when they do.  Differential: after random groups of concurrent writes (hypothesis,
validation refusals and writes meeting each other's changes included), the kept projection
equals one built from scratch; and concurrent writes of disjoint records are carried forward,
not rebuilt.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Iterator

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_schema import Node, Relationship, ValidationError, WriteBatch
from loaders.formats.batches import write_batches
from loaders.projection_cache import ProjectionCache
from loaders.stores.neo4j_store import Neo4jStore
from tests.cities import CITY
from tests.contract.test_projection_follows_writes import OPS, Op, assert_same, batch_of

pytestmark = pytest.mark.neo4j

GROUPS = st.lists(st.lists(OPS, min_size=2, max_size=4), min_size=1, max_size=5)


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        loop.close()


def _store(uri: str) -> Neo4jStore:
    user = os.environ.get("NEO4J_USER")
    auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user and os.environ.get("NEO4J_URI") else None
    return Neo4jStore(uri, auth=auth, database=os.environ.get("NEO4J_DATABASE", "neo4j"))


async def _city_cache(store: Neo4jStore) -> ProjectionCache:
    """The test city written afresh into ``store``, and a projection cache over it (nothing kept yet)."""
    await store.clear()
    for batch in write_batches(CITY.nodes, CITY.relationships, 200):
        await store.write(batch)
    return ProjectionCache(store, max_age=3600.0)


async def _write(store: Neo4jStore, batch: WriteBatch) -> None:
    # refused by validation, or meeting the other writes' changes three times: nothing written
    with contextlib.suppress(ValidationError, RuntimeError):
        await store.write(batch)


def test_concurrent_writes_leave_the_kept_projection_equal_to_a_fresh_one(
    loop: asyncio.AbstractEventLoop, neo4j_uri: str
) -> None:
    store = _store(neo4j_uri)
    loop.run_until_complete(store.open())

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(groups=GROUPS)
    def check(groups: list[list[Op]]) -> None:
        async def go() -> None:
            cache = await _city_cache(store)
            await cache.graph()
            step = 0
            for group in groups:
                batches = [batch_of(op, step + i) for i, op in enumerate(group)]
                step += len(group)
                await asyncio.gather(*(_write(store, b) for b in batches))
            kept: nx.MultiDiGraph = await cache.graph()
            assert_same(kept, await store.project())

        loop.run_until_complete(go())

    try:
        check()
    finally:
        loop.run_until_complete(store.clear())
        loop.run_until_complete(store.close())


def test_concurrent_writes_of_disjoint_records_are_followed_not_rebuilt(
    loop: asyncio.AbstractEventLoop, neo4j_uri: str
) -> None:
    """Renames of different streets and households created under one building, all at once:
    the cache follows every one of them (none dropped the kept projection); two writes of the
    same node at once are not followed (the server's order is unknown), and the projection built
    again after them is whole."""
    store = _store(neo4j_uri)

    async def go() -> None:
        await store.open()
        try:
            cache = await _city_cache(store)
            before = await cache.graph()
            streets = [n for n in CITY.nodes if n.label == "Street"]
            building = next(n.id for n in CITY.nodes if n.label == "Building")
            renames = [WriteBatch([Node("Street", s.id, {"name": f"{s.id} renamed"})], patch=True) for s in streets]
            households = [
                WriteBatch(
                    [Node("Household", f"hz{i}", {"name": f"并发户{i}", "size": 2})],
                    [Relationship("PART_OF", f"hz{i}", building)],
                )
                for i in range(4)
            ]
            writes = [*renames, *households]
            assert len(writes) >= 5
            await asyncio.gather(*(store.write(b) for b in writes))
            assert store.write_listeners.in_flight == 0
            assert cache.followed == len(writes)
            assert cache.pending == len(writes) and not cache.streams_next  # noted, folded when asked for
            assert cache.kept() is None
            kept = await cache.graph()
            assert cache.folds == 1 and cache.pending == 0 and cache.kept() is kept
            assert kept is not before
            assert_same(kept, await store.project())

            same = streets[0].id
            await asyncio.gather(
                *(store.write(WriteBatch([Node("Street", same, {"name": f"twice {i}"})], patch=True)) for i in range(2))
            )
            assert cache.streams_next and cache.kept() is None  # dropped: built again on the next ask
            assert_same(await cache.graph(), await store.project())
        finally:
            await store.clear()
            await store.close()

    loop.run_until_complete(go())


def test_writes_are_noted_not_copied_and_those_landing_during_a_fold_stay_pending(
    loop: asyncio.AbstractEventLoop, neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A followed write copies nothing (the kept projection object stays, the write is pending);
    the next ask folds every pending write at once on a worker thread; a write that ends while
    that fold runs is not lost: it stays pending and the ask after folds it in. Neither streams."""
    from loaders import projection_cache as pc

    store = _store(neo4j_uri)

    async def go() -> None:
        await store.open()
        try:
            cache = await _city_cache(store)
            base = await cache.graph()
            assert cache.streams == 1
            streets = [n.id for n in CITY.nodes if n.label == "Street"]
            rename = [WriteBatch([Node("Street", s, {"name": f"{s} 新名"})], patch=True) for s in streets[:2]]
            await store.write(rename[0])
            assert cache.pending == 1 and cache._graph is base and cache.newest_version == cache.version + 1

            folding, go_on = asyncio.Event(), threading.Event()
            real = pc._fold

            def held(graph: nx.MultiDiGraph, batches: list[WriteBatch]) -> nx.MultiDiGraph:
                loop.call_soon_threadsafe(folding.set)
                assert go_on.wait(60)
                return real(graph, batches)

            monkeypatch.setattr(pc, "_fold", held)
            asking = asyncio.ensure_future(cache.graph())
            await folding.wait()
            await store.write(rename[1])  # ends while the fold of the first runs
            go_on.set()
            first = await asking
            monkeypatch.setattr(pc, "_fold", real)
            assert first.nodes[streets[0]]["name"] == f"{streets[0]} 新名"
            assert first.nodes[streets[1]]["name"] != f"{streets[1]} 新名"
            assert cache.pending == 1 and cache.folds == 1
            second = await cache.graph()
            assert second.nodes[streets[1]]["name"] == f"{streets[1]} 新名"
            assert cache.pending == 0 and cache.folds == 2 and cache.streams == 1
            assert_same(second, await store.project())
        finally:
            await store.clear()
            await store.close()

    loop.run_until_complete(go())
