"""The reader process: heavy GraphQL reads served off the service's event loop and interpreter.

One interpreter cannot keep ``node(id)`` light while it also walks a nested selection of
thousands of nodes, encodes the answer and collects its garbage (docs/design.md, issue 14).
A reader is a process **forked from the service** once its store is open
(:class:`service.reader_relay.ReaderPool` forks it); what it runs is the service's own GraphQL
view (the same schema, resolvers, access rules and encoding: no second copy of the API), so its
answers are the bytes the service would have sent.

* **Its store.**  On the embedded store the reader keeps the graph it inherited (copy-on-write)
  as a *replica*: the service sends each write's rows, in order, with the version they make
  (:attr:`loaders.stores.embedded.EmbeddedStore.on_applied`), and the reader applies them with
  the store's own ``_apply``; a request carries the service's version and waits (at most
  :data:`CATCH_UP_S`) until the replica has applied it, so a read sent after a write was
  acknowledged sees that write.  On Neo4j the reader opens a driver of its own (the database is
  shared) and is sent the batches of the writes the service committed, numbered, for its
  analytics projection to follow; a request waits the same way for the writes acknowledged
  before it.
* **Analyses**: the embedded replica keeps the projection it inherited and folds the writes it
  follows into it, as the service's store would (on Neo4j the reader's projection cache
  follows the batches it is sent); the analytics sessions and their fork servers
  are the reader's own (what it inherited of the service's is set aside at the fork, untouched:
  :func:`resolvers.analytics.snapshot.forget_inherited`).  The import marker an analysis checks
  comes with the request (the service read it: :func:`encode_marker`).
* **It never writes.**  A request that would touch the store's file (an audit event, e.g. a
  refused token or a refused field; the audit log; the import marker when the request did
  not bring it) is answered ``fallback`` and the service serves it itself.
* **The wire.**  The reader listens on a Unix socket (a file in a folder of its own); one connection per
  request: a frame of JSON (method, path, query string, headers, version, request id), a frame
  of the body; the answer is a frame of JSON (status and headers, or ``fallback`` and why) and
  a frame of the body.  A frame is a 4-byte length and that many bytes.  The service closing
  the connection (its client went away) is the view's ``http.disconnect``: the work stops.
* **Its life.**  The reader leaves when the service's end of the feed closes (the service
  stopped or died); a reader that dies is replaced by the service.

Nothing here runs in the service's process but :func:`frame` and :func:`read_frame`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import gc
import json
import os
import pickle
import shutil
import signal
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message

from loaders.projection_cache import projection_cache
from loaders.store import GraphStore, ImportMarker, StoreUnavailable, store_failure_seen
from resolvers import lanes
from resolvers.analytics import snapshot
from resolvers.forkserver import close_inherited_sockets
from service.graphql_http import outcomes
from service.kept_answers import KeptAnswers
from service.request_log import request_id

CATCH_UP_S = 1.0
"""How long a request waits in the reader for the replica to apply the writes the service had
acknowledged when it relayed the request; past it the service serves the request itself."""

NICE = 5
"""How many steps below the service's CPU priority a reader runs: below the service (its light
requests first), level with the analyses' children (``CIVICMESH_ANALYSIS_NICE``, 5), which the
reader now orchestrates itself.  Measured: at the service's priority the reader took the
service's CPU on a busy machine (``node(id)`` p99 up); with the analyses at 10 below a reader
that also decodes Neo4j's nested answers, coverage answered 16–21 times a minute with 504s,
at 5 31 times and none (docs/design.md "analyses in the reader")."""

READY = b"R"
"""What the reader sends on the feed once it listens (and, on Neo4j, its store is open)."""

_LEN = struct.Struct("!I")
MAX_FRAME = 1 << 30
"""The largest frame read (an answer is bounded by the page sizes long before this)."""


def frame(data: bytes) -> bytes:
    """``data`` with its length in front.

    >>> frame(b"abc")
    b'\\x00\\x00\\x00\\x03abc'
    """
    return _LEN.pack(len(data)) + data


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    """The next frame's bytes (``asyncio.IncompleteReadError`` at the end of the stream)."""
    (size,) = _LEN.unpack(await reader.readexactly(_LEN.size))
    if size > MAX_FRAME:
        raise ValueError(f"a frame of {size} bytes is more than the reader reads")
    return await reader.readexactly(size)


def encode_marker(marker: ImportMarker | None) -> dict[str, Any] | None:
    """An import marker as the relay's head carries it (JSON).

    >>> import datetime as dt
    >>> m = ImportMarker("city.json", dt.datetime(2026, 5, 1, 8, tzinfo=dt.UTC), 3)
    >>> decode_marker(encode_marker(m)) == m
    True
    >>> decode_marker(encode_marker(None)) is None
    True
    """
    if marker is None:
        return None
    return {"source": marker.source, "started": marker.started.isoformat(), "batches": marker.batches_done}


def decode_marker(data: dict[str, Any] | None) -> ImportMarker | None:
    """The marker :func:`encode_marker` encoded."""
    if data is None:
        return None
    return ImportMarker(str(data["source"]), dt.datetime.fromisoformat(data["started"]), int(data["batches"]))


class MustFallback(RuntimeError):
    """The request needs what only the service may do (write, or read the store's file)."""


_NEEDS_SERVICE: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "civicmesh_reader_needs_service", default=None
)


_NOT_GIVEN: Any = object()
_IMPORT: contextvars.ContextVar[Any] = contextvars.ContextVar("civicmesh_reader_import", default=_NOT_GIVEN)
"""The import marker the relayed request brought (:func:`decode_marker`'s), or :data:`_NOT_GIVEN`."""


def _needs_service(what: str) -> None:
    noted = _NEEDS_SERVICE.get()
    if noted is not None:
        noted.append(what)


@dataclass(slots=True)
class ReaderState:
    """What one reader counts and follows."""

    store: GraphStore
    replica: bool
    followed: int = 0
    """Neo4j: the service's writes followed (their batches told to this process's projection cache)."""
    served: int = 0
    cancelled: int = 0
    fallbacks: int = 0
    behind: int = 0
    unavailable: int = 0
    """Requests that met the store going down (Neo4j): left to the service's gate (503)."""
    active: int = 0
    applied: asyncio.Condition = field(default_factory=asyncio.Condition)
    sessions_at_fork: int = 0
    """The counts inherited from the service (its own): the reader reports what it did since."""
    builds_at_fork: int = 0
    folds_at_fork: int = 0

    @property
    def version(self) -> int:
        """How far the reader follows the service's writes: the replica's data version, or the
        count of Neo4j writes followed."""
        return int(getattr(self.store, "generation", 0)) if self.replica else self.followed

    async def caught_up(self, version: int, bound: float) -> bool:
        """Whether the replica reaches ``version`` within ``bound`` seconds."""
        if self.version >= version:
            return True
        async with self.applied:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.applied.wait_for(lambda: self.version >= version), bound)
        return self.version >= version

    def stats(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "version": self.version,
            "served": self.served,
            "cancelled": self.cancelled,
            "fallbacks": self.fallbacks,
            "behind": self.behind,
            "unavailable": self.unavailable,
            "active": self.active,
            "analytics_sessions": snapshot.SESSIONS_BUILT - self.sessions_at_fork,
            "projection_builds": self._projections()[0] - self.builds_at_fork,
            "projection_folds": self._projections()[1] - self.folds_at_fork,
        }

    def _projections(self) -> tuple[int, int]:
        """Projections built (embedded) or streamed (Neo4j) here, and folds of writes into them."""
        if self.replica:
            return getattr(self.store, "projection_builds", 0), getattr(self.store, "projection_folds", 0)
        cache = projection_cache(self.store)
        return cache.streams, cache.folds


def child_main(
    feed: socket.socket,
    address: str,
    app: ASGIApp,
    store: GraphStore,
    own_store: Callable[[], GraphStore] | None,
    use_store: Callable[[GraphStore], None],
    followed: int = 0,
) -> None:
    """The reader, in the forked child: never returns (``os._exit``).  ``own_store`` makes the
    store it opens (Neo4j); None keeps the inherited ``store`` as a replica fed by ``feed``;
    ``use_store`` makes ``app`` read the store the reader uses; ``followed``: the service's
    writes (Neo4j) counted before the fork, whose effects the reader's store reads itself."""
    code = 0
    try:
        gc.freeze()  # the inherited heap out of the collector's sight: its passes would copy every page
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the service's Ctrl-C is the service's
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with contextlib.suppress(ValueError, OSError):
            signal.set_wakeup_fd(-1)
        close_inherited_sockets(keep=feed.fileno())
        snapshot.forget_inherited()  # the service's sessions, fork servers and waits: not ours
        lanes.reset()  # no light request runs here: heavy work never waits for one
        if isinstance(kept := getattr(app, "kept", None), KeptAnswers):
            kept.disable()  # the service's kept answers: this process does not hear of its writes
        with contextlib.suppress(OSError):  # below the service, above the analyses
            os.setpriority(os.PRIO_PROCESS, 0, min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICE))
        asyncio.events._set_running_loop(None)  # forked from inside the service's running loop
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(_serve(feed, address, app, store, own_store, use_store, followed))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


async def _serve(
    feed: socket.socket,
    address: str,
    app: ASGIApp,
    inherited: GraphStore,
    own_store: Callable[[], GraphStore] | None,
    use_store: Callable[[GraphStore], None],
    followed: int = 0,
) -> None:
    if own_store is not None:
        store = own_store()
        await store.open()
        use_store(store)
        state = ReaderState(store, replica=False, followed=followed)
    else:
        _as_replica(inherited)
        state = ReaderState(inherited, replica=True)
        state.builds_at_fork = getattr(inherited, "projection_builds", 0)
        state.folds_at_fork = getattr(inherited, "projection_folds", 0)
    state.sessions_at_fork = snapshot.SESSIONS_BUILT

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _handle(state, app, reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    # The replica's writes take the store's write lock, as the service's do: a projection built
    # or folded on a worker thread (an analysis asked) reads a graph no write changes meanwhile,
    # and the kept projection follows each write from the version it was built at.
    lock: asyncio.Lock | None = vars(state.store)["_lock"] if state.replica else None  # set by _as_replica
    feed_in, feed_out = await asyncio.open_unix_connection(sock=feed)
    server = await asyncio.start_unix_server(handle, path=address)
    feed_out.write(READY)
    try:
        while True:
            try:
                message = await read_frame(feed_in)
            except (asyncio.IncompleteReadError, ConnectionError):
                return  # the service is gone or stopped us
            version, rows = pickle.loads(message)
            if lock is None:  # Neo4j: a write the service committed, told as the store tells its own
                projection_cache(state.store)  # made first: it follows from the first write sent
                if (listeners := getattr(state.store, "write_listeners", None)) is not None:
                    listeners.tell(rows)  # the kept projection and the kept search answers
                state.followed = max(state.followed, version)
            else:
                async with lock:  # as the service's writes: never while the projection is built or folded
                    _apply(state, version, rows)
            async with state.applied:
                state.applied.notify_all()
    finally:
        server.close()
        shutil.rmtree(os.path.dirname(address), ignore_errors=True)  # its folder, also when the service died
        if own_store is not None:
            with contextlib.suppress(Exception):
                await state.store.close()


def _as_replica(store: GraphStore) -> None:
    """The inherited embedded store, made read-only: its file is the service's.  Its kept
    projection stays: the writes the replica follows are noted in it and folded when an
    analysis asks, as in the service."""
    vars(store)["on_applied"] = None
    vars(store)["_lock"] = asyncio.Lock()  # the inherited one belongs to the service's loop

    async def to_service(*_args: Any, **_kwargs: Any) -> Any:
        _needs_service("the store's file")
        raise MustFallback("served by the service")

    async def audit(_events: Any) -> None:
        _needs_service("an audit event")

    async def current_import() -> ImportMarker | None:
        given = _IMPORT.get()
        if given is _NOT_GIVEN:
            _needs_service("the import marker")
            raise MustFallback("served by the service")
        return given  # type: ignore[no-any-return]

    vars(store)["_run"] = to_service
    vars(store)["current_import"] = current_import
    vars(store)["append_audit"] = audit
    vars(store)["write"] = to_service


def _apply(state: ReaderState, version: int, rows: Any) -> None:
    store: Any = state.store
    if version <= store.generation:
        return  # already in what the reader inherited
    if rows is None:
        store._clear_memory()
    else:
        store._apply_followed(rows)  # the kept projection follows it too: analyses fold it in
    if store.generation != version:  # a write missed: this replica can no longer answer right
        raise RuntimeError(f"the replica is at version {store.generation}, the write made {version}")


async def _handle(state: ReaderState, app: ASGIApp, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    head = json.loads(await read_frame(reader))
    if head.get("stats"):
        _reply(writer, {"status": 200, "headers": []}, json.dumps(state.stats()).encode())
        return
    body = await read_frame(reader)
    version = head.get("version")
    if isinstance(version, int) and not await state.caught_up(version, CATCH_UP_S):
        state.behind += 1
        _reply(writer, {"fallback": "behind"}, b"")
        return
    noted: list[str] = []
    _NEEDS_SERVICE.set(noted)
    request_id.set(head.get("request_id"))
    _IMPORT.set(decode_marker(head["import"]) if "import" in head else _NOT_GIVEN)
    failed: list[bool] = []  # the reader's store failures (an outage), told as the service's gate is told
    store_failure_seen.set(failed)
    results: list[str] = []  # the GraphQL outcome, counted by the service as its own
    outcomes.set(results)
    try:
        status, headers, chunks = await _run_view(state, app, head, body, reader)
    except StoreUnavailable:
        failed.append(True)
        status, headers, chunks = None, [], []
    if failed and not noted:
        # The request met the store going down: the service's gate answers it 503 STORE_UNAVAILABLE
        # (its partial data is not served as whole, and never as "Unexpected error.").
        state.unavailable += 1
        _reply(writer, {"unavailable": True}, b"")
    elif noted:
        state.fallbacks += 1
        _reply(writer, {"fallback": noted[0]}, b"")
    elif status is None:
        state.cancelled += 1  # the service's client went away: the view stopped the work
    else:
        state.served += 1
        answer: dict[str, Any] = {"status": status, "headers": headers}
        if results:
            answer["outcome"] = results[-1]
        _reply(writer, answer, b"".join(chunks))
    await writer.drain()


async def _run_view(
    state: ReaderState, app: ASGIApp, head: dict[str, Any], body: bytes, reader: asyncio.StreamReader
) -> tuple[int | None, list[list[str]], list[bytes]]:
    """The view's answer to the relayed request: status (None when the service hung up first),
    headers, body chunks."""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in head["headers"]]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": head["method"],
        "scheme": "http",
        "path": head["path"],
        "raw_path": head["path"].encode("latin-1"),
        "query_string": head["query_string"].encode("latin-1"),
        "root_path": "",
        "headers": headers,
        "client": None,
        "server": None,
        "state": {},
    }
    hung_up: asyncio.Future[bytes] = asyncio.ensure_future(reader.read(1))  # the service sends nothing more
    given = False

    async def receive() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        with contextlib.suppress(Exception):
            await asyncio.shield(hung_up)
        return {"type": "http.disconnect"}

    status: int | None = None
    out_headers: list[list[str]] = []
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
            out_headers[:] = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            chunks.append(bytes(message.get("body", b"")))

    state.active += 1
    try:
        await app(scope, receive, send)
    finally:
        state.active -= 1
        hung_up.cancel()
    return status, out_headers, chunks


def _reply(writer: asyncio.StreamWriter, head: dict[str, Any], body: bytes) -> None:
    writer.write(frame(json.dumps(head).encode()) + frame(body))


__all__ = ["CATCH_UP_S", "READY", "MustFallback", "ReaderState", "child_main", "frame", "read_frame"]
