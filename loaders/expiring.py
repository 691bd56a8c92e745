"""A small cache of values that age: each value computed once at a time, however many ask.

Scopes and scope labels are resolved from the store and kept for some seconds.  Kept naively,
every request that finds its value expired resolves it again, and at 32 concurrent requests an
expiry becomes 32 identical store walks at once (a stampede that showed in the scoped
``node(id)`` throughput).  :class:`ExpiringCache` computes a missing value once for all who
wait for it (single flight), and answers an expired one from the kept value while one
background refresh runs, so an expiry costs no request any latency.  A value older than twice
its age is not served: it is computed again while the callers wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

log = logging.getLogger("civicmesh.cache")


class ExpiringCache(Generic[K, V]):
    """Values by key, each kept ``max_age`` seconds, computed once at a time.

    >>> calls = []
    >>> async def compute():
    ...     calls.append(1)
    ...     await asyncio.sleep(0)
    ...     return len(calls)
    >>> async def many(cache):
    ...     return await asyncio.gather(*(cache.get("k", compute) for _ in range(32)))
    >>> cache = ExpiringCache(max_age=30.0)
    >>> answers = asyncio.run(many(cache))
    >>> set(answers), len(calls)
    ({1}, 1)
    """

    def __init__(self, max_age: float, clock: Callable[[], float] = time.monotonic, max_entries: int = 10_000) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._clock = clock
        self._kept: dict[K, tuple[float, V]] = {}
        self._pending: dict[K, asyncio.Task[V]] = {}
        self._epoch = 0

    async def get(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        """The value of ``key``: kept, kept while a refresh runs, or computed now (once)."""
        kept = self._kept.get(key)
        if kept is not None:
            age = self._clock() - kept[0]
            if age <= self.max_age:
                return kept[1]
            if age <= 2 * self.max_age:
                self._flight(key, compute)  # refreshed in the background; this request does not wait
                return kept[1]
        return await asyncio.shield(self._flight(key, compute))

    def invalidate(self) -> None:
        """Forget every value; computations under way are not kept when they finish."""
        self._kept.clear()
        self._pending.clear()
        self._epoch += 1

    def _flight(self, key: K, compute: Callable[[], Awaitable[V]]) -> asyncio.Task[V]:
        loop = asyncio.get_running_loop()
        pending = self._pending.get(key)
        if pending is not None and pending.get_loop() is loop and not pending.done():
            return pending
        task = loop.create_task(self._compute(key, compute, self._epoch))
        self._pending[key] = task
        task.add_done_callback(_quiet)
        return task

    async def _compute(self, key: K, compute: Callable[[], Awaitable[V]], epoch: int) -> V:
        try:
            value = await compute()
        finally:
            if self._pending.get(key) is asyncio.current_task():
                del self._pending[key]
        if epoch == self._epoch:
            if len(self._kept) >= self.max_entries:
                self._kept.clear()
            self._kept[key] = (self._clock(), value)
        return value


def _quiet(task: asyncio.Task[object]) -> None:
    """A background refresh that failed is logged (its callers, if any, got the error)."""
    if not task.cancelled():
        with contextlib.suppress(asyncio.CancelledError):
            error = task.exception()
            if error is not None:
                log.debug("a cached value could not be refreshed: %s", error)
