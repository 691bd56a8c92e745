"""Heavy reads and analyses relayed to reader processes; the service keeps light requests and writes.

:class:`ReaderPool` forks ``CIVICMESH_READ_PROCESSES`` readers (:mod:`service.reader`) once the
store is open, feeds each the embedded store's writes in order, and replaces one that dies.
:class:`ReaderRelay` (ASGI middleware, after the store gate) sends a request to a reader when
:func:`relayable` says so, and relays the answer's status, headers and body unchanged:

* **What goes** (:func:`relay_lane`): a query (not a mutation, not a subscription) whose static
  cost is heavy (:data:`service.request_weight.HEAVY_COST`, the heavy gate's rule) and that
  names no analytics field (the ``read`` lane: nested selections and big listings); and, since
  the readers follow the service's writes (both stores, below), every query that names an
  analytics field (the ``analysis`` lane, slots of its own): the projection, its folds, the analytics sessions
  and the fork servers then live in the reader, and none of their copies, frees or forks
  pauses the service's loop (measured: ``node(id)`` p99 266–409 ms with analyses orchestrated in the
  service, 57 ms without them; docs/design.md "analyses in the reader").  Light requests stay
  (a relay costs more than they do).  A Neo4j reader is sent the batches of the writes the
  service committed (its store's write listeners, in the order they ended, ``None`` for one
  that cannot be followed), so its projection cache follows them as the service's did, and a
  request waits there for the writes acknowledged before it, as on the embedded store.
* **Nothing refused, nothing lost**: no reader ready, a reader that died mid-request, one that
  could not catch up with the writes in time, or a request that needs the store's file (an
  audit event) — the service serves the request itself, as without readers.
* **Disconnects**: a client that leaves while its request is in a reader closes the relay's
  connection; the reader's view sees ``http.disconnect`` and stops the work.
* **Deadlines**: a relayed query has the view's deadline (``Settings.deadline``) from the moment
  it reaches the relay; past it, whether it still waits for a reader's slot or for the answer,
  the service answers 504 ``DEADLINE_EXCEEDED`` (the view's own answer) and the reader's work is
  stopped as for a client that left.
* ``/metrics`` counts relayed requests, fallbacks by reason, cancelled relays, deadlines and restarts.

See docs/design.md "heavy reads in a reader process".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import pickle
import shutil
import signal
import socket
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, cast

from graphql import FieldNode, GraphQLSchema, OperationType, get_operation_ast, visit
from graphql.language import Visitor
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from loaders.store import GraphStore, StoreUnavailable
from resolvers.context import ApiConfig
from resolvers.cost import ANALYTICS_COSTS
from service import reader as child
from service.graphql_http import JSON, deadline_response, negotiate
from service.request_log import request_id
from service.request_weight import buffered, operation_of, parsed, weigh

log = logging.getLogger("civicmesh.readers")

SLOTS_PER_READER = 2
"""Relayed reads in one reader at once (one computing while the other's answer travels);
more wait in the service, idle."""

ANALYSIS_SLOTS_PER_READER = 2
"""Relayed analysis requests in one reader at once, apart from the reads (an analysis mostly
waits for its forked child, idle, and must not hold a read's turn); more wait in the service,
idle.  The service passes its ``CIVICMESH_MAX_ANALYSES`` (the same bound its own queue has)."""

Lane = Literal["read", "analysis"]

RESTART_DELAYS = (0.2, 1.0, 5.0, 30.0)
"""Seconds before starting a reader again after one died, by how many died in a row."""

MAX_FEED_BYTES = 256 << 20
"""Writes a reader has not yet read (bytes) beyond which it is replaced by a fresh fork."""

_ANALYTICS_NAMES = frozenset(name for (_parent, name) in ANALYTICS_COSTS)


class _Names(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        self.names.add(node.name.value)


@lru_cache(maxsize=512)
def _names_analytics(query: str) -> bool:
    """Whether a query's text (parsed once, cached) selects a field named like an analytics field."""
    document = parsed(query)
    if document is None:
        return False
    names = _Names()
    visit(document, names)
    return bool(names.names & _ANALYTICS_NAMES)


def relay_lane(
    schema: GraphQLSchema,
    body: bytes,
    query_string: bytes,
    config: ApiConfig | None = None,
    analyses: bool = False,
) -> Lane | None:
    """The reader lane a GraphQL request goes to, None when the service serves it: ``read`` for
    a heavy query naming no analytics field; ``analysis`` (only when ``analyses``: the readers
    follow the service's writes) for a query naming one.

    >>> from resolvers.schema import build_schema
    >>> schema = build_schema()._schema
    >>> nested = (b'{"query": "{ communities(first: 100) { nodes { grids(first: 100) { nodes { buildings(first: 100) '
    ...           b'{ nodes { households(first: 100) { nodes { id } } } } } } } } }"}')
    >>> relay_lane(schema, nested, b"")
    'read'
    >>> point = b'{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "x"}}'
    >>> print(relay_lane(schema, point, b"", analyses=True))
    None
    >>> print(relay_lane(schema, b'{"query": "{ coverage { uncoveredHouseholds } }"}', b""))
    None
    >>> relay_lane(schema, b'{"query": "{ coverage { uncoveredHouseholds } }"}', b"", analyses=True)
    'analysis'
    >>> mutation = b'{"query": "mutation { deleteNode(id: \\"x\\") { errors { code } } }"}'
    >>> print(relay_lane(schema, mutation, b"", analyses=True))
    None
    """
    operation = operation_of(body, query_string)
    if operation is None:
        return None
    query, variables, name = operation
    document = parsed(query)
    if document is None:
        return None
    definition = get_operation_ast(document, name)
    if definition is None or definition.operation != OperationType.QUERY:
        return None
    if _names_analytics(query):
        return "analysis" if analyses else None
    if weigh(schema, query, variables, name, config) != "loop":  # the heavy gate's rule, in one place
        return None
    return "read"


def relayable(schema: GraphQLSchema, body: bytes, query_string: bytes, config: ApiConfig | None = None) -> bool:
    """Whether a GraphQL request goes to a reader's ``read`` lane (:func:`relay_lane`)."""
    return relay_lane(schema, body, query_string, config) == "read"


@dataclass(slots=True)
class _Reader:
    """One reader as the service sees it."""

    pid: int
    address: str
    pending: list[bytes] = field(default_factory=list)
    """Writes published before the feed's writer was ready (sent in order when it is)."""
    feed: asyncio.StreamWriter | None = None
    ready: bool = False
    gone: bool = False
    in_flight: int = 0
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(SLOTS_PER_READER))
    analysis_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(ANALYSIS_SLOTS_PER_READER))


@dataclass(slots=True)
class Answer:
    """A reader's answer, to be sent unchanged."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class _Gone:
    """The client left while its request was in a reader."""


GONE = _Gone()


class _Late:
    """The request's deadline passed while it waited for a reader's slot or answer."""


LATE = _Late()


class ReaderPool:
    """``count`` reader processes forked from this one (see the module docstring).  ``app`` is
    what a reader runs (the GraphQL view); ``use_store`` makes it read a store the reader
    opened itself (Neo4j)."""

    def __init__(
        self,
        count: int,
        app: ASGIApp,
        use_store: Callable[[GraphStore], None],
        analysis_slots: int = ANALYSIS_SLOTS_PER_READER,
        deadline: float | None = None,
        on_result: Callable[[str], None] | None = None,
    ) -> None:
        self.count = max(0, count)
        self.analysis_slots = max(1, analysis_slots)
        """Analysis requests one reader computes at once (:data:`ANALYSIS_SLOTS_PER_READER`)."""
        self.timeout = deadline * 2 + 5 if deadline else None
        """How long a reader may take to answer a request it was given (twice the deadline and 5 s;
        None without a deadline); past it the reader is taken for hung: killed (another starts)."""
        self.deadline = deadline
        """A relayed query's deadline (the view's, ``Settings.deadline``; None: none), counted from
        when it reaches the relay: waiting for a reader's slot counts, as waiting for the loop
        does in the service.  Past it the request is answered 504 ``DEADLINE_EXCEEDED`` and the
        reader's work stopped (the connection closed)."""
        self.on_result = on_result
        """Told the GraphQL outcome of each relayed answer (the service's ``/metrics`` counter)."""
        self.app = app
        self.use_store = use_store
        self.readers: list[_Reader] = []
        self.counts: Counter[str] = Counter()
        """``relayed``, ``fallback:<reason>``, ``cancelled``, ``restarts``."""
        self._store: GraphStore | None = None
        self._factory: Callable[[], GraphStore] | None = None
        self._stopped = True
        self._deaths_in_row = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.published = 0
        """Writes sent to the readers (Neo4j: the committed batches, counted; a request carries
        the count and a reader answers it once it has followed that many)."""
        self._follows = False

    @property
    def replica(self) -> bool:
        """Whether the readers follow this process's (embedded) store."""
        return self._factory is None

    async def start(self, store: GraphStore, factory: Callable[[], GraphStore] | None = None) -> bool:
        """Fork the readers for ``store``; a store that is not embedded needs ``factory`` (a new,
        unopened store on the same database, opened by each reader).  False when none starts."""
        if self.count == 0 or not hasattr(os, "fork"):
            return False
        if store.name != "embedded" and factory is None:
            log.warning("no reader process: the store was given without a way to open another")
            return False
        self._store, self._factory = store, factory if store.name != "embedded" else None
        self._loop = asyncio.get_running_loop()
        self._stopped = False
        if self.replica:
            vars(store)["on_applied"] = self.publish
        elif (listeners := getattr(store, "write_listeners", None)) is not None:
            listeners.add(self._heard)
            self._follows = True
        for _ in range(self.count):
            self._fork()
        if len(self.readers) < self.count:  # a fork failed: try again later
            self._spawn(self._restart(RESTART_DELAYS[-1]))
        return bool(self.readers)

    async def stop(self) -> None:
        """The readers leave (their feed closes, then they are killed)."""
        self._stopped = True
        if self._store is not None and self.replica:
            vars(self._store)["on_applied"] = None
        elif self._follows and (listeners := getattr(self._store, "write_listeners", None)) is not None:
            listeners.remove(self._heard)
            self._follows = False
        for task in list(self._tasks):
            task.cancel()
        for r in self.readers:
            self._end(r)
        self.readers.clear()

    @property
    def running(self) -> bool:
        """Started and not stopped (its readers may be starting again)."""
        return not self._stopped

    def ready(self) -> int:
        """Readers ready for requests now."""
        return sum(1 for r in self.readers if r.ready and not r.gone)

    # --- the feed of writes ---------------------------------------------------------------
    def publish(self, version: int, rows: Any) -> None:
        """Send one applied write to every reader (the store calls this, on the loop, in order)."""
        message = child.frame(pickle.dumps((version, rows), protocol=pickle.HIGHEST_PROTOCOL))
        for r in list(self.readers):
            if r.gone:
                continue
            if r.feed is None:
                r.pending.append(message)
                continue
            r.feed.write(message)
            if r.feed.transport.get_write_buffer_size() > MAX_FEED_BYTES:
                log.warning("a reader fell too far behind the writes: replaced", extra={"pid": r.pid})
                self._end(r)

    def _heard(self, batch: Any) -> None:
        """A write the service committed through its Neo4j store (None: one the readers' kept
        projections cannot follow): sent to every reader, numbered."""
        self.published += 1
        self.publish(self.published, batch)

    # --- processes -----------------------------------------------------------------------
    def _fork(self) -> None:
        store = self._store
        assert store is not None
        try:
            mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        except OSError as exc:
            log.warning("no reader process: %s", exc)
            return
        address = os.path.join(tempfile.mkdtemp(prefix="civicmesh-reader-"), "socket")
        try:
            pid = os.fork()
        except OSError as exc:  # out of memory or processes: the service serves heavy reads itself
            log.warning("no reader process: %s", exc)
            mine.close()
            theirs.close()
            shutil.rmtree(os.path.dirname(address), ignore_errors=True)
            return
        if pid == 0:  # the reader: never returns
            mine.close()
            child.child_main(theirs, address, self.app, store, self._factory, self.use_store, self.published)
        theirs.close()
        r = _Reader(pid, address, analysis_slots=asyncio.Semaphore(self.analysis_slots))
        self.readers.append(r)  # before any await: no write is applied between the fork and here
        self._spawn(self._follow(r, mine))
        threading.Thread(target=self._reap, args=(r,), name="civicmesh-reader-reap", daemon=True).start()
        log.info("reader process started", extra={"pid": pid})

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _follow(self, r: _Reader, sock: socket.socket) -> None:
        """The feed's service end: sends the pending writes, marks the reader ready when it says so."""
        try:
            incoming, outgoing = await asyncio.open_unix_connection(sock=sock)
        except OSError:
            sock.close()
            return
        r.feed = outgoing
        for message in r.pending:
            outgoing.write(message)
        r.pending.clear()
        try:
            if await incoming.read(1) == child.READY and not r.gone:
                r.ready = True
                self._deaths_in_row = 0
            await incoming.read()  # the end: the reader left
        except (ConnectionError, OSError):
            pass
        finally:
            r.ready = False
            outgoing.close()

    def _reap(self, r: _Reader) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(r.pid, 0)
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._exited, r)

    def _exited(self, r: _Reader) -> None:
        r.gone, r.ready = True, False
        shutil.rmtree(os.path.dirname(r.address), ignore_errors=True)
        if r in self.readers:
            self.readers.remove(r)
        if self._stopped:
            return
        delay = RESTART_DELAYS[min(self._deaths_in_row, len(RESTART_DELAYS) - 1)]
        self._deaths_in_row += 1
        log.warning("a reader process ended: starting another", extra={"pid": r.pid, "delay_s": delay})
        self._spawn(self._restart(delay))

    async def _restart(self, delay: float) -> None:
        await asyncio.sleep(delay)
        if not self._stopped and len(self.readers) < self.count:
            self.counts["restarts"] += 1
            self._fork()
            if len(self.readers) < self.count:  # the fork failed: try again later
                self._spawn(self._restart(RESTART_DELAYS[-1]))

    def _end(self, r: _Reader) -> None:
        r.gone, r.ready = True, False
        shutil.rmtree(os.path.dirname(r.address), ignore_errors=True)
        if r.feed is not None:
            r.feed.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(r.pid, signal.SIGKILL)

    # --- requests ------------------------------------------------------------------------
    def _pick(self) -> _Reader | None:
        ready = [r for r in self.readers if r.ready and not r.gone]
        return min(ready, key=lambda r: r.in_flight) if ready else None

    @property
    def serves_analyses(self) -> bool:
        """Whether analysis requests go to the readers: they follow every write of the service."""
        return self._store is not None and (self.replica or self._follows)

    async def relay(
        self, scope: Scope, body: bytes, receive: Receive, lane: Lane = "read"
    ) -> Answer | _Gone | _Late | None:
        """The answer of a reader to this request; GONE when the client left meanwhile (the
        reader was told); LATE when its deadline passed first, waiting for a slot or for the
        answer (the reader's work stopped); None when the service must serve it (counted by reason).  Raises
        :class:`StoreUnavailable` when the request met the store going down in the reader: the
        service's store gate (outside the relay) answers it 503 ``STORE_UNAVAILABLE``, as it
        answers one that met it in the service."""
        r = self._pick()
        if r is None:
            self.counts["fallback:not_ready"] += 1
            return None
        gone = asyncio.ensure_future(_disconnected(receive))
        r.in_flight += 1
        try:
            work = asyncio.ensure_future(self._exchange(r, scope, body, lane))
            try:
                done, _ = await asyncio.wait({work, gone}, timeout=self.deadline, return_when=asyncio.FIRST_COMPLETED)
            except asyncio.CancelledError:
                work.cancel()
                raise
            if work not in done:
                work.cancel()  # closes the connection (if it was open): the reader's view stops the work
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await work
                if gone in done:
                    self.counts["cancelled"] += 1
                    return GONE
                self.counts["deadline"] += 1
                return LATE
            try:
                head, answer_body = work.result()
            except StoreUnavailable:
                self.counts["fallback:store_unavailable"] += 1
                return None
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                log.info("a relayed request failed: served here", extra={"pid": r.pid, "error": repr(exc)})
                self.counts["fallback:reader_lost"] += 1
                return None
            if "fallback" in head:
                self.counts[f"fallback:{head['fallback']}".replace(" ", "_")] += 1
                return None
            if head.get("unavailable"):  # the reader's store failed mid-request: the gate answers 503
                self.counts["unavailable"] += 1
                raise StoreUnavailable()
            self.counts["relayed"] += 1
            if self.on_result is not None and isinstance(outcome := head.get("outcome"), str):
                self.on_result(outcome)
            if lane == "analysis":
                self.counts["relayed:analysis"] += 1
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in head["headers"]]
            return Answer(int(head["status"]), headers, answer_body)
        finally:
            r.in_flight -= 1
            gone.cancel()

    async def _exchange(
        self, r: _Reader, scope: Scope, body: bytes, lane: Lane = "read"
    ) -> tuple[dict[str, Any], bytes]:
        store = self._store
        head: dict[str, Any] = {
            "method": scope["method"],
            "path": scope["path"],
            "query_string": bytes(scope.get("query_string", b"")).decode("latin-1"),
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope.get("headers", [])],
            "version": store.generation
            if self.replica and store is not None
            else (self.published if self._follows else None),
            "request_id": request_id.get(),
        }
        if lane == "analysis" and self.replica and store is not None:  # refused while an import is unfinished
            head["import"] = child.encode_marker(await store.current_import())
        async with r.analysis_slots if lane == "analysis" else r.slots:
            incoming, outgoing = await asyncio.open_unix_connection(r.address)
            try:
                outgoing.write(child.frame(json.dumps(head).encode()) + child.frame(body))
                await outgoing.drain()
                try:
                    answer_head = json.loads(await asyncio.wait_for(child.read_frame(incoming), self.timeout))
                except TimeoutError:
                    log.warning("a reader did not answer in time: replaced", extra={"pid": r.pid})
                    self._end(r)
                    raise ConnectionError("the reader did not answer in time") from None
                answer_body = await child.read_frame(incoming)
                return answer_head, answer_body
            finally:
                outgoing.close()

    async def stats(self) -> list[dict[str, Any]]:
        """Each ready reader's own counts (pid, version applied, served, cancelled, …)."""
        out = []
        for r in list(self.readers):
            if not r.ready:
                continue
            with contextlib.suppress(OSError, asyncio.IncompleteReadError, ValueError):
                incoming, outgoing = await asyncio.open_unix_connection(r.address)
                try:
                    outgoing.write(child.frame(b'{"stats": true}'))
                    json.loads(await child.read_frame(incoming))
                    out.append(json.loads(await child.read_frame(incoming)))
                finally:
                    outgoing.close()
        return out

    async def gathered_metrics(self) -> list[str]:
        """The Prometheus lines of what the ready readers did themselves, summed: requests served,
        analytics sessions made and projections built or folded (a reader that ended takes its
        counts with it; each starts from 0)."""
        if self.count == 0:
            return []
        try:
            stats = await asyncio.wait_for(self.stats(), 2.0)
        except TimeoutError:  # a reader too busy to say: its lines are left out this time
            return []
        out: list[str] = []
        for key, help_text in (
            ("served", "Relayed requests the reader processes answered."),
            ("analytics_sessions", "Analytics sessions the reader processes made."),
            ("projection_builds", "Whole projections the reader processes built."),
            ("projection_folds", "Times the reader processes folded writes into their projection."),
        ):
            out += [
                f"# HELP civicmesh_reader_{key}_total {help_text}",
                f"# TYPE civicmesh_reader_{key}_total counter",
                f"civicmesh_reader_{key}_total {sum(int(s.get(key, 0)) for s in stats)}",
            ]
        return out

    def metrics(self) -> list[str]:
        """The Prometheus lines of the relay's counters."""
        out = [
            "# HELP civicmesh_reader_processes Reader processes ready for heavy reads.",
            "# TYPE civicmesh_reader_processes gauge",
            f"civicmesh_reader_processes {self.ready()}",
            "# HELP civicmesh_reader_relayed_total Heavy reads and analyses answered by a reader process.",
            "# TYPE civicmesh_reader_relayed_total counter",
            f"civicmesh_reader_relayed_total {self.counts['relayed']}",
            "# HELP civicmesh_reader_relayed_analyses_total Of them, analyses.",
            "# TYPE civicmesh_reader_relayed_analyses_total counter",
            f"civicmesh_reader_relayed_analyses_total {self.counts['relayed:analysis']}",
            "# HELP civicmesh_reader_fallbacks_total Heavy reads the service served itself, by reason.",
            "# TYPE civicmesh_reader_fallbacks_total counter",
        ]
        for key, n in sorted(self.counts.items()):
            if key.startswith("fallback:"):
                out.append(f'civicmesh_reader_fallbacks_total{{reason="{key.partition(":")[2]}"}} {n}')
        out += [
            "# HELP civicmesh_reader_cancelled_total Relayed reads whose client left (the reader stopped them).",
            "# TYPE civicmesh_reader_cancelled_total counter",
            f"civicmesh_reader_cancelled_total {self.counts['cancelled']}",
            "# HELP civicmesh_reader_deadline_total Relayed queries stopped at their deadline while waiting for a "
            "reader's slot or answer (answered 504).",
            "# TYPE civicmesh_reader_deadline_total counter",
            f"civicmesh_reader_deadline_total {self.counts['deadline']}",
            "# HELP civicmesh_reader_restarts_total Reader processes started again after one ended.",
            "# TYPE civicmesh_reader_restarts_total counter",
            f"civicmesh_reader_restarts_total {self.counts['restarts']}",
        ]
        return out


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


class ReaderRelay:
    """ASGI middleware for ``path``: heavy queries answered by a reader (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        pool: ReaderPool,
        schema: GraphQLSchema,
        config: ApiConfig | None = None,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.pool = pool
        self.schema = schema
        self.config = config
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("path") != self.path
            or scope.get("method") not in ("GET", "POST")
            or not self.pool.running
        ):
            await self.app(scope, receive, send)
            return
        body, replay = await buffered(receive)
        lane = relay_lane(
            self.schema, body, scope.get("query_string", b""), self.config, analyses=self.pool.serves_analyses
        )
        if lane is None:
            await self.app(scope, replay, send)
            return
        answer = await self.pool.relay(scope, body, receive, lane)
        if answer is None:
            await self.app(scope, replay, send)
            return
        if isinstance(answer, _Gone):
            return
        if isinstance(answer, _Late):
            media = negotiate(Headers(scope=scope).get("accept")) or JSON
            await deadline_response(cast(float, self.pool.deadline), media)(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
        await send({"type": "http.response.body", "body": answer.body})


__all__ = [
    "ANALYSIS_SLOTS_PER_READER",
    "GONE",
    "LATE",
    "SLOTS_PER_READER",
    "Answer",
    "Lane",
    "ReaderPool",
    "ReaderRelay",
    "relay_lane",
    "relayable",
]
