"""Neo4j only: an import by another process (``civicmesh import`` beside a running service) is
seen by the service's kept search answers within the store watch's interval, not their age
limit: the watch reads the import marker with its ping, and when the marker appears, moves on
or goes, the store forgets what it keeps by following its own writes
(``Neo4jStore.writes_elsewhere``, :class:`service.health.StoreWatch`)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from graph_schema import Node
from loaders.stores.neo4j_store import Neo4jStore
from service.health import StoreWatch
from tests.conftest import Neo4jPool, _neo4j_auth, make_store

pytestmark = [pytest.mark.asyncio, pytest.mark.neo4j]


async def _names(store: Neo4jStore) -> list[str]:
    return sorted(n.properties["name"] for n in await store.search("人民", labels=["Street"]))


async def _until(store: Neo4jStore, expected: list[str], bound: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound
    while (names := await _names(store)) != expected:
        assert loop.time() < deadline, f"still {names}, expected {expected}"
        await asyncio.sleep(0.05)


async def test_an_import_by_another_process_shows_in_kept_searches(neo4j_pool: Neo4jPool, tmp_path: Path) -> None:
    service = await make_store("neo4j", neo4j_pool, tmp_path)
    assert isinstance(service, Neo4jStore) and service.searches.max_age >= 3600  # answers kept an hour
    await service.upsert([Node("Street", "s1", {"name": "人民路"})])
    assert await _names(service) == ["人民路"]  # now kept
    other = Neo4jStore(service.uri, auth=_neo4j_auth(), database=os.environ.get("NEO4J_DATABASE", "neo4j"))
    await other.open()
    watch: StoreWatch | None = None
    try:
        await other.begin_import("city.json")
        await other.upsert([Node("Street", "s2", {"name": "人民西路"})])
        await other.import_progress(1)
        await asyncio.sleep(0.3)
        assert await _names(service) == ["人民路"]  # the kept answer: this process was not told
        watch = StoreWatch(service, interval=0.05, timeout=5.0, warm_statements=0)
        watch.start()
        await _until(service, ["人民西路", "人民路"])  # the marker seen: the kept answer forgotten
        await other.upsert([Node("Street", "s3", {"name": "人民东路"})])
        await other.end_import()
        await _until(service, ["人民东路", "人民西路", "人民路"])  # the marker gone: forgotten again
        hits = service.searches.hits
        assert await _names(service) == ["人民东路", "人民西路", "人民路"]
        assert service.searches.hits == hits + 1  # with no import going on, answers are kept again
    finally:
        if watch is not None:
            await watch.stop()
        await other.end_import()
        await other.close()
