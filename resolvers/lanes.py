"""Light requests first: heavy work on the event loop steps aside while light requests run.

asyncio's ready queue is first come, first served.  Heavy work that yields with
``asyncio.sleep(0)`` only goes to the back of that queue: a light request (``node(id)``) still
waits behind one stretch of every heavy request for each of its own steps, and it has several
(reading the body, the store read, completing, writing the answer).  This module lets heavy
work step aside instead:

* :func:`light` (a context manager, entered by :class:`service.priority.HeavyGate` for every
  request it finds light) counts the light requests in progress;
* :func:`yield_to_light`, awaited by heavy work at its yield points (the compiled walk's
  builder every :data:`resolvers.compiled.YIELD_EVERY` nodes, the chunked completion of long
  lists), always yields to the loop once (so that new requests are read and sorted), then, while
  light requests are in progress, waits until none is or the bound passes
  (:func:`configure`, ``CIVICMESH_LIGHT_FIRST_MS``, 5 ms by default; 0 turns the wait off).

The bound keeps heavy work from starving: a light request that waits on I/O (a Neo4j read, the
SQLite file on a thread) holds nothing, but heavy work still waits for it at most the bound per
yield, and with light requests arriving back to back it makes one stretch of progress per bound.
Nothing here runs outside the event loop's thread.  See docs/design.md section 2.9.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

BOUND_S = 0.005
"""How long heavy work waits at most, per yield, for the light requests in progress (seconds)."""

_bound = BOUND_S
_light = 0
_waiters: list[asyncio.Future[None]] = []
STATS = {"yields": 0, "waited": 0, "bounded": 0}
"""Heavy yields, those that waited for light requests, and those of them ended by the bound."""


def configure(bound_ms: float) -> None:
    """Heavy work waits at most ``bound_ms`` milliseconds per yield for light requests (0: never)."""
    global _bound
    _bound = max(0.0, bound_ms) / 1000


def reset() -> None:
    """No light request in progress and no heavy work waiting (a process forked from the
    service, which serves no light requests: :mod:`service.reader`)."""
    global _light
    _light = 0
    _waiters.clear()


def in_progress() -> int:
    """How many light requests are in progress now."""
    return _light


@contextmanager
def light() -> Iterator[None]:
    """Count a light request as in progress while the block runs.

    >>> with light():
    ...     in_progress()
    1
    >>> in_progress()
    0
    """
    global _light
    _light += 1
    try:
        yield
    finally:
        _light -= 1
        if _light == 0:
            _wake_all()


def _wake_all() -> None:
    waiters = list(_waiters)
    _waiters.clear()
    for waiter in waiters:
        if not waiter.done():
            waiter.set_result(None)


def _bounded(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        STATS["bounded"] += 1
        waiter.set_result(None)


async def yield_to_light() -> None:
    """Yield to the event loop, then let the light requests in progress go first (at most the
    bound: see the module docstring)."""
    STATS["yields"] += 1
    await asyncio.sleep(0)
    if _light == 0 or _bound <= 0:
        return
    STATS["waited"] += 1
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()
    _waiters.append(waiter)
    handle = loop.call_later(_bound, _bounded, waiter)
    try:
        await waiter
    finally:
        handle.cancel()
        if waiter in _waiters:
            _waiters.remove(waiter)


__all__ = ["BOUND_S", "STATS", "configure", "in_progress", "light", "yield_to_light"]
