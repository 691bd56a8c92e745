"""Neo4j only: a store whose every pooled connection is in use (long reads such as a
projection, or many requests) answers a further call with :class:`StoreBusy` once its
acquisition timeout has passed, and is not marked down: a busy server is not an outage."""

from __future__ import annotations

from typing import Any

import pytest

from loaders.store import StoreBusy
from loaders.stores.neo4j_store import Neo4jStore

pytestmark = [pytest.mark.asyncio, pytest.mark.neo4j]

POOL = 64
"""The store's connection pool size (``Neo4jStore._new_driver``)."""


async def test_a_full_pool_is_busy_not_down(neo4j_uri: str) -> None:
    # The acquisition timeout also bounds opening a new connection: not shorter than a loaded
    # machine's handshake.
    store = Neo4jStore(neo4j_uri, acquisition_timeout=5.0)
    await store.open()
    held: list[Any] = []
    try:
        for _ in range(POOL):  # every connection held by an open transaction
            session = store.driver.session(database=store.database)
            held.append((session, await session.begin_transaction()))
        with pytest.raises(StoreBusy) as raised:
            await store.get_nodes(["anything"])
        assert "busy" in str(raised.value) and "127.0.0.1" not in str(raised.value)
        assert store.availability.up and store.availability.failures == 0
    finally:
        for session, tx in held:
            await tx.close()
            await session.close()
    assert await store.get_nodes(["anything"]) == [None]  # the connections are back: answered at once
    await store.close()
