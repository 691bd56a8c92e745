"""Shared fixtures: the two stores behind one parametrized ``store`` fixture.

The Neo4j half runs against ``NEO4J_URI`` when it is set, else against a Neo4j 5.26
Community engine that this session fetches (once, into ``.cache``) and starts on a free
loopback port.  A Neo4j that cannot start makes those tests fail: they are never skipped.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
STORES = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def _neo4j_local() -> Any:
    from devtools.neo4j_local import neo4j_local

    return neo4j_local


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """A Bolt URI: ``NEO4J_URI``, or a local server started for this session."""
    given = os.environ.get("NEO4J_URI")
    if given:
        _NEO4J_SERVER.append(f"neo4j     the server named by NEO4J_URI: {given}")
        yield given
        return
    local = _neo4j_local()
    cache = Path(os.environ.get("CIVICMESH_CACHE") or ROOT / ".cache")
    # A busy shared machine can take minutes to start the JVM; CIVICMESH_NEO4J_START_TIMEOUT shortens or lengthens it.
    server = local.start(cache, timeout=float(os.environ.get("CIVICMESH_NEO4J_START_TIMEOUT") or 300))
    _NEO4J_SERVER.append(
        f"neo4j     Neo4j {local.NEO4J_VERSION} Community started by this test session at {server.uri}"
    )
    try:
        yield server.uri
    finally:
        server.stop()


def _neo4j_auth() -> tuple[str, str] | None:
    user = os.environ.get("NEO4J_USER")
    return (user, os.environ.get("NEO4J_PASSWORD", "")) if user and os.environ.get("NEO4J_URI") else None


class Neo4jPool:
    """Opens one Neo4jStore for the session on first use (so embedded-only runs never start Neo4j)."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request
        self.store: GraphStore | None = None

    async def get(self) -> GraphStore:
        if self.store is None:
            from loaders.stores.neo4j_store import Neo4jStore

            uri = self._request.getfixturevalue("neo4j_uri")
            # search answers kept as long as a session lasts: every test that searches after its
            # writes checks that they follow the writes (loaders.search_cache)
            store = Neo4jStore(
                uri, auth=_neo4j_auth(), database=os.environ.get("NEO4J_DATABASE", "neo4j"), search_cache_s=3600.0
            )
            await store.open()
            self.store = store
        return self.store


@pytest.fixture(scope="session")
async def neo4j_pool(request: pytest.FixtureRequest) -> AsyncIterator[Neo4jPool]:
    pool = Neo4jPool(request)
    try:
        yield pool
    finally:
        if pool.store is not None:
            await pool.store.close()


async def make_store(kind: str, pool: Neo4jPool, tmp_path: Path) -> GraphStore:
    """A fresh, empty, open store of ``kind`` (embedded: a new file; neo4j: the session server, cleared)."""
    if kind == "embedded":
        store: GraphStore = EmbeddedStore(tmp_path / "civicmesh.sqlite")
        await store.open()
        return store
    store = await pool.get()
    await store.clear()
    # the session's one Neo4j store outlives a test: forget the projection an earlier test's API kept
    from loaders.projection_cache import projection_cache

    projection_cache(store).invalidate()
    return store


@pytest.fixture(params=STORES)
async def store(request: pytest.FixtureRequest, neo4j_pool: Neo4jPool, tmp_path: Path) -> AsyncIterator[GraphStore]:
    """An empty store, once per adapter."""
    s = await make_store(request.param, neo4j_pool, tmp_path)
    try:
        yield s
    finally:
        if s.name == "embedded":
            await s.close()


_CONTRACT: dict[str, dict[str, int]] = {}
_NEO4J_SERVER: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count the contract suite's outcomes per store, for the closing summary."""
    if report.when != "call" or "tests/contract/" not in report.nodeid.replace("\\", "/"):
        return
    kind = "neo4j" if "[neo4j" in report.nodeid else "embedded" if "[embedded" in report.nodeid else None
    if kind is not None:
        counts = _CONTRACT.setdefault(kind, {"passed": 0, "failed": 0})
        counts["passed" if report.passed else "failed"] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _CONTRACT:
        return
    terminalreporter.section("contract suite per store")
    for kind in ("embedded", "neo4j"):
        counts = _CONTRACT.get(kind, {"passed": 0, "failed": 0})
        terminalreporter.write_line(f"{kind:<9} {counts['passed']} passed, {counts['failed']} failed")
    for line in _NEO4J_SERVER:
        terminalreporter.write_line(line)
