"""The aging cache behind scopes: one computation for many waiters, an expired value answered
while one refresh runs, nothing kept across an invalidation, failures never kept."""

from __future__ import annotations

import asyncio

import pytest

from loaders.expiring import ExpiringCache

pytestmark = pytest.mark.asyncio


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_many_waiters_share_one_computation() -> None:
    calls = 0
    gate = asyncio.Event()

    async def compute() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        return calls

    cache: ExpiringCache[str, int] = ExpiringCache(10.0, Clock())
    waiters = [asyncio.ensure_future(cache.get("k", compute)) for _ in range(50)]
    await asyncio.sleep(0)
    gate.set()
    assert set(await asyncio.gather(*waiters)) == {1}
    assert calls == 1


async def test_an_expired_value_is_answered_while_one_refresh_runs() -> None:
    clock = Clock()
    values = iter([1, 2, 3])
    started = 0

    async def compute() -> int:
        nonlocal started
        started += 1
        await asyncio.sleep(0)
        return next(values)

    cache: ExpiringCache[str, int] = ExpiringCache(10.0, clock)
    assert await cache.get("k", compute) == 1
    clock.now = 15.0  # expired, not yet twice its age: answered at once, refreshed behind
    assert [await cache.get("k", compute) for _ in range(5)] == [1] * 5
    await asyncio.sleep(0.01)
    assert started == 2  # one refresh for the five
    assert await cache.get("k", compute) == 2
    clock.now = 100.0  # far too old: the caller waits for a fresh value
    assert await cache.get("k", compute) == 3


async def test_a_computation_under_way_at_invalidation_is_not_kept() -> None:
    gate = asyncio.Event()
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        mine = calls
        if mine == 1:
            await gate.wait()
        return mine

    cache: ExpiringCache[str, int] = ExpiringCache(10.0, Clock())
    first = asyncio.ensure_future(cache.get("k", compute))
    await asyncio.sleep(0)
    cache.invalidate()  # a write happened while the first value was computed from older data
    assert await cache.get("k", compute) == 2
    gate.set()
    assert await first == 1
    assert await cache.get("k", compute) == 2  # the older value was not kept


async def test_a_failure_reaches_its_waiters_and_is_not_kept() -> None:
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("store unavailable")
        return 7

    cache: ExpiringCache[str, int] = ExpiringCache(10.0, Clock())
    with pytest.raises(RuntimeError):
        await cache.get("k", compute)
    assert await cache.get("k", compute) == 7
