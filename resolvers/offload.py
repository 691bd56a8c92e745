"""Analyses computed in a forked process, off the service's event loop and interpreter lock.

An analysis is pure Python (networkx) and holds the interpreter lock for as long as it runs;
on a worker thread it still slows every request of the process (the event loop waits for the
lock).  :func:`run_forked` forks the service process, computes the analysis in the child on
the projection the child inherited (copy-on-write: nothing is copied or rebuilt, and the child
sees exactly the data version of its parent at the fork, so its figures are the ones a thread
would have computed), and sends back the figures (a JSON-able dict) through a pipe.

* **Bounded**: at most ``slots`` children at once (:func:`configure`); more analyses wait for
  one to end without using the CPU.  A child's memory is what it writes (its own figures, the
  reference counts of the objects it reads): well below its parent's, and returned when it exits.
* **Stopped**: :meth:`Child.kill` ends a child at once (SIGKILL), e.g. when nobody waits for
  its analysis any more (see :mod:`resolvers.analytics.flights`).
* The child runs nothing but the analysis: no logging, no I/O besides the pipe, and it leaves
  with ``os._exit`` (no clean-up of the parent's sockets, files or store).

See docs/design.md "Light work stays light".
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any, Protocol

_SLOTS = 0
_NICE = 0
_BASE_PRIORITY = 0
_SEMAPHORE: asyncio.Semaphore | None = None
_LIVE: set[int] = set()
"""The children not yet collected (for :func:`alive`)."""


def alive() -> int:
    """How many analysis children exist now (running, or being collected)."""
    return len(_LIVE)


def configure(slots: int, nice: int = 0) -> None:
    """Analyses run in up to ``slots`` forked children at once; 0 runs them on worker threads.
    The children (and a fork server) run ``nice`` steps below the service's CPU priority, so
    that the operating system schedules the service's threads first on a busy machine."""
    global _SLOTS, _SEMAPHORE, _NICE, _BASE_PRIORITY
    _SLOTS = max(0, slots) if hasattr(os, "fork") else 0
    _SEMAPHORE = None
    _NICE = max(0, nice)
    if _NICE and hasattr(os, "getpriority"):
        _BASE_PRIORITY = os.getpriority(os.PRIO_PROCESS, 0)


def lower_priority() -> None:
    """In a forked process: take the analyses' CPU priority (:func:`configure`'s ``nice``
    below the service's; the same however often it is called)."""
    if _NICE and hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, min(19, _BASE_PRIORITY + _NICE))


def enabled() -> bool:
    """Whether analyses run in forked children (:func:`configure`)."""
    return _SLOTS > 0


class ChildFailed(RuntimeError):
    """The child ended without figures (killed, or out of memory)."""


class Child:
    """One forked analysis: :meth:`result` waits for its figures, :meth:`kill` stops it."""

    def __init__(self, work: Callable[[], Any]) -> None:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without any clean-up
            os.close(reader)
            run_child(work, writer)
        os.close(writer)
        _LIVE.add(pid)
        self.pid = pid
        self._reader = reader
        self._done = False

    async def result(self) -> Any:
        """The child's return value, or its exception raised again here."""
        try:
            payload = await read_pipe(self._reader)
        finally:
            os.close(self._reader)
            self._reap()
        return answer_of(payload)

    def kill(self) -> None:
        """End the child at once (its figures, if any, are dropped)."""
        if not self._done:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def _reap(self) -> None:
        """Kill (if still there) and collect the child on a thread of its own: tearing down a
        big address space takes a while, and the event loop does not wait for it."""
        if not self._done:
            self.kill()
            self._done = True
            threading.Thread(target=_wait, args=(self.pid,), name="civicmesh-reap", daemon=True).start()


async def read_pipe(reader: int, on_data: Callable[[list[bytes]], None] | None = None) -> bytes:
    """All a child writes to the pipe ``reader`` until it closes its end, read whenever the event
    loop sees the pipe readable (the loop never blocks on it); ``on_data(chunks)`` is called
    after each chunk with the chunks so far, which it may rewrite (e.g. to take a header off).
    The pipe is left open."""
    loop = asyncio.get_running_loop()
    chunks: list[bytes] = []
    finished: asyncio.Future[None] = loop.create_future()
    os.set_blocking(reader, False)

    def readable() -> None:
        try:
            chunk = os.read(reader, 1 << 20)
        except BlockingIOError:
            return
        if chunk:
            chunks.append(chunk)
            if on_data is not None:
                on_data(chunks)
        elif not finished.done():
            finished.set_result(None)

    loop.add_reader(reader, readable)
    try:
        await finished
    finally:
        loop.remove_reader(reader)
    return b"".join(chunks)


def answer_of(payload: bytes) -> Any:
    """A child's pickled answer (:func:`run_child`): its value, or its exception raised here."""
    if not payload:
        raise ChildFailed("the analysis process ended without an answer")
    ok, value = pickle.loads(payload)
    if ok:
        return value
    raise value


def _wait(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    _LIVE.discard(pid)


def run_child(work: Callable[[], Any], writer: int) -> None:
    """In a child process: ``work()`` pickled (or its exception) to ``writer``, then leave
    without any clean-up (``os._exit``)."""
    code = 0
    try:
        gc.disable()  # a short life: collecting would only copy the parent's pages
        lower_priority()
        try:
            payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # the parent raises it again
            try:
                payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
                pickle.loads(payload)  # an exception that cannot be rebuilt there is sent as text
            except Exception:
                payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        view = memoryview(payload)
        while view:
            view = view[os.write(writer, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


class Running(Protocol):
    """A computation in another process: :class:`Child`, or a fork server's answer."""

    async def result(self) -> Any: ...

    def kill(self) -> None: ...


async def run_forked(
    work: Callable[[], Any],
    started: Callable[[Any], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    spawn: Callable[[], Running] | None = None,
) -> Any:
    """``work()`` in a forked child, once one of the slots is free; ``started`` is told the child
    (to kill it), and ``cancelled`` (asked when the slot is free) may say it is no longer
    wanted (:class:`ChildFailed`, no child).  Cancelling the waiting coroutine kills the child.
    ``spawn`` starts it elsewhere instead (e.g. :meth:`resolvers.forkserver.ForkServer.submit`),
    in the same slots."""
    global _SEMAPHORE
    if _SEMAPHORE is None:
        _SEMAPHORE = asyncio.Semaphore(max(1, _SLOTS))
    async with _SEMAPHORE:
        if cancelled is not None and cancelled():
            raise ChildFailed("no longer wanted")
        child: Running = spawn() if spawn is not None else Child(work)
        if started is not None:
            started(child)
        try:
            return await child.result()
        finally:
            child.kill()


def forget_inherited() -> list[Any]:
    """In a forked process: the parent's children and its semaphore (bound to the parent's
    event loop) are not this process's; the same slots and priority stay configured."""
    global _SEMAPHORE
    kept: list[Any] = [_SEMAPHORE, set(_LIVE)]
    _SEMAPHORE = None
    _LIVE.clear()
    return kept


__all__ = [
    "Child",
    "ChildFailed",
    "Running",
    "alive",
    "configure",
    "enabled",
    "forget_inherited",
    "run_child",
    "run_forked",
]
