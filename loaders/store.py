"""The ``GraphStore`` port: what every store offers, batch-shaped so DataLoaders map onto it.

Two adapters implement it: :class:`loaders.stores.embedded.EmbeddedStore` (networkx in memory,
SQLite on disk, the default) and :class:`loaders.stores.neo4j_store.Neo4jStore` (Neo4j over
Bolt).  The contract suite in ``tests/contract`` runs against both.

Reads take many ids and answer in the same order, so one call serves a whole GraphQL
layer.  Every read takes the request's ``scope`` (:class:`loaders.scope.Scope`; None: the
whole city) and applies it inside its own query: a node outside the scope is never returned,
counted or found, as if it did not exist.  The ids a read starts from
(``neighbours``, ``ancestors``, ...) are taken as given: callers start from nodes an earlier
scoped read returned.

Writes are :class:`graph_schema.WriteBatch` es: validated against the contract and
what already exists, then applied whole, or refused whole with a
:class:`graph_schema.ValidationError`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import networkx as nx

from graph_schema import Node, Relationship, RelRef, WriteBatch
from loaders.scope import Scope


class Direction(StrEnum):
    OUT = "OUT"
    """Relationships that start at the given node: ``(given)-[r]->(other)``."""
    IN = "IN"
    """Relationships that end at the given node: ``(other)-[r]->(given)``."""


@dataclass(frozen=True, slots=True)
class Edge:
    """One relationship seen from a given node: the relationship and the node at its other end."""

    relationship: Relationship
    node: Node


@dataclass(frozen=True, slots=True)
class NodeFilter:
    """A filter for listings.  Every given condition must hold.

    ``name_contains`` is a case-insensitive substring of ``name`` (Chinese included);
    ``equals`` maps a property to a value it must equal, or for list properties (``tags``,
    ``kinds``, ``resources``) contain; ``within`` is an area id (see
    ``graph_schema.WITHIN_VIA``); ``ids`` restricts to these ids.

    ``one_of`` maps a property to the values it must be one of; ``ranges`` maps a property to
    ``(low, high)``: at least ``low`` (inclusive) and below ``high`` (exclusive), either None
    for no bound; a node without the property fails a range (dates compare as ISO text).
    ``linked`` maps a relationship type to the id of a node the node must have one such
    relationship *to* (e.g. ``{"ASSIGNED_TO": "org-1"}``).  ``unless`` is a filter of these
    property conditions (``equals``, ``one_of``, ``ranges``) that the node must *not* meet
    (e.g. the appeals that are not overdue).
    """

    name_contains: str | None = None
    equals: dict[str, Any] = field(default_factory=dict)
    within: str | None = None
    ids: Sequence[str] | None = None
    one_of: dict[str, Sequence[Any]] = field(default_factory=dict)
    ranges: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    linked: dict[str, str] = field(default_factory=dict)
    unless: NodeFilter | None = None

    def has_conditions(self) -> bool:
        """Whether the filter filters anything."""
        return bool(
            self.name_contains
            or self.equals
            or self.within
            or self.ids is not None
            or self.one_of
            or self.ranges
            or self.linked
            or self.unless is not None
        )


Projection = frozenset[str] | None
"""The properties a read returns (``props=``): None for all of them, else only these names (the
node's ``id`` and label always come).  The API passes the properties a GraphQL selection asks
for, so a listing of households by name ships their names and not their personal fields; a
name the node does not have is simply absent from the answer."""


@dataclass(frozen=True, slots=True)
class Order:
    """Sort by a property (``id`` is always the final tie-break)."""

    field: str = "id"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a keyset-paginated listing.

    ``cursors[i]`` is the opaque position of ``nodes[i]``; pass one as ``after`` (or
    ``before``) to continue.  ``has_more`` says whether more nodes follow in the direction
    of travel.
    """

    nodes: list[Node]
    cursors: list[str]
    has_more: bool


@dataclass(frozen=True, slots=True)
class WriteResult:
    nodes_written: int = 0
    relationships_written: int = 0
    relationships_deleted: int = 0
    nodes_deleted: int = 0


class Outcome(StrEnum):
    """Whether an audited action was let through."""

    ALLOWED = "ALLOWED"
    """The action was allowed (a refused write names its reason in ``code``)."""
    DENIED = "DENIED"
    """The viewer was not allowed to do it (a bad token, a missing right)."""


def audit_time(at: dt.datetime) -> str:
    """How a store keeps an event's time: UTC ISO-8601 with microseconds, so that text order is
    time order.

    >>> audit_time(dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    '2026-05-01T00:30:00.000000Z'
    """
    if at.tzinfo is None:
        raise ValueError("an audit time must carry its time zone")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_audit_time(text: str) -> dt.datetime:
    """The inverse of :func:`audit_time`."""
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def _event_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One entry of the audit trail: who did what to which nodes, and whether it was allowed.

    ``actor``, ``name``, ``role`` and ``scope`` identify the viewer (None when unknown, e.g. a
    token that failed verification); ``targets`` are node ids, ``fields`` property (or input
    field) names: the values of personal fields are never part of an event.  ``code`` says why
    an action was denied or wrote nothing (None when it was applied).  Events are ordered by
    (``at``, ``id``).
    """

    at: dt.datetime
    operation: str
    outcome: Outcome
    actor: str | None = None
    name: str | None = None
    role: str | None = None
    scope: str | None = None
    targets: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    code: str | None = None
    request_id: str | None = None
    id: str = field(default_factory=_event_id)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which events to read; every given condition must hold.  ``since`` is inclusive, ``until``
    exclusive."""

    actor: str | None = None
    outcome: Outcome | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditPage:
    """Events in time order; ``cursors[i]`` continues after ``events[i]``."""

    events: list[AuditEvent]
    cursors: list[str]
    has_more: bool


class StoreUnavailable(Exception):
    """The store cannot be reached (a Neo4j server down or unreachable); try again shortly.

    Raised by a store call that failed for that reason, and at once by every call while the
    store is known to be down (see :class:`Availability`).  The message never names the
    server's address or the driver's exception: callers may show it to anyone."""

    def __init__(self, message: str = "the store is unavailable") -> None:
        super().__init__(message)


class StoreBusy(StoreUnavailable):
    """The store is up but could not take the call in time: every connection to the server
    was in use for longer than the store's acquisition timeout.  Not an outage (the store is
    not marked down); the request is answered like one (503, ``Retry-After``), since trying
    again shortly is what the client should do."""

    def __init__(self, message: str = "the store is busy") -> None:
        super().__init__(message)


def report_store_failure() -> None:
    """Tell whoever watches the current request (:data:`store_failure_seen`) that a store call
    of it failed with :class:`StoreUnavailable`: for a failure met in a task shared by several
    requests (whose context is the first request's), each of the others reports it itself."""
    seen = store_failure_seen.get()
    if seen is not None:
        seen.append(True)


_log = logging.getLogger("civicmesh.store")


class Availability:
    """Whether a store is known to be reachable: a failed call marks it down, a successful
    ``ping`` marks it up again.

    A slow answer is not an outage: a call that timed out (``mark_down`` with a
    :class:`TimeoutError`, as the watch's ping gives when the server or the event loop is busy,
    e.g. with a projection of a whole city) marks the store down only once calls have gone
    unanswered for :attr:`hang_after` seconds with no call answered in between (a server that
    hangs).  A server that refuses or drops connections is marked down at once.

    While it is down, store calls fail at once with :class:`StoreUnavailable` instead of
    waiting for the server (the service answers 503 meanwhile and probes with ``ping``).
    Calls in flight when the store is marked down are cancelled with the same error (they
    registered with :meth:`calling`).

    >>> a = Availability()
    >>> a.up, a.down_for() is None
    (True, True)
    >>> a.mark_down(); a.up
    False
    >>> a.mark_up(); a.up
    True
    """

    def __init__(self, name: str = "store") -> None:
        self.name = name
        """The store's kind, for the log (``neo4j``); never its address."""
        self.down_since: float | None = None
        """``time.monotonic()`` when the store was marked down, None while it is up."""
        self.failures = 0
        """How often the store was marked down since it was opened."""
        self._calls: set[asyncio.Task[Any]] = set()
        self._cancelled: set[asyncio.Task[Any]] = set()
        self.probe_after = 2.0
        """Seconds between the calls let through while the store is down (see :meth:`check`)."""
        self._last_probe = 0.0
        self.hang_after = 30.0
        """Seconds of calls timing out, none answered, before a store that answers nothing (but
        does not refuse) is marked down; see :meth:`mark_down`."""
        self._unanswered_since: float | None = None
        self.slow = 0
        """How many calls timed out without marking the store down since it was opened."""

    @property
    def up(self) -> bool:
        return self.down_since is None

    def down_for(self) -> float | None:
        """Seconds since the store was marked down, None while it is up."""
        return None if self.down_since is None else time.monotonic() - self.down_since

    def answered(self) -> None:
        """A call was answered: calls that timed out before it were slow, not a hang."""
        self._unanswered_since = None

    def mark_down(self, cause: BaseException | None = None) -> None:
        """Mark the store down; the first mark of an outage logs one warning (with ``cause``,
        the driver's exception, which only the log sees), later ones nothing.

        A ``cause`` that is a :class:`TimeoutError` (the call was not answered in time, the
        server did not refuse it) marks the store down only when calls have gone unanswered for
        :attr:`hang_after` seconds; until then it is counted in :attr:`slow` and logged at
        INFO.

        >>> a = Availability(); a.hang_after = 3600.0
        >>> a.mark_down(TimeoutError()); a.up, a.slow
        (True, 1)
        >>> a.hang_after = 0.0; a.mark_down(TimeoutError()); a.up
        False
        """
        if isinstance(cause, TimeoutError) and self.down_since is None:
            now = time.monotonic()
            if self._unanswered_since is None:
                self._unanswered_since = now
            if now - self._unanswered_since < self.hang_after:
                self.slow += 1
                _log.info(
                    "the %s store was slow to answer (%s s unanswered); not an outage unless it lasts %g s",
                    self.name,
                    f"{now - self._unanswered_since:.1f}",
                    self.hang_after,
                )
                return
        if self.down_since is None:
            self.down_since = time.monotonic()
            self.failures += 1
            _log.warning(
                "the %s store became unavailable; GraphQL answers 503 (STORE_UNAVAILABLE) until it is back%s",
                self.name,
                f" ({type(cause).__name__}: {cause})" if cause is not None else "",
            )
            try:
                current = asyncio.current_task()
            except RuntimeError:  # no running loop
                current = None
            for task in self._calls:
                if task is not current and not task.done():
                    self._cancelled.add(task)
                    task.cancel("the store became unavailable")
        seen = store_failure_seen.get()
        if seen is not None:
            seen.append(True)

    def mark_up(self) -> None:
        self._unanswered_since = None
        if self.down_since is not None:
            _log.warning("the %s store is available again after %.1f s", self.name, time.monotonic() - self.down_since)
        self.down_since = None

    def check(self) -> None:
        """Raise :class:`StoreUnavailable` at once while the store is known to be down, except for
        one call every :attr:`probe_after` seconds, let through as a probe: its success marks the
        store up again (so a store recovers without a watch pinging it, as in the CLI and tests).

        >>> a = Availability(); a.probe_after = 3600.0
        >>> a.mark_down()
        >>> a.check()
        Traceback (most recent call last):
        ...
        loaders.store.StoreUnavailable: the store is unavailable
        >>> a.probe_after = 0.0; a.check()  # a probe goes through
        """
        if self.down_since is not None:
            now = time.monotonic()
            if now - max(self.down_since, self._last_probe) >= self.probe_after:
                self._last_probe = now
                return
            seen = store_failure_seen.get()
            if seen is not None:
                seen.append(True)
            raise StoreUnavailable()

    def calling(self, *, cancellable: bool = True) -> _Call:
        """``async with availability.calling():`` around a call to the server: refused at once
        while the store is down, and (when ``cancellable``: reads, not writes, whose outcome
        would be unknown) cancelled as :class:`StoreUnavailable` when it goes down."""
        return _Call(self, cancellable)


class _Call:
    __slots__ = ("_availability", "_cancellable", "_task")

    def __init__(self, availability: Availability, cancellable: bool) -> None:
        self._availability = availability
        self._cancellable = cancellable
        self._task: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> None:
        self._availability.check()
        if self._cancellable:
            self._task = asyncio.current_task()
            if self._task is not None:
                self._availability._calls.add(self._task)

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        task = self._task
        if task is None:
            return
        self._availability._calls.discard(task)
        if task in self._availability._cancelled:
            self._availability._cancelled.discard(task)
            if exc_type is asyncio.CancelledError and task.uncancel() == 0:
                seen = store_failure_seen.get()
                if seen is not None:
                    seen.append(True)
                raise StoreUnavailable() from None


store_failure_seen: ContextVar[list[bool] | None] = ContextVar("store_failure_seen", default=None)
"""Set (to an empty list) by whoever wants to know whether a store call of the current request
met an unavailable store: :class:`Availability` appends to it.  A list, so that tasks started
by the request (which copy the context) report to the same one."""


@dataclass(frozen=True, slots=True)
class ImportMarker:
    """An import in progress: written before its first batch, removed after its last.

    A marker that stays (the import was killed or failed) means the store holds part of an
    input; the service reports it in ``/readyz`` and analytics refuse until an import of the
    same ``source`` completes."""

    source: str
    started: dt.datetime
    batches_done: int = 0

    def describe(self) -> str:
        """A sentence for people.

        >>> ImportMarker("city.json", dt.datetime(2026, 5, 1, 8, tzinfo=dt.UTC), 3).describe()
        'an import of city.json started 2026-05-01 08:00:00 UTC has not completed (3 batches written)'
        """
        batches = "1 batch" if self.batches_done == 1 else f"{self.batches_done} batches"
        started = self.started.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"an import of {self.source} started {started} has not completed ({batches} written)"


@runtime_checkable
class GraphStore(Protocol):
    """The port.  All methods are coroutines; a store is opened once and closed once."""

    name: str
    """``embedded`` or ``neo4j``: for logs, metrics and test ids."""

    availability: Availability
    """Whether the store is known to be reachable (the embedded store always is)."""

    @property
    def generation(self) -> int:
        """Grows with every write, delete or clear made through this store object (caches of
        what was read, such as resolved scopes, are keyed by it)."""
        ...

    async def open(self) -> None:
        """Connect or load, and make the schema (constraints, indexes) exist."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise when the store cannot serve (readiness).  Not refused while the store is
        marked down: a ping that succeeds marks it up, one that fails marks it down."""

    # --- reads -----------------------------------------------------------------------
    async def get_nodes(self, ids: Sequence[str], *, scope: Scope | None = None) -> list[Node | None]:
        """The nodes with these ids, in order; None for an id that does not exist (or lies
        outside ``scope``)."""

    async def neighbours(
        self,
        ids: Sequence[str],
        rel_type: str,
        direction: Direction,
        *,
        labels: Sequence[str] | None = None,
        limit: int | None = None,
        scope: Scope | None = None,
        props: Collection[str] | None = None,
    ) -> list[list[Edge]]:
        """For each id, its relationships of ``rel_type`` in ``direction`` with the node at
        the other end (optionally only of ``labels``), ordered by that node's id; at most
        ``limit`` per id.  Only relationships whose other node lies in ``scope``.

        ``props``: the only properties of the other nodes to return (None: all of them); the
        others never leave the store (see :data:`Projection`)."""

    async def count_neighbours(
        self,
        ids: Sequence[str],
        rel_type: str,
        direction: Direction,
        *,
        labels: Sequence[str] | None = None,
        scope: Scope | None = None,
    ) -> list[int]:
        """For each id, how many relationships ``neighbours`` would return without limit."""

    async def list_nodes(
        self,
        label: str,
        *,
        filter: NodeFilter | None = None,
        order: Order | None = None,
        first: int = 50,
        after: str | None = None,
        backward: bool = False,
        scope: Scope | None = None,
        props: Collection[str] | None = None,
    ) -> Page:
        """A page of nodes of ``label`` (of those in ``scope``).  With ``backward`` the page ends just before the
        cursor ``after`` (Relay ``last``/``before``), still in ascending display order.  ``props``: as for
        ``neighbours``."""

    async def count_nodes(self, label: str, *, filter: NodeFilter | None = None, scope: Scope | None = None) -> int:
        """How many nodes ``list_nodes`` would page through."""

    async def search(
        self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20, scope: Scope | None = None
    ) -> list[Node]:
        """Nodes (in ``scope``) whose name contains ``text`` (case-insensitive), shortest names first."""

    async def ancestors(
        self, ids: Sequence[str], rel_type: str, *, max_depth: int = 10, scope: Scope | None = None
    ) -> list[list[Node]]:
        """For each id, the chain of nodes reached by following single-parent ``rel_type``
        (PART_OF or REPORTS_TO) upwards, nearest first; only those in ``scope``."""

    async def descendants(
        self,
        ids: Sequence[str],
        rel_type: str,
        *,
        max_depth: int,
        labels: Sequence[str] | None = None,
        scope: Scope | None = None,
    ) -> list[list[tuple[Node, int]]]:
        """For each id, the nodes reaching it through ``rel_type`` within ``max_depth`` hops,
        with their depth, breadth-first; only those in ``scope`` (walked through or not)."""

    def scan_nodes(self, labels: Sequence[str] | None = None, *, batch_size: int = 10_000) -> AsyncIterator[list[Node]]:
        """Every node (of ``labels``), with all properties, in batches, ordered by id."""
        ...

    def scan_relationships(
        self, types: Sequence[str] | None = None, *, batch_size: int = 10_000
    ) -> AsyncIterator[list[Relationship]]:
        """Every relationship (of ``types``) in batches, ordered by (start id, type, end id, key)."""
        ...

    # --- writes ----------------------------------------------------------------------
    async def write(self, batch: WriteBatch, *, audit: Sequence[AuditEvent] = ()) -> WriteResult:
        """Validate and apply one batch atomically; a refused batch raises
        ``ValidationError`` and writes nothing.  Node upserts replace the node's properties
        (a record is the whole node); relationship upserts are idempotent per
        (type, start, end, key).  Returns after the batch is durable.

        ``audit``: events appended to the audit trail in the same transaction, so that they are
        written exactly when the batch is (a refused batch writes neither, and an event that
        cannot be written fails the whole write)."""

    async def upsert(self, nodes: Sequence[Node] = (), relationships: Sequence[Relationship] = ()) -> WriteResult:
        """Shorthand for ``write(WriteBatch(nodes, relationships))``."""

    async def delete(self, node_ids: Sequence[str] = (), relationships: Sequence[RelRef] = ()) -> WriteResult:
        """Delete nodes (with their relationships) and relationships; unknown ones are ignored."""

    async def clear(self) -> None:
        """Remove everything (tests, re-imports into an empty store)."""

    # --- analytics -------------------------------------------------------------------
    async def project(
        self,
        labels: Sequence[str] | None = None,
        rel_types: Sequence[str] | None = None,
    ) -> nx.MultiDiGraph:
        """The graph for analytics (see docs/design.md "The projection"): nodes keyed by id with a
        ``label`` attribute and their non-PII properties; edges keyed by
        ``graph_schema.rel_key`` with a ``type`` attribute and their properties.  Only
        nodes of ``labels`` and relationships of ``rel_types`` between them (all when None)."""

    # --- the audit trail -------------------------------------------------------------
    async def append_audit(self, events: Sequence[AuditEvent]) -> None:
        """Add events to the audit trail, durably.  The trail is append-only: nothing in the
        port changes or removes an event, ``clear`` leaves it alone, and it is never part of a
        projection, a scan or an export."""

    async def read_audit(
        self, *, filter: AuditFilter | None = None, first: int = 50, after: str | None = None
    ) -> AuditPage:
        """Up to ``first`` events matching ``filter`` in time order (``at``, then ``id``),
        after the cursor ``after``."""

    # --- imports in progress ---------------------------------------------------------
    async def begin_import(self, source: str) -> ImportMarker:
        """Record that an import of ``source`` starts writing (durably, before its first
        batch).  A marker of the same source is kept (a rerun resumes it, counting on);
        another source's marker is replaced (the caller decides whether that is allowed)."""

    async def import_progress(self, batches_done: int) -> None:
        """Record how many batches the import in progress has written."""

    async def end_import(self) -> None:
        """Remove the marker: the import completed (no-op without one)."""

    async def current_import(self) -> ImportMarker | None:
        """The import in progress (possibly by another process, or killed), None when none.
        Like the audit trail, the marker is outside the graph: never projected, scanned,
        exported or cleared."""
