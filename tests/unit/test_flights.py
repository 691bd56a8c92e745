"""Single flight and the heavy bound of :mod:`resolvers.analytics.flights`, with analyses that wait
for the test, so that "at once" is certain (counted calls, never timings)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import networkx as nx
import pytest

import analytics as A
from resolvers.analytics import flights
from resolvers.errors import ClientError

pytestmark = pytest.mark.asyncio


class Figures:
    def __init__(self, value: Any) -> None:
        self.value = value

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value}


class Held:
    """An analysis that runs until released (or stopped), counting its runs."""

    def __init__(self) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self.stopped = threading.Event()

    def __call__(self, G: Any, seed: int = 0, *, should_stop: Any) -> Figures:
        self.calls += 1
        self.started.set()
        while not self.release.wait(0.01):
            if should_stop():
                self.stopped.set()
                A.checkpoint(should_stop)
        return Figures(seed)


async def test_concurrent_identical_analyses_run_once_and_later_ones_are_kept() -> None:
    G, held = nx.MultiDiGraph(), Held()
    before = flights.STATS.copy()
    waiting = [asyncio.ensure_future(flights.shared_run(held, G, seed=7)) for _ in range(5)]
    await asyncio.to_thread(held.started.wait, 10)
    await asyncio.sleep(0.05)
    assert held.calls == 1 and flights.running() >= 1
    held.release.set()
    assert await asyncio.gather(*waiting) == [{"value": 7}] * 5
    assert await flights.shared_run(held, G, seed=7) == {"value": 7}
    assert held.calls == 1
    assert flights.STATS["shared"] - before["shared"] == 4 and flights.STATS["cached"] - before["cached"] == 1
    assert await flights.shared_run(held, G, seed=8) == {"value": 8} and held.calls == 2
    assert await flights.shared_run(held, nx.MultiDiGraph(), seed=7) == {"value": 7}  # another data version
    assert held.calls == 3


async def test_heavy_analyses_are_bounded_and_joining_one_is_not() -> None:
    G, held = nx.MultiDiGraph(), Held()
    first = asyncio.ensure_future(flights.shared_run(held, G, seed=1, max_running=1))
    await asyncio.to_thread(held.started.wait, 10)
    with pytest.raises(ClientError) as refused:
        await flights.shared_run(held, G, seed=2, max_running=1)
    assert refused.value.extensions == {"code": "TOO_MANY_ANALYSES", "retryAfter": flights.RETRY_AFTER}
    joined = asyncio.ensure_future(flights.shared_run(held, G, seed=1, max_running=1))
    held.release.set()
    assert await first == await joined == {"value": 1}
    assert held.calls == 1
    assert await flights.shared_run(held, G, seed=2, max_running=1) == {"value": 2}  # a slot is free again


async def test_an_analysis_stops_when_its_last_waiter_leaves() -> None:
    G, held = nx.MultiDiGraph(), Held()
    cancelled = flights.STATS["cancelled"]
    a = asyncio.ensure_future(flights.shared_run(held, G, seed=3))
    b = asyncio.ensure_future(flights.shared_run(held, G, seed=3))
    await asyncio.to_thread(held.started.wait, 10)
    a.cancel()
    await asyncio.sleep(0.1)
    assert not held.stopped.is_set()  # b still waits for it
    b.cancel()
    assert await asyncio.to_thread(held.stopped.wait, 10)
    for _ in range(200):
        if flights.running() == 0:
            break
        await asyncio.sleep(0.02)
    assert flights.running() == 0 and flights.STATS["cancelled"] == cancelled + 1
