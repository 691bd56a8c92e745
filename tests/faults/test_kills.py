"""SIGKILLs on both stores: of the service during a stream of acknowledged mutations (every
acknowledged write is there after a restart), and of an import half-way (the store says so:
``/readyz`` 503 and analytics refused, until the same import run again completes it)."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_schema import to_global_id
from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore
from tests.faults.conftest import Service, run_cli

pytestmark = pytest.mark.slow

KINDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]
CREATE = (
    "mutation($id: String!, $name: String!) "
    "{ createStreet(input: {id: $id, name: $name}) { street { id } errors { code } } }"
)
EXISTS = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
STRUCTURE = "{ structure { grids } }"
DEMO = ("--preset", "demo", "--seed", "0")
SOURCE = "preset demo (seed 0)"


def _open(kind: str, location: str) -> GraphStore:
    if kind == "embedded":
        return EmbeddedStore(location)
    from loaders.stores.neo4j_store import Neo4jStore

    return Neo4jStore(location)


def _with(kind: str, location: str, work: Any) -> Any:
    async def main() -> Any:
        store = _open(kind, location)
        await store.open()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(main())


@pytest.fixture
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The store a test's processes share: a new SQLite file, or the session's Neo4j emptied
    (its marker removed afterwards: ``clear`` keeps markers)."""
    kind = request.node.callspec.params["kind"]
    if kind == "embedded":
        yield str(tmp_path / "civicmesh.sqlite")
        return
    uri = request.getfixturevalue("neo4j_uri")

    async def reset(store: GraphStore) -> None:
        await store.end_import()
        await store.clear()

    _with("neo4j", uri, reset)
    try:
        yield uri
    finally:
        _with("neo4j", uri, reset)


@pytest.mark.parametrize("kind", KINDS)
def test_acknowledged_mutations_survive_a_kill(
    kind: str, location: str, services: list[Service], tmp_path: Path
) -> None:
    service = Service(location, tmp_path / "service.log").start()
    services.append(service)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    prefix = uuid.uuid4().hex[:8]

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            street = f"st-{prefix}-{n}-{i}"
            i += 1
            try:
                status, _, body = service.graphql(CREATE, {"id": street, "name": f"街道{n}-{i}"}, timeout=10)
            except OSError:
                return  # the service is gone: nothing more is acknowledged
            payload = (body or {}).get("data", {}) or {}
            created = payload.get("createStreet") or {}
            if status == 200 and not created.get("errors") and (created.get("street") or {}).get("id"):
                with lock:
                    acknowledged.append(street)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    service.kill()  # writes are in flight: the clients keep sending
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) >= 40, "the service acknowledged too few writes to test anything"

    restarted = Service(location, tmp_path / "service.log").start()
    services.append(restarted)
    ids = [to_global_id("Street", s) for s in acknowledged]
    found: list[str] = []
    for start in range(0, len(ids), 200):
        status, _, body = restarted.graphql(EXISTS, {"ids": ids[start : start + 200]})
        assert status == 200 and "errors" not in body, body
        found += [n["id"] for n in body["data"]["nodes"] if n is not None]
    missing = sorted(set(ids) - set(found))
    assert not missing, f"{len(missing)} of {len(ids)} acknowledged writes were lost: {missing[:5]}"


def _marker_batches(kind: str, location: str) -> int:
    """The batches the marker counts (-1 without a marker), read as another process would."""
    if kind == "embedded":
        if not Path(location).exists():
            return -1
        try:
            with sqlite3.connect(f"file:{location}?mode=ro", uri=True, timeout=1) as db:
                row = db.execute("SELECT v FROM meta WHERE k = 'import'").fetchone()
        except sqlite3.OperationalError:  # not made yet
            return -1
        return -1 if row is None else int(json.loads(row[0])["batches"])

    async def read(store: GraphStore) -> int:
        marker = await store.current_import()
        return -1 if marker is None else marker.batches_done

    return int(_with(kind, location, read))


@pytest.mark.parametrize("kind", KINDS)
def test_a_killed_import_is_reported_until_rerun(
    kind: str, location: str, services: list[Service], tmp_path: Path
) -> None:
    log = tmp_path / "import.log"
    importer = run_cli("import", *DEMO, "--batch-size", "10", "--no-progress", store=location, log=log)
    deadline = time.monotonic() + 120
    while _marker_batches(kind, location) < 3:
        assert importer.poll() is None, f"the import ended before it could be killed:\n{log.read_text()}"
        assert time.monotonic() < deadline, "the import wrote no batches within 120 s"
        time.sleep(0.02)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    assert _marker_batches(kind, location) >= 3

    service = Service(location, tmp_path / "service.log").start()
    services.append(service)
    status, _, ready = service.get("/readyz")
    assert status == 503, ready
    assert SOURCE in ready["reason"] and "has not completed" in ready["reason"], ready
    status, _, body = service.graphql(STRUCTURE)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["IMPORT_IN_PROGRESS"], body
    service.kill()

    other = run_cli("import", "--preset", "demo", "--seed", "1", "--no-progress", store=location, log=log)
    assert other.wait(120) == 2
    assert "--force" in log.read_text() and _marker_batches(kind, location) >= 3

    rerun = run_cli("import", *DEMO, "--no-progress", store=location, log=log)
    assert rerun.wait(300) == 0, log.read_text()
    assert _marker_batches(kind, location) == -1

    service = Service(location, tmp_path / "service.log").start()
    services.append(service)
    status, _, ready = service.get("/readyz")
    assert status == 200, ready
    status, _, body = service.graphql(STRUCTURE)
    assert status == 200 and "errors" not in body and body["data"]["structure"]["grids"] > 0, body
