"""Neo4j only: the driver's socket and pool waits run in the caller's task
(:mod:`loaders.stores.neo4j_waits`): a point read yields to the event loop about twice (the
request written, the answer read), not once more for every socket operation; timeouts and
cancellation still behave as :func:`asyncio.wait_for`'s."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Generator
from typing import Any

import pytest

from loaders.stores import neo4j_waits
from loaders.stores.neo4j_store import Neo4jStore

pytestmark = [pytest.mark.asyncio]

OLD_PYTHON = pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12's wait_for needs no replacing")


class Suspensions:
    """Awaits ``awaitable`` and counts how often it suspended the calling task."""

    def __init__(self, awaitable: Awaitable[Any]) -> None:
        self.awaitable = awaitable
        self.count = 0

    def __await__(self) -> Generator[Any, Any, Any]:
        inner = self.awaitable.__await__()
        sent: Any = None
        while True:
            try:
                yielded = inner.send(sent)
            except StopIteration as done:
                return done.value
            self.count += 1
            sent = yield yielded


@OLD_PYTHON
@pytest.mark.neo4j
async def test_a_point_read_yields_to_the_loop_about_twice(neo4j_uri: str) -> None:
    store = Neo4jStore(neo4j_uri)
    await store.open()
    try:
        await store.get_nodes(["warm"])  # a pooled connection and the plan cached
        counts = []
        for i in range(5):
            read = Suspensions(store.get_nodes([f"no-such-node-{i}"]))
            assert await read == [None]
            counts.append(read.count)
        # the request written, the answer read (and its records, when they come in a second
        # packet): the driver's own wait_for made it 7, a task per socket operation
        assert max(counts) <= 3, counts
        assert neo4j_waits.installed()
    finally:
        await store.close()


async def test_wait_for_makes_no_task() -> None:
    loop = asyncio.get_running_loop()
    gate: asyncio.Future[str] = loop.create_future()
    before = len(asyncio.all_tasks())
    waiting = asyncio.ensure_future(neo4j_waits.wait_for(gate, 5.0))
    await asyncio.sleep(0)
    assert len(asyncio.all_tasks()) == before + 1  # only the waiting task itself
    gate.set_result("answer")
    assert await waiting == "answer"


async def test_a_cancelled_caller_cancels_the_operation_and_stays_cancelled() -> None:
    started = asyncio.Event()
    stopped: list[str] = []

    async def operation() -> None:
        started.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            stopped.append("cancelled")
            raise

    caller = asyncio.ensure_future(neo4j_waits.wait_for(operation(), 5.0))
    await started.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert stopped == ["cancelled"]  # not a TimeoutError, and the operation was stopped


async def test_a_timeout_stops_the_operation() -> None:
    stopped: list[str] = []

    async def operation() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            stopped.append("cancelled")
            raise

    with pytest.raises(TimeoutError):
        await neo4j_waits.wait_for(operation(), 0.01)
    assert stopped == ["cancelled"]
