"""How the Neo4j store meets an unreachable server: :func:`guarded` and :data:`UNREACHABLE`;
and how it warms up when the server is back: :class:`RecentReads` and :func:`warm_up`.

Used by :class:`~loaders.stores.neo4j_store.S` and its mixins (the audit trail, the
import-in-progress marker); see docs/design.md "Outages".
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from neo4j.exceptions import (
    ConnectionAcquisitionTimeoutError,
    DriverError,
    IncompleteCommit,
    ServiceUnavailable,
    SessionExpired,
)

from loaders.store import Availability, StoreBusy, StoreUnavailable, report_store_failure

UNREACHABLE = (ServiceUnavailable, SessionExpired, IncompleteCommit, ConnectionError)
"""What the driver raises when the server cannot be reached (or went away during a commit)."""

LIGHT_READ_S = 1.0
"""A read answered within this long is light enough to be run again as a warm-up (the
projection's chunks and other long reads are not)."""

log = logging.getLogger("civicmesh.neo4j")

P = ParamSpec("P")
T = TypeVar("T")


class _Guarded(Protocol):
    """What :func:`guarded` needs of the store: its availability."""

    availability: Availability


S = TypeVar("S", bound=_Guarded)


def guarded(
    cancellable: bool,
) -> Callable[[Callable[Concatenate[S, P], Awaitable[T]]], Callable[Concatenate[S, P], Coroutine[Any, Any, T]]]:
    """A store method that fails at once while the server is known to be down, marks it down
    when the server cannot be reached, and raises :class:`StoreUnavailable` (never the
    driver's exception, which names the address).

    A call that waited longer than the acquisition timeout for a pooled connection (all in use:
    many requests, or long ones such as a projection) raises :class:`StoreBusy` without marking
    the store down: a busy server is not an outage.  Every answered call tells the
    availability so (:meth:`Availability.answered`): pings that timed out meanwhile were slow,
    not a hang.

    A call begun on the driver that the store's return replaced (:meth:`Neo4jStore.ping`
    after an outage) and failing on it does not mark the store down again: a read runs again
    on the new driver, a write raises :class:`StoreUnavailable` (its outcome is unknown).

    After an outage, a read statement's first run on the new driver goes alone
    (:class:`FirstRuns`)."""

    def wrap(
        fn: Callable[Concatenate[S, P], Awaitable[T]],
    ) -> Callable[Concatenate[S, P], Coroutine[Any, Any, T]]:
        @functools.wraps(fn)
        async def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
            # Reads that name their statement (``_read(query, **params)``) are remembered for the
            # warm-up after an outage; not while the warm-up itself runs them.
            named = cancellable and bool(args) and isinstance(args[0], str)
            record = named and not _warming.get()
            started = time.monotonic()
            async with self.availability.calling(cancellable=cancellable), _first_run(self, args, named):
                epoch = _epoch(self)
                while True:
                    try:
                        result = await fn(self, *args, **kwargs)
                    except ConnectionAcquisitionTimeoutError as exc:
                        report_store_failure()
                        raise StoreBusy() from exc
                    except (*UNREACHABLE, DriverError) as exc:
                        if _epoch(self) != epoch and self.availability.up:
                            # Begun on the driver of before an outage, which the store's return
                            # replaced (and closed): not a new outage.  A read runs again on the
                            # new driver; a write's outcome is unknown, so it is not repeated.
                            if cancellable:
                                epoch = _epoch(self)
                                continue
                            raise StoreUnavailable() from exc
                        if not isinstance(exc, UNREACHABLE):
                            raise
                        self.availability.mark_down(exc)
                        raise StoreUnavailable() from exc
                    break
                if record:
                    _record(self, guarded, args, kwargs, started)
                self.availability.answered()
                if not self.availability.up:
                    self.availability.mark_up()  # a probe (or a call begun before the outage) got through
                return result

        return guarded

    return wrap


def _epoch(store: object) -> int:
    """The store's driver generation (``Neo4jStore.driver_epoch``; 0 for one without it)."""
    return int(getattr(store, "driver_epoch", 0))


FIRST_RUN_WAIT_S = 1.0
"""How long a read waits for the first run of its statement after an outage (:class:`FirstRuns`)."""


class FirstRuns:
    """After an outage, the first run of each read statement on the new driver goes alone: reads
    of the same statement that come meanwhile wait for it to end (at most ``wait`` seconds),
    then run together.  A restarted server plans each statement on first use, on a cold JVM;
    measured after the slow start let light requests in, four name searches planned the same
    statement at once (4.6–6.0 s each at load 10) and the point read beside them took 1.5 s.
    Statements are told apart by their text; a driver of its first generation (no outage
    since the store was opened) is left alone.

    >>> async def demo():
    ...     runs, order = FirstRuns(wait=60.0), []
    ...     async def read(name, seconds):
    ...         async with runs.first(1, "Q"):
    ...             order.append(name); await asyncio.sleep(seconds); order.append(name + " ends")
    ...     await asyncio.gather(read("a", 0.01), read("b", 0), read("c", 0))
    ...     async with runs.first(1, "Q"): order.append("later")  # its first run is over: at once
    ...     return order
    >>> asyncio.run(demo())
    ['a', 'a ends', 'b', 'c', 'b ends', 'c ends', 'later']
    """

    def __init__(self, wait: float = FIRST_RUN_WAIT_S) -> None:
        self.wait = wait
        self._epoch = 0
        self._done: set[str] = set()
        self._running: dict[str, asyncio.Event] = {}

    @contextlib.asynccontextmanager
    async def first(self, epoch: int, statement: str) -> AsyncIterator[None]:
        """Around one run of ``statement`` on the driver of generation ``epoch``."""
        if epoch != self._epoch:
            self._epoch, self._done, self._running = epoch, set(), {}
        if epoch == 0 or statement in self._done:
            yield
            return
        running = self._running.get(statement)
        if running is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(running.wait(), self.wait)
            yield
            return
        event = self._running[statement] = asyncio.Event()
        try:
            yield
        finally:
            event.set()
            if self._epoch == epoch:
                self._running.pop(statement, None)
                self._done.add(statement)


_first_runs: weakref.WeakKeyDictionary[object, FirstRuns] = weakref.WeakKeyDictionary()


def _first_run(store: object, args: tuple[Any, ...], named: bool) -> contextlib.AbstractAsyncContextManager[None]:
    epoch = _epoch(store)
    if not named or epoch == 0:
        return contextlib.nullcontext()
    runs = _first_runs.get(store)
    if runs is None:
        runs = _first_runs[store] = FirstRuns()
    return runs.first(epoch, args[0])


_warming: contextvars.ContextVar[bool] = contextvars.ContextVar("civicmesh_warming", default=False)
_Call = tuple[Callable[..., Awaitable[Any]], tuple[Any, ...], dict[str, Any]]


class RecentReads:
    """The reads a store ran lately, one entry per statement: how often it ran and the
    arguments of its last light run (answered within :data:`LIGHT_READ_S`).  After an outage,
    :func:`warm_up` runs the most frequent of them once on the new driver, so that the first
    requests find their statements planned on the restarted server.

    >>> async def read(store, query, **params): return [query, params]
    >>> recent = RecentReads(size=2)
    >>> for q in ["A", "B", "A", "C"]:
    ...     recent.record(read, (q,), {"id": q.lower()}, 0.01)
    >>> [args[0] for _, args, _ in recent.frequent(5)]  # B was forgotten (size 2); A ran twice
    ['A', 'C']
    >>> recent.record(read, ("D",), {}, LIGHT_READ_S + 1); recent.frequent(5)[-1][1]  # too long: not kept
    ('C',)
    >>> [args[0] for _, args, _ in recent.frequent(5, first=("C", "E"))]  # named first when recorded
    ['C', 'A']
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._calls: dict[str, _Call] = {}
        self._counts: Counter[str] = Counter()

    def record(
        self, fn: Callable[..., Awaitable[Any]], args: tuple[Any, ...], kwargs: dict[str, Any], seconds: float
    ) -> None:
        if seconds > LIGHT_READ_S:
            return
        statement = args[0]
        self._counts[statement] += 1
        self._calls.pop(statement, None)
        self._calls[statement] = (fn, args, kwargs)  # the most recent last
        if len(self._calls) > self.size:
            oldest = next(iter(self._calls))
            del self._calls[oldest]
            del self._counts[oldest]

    def frequent(self, n: int, first: Sequence[str] = ()) -> list[_Call]:
        """The ``n`` most frequent reads (most frequent first), each with its last arguments;
        the statements named in ``first`` that were recorded come before the others, in that order."""
        ahead = [statement for statement in first if statement in self._calls]
        rest = sorted(self._calls.keys() - set(ahead), key=lambda statement: -self._counts[statement])
        return [self._calls[statement] for statement in [*ahead, *rest][:n]]


_recent: weakref.WeakKeyDictionary[object, RecentReads] = weakref.WeakKeyDictionary()


def recent_reads(store: object) -> RecentReads:
    """The :class:`RecentReads` of ``store`` (made at its first read)."""
    found = _recent.get(store)
    if found is None:
        found = _recent[store] = RecentReads()
    return found


def first_warm_read(store: object) -> str | None:
    """The statement :func:`warm_up` would run first (alone), on one line; None without any."""
    found = _recent.get(store)
    calls = found.frequent(1, first=getattr(store, "warm_first", ())) if found is not None else []
    return " ".join(str(calls[0][1][0]).split()) if calls else None


def _record(
    store: object, fn: Callable[..., Awaitable[Any]], args: tuple[Any, ...], kwargs: dict[str, Any], started: float
) -> None:
    recent_reads(store).record(fn, args, kwargs, time.monotonic() - started)


async def warm_up(
    store: object,
    *,
    statements: int = 8,
    concurrency: int = 2,
    first: Callable[[], None] | None = None,
    then: Callable[[], Awaitable[None]] | None = None,
) -> int:
    """Run once each of the ``statements`` most frequent light reads of ``store``
    (:class:`RecentReads`), most frequent first, and return how many were answered: the most
    frequent one alone, then the others ``concurrency`` at a time; ``first`` is called when
    the first has ended (answered or not), and ``then`` awaited before the others (the service
    lets the first requests in meanwhile: the others' first runs would take the cold server's
    time from them).  The statements the store names in its
    ``warm_first`` (the point read: one of its statements serves many requests, so its count
    understates its use) come before the others when it ran them.  For a server that just came back: a restarted
    server plans each statement again on a cold JVM (seconds each on a loaded machine,
    measured, and longer when several are planned at once), and a request met by that pays
    it; run in the order of use, the common statements are planned first and not all at
    once.  Stops at the first :class:`StoreUnavailable` (gone again); a read that fails
    otherwise is skipped (it is only a warm-up).  Stores without recorded reads (the
    embedded store) return 0 at once."""
    found = _recent.get(store)
    calls = found.frequent(statements, first=getattr(store, "warm_first", ())) if found is not None else []
    answered = 0
    gone = False
    token = _warming.set(True)

    async def run(call: _Call) -> None:
        nonlocal answered, gone
        fn, args, kwargs = call
        try:
            await fn(store, *args, **kwargs)
        except StoreUnavailable:
            gone = True
            return
        except Exception as exc:  # a warm-up only: the requests will meet it themselves
            log.debug("warm-up read failed: %s: %s", type(exc).__name__, exc)
            return
        answered += 1

    async def worker() -> None:
        for call in pending:
            if gone:
                return
            await run(call)

    try:
        if calls:
            await run(calls[0])
        if first is not None:
            first()
        if then is not None and len(calls) > 1:
            await then()
        pending = iter(calls[1:])
        await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    finally:
        _warming.reset(token)
    return answered
