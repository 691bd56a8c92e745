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
  second or so of the server's return.

No answer names the server, its address or the driver's exception; the log does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from loaders.store import GraphStore, StoreUnavailable, store_failure_seen

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


class StoreWatch:
    """Pings a store in the background: every ``interval`` s while up, ``down_interval`` s
    while down, so that an outage is noticed without waiting for a request and its end within
    about ``down_interval`` s.  A server that went away refuses or resets connections at once;
    ``timeout`` is for one that hangs, generous so that a busy server is not taken for a
    dead one."""

    def __init__(self, store: GraphStore, *, interval: float = 1.0, down_interval: float = 0.25, timeout: float = 3.0):
        self.store = store
        self.interval = interval
        self.down_interval = down_interval
        self.timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._probe_after = store.availability.probe_after

    def start(self) -> None:
        if self._task is None:
            # The watch is the probe while the store is down: requests are not let through to the
            # driver as probes (``Availability.probe_after``), where its retry pauses would hold
            # them across the server's return (and a write's outcome would be unknown).
            self._probe_after = self.store.availability.probe_after
            self.store.availability.probe_after = math.inf
            self._task = asyncio.get_running_loop().create_task(self._run(), name="civicmesh-store-watch")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            self.store.availability.probe_after = self._probe_after
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        availability = self.store.availability
        while True:
            await asyncio.sleep(self.interval if availability.up else self.down_interval)
            await _answers(self.store, self.timeout, mark=True)  # the availability logs the changes


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
    not served as if it were whole).  ``Retry-After`` tells clients when to try again."""

    def __init__(
        self, app: ASGIApp, store: Callable[[], GraphStore | None], path: str = "/graphql", retry_after: float = 1.0
    ) -> None:
        self.app = app
        self.store = store
        self.path = path
        self.retry_after = str(max(1, math.ceil(retry_after)))

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
        if not current.availability.up:
            await self._refuse(scope, send)
            return
        seen: list[bool] = []
        token = store_failure_seen.set(seen)
        started = replaced = False

        async def gated(message: Message) -> None:
            nonlocal started, replaced
            if message["type"] == "http.response.start":
                started = True
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
        finally:
            store_failure_seen.reset(token)
