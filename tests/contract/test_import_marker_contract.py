"""The import marker of the GraphStore port, on both adapters: recorded before the first batch,
counted on, kept by ``clear`` and by reopening, resumed by the same source, replaced by
another, removed at the end, and never part of the graph; and the import that sets it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from graph_schema import Node
from loaders.formats.importing import ImportInProgress, import_records
from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore
from tests.cities import EAST

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def marked(store: GraphStore) -> AsyncIterator[GraphStore]:
    """The store, its marker removed afterwards (the Neo4j store is shared by the session)."""
    await store.end_import()
    try:
        yield store
    finally:
        await store.end_import()


async def test_no_marker_on_a_new_store(marked: GraphStore) -> None:
    assert await marked.current_import() is None


async def test_marker_records_source_start_and_batches(marked: GraphStore) -> None:
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2)
    began = await marked.begin_import("city.json")
    assert began.source == "city.json" and began.batches_done == 0
    assert before <= began.started <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    await marked.import_progress(3)
    current = await marked.current_import()
    assert current is not None
    assert (current.source, current.batches_done) == ("city.json", 3)
    assert abs((current.started - began.started).total_seconds()) < 1.0
    await marked.end_import()
    assert await marked.current_import() is None


async def test_same_source_resumes_other_source_replaces(marked: GraphStore) -> None:
    first = await marked.begin_import("a.json")
    await marked.import_progress(5)
    again = await marked.begin_import("a.json")
    assert (again.source, again.batches_done) == ("a.json", 5)
    assert abs((again.started - first.started).total_seconds()) < 1.0
    other = await marked.begin_import("b.json")
    assert (other.source, other.batches_done) == ("b.json", 0)
    current = await marked.current_import()
    assert current is not None and current.source == "b.json"


async def test_marker_is_outside_the_graph(marked: GraphStore) -> None:
    await marked.upsert([Node("Street", "st1", {"name": "东门街道"})])
    await marked.begin_import("city.json")
    assert await marked.count_nodes("Street") == 1
    graph = await marked.project()
    assert set(graph.nodes) == {"st1"}
    scanned = [n.id async for batch in marked.scan_nodes() for n in batch]
    assert scanned == ["st1"]
    await marked.clear()
    current = await marked.current_import()
    assert current is not None and current.source == "city.json", "clear keeps the marker"


async def test_marker_survives_reopening(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "civicmesh.sqlite")
    await store.open()
    await store.begin_import("city.json")
    await store.import_progress(2)
    await store.close()
    reopened = EmbeddedStore(tmp_path / "civicmesh.sqlite")
    await reopened.open()
    try:
        current = await reopened.current_import()
        assert current is not None and (current.source, current.batches_done) == ("city.json", 2)
    finally:
        await reopened.close()


async def test_an_import_sets_and_clears_the_marker(marked: GraphStore) -> None:
    city = EAST
    seen: list[object] = []
    original = marked.import_progress

    async def spy(batches_done: int) -> None:
        seen.append(await marked.current_import())
        await original(batches_done)

    marked.import_progress = spy  # type: ignore[method-assign]
    try:
        report = await import_records(marked, city.nodes, city.relationships, source="tiny", batch_size=5)
    finally:
        del marked.import_progress
    assert report.written and report.batches >= 2
    assert seen and all(getattr(m, "source", None) == "tiny" for m in seen), "the marker is there while writing"
    assert await marked.current_import() is None


async def test_an_unfinished_import_of_another_source_is_refused(marked: GraphStore) -> None:
    city = EAST
    await marked.begin_import("other.json")
    with pytest.raises(ImportInProgress, match=r"other\.json.*--force"):
        await import_records(marked, city.nodes, city.relationships, source="tiny")
    assert await marked.count_nodes("Street") == 0, "nothing was written"
    report = await import_records(marked, city.nodes, city.relationships, source="other.json")
    assert report.written
    assert await marked.current_import() is None
