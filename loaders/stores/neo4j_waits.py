"""The Neo4j driver's socket and pool waits in the caller's task (Python before 3.12).

The official driver awaits every Bolt read, every Bolt write and every pool acquisition through
its own ``wait_for`` whenever a timeout applies, and one always does: the server's connection
hint ``connection.recv_timeout_seconds`` sets a read timeout, and the store gives the pool an
acquisition timeout (:class:`~loaders.stores.neo4j_store.Neo4jStore`).  On Python 3.12 and
later that ``wait_for`` is :func:`asyncio.wait_for`, which waits in the caller's task under
:func:`asyncio.timeout`.  Before 3.12 the driver ships a copy of Python 3.10's, which wraps the
awaited operation in a **new task** and waits for that task's done callback: every socket
operation then costs the event loop two more turns than the operation itself, even a write
that completes at once.  Measured on one warm point read: 7 suspensions of the calling task
(2 with this module); under 32 clients, where a turn of the busy loop takes milliseconds, the
Neo4j read inside a ``node(id)`` request went from 53 ms to 11 ms at the median (docs/design.md,
"the driver's waits in the caller's task").

:func:`install` gives the driver :func:`wait_for`, the same function as Python 3.12's
:func:`asyncio.wait_for`: no timeout, the operation is awaited as is; a positive timeout,
awaited under :func:`asyncio.timeout` (Python 3.11), raising :class:`TimeoutError` (what the
driver catches) when it passes; a timeout of zero or less (the driver's non-blocking probe)
keeps the driver's own path.  A cancelled caller's cancellation reaches the operation and is
never swallowed.  On Python 3.12 and later, or a driver whose private module no longer has the
shim, :func:`install` changes nothing.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")

_MODULES = ("neo4j._async_compat.network._bolt_socket", "neo4j._async_compat.concurrency")
"""The driver's modules that import its ``wait_for`` (each holds its own name for it)."""

_original: Any = None


async def wait_for(awaitable: Awaitable[T], timeout: float | None) -> T:
    """``awaitable``'s result, or :class:`TimeoutError` when ``timeout`` seconds pass first;
    waited for in the caller's task.

    >>> async def answer():
    ...     await asyncio.sleep(0)
    ...     return 42
    >>> asyncio.run(wait_for(answer(), 1.0)), asyncio.run(wait_for(answer(), None))
    (42, 42)
    >>> async def late():
    ...     try:
    ...         await wait_for(asyncio.sleep(10), 0.01)
    ...     except TimeoutError:
    ...         return "timed out"
    >>> asyncio.run(late())
    'timed out'
    """
    if timeout is None:
        return await awaitable
    if timeout <= 0 and _original is not None:
        result: T = await _original(awaitable, timeout)
        return result
    async with asyncio.timeout(max(timeout, 0)):
        return await awaitable


def install() -> bool:
    """Give the driver :func:`wait_for` (once; Python before 3.12 only).  True when it is in place."""
    global _original
    if sys.version_info >= (3, 12):
        return False
    modules = []
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            return False
        current = getattr(module, "wait_for", None)
        if current is None or current is asyncio.wait_for:
            return False
        modules.append(module)
    for module in modules:
        if module.wait_for is not wait_for:
            _original = _original or module.wait_for
            setattr(module, "wait_for", wait_for)  # noqa: B010 (a module's attribute, by name)
    return True


def installed() -> bool:
    """Whether the driver waits through :func:`wait_for` now."""
    try:
        return all(importlib.import_module(name).wait_for is wait_for for name in _MODULES)
    except ImportError:
        return False
