"""``civicmesh serve --workers N`` on Neo4j runs N worker processes, each serving the API.

Until this test, the option was accepted and ignored: one process served everything.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.conftest import Service

pytestmark = pytest.mark.neo4j


def _children(pid: int) -> list[int]:
    """The uvicorn workers started by ``pid`` (not multiprocessing's resource tracker)."""
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        pids = [int(p) for p in f.read().split()]
    workers = []
    for child in pids:
        with open(f"/proc/{child}/cmdline", "rb") as f:
            if b"spawn_main" in f.read():
                workers.append(child)
    return workers


def test_two_workers_are_two_processes_that_answer(neo4j_uri: str, tmp_path: Path) -> None:
    service = Service(neo4j_uri, tmp_path / "service.log", args=("--workers", "2")).start(timeout=120)
    try:
        assert service.process is not None
        workers = _children(service.process.pid)
        assert len(workers) == 2, (workers, service.log.read_text(errors="replace"))
        for _ in range(8):  # new connections, accepted by either worker
            status, _, body = service.graphql("{ streets(first: 1) { totalCount } }")
            assert status == 200 and "errors" not in body, body
        for _ in range(4):  # each worker follows only its own writes: no search answer kept
            status, _, body = service.graphql('{ search(text: "东门", first: 5) { id } }')
            assert status == 200 and "errors" not in body, body
        for _ in range(4):
            status, _, metrics = service.get_text("/metrics")
            assert status == 200 and "civicmesh_search_cache_hits_total 0" in metrics, metrics
        assert _children(service.process.pid) == workers, service.log.read_text(errors="replace")[-6000:]  # none died
        log = service.log.read_text(errors="replace")
        assert "2 worker processes" in log
        assert "Traceback" not in log, log[-3000:]
    finally:
        service.stop()
