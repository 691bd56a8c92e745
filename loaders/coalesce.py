"""Point reads of concurrent requests share one store call (below the DataLoaders).

A request's DataLoader batches the ``node(id)`` lookups of *one* request; at 32 concurrent
requests each still costs the store a statement of its own, and on Neo4j a statement costs the
driver about the same CPU for 1 id as for 32 (a managed transaction, a session, the Bolt
messages: ~1.2 ms).  :class:`PointReads` hands the store the ids of every request that asks in
the same turn of the event loop, or while earlier calls are still running, in one call, and
gives each request back its own nodes.

What keeps this safe:

* a batch holds the requests of **one scope** (``Scope`` compares by value: the same area and
  ids), so the scope condition in the statement is the one every member of the batch has; a
  GRID_WORKER's lookup never rides in another viewer's statement;
* each request gets **its own ids'** answers, in its order (a node it did not ask for is never
  in its answer);
* a failed call fails no request that would have succeeded alone: when a shared call raises,
  each request's ids are read again on their own, and each request gets its own result or its
  own error (a store that is unavailable is unavailable for all: that error is handed to every
  request at once, without asking again);
* a request that is cancelled (its client went away, its deadline passed) stops waiting;
  the call it shares goes on for the others.

Calls start at the next turn of the loop (``call_soon``), so a lone request waits no longer
than the DataLoader already makes it wait; at most ``max_in_flight`` calls run at once per
store, and the requests that arrive meanwhile gather into the next one.  A batch is closed at
``max_ids`` ids.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from graph_schema import Node
from loaders.scope import Scope
from loaders.store import GraphStore, StoreUnavailable, report_store_failure

Read = Callable[[list[str], Scope | None], Awaitable[list[Node | None]]]
"""The store's point read: ids (distinct) in a scope → their nodes, None where there is none."""

MAX_IN_FLIGHT = 4
"""Shared calls running at once per store (measured: see docs/design.md, 13, "Point reads")."""

MAX_IDS = 1_000
"""A batch is closed at this many distinct ids (the next requests start another)."""


@dataclass(slots=True)
class _Batch:
    scope: Scope | None
    ids: dict[str, None] = field(default_factory=dict)
    """The distinct ids asked for, in order of asking."""
    waiters: list[tuple[list[str], asyncio.Future[list[Node | None]]]] = field(default_factory=list)


class PointReads:
    """Coalesces the point reads (``get_nodes``) of concurrent requests into shared store calls.

    Parameters
    ----------
    read : callable
        ``read(ids, scope)``: the store's own ``get_nodes``.
    max_in_flight : int
        Shared calls running at once; the requests that arrive meanwhile form the next batch.
    max_ids : int
        Distinct ids at which a batch is closed.

    Examples
    --------
    >>> import asyncio
    >>> calls = []
    >>> async def read(ids, scope):
    ...     calls.append(list(ids))
    ...     return [Node("Household", i, {}) if i.startswith("h") else None for i in ids]
    >>> reads = PointReads(read)
    >>> async def three():
    ...     return await asyncio.gather(reads.get(["h1"]), reads.get(["h2", "x"]), reads.get(["h1"]))
    >>> [[n.id if n else None for n in r] for r in asyncio.run(three())]
    [['h1'], ['h2', None], ['h1']]
    >>> calls
    [['h1', 'h2', 'x']]
    """

    def __init__(self, read: Read, max_in_flight: int = MAX_IN_FLIGHT, max_ids: int = MAX_IDS) -> None:
        self._read = read
        self.max_in_flight = max(1, max_in_flight)
        self.max_ids = max(1, max_ids)
        self._open: dict[Scope | None, _Batch] = {}
        self._closed: list[_Batch] = []
        self._in_flight = 0
        self._scheduled = False
        self.calls = 0
        """Shared calls made so far (for tests and benchmarks)."""

    async def get(self, ids: Sequence[str], scope: Scope | None = None) -> list[Node | None]:
        """The nodes of ``ids`` in ``scope``, in order (None where there is none or it is out of scope)."""
        if not ids:
            return []
        wanted = list(ids)
        batch = self._open.get(scope)
        if batch is None:
            batch = self._open[scope] = _Batch(scope)
        future: asyncio.Future[list[Node | None]] = asyncio.get_running_loop().create_future()
        batch.waiters.append((wanted, future))
        batch.ids.update(dict.fromkeys(wanted))
        if len(batch.ids) >= self.max_ids:
            del self._open[scope]
            self._closed.append(batch)
        self._schedule()
        try:
            return await future
        except StoreUnavailable:
            report_store_failure()  # the shared call ran in another request's context
            raise

    def _schedule(self) -> None:
        if not self._scheduled and self._in_flight < self.max_in_flight:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._start)

    def _start(self) -> None:
        """Start calls for waiting batches while fewer than ``max_in_flight`` run (closed ones first)."""
        self._scheduled = False
        while self._in_flight < self.max_in_flight and (self._closed or self._open):
            if self._closed:
                batch = self._closed.pop(0)
            else:
                scope = next(iter(self._open))
                batch = self._open.pop(scope)
            self._in_flight += 1
            task = asyncio.ensure_future(self._run(batch))
            task.add_done_callback(self._finished)

    def _finished(self, _task: asyncio.Task[None]) -> None:
        self._in_flight -= 1
        if self._closed or self._open:
            self._schedule()

    async def _run(self, batch: _Batch) -> None:
        waiters = [(ids, f) for ids, f in batch.waiters if not f.done()]
        if not waiters:
            return
        self.calls += 1
        try:
            found = await self._read(list(batch.ids), batch.scope)
        except StoreUnavailable as exc:
            for _, future in waiters:
                if not future.done():
                    future.set_exception(exc)
            return
        except Exception as exc:
            if len(waiters) == 1:
                if not waiters[0][1].done():
                    waiters[0][1].set_exception(exc)
                return
            await self._each_alone(batch.scope, waiters)
            return
        except BaseException:  # cancelled (the service is stopping): nobody gets an answer
            for _, future in waiters:
                if not future.done():
                    future.cancel()
            raise
        by_id = dict(zip(batch.ids, found, strict=True))
        for ids, future in waiters:
            if not future.done():
                future.set_result([by_id[i] for i in ids])

    async def _each_alone(
        self, scope: Scope | None, waiters: list[tuple[list[str], asyncio.Future[list[Node | None]]]]
    ) -> None:
        """After a shared call failed: each request's ids read on their own, each its own outcome."""
        for ids, future in waiters:
            if future.done():
                continue
            try:
                self.calls += 1
                found = await self._read(list(dict.fromkeys(ids)), scope)
            except Exception as exc:
                if not future.done():
                    future.set_exception(exc)
                continue
            by_id = dict(zip(dict.fromkeys(ids), found, strict=True))
            if not future.done():
                future.set_result([by_id[i] for i in ids])


_READS: weakref.WeakKeyDictionary[GraphStore, PointReads] = weakref.WeakKeyDictionary()


def point_reads(store: GraphStore) -> PointReads | None:
    """The shared point reads of ``store`` in this process, or None for a store whose point reads
    cost too little to share (it says so with ``coalesce_point_reads``; the embedded store reads
    from memory: a shared call would only add the bookkeeping)."""
    if not getattr(store, "coalesce_point_reads", False):
        return None
    reads = _READS.get(store)
    if reads is None:
        held = weakref.ref(store)  # the kept PointReads must not keep its store alive

        async def read(ids: list[str], scope: Scope | None) -> list[Node | None]:
            kept = held()
            if kept is None:
                raise RuntimeError("the store was closed and dropped while a read waited for it")
            return await kept.get_nodes(ids, scope=scope)

        reads = _READS[store] = PointReads(read)
    return reads
