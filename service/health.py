"""Health: ``/healthz`` (the process is alive; touches nothing), ``/readyz`` (the store answers
and holds no unfinished import), the store watch and the 503 gate in front of ``/graphql``.

How an outage of the store is handled (docs/design.md "Outages"):

* a store call that cannot reach the server marks the store down
  (:class:`loaders.store.Availability`), and so does the watch's ping;
* while the store is down, :class:`StoreGate` answers every GraphQL request at once with 503,
  ``Retry-After`` and code ``STORE_UNAVAILABLE``; reads in flight are cancelled with the same
  answer;
* :class:`StoreWatch` pings a remote store (Neo4j) every ``interval`` seconds while it is up
  and every ``down_interval`` while it is down, so that the service answers again within a
  second or so of the server's return;
* when the store is back, a **slow start** (:class:`Recovery`): the watch runs the store's
  most frequent light reads once (:func:`loaders.stores.neo4j_guard.warm_up`), the most
  frequent alone first while :class:`StoreGate` holds every request (at most ``open_after``
  seconds: they are answered as soon as it ends, not refused), then the others while the gate
  lets light requests through and holds heavy ones (nested walks, analyses) until the warm-up
  is done and a light request has been answered, so that the first statements are not all
  planned at once on a cold server.

No answer names the server, its address or the driver's exception; the log does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
import weakref
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loaders.store import GraphStore, StoreUnavailable, store_failure_seen
from loaders.stores.neo4j_guard import first_warm_read, warm_up
from service.request_weight import buffered

PING_TIMEOUT_S = 2.0
STORE_UNAVAILABLE = "store unavailable"
"""What ``/readyz`` and GraphQL say during an outage: no internals."""

log = logging.getLogger("civicmesh.health")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _answers(store: GraphStore, timeout: float, *, mark: bool) -> bool:
    """Whether ``store`` answers a ping within ``timeout`` seconds.  A store's ping marks it up,
    or down when its server cannot be reached; with ``mark`` a ping that times out or fails
    otherwise marks it down too (the watch of a remote store; not ``/readyz``, whose ping of
    the embedded store may wait behind a long write)."""
    try:
        await asyncio.wait_for(store.ping(), timeout)
    except Exception as exc:
        if mark:  # the watch (the availability logs the outage once, not every failed ping)
            store.availability.mark_down(exc)
        else:
            log.warning("the %s store did not answer a ping: %s: %s", store.name, type(exc).__name__, exc)
        return False
    return True


def readyz(store: Callable[[], GraphStore | None]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        current = store()
        if current is None:
            return JSONResponse({"status": "unavailable", "reason": "the store is not open yet"}, status_code=503)
        if not await _answers(current, PING_TIMEOUT_S, mark=False):
            return JSONResponse(
                {"status": "unavailable", "store": current.name, "reason": STORE_UNAVAILABLE},
                status_code=503,
                headers={"Retry-After": "1"},
            )
        try:
            unfinished = await current.current_import()
        except StoreUnavailable:
            return JSONResponse(
                {"status": "unavailable", "store": current.name, "reason": STORE_UNAVAILABLE}, status_code=503
            )
        if unfinished is not None:
            reason = f"{unfinished.describe()}; run the same import again to complete it"
            return JSONResponse(
                {"status": "unavailable", "store": current.name, "reason": reason, "import": unfinished.source},
                status_code=503,
            )
        return JSONResponse({"status": "ready", "store": current.name})

    return endpoint


class Recovery:
    """The slow start of a store that came back after an outage.

    The watch **arms** it when it sees the store down.  Once the store is up again, requests
    wait (:attr:`closed`, :meth:`opened`) until the warm-up's first read, the store's most
    frequent statement, has ended (:meth:`first_warmed`), at most ``open_after`` seconds:
    that statement is planned alone on the cold server, not among every client's, and the
    requests that waited are answered as soon as it ends (a 503 would send each client away
    for its ``Retry-After``, a second, after a read that takes a fraction of it).  Then
    heavy requests wait in :meth:`admit_heavy` until the watch's warm-up is done
    (:meth:`warmed`) and a light request begun since the return has been answered
    (:meth:`light_answered`), or none is in flight; at most ``max_hold`` seconds after the
    return in any case (safety bounds: a warm-up that hangs must not hold requests for ever).

    >>> async def demo():
    ...     r = Recovery(max_hold=60.0, open_after=60.0); r.arm(); r.back()
    ...     closed = r.closed; waiting = asyncio.ensure_future(r.opened()); await asyncio.sleep(0)
    ...     waited = not waiting.done(); r.first_warmed(); await waiting
    ...     heavy = asyncio.ensure_future(r.admit_heavy()); r.light_began()
    ...     await asyncio.sleep(0); r.warmed(3, 0.2); await asyncio.sleep(0)
    ...     held = not heavy.done()  # warmed, but a light request is still unanswered
    ...     r.light_answered(); await heavy
    ...     return closed, waited, r.closed, held, r.holding, r.heavy_held
    >>> asyncio.run(demo())
    (True, True, False, True, False, 1)
    """

    def __init__(self, max_hold: float = 5.0, open_after: float = 2.0) -> None:
        self.max_hold = max_hold
        self.open_after = open_after
        self.armed = False
        """The store went down and has not finished its slow start since."""
        self.back_at: float | None = None
        """``time.monotonic()`` when the watch saw the store back (None before)."""
        self.warmed_at: float | None = None
        self.first_at: float | None = None
        """When the warm-up's first read ended (requests are answered again)."""
        self.statements = 0
        """How many reads the last warm-up ran, and in how many seconds."""
        self.first_read: str | None = None
        """The statement the last warm-up ran first (its beginning, for the log)."""
        self.warm_s = 0.0
        self.heavy_held = 0
        """How many heavy requests waited in the last slow start."""
        self._lights = 0  # light requests in flight, begun since the return
        self._answered = False
        self._open = asyncio.Event()
        self._open.set()
        self._first = asyncio.Event()
        self._first.set()
        self._whole = asyncio.Event()  # a light request begun since the return was answered whole
        self._whole.set()

    @property
    def holding(self) -> bool:
        """Heavy requests are held."""
        return self.armed

    @property
    def closed(self) -> bool:
        """Every request waits still (:meth:`opened`): the store is back, but its most frequent
        read has not been warmed yet (for at most :attr:`open_after` seconds after the return)."""
        if not self.armed or self.first_at is not None:
            return False
        return self.back_at is None or time.monotonic() < self.back_at + self.open_after

    async def opened(self) -> None:
        """Wait while :attr:`closed`: until the warm-up's first read has ended, or the bound."""
        if not self.closed:
            return
        remaining = (self.back_at or time.monotonic()) + self.open_after - time.monotonic()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first.wait(), max(0.0, remaining))

    def first_warmed(self) -> None:
        if self.first_at is None:
            self.first_at = time.monotonic()
        self._first.set()

    def arm(self) -> None:
        if not self.armed:
            self.armed = True
            self.back_at = self.warmed_at = self.first_at = None
            self.statements = self.heavy_held = self._lights = 0
            self.warm_s = 0.0
            self._answered = False
            self._open.clear()
            self._first.clear()
            self._whole.clear()

    def back(self) -> None:
        """The store answers again: the slow start begins (the warm-up runs meanwhile)."""
        if self.armed and self.back_at is None:
            self.back_at = time.monotonic()

    def warmed(self, statements: int, seconds: float) -> None:
        self.first_warmed()
        self.warmed_at = time.monotonic()
        self.statements = statements
        self.warm_s = seconds
        if not self.armed:  # the slow start ended at its bound, before the warm-up
            log.info("the warm-up after the outage ran %d reads in %.2f s", statements, seconds)
        self._release()

    def light_began(self) -> None:
        self._lights += 1

    def light_answered(self, whole: bool = True) -> None:
        self._lights = max(0, self._lights - 1)
        self._answered = self._answered or whole
        if whole:
            self._whole.set()
        self._release()

    async def first_answer(self, bound: float = 1.0) -> None:
        """Wait until a light request begun since the return has been answered whole, at most
        ``bound`` seconds: the warm-up's later reads wait for it (measured: run beside the first
        requests, two cold statements at a time kept the first answer 1 s after the gate opened)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._whole.wait(), bound)

    def _release(self) -> None:
        if self.armed and self.warmed_at is not None and (self._answered or self._lights == 0):
            self._end()

    def _end(self) -> None:
        if self.armed:
            self.armed = False
            self._open.set()
            self._first.set()
            self._whole.set()
            if self.back_at is not None:  # one line per outage, beside "available again"
                now = time.monotonic()
                opened = min((self.first_at or now) - self.back_at, self.open_after)  # the first read, or the bound
                warm = (
                    f"the warm-up ran {self.statements} reads in {self.warm_s:.2f} s"
                    if self.warmed_at is not None
                    else "the warm-up was still running"
                )
                log.warning(
                    "slow start after the outage: requests answered again %.2f s after the store's return; "
                    "heavy requests (%d) admitted again %.2f s after it; %s",
                    opened,
                    self.heavy_held,
                    now - self.back_at,
                    warm,
                    extra={
                        "opened_s": round(opened, 3),
                        "heavy_held": self.heavy_held,
                        "held_s": round(now - self.back_at, 3),
                        "warm_reads": self.statements if self.warmed_at is not None else None,
                        "warm_s": round(self.warm_s, 3) if self.warmed_at is not None else None,
                        "first_read": self.first_read,
                    },
                )

    async def admit_heavy(self) -> None:
        """Wait until heavy requests may run (at once when no slow start is on)."""
        if not self.armed:
            return
        self.heavy_held += 1
        # Marked up by the watch's ping a moment before the watch itself saw it back: the bound
        # counts from now.
        remaining = (self.back_at or time.monotonic()) + self.max_hold - time.monotonic()
        try:
            await asyncio.wait_for(self._open.wait(), max(0.0, remaining))
        except TimeoutError:
            self._end()


_recoveries: weakref.WeakKeyDictionary[GraphStore, Recovery] = weakref.WeakKeyDictionary()


def recovery_of(store: GraphStore) -> Recovery | None:
    """The slow start of ``store``, when a :class:`StoreWatch` watches it."""
    return _recoveries.get(store)


_NOT_SEEN = object()
"""The watch has not looked at the import marker yet."""


class StoreWatch:
    """Pings a store in the background: every ``interval`` s while up, ``down_interval`` s
    while down, so that an outage is noticed without waiting for a request and its end within
    about ``down_interval`` s.  A server that went away refuses or resets connections at once;
    ``timeout`` is for one that hangs, generous so that a busy server is not taken for a
    dead one.

    When the store is back it starts the slow start (:class:`Recovery`): a warm-up of the
    store's most frequent light reads, in the background, during which :class:`StoreGate`
    holds heavy requests (``warm_statements`` 0: no warm-up, heavy requests held only until a
    light one is answered)."""

    def __init__(
        self,
        store: GraphStore,
        *,
        interval: float = 1.0,
        down_interval: float = 0.25,
        timeout: float = 3.0,
        warm_statements: int = 8,
        max_hold: float = 5.0,
        open_after: float = 2.0,
    ):
        self.store = store
        self.interval = interval
        self.down_interval = down_interval
        self.timeout = timeout
        self.warm_statements = warm_statements
        self.recovery = Recovery(max_hold, open_after)
        self._task: asyncio.Task[None] | None = None
        self._warming: asyncio.Task[None] | None = None
        self._probe_after = store.availability.probe_after
        self._import_seen: object = _NOT_SEEN

    def start(self) -> None:
        if self._task is None:
            # The watch is the probe while the store is down: requests are not let through to the
            # driver as probes (``Availability.probe_after``), where its retry pauses would hold
            # them across the server's return (and a write's outcome would be unknown).
            self._probe_after = self.store.availability.probe_after
            self.store.availability.probe_after = math.inf
            _recoveries[self.store] = self.recovery
            self._task = asyncio.get_running_loop().create_task(self._run(), name="civicmesh-store-watch")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            self.store.availability.probe_after = self._probe_after
            _recoveries.pop(self.store, None)
            self.recovery._end()
            for running in (task, self._warming):
                if running is not None:
                    running.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await running
            self._warming = None

    async def _run(self) -> None:
        availability = self.store.availability
        while True:
            await asyncio.sleep(self.interval if availability.up else self.down_interval)
            if not availability.up:
                self.recovery.arm()  # before the ping that may mark it up: no request slips past
            await _answers(self.store, self.timeout, mark=True)  # the availability logs the changes
            if availability.up and self.recovery.armed and self.recovery.back_at is None:
                self.recovery.back()
                self._warming = asyncio.get_running_loop().create_task(self._warm(), name="civicmesh-store-warm-up")
            if availability.up:  # after the slow start is on its way: this read may be the server's first
                await self._follow_import()

    async def _follow_import(self) -> None:
        """An import by another process (``civicmesh import`` beside the service) writes batches
        this process is not told of: when its marker appears, moves on or goes, the store forgets
        what it keeps by following its own writes (``writes_elsewhere``: kept search answers, the
        readers' projection), so they show the import within a ping's interval instead of their
        age limit (30 s for searches, 300 s for a projection)."""
        forget = getattr(self.store, "writes_elsewhere", None)
        if forget is None:
            return
        try:
            marker = await asyncio.wait_for(self.store.current_import(), self.timeout)
        except Exception:  # the ping judges the store; this is only a look at the marker
            return
        seen = None if marker is None else (marker.source, marker.started, marker.batches_done)
        before, self._import_seen = self._import_seen, seen
        if seen != before and not (before is _NOT_SEEN and seen is None):
            log.info("an import by another process was seen: kept answers forgotten", extra={"import": seen})
            forget()

    async def _warm(self) -> None:
        started = time.monotonic()
        statements = 0
        try:
            if self.warm_statements > 0:
                first = first_warm_read(self.store)
                self.recovery.first_read = None if first is None else first[:60]
                statements = await warm_up(
                    self.store,
                    statements=self.warm_statements,
                    first=self.recovery.first_warmed,
                    then=self.recovery.first_answer,
                )
        except Exception:  # a warm-up only: the slow start ends all the same
            log.exception("the store's warm-up after the outage failed")
        finally:
            self.recovery.warmed(statements, time.monotonic() - started)


def unavailable_body(accept: str | None) -> tuple[bytes, str]:
    """The GraphQL response of a request refused during an outage, and its media type.

    >>> body, media = unavailable_body("application/graphql-response+json")
    >>> media, json.loads(body)["errors"][0]["extensions"]["code"]
    ('application/graphql-response+json', 'STORE_UNAVAILABLE')
    """
    graphql = "application/graphql-response+json"
    media = graphql if graphql in (accept or "") else "application/json"
    message = "The store is unavailable at the moment; nothing was read or written. Try again in a few seconds."
    error = {"message": message, "extensions": {"code": "STORE_UNAVAILABLE"}}
    return json.dumps({"errors": [error]}).encode(), media


class StoreGate:
    """ASGI middleware for ``path``: 503 at once while the store is known to be down, and 503
    instead of the response of a request that met the store going down (its partial data is
    not served as if it were whole).  ``Retry-After`` tells clients when to try again.  Once
    the store is back, requests wait for the slow start's first read (:meth:`Recovery.opened`)."""

    def __init__(
        self,
        app: ASGIApp,
        store: Callable[[], GraphStore | None],
        path: str = "/graphql",
        retry_after: float = 1.0,
        heavy: Callable[[bytes, bytes], bool] | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.path = path
        self.retry_after = str(max(1, math.ceil(retry_after)))
        self.heavy = heavy
        """Whether a request (its body and query string) is heavy: held during a slow start
        (:class:`Recovery`).  None: no request is held."""

    async def _refuse(self, scope: Scope, send: Send) -> None:
        accept = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"accept"), None)
        body, media = unavailable_body(accept)
        headers = [
            (b"content-type", f"{media}; charset=utf-8".encode()),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", self.retry_after.encode()),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        current = self.store() if scope["type"] == "http" and scope.get("path") == self.path else None
        if current is None:
            await self.app(scope, receive, send)
            return
        recovery = recovery_of(current)
        if not current.availability.up:
            await self._refuse(scope, send)
            return
        if recovery is not None and recovery.closed:
            await recovery.opened()  # the store is back: its first read is being warmed
            if not current.availability.up:  # gone again meanwhile
                await self._refuse(scope, send)
                return
        if recovery is None or not recovery.holding or self.heavy is None:
            await self._serve(scope, receive, send)
            return
        # The slow start after an outage: light requests pass (and are counted until answered),
        # heavy ones wait until the warm-up is done and the light ones have been answered.
        body, receive = await buffered(receive)
        if self.heavy(body, scope.get("query_string", b"")):
            await recovery.admit_heavy()
            if not current.availability.up:  # gone again while it waited
                await self._refuse(scope, send)
                return
            await self._serve(scope, receive, send)
            return
        recovery.light_began()
        whole = False
        try:
            whole = await self._serve(scope, receive, send)
        finally:
            recovery.light_answered(whole)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Run the request; whether it was answered 200 (and not replaced by a 503)."""
        seen: list[bool] = []
        token = store_failure_seen.set(seen)
        started = replaced = False
        status = 0

        async def gated(message: Message) -> None:
            nonlocal started, replaced, status
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                if seen:
                    replaced = True
                    await self._refuse(scope, send)
                    return
            elif replaced:
                return
            await send(message)

        try:
            await self.app(scope, receive, gated)
        except StoreUnavailable:
            if started:
                raise
            await self._refuse(scope, send)
            return False
        finally:
            store_failure_seen.reset(token)
        return status == 200 and not replaced
