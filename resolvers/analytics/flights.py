"""Analyses computed once per data version and shared, a bound on heavy ones, and stopping them.

An analysis is known by its function and its arguments (the area, k, the seed, the norms…) on
one projection: the projection object is the data version (a write makes a new one, and
:mod:`resolvers.analytics.snapshot` a new session).  :func:`shared_run`

* returns a finished result of the same analysis on the same projection (the last
  :data:`KEEP` are kept per projection, and dropped with it);
* joins an identical analysis still running (single flight): however many requests ask at
  once, it runs once;
* otherwise starts it on a worker thread, unless it is heavy and ``max_running`` heavy
  analyses already run: then it refuses with ``TOO_MANY_ANALYSES`` (the HTTP layer answers
  429 with ``Retry-After``);
* stops it when nobody waits for it any more (every request asking for it reached its
  deadline or lost its client): the analysis gets a ``should_stop`` that turns true, and
  raises :class:`analytics.Cancelled` at its next step.  Threads cannot be killed; the long
  analyses check ``should_stop`` between steps (a batch of 64 sources, one grid's flow).

Where it runs: on a worker thread, or, when :mod:`resolvers.offload` is configured
(the service: ``CIVICMESH_ANALYSIS_PROCESSES``), in a forked child process that inherits the
projection, off this process's interpreter lock; stopping it then kills the child.  When the
projection has a fork server (:mod:`resolvers.forkserver`, started by
:mod:`resolvers.analytics.snapshot`), the child is forked from that server, which holds the
session's indexes built once; otherwise from this process.

:data:`STATS` counts what happened (``computed``, ``shared``, ``cached``, ``cancelled``,
``refused``) and :func:`running` says what runs now, for tests and metrics.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import pickle
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import analytics as A
from resolvers import forkserver, offload
from resolvers.errors import ClientError

KEEP = 32
"""Finished analyses kept per projection."""

RETRY_AFTER = 5
"""Seconds a refused client is told to wait (``Retry-After``)."""

STATS: Counter[str] = Counter()
"""How many analyses were computed, shared with a running one, served from the kept results,
cancelled (nobody waited any more) and refused (too many heavy ones running)."""

_PRIMITIVE = (str, int, float, bool, type(None))

log = logging.getLogger("civicmesh.analytics")


@dataclass(slots=True)
class _Flight:
    future: asyncio.Future[Any]
    stop: threading.Event = field(default_factory=threading.Event)
    waiters: int = 0
    heavy: bool = False
    children: list[offload.Running] = field(default_factory=list)
    """The forked child computing it (none on a worker thread)."""

    def halt(self) -> None:
        """Nobody waits any more: the thread's analysis stops at its next step, a child is killed."""
        self.stop.set()
        for child in self.children:
            child.kill()


@dataclass(slots=True)
class _Flights:
    running: dict[Hashable, _Flight] = field(default_factory=dict)
    done: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)


_BY_GRAPH: weakref.WeakKeyDictionary[Any, _Flights] = weakref.WeakKeyDictionary()
_HEAVY_RUNNING = 0


def running() -> int:
    """Analyses running now (on worker threads), in every projection."""
    return sum(len(f.running) for f in list(_BY_GRAPH.values()))


def _key(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Hashable:
    """The function and its plain arguments (the graph and the session's indexes are the data version)."""

    def plain(value: Any) -> Hashable | None:
        if isinstance(value, forkserver.Ref):
            return None  # a part of the session: the data version, like the graph
        if isinstance(value, _PRIMITIVE) or hasattr(value, "isoformat"):
            return value  # type: ignore[no-any-return]
        return None

    return (
        getattr(fn, "__module__", None),
        getattr(fn, "__qualname__", type(fn).__qualname__),
        tuple(plain(a) for a in args[1:]),
        tuple(sorted((k, plain(v)) for k, v in kwargs.items() if plain(v) is not None or v is None)),
    )


async def shared_run(
    fn: Callable[..., Any], graph: Any, *args: Any, max_running: int | None = None, **kwargs: Any
) -> Any:
    """``fn(graph, *args, **kwargs, should_stop=...)`` computed once for everybody who asks
    for it on this ``graph``; heavy (``max_running`` given) analyses are bounded."""
    global _HEAVY_RUNNING
    flights = _BY_GRAPH.get(graph)
    if flights is None:
        flights = _BY_GRAPH[graph] = _Flights()
    key = _key(fn, (graph, *args), kwargs)
    if key in flights.done:
        flights.done.move_to_end(key)
        STATS["cached"] += 1
        return flights.done[key]
    flight = flights.running.get(key)
    if flight is not None and flight.stop.is_set():
        flight = None  # being stopped: start it again for this request
    if flight is None:
        heavy = max_running is not None
        if heavy and max_running is not None and max_running <= _HEAVY_RUNNING:
            STATS["refused"] += 1
            error = ClientError(
                f"{_HEAVY_RUNNING} heavy analyses are running, as many as this service runs at once; "
                f"try again in {RETRY_AFTER} seconds",
                "TOO_MANY_ANALYSES",
            )
            error.extensions = {**(error.extensions or {}), "retryAfter": RETRY_AFTER}
            raise error
        stop = threading.Event()
        if offload.enabled():
            started: list[offload.Running] = []
            work = functools.partial(_figures, fn, graph, args, kwargs, stop.is_set)
            spawn = _spawn(fn, graph, args, kwargs, work)
            flight = _Flight(
                asyncio.ensure_future(_forked(work, stop, started, spawn)), stop, heavy=heavy, children=started
            )
        else:
            call = asyncio.to_thread(_figures, fn, graph, args, kwargs, stop.is_set)
            flight = _Flight(asyncio.ensure_future(call), stop, heavy=heavy)
        flights.running[key] = flight
        STATS["computed"] += 1
        if heavy:
            _HEAVY_RUNNING += 1
        flight.future.add_done_callback(functools.partial(_landed, flights, key, flight))
    else:
        STATS["shared"] += 1
    flight.waiters += 1
    try:
        return await asyncio.shield(flight.future)
    finally:
        flight.waiters -= 1
        if flight.waiters == 0 and not flight.future.done():
            flight.halt()  # nobody waits any more: the analysis stops (at its next step, or killed)


def _spawn(
    fn: Callable[..., Any], graph: Any, args: tuple[Any, ...], kwargs: dict[str, Any], work: Callable[[], Any]
) -> Callable[[], offload.Running] | None:
    """How to start the analysis in a child of the fork server of ``graph`` (its data version:
    :mod:`resolvers.analytics.snapshot` starts one), sending only the function, its plain
    arguments and references to what the server prepared; None without a server (or for
    arguments that cannot be sent): a child forked from this process then computes it
    (``work``), as it does when the server has closed by the time a slot is free."""
    server = forkserver.server_of(graph)
    if server is None or server.closed:
        return None
    try:
        payload, refs = forkserver.dumps(
            functools.partial(_figures, fn, forkserver.Ref("graph"), args, kwargs, _never), {"graph": graph}
        )
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug("analysis %s forked from the service (its arguments do not pickle: %s)", fn, exc)
        return None
    if len(payload) > forkserver.MAX_PAYLOAD:
        return None  # arguments too big for one message: fork from the service

    def spawn() -> offload.Running:
        if server.closed:  # its data version was replaced meanwhile
            return offload.Child(work)
        try:
            return server.submit(payload, refs)
        except offload.ChildFailed:  # the server is gone
            return offload.Child(work)

    return spawn


def _never() -> bool:
    return False


async def _forked(
    work: Callable[[], dict[str, Any]],
    stop: threading.Event,
    children: list[offload.Running],
    spawn: Callable[[], offload.Running] | None = None,
) -> Any:
    """``work`` in a forked child (once a slot is free; ``spawn`` starts it, when given); stopped
    before that, it never starts, and after, its child is killed (either way raised here as
    :class:`analytics.Cancelled`)."""

    def started(child: offload.Running) -> None:
        children.append(child)
        if stop.is_set():
            child.kill()

    if stop.is_set():
        raise A.Cancelled()
    try:
        return await offload.run_forked(work, started, cancelled=stop.is_set, spawn=spawn)
    except offload.ChildFailed:
        if stop.is_set():
            raise A.Cancelled() from None
        raise


def _figures(
    fn: Callable[..., Any], graph: Any, args: tuple[Any, ...], kwargs: dict[str, Any], stop: Callable[[], bool]
) -> dict[str, Any]:
    """On the worker thread: the analysis (given ``should_stop`` when it takes one) and its JSON figures.
    Parts of the session passed deferred (:class:`resolvers.forkserver.Deferred`) are read here."""
    args = tuple(forkserver.resolved(a) for a in args)
    kwargs = {k: forkserver.resolved(v) for k, v in kwargs.items()}
    if "should_stop" in inspect.signature(fn).parameters:
        kwargs = {**kwargs, "should_stop": stop}
    figures: dict[str, Any] = fn(graph, *args, **kwargs).to_dict()
    return figures


def _landed(flights: _Flights, key: Hashable, flight: _Flight, future: asyncio.Future[Any]) -> None:
    global _HEAVY_RUNNING
    if flights.running.get(key) is flight:
        del flights.running[key]
    if flight.heavy:
        _HEAVY_RUNNING -= 1
    if future.cancelled():
        return
    error = future.exception()
    if isinstance(error, A.Cancelled):
        STATS["cancelled"] += 1
    elif error is None:
        flights.done[key] = future.result()
        while len(flights.done) > KEEP:
            flights.done.popitem(last=False)


def forget_inherited() -> list[Any]:
    """In a forked process: no analysis of the parent's is running or shared here (what was
    is returned, to be kept referenced; :func:`resolvers.analytics.snapshot.forget_inherited`)."""
    global _HEAVY_RUNNING
    kept = list(_BY_GRAPH.items())
    _BY_GRAPH.clear()
    _HEAVY_RUNNING = 0
    return kept


__all__ = ["KEEP", "RETRY_AFTER", "STATS", "forget_inherited", "running", "shared_run"]
