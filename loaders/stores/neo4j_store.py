"""The Neo4j store: the official async driver over Bolt, all Cypher from :mod:`loaders.stores.cypher` (reads)
and :mod:`loaders.stores.cypher_writes` (writes).

Reads run as managed read transactions routed to readers and writes as managed write
transactions, with one bookmark manager, so the store runs unchanged on a cluster or
Aura through a ``neo4j://`` URI.  Writes are ``UNWIND`` batches that ``MERGE`` on ``id``;
a batch is validated inside its own write transaction, so a refused batch writes nothing.

The audit trail (:mod:`~loaders.stores.neo4j_audit`) and the import-in-progress marker
(:mod:`~loaders.stores.neo4j_import_marker`) are mixins in their own modules; how a call
meets an unreachable server is :mod:`~loaders.stores.neo4j_guard`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Collection, Sequence
from typing import Any

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    NotificationMinimumSeverity,
)
from neo4j.exceptions import (
    ClientError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph_schema import REL_SPECS, Node, Relationship, RelRef, RelType, ValidationError, WriteBatch
from graph_schema.ddl import DDL
from graph_schema.end_kinds import END_KIND_PROPS
from graph_schema.validation import Existing, validate_batch
from loaders.cursors import check_order_field, decode_cursor, encode_cursor
from loaders.scope import Scope
from loaders.search_cache import SearchCache
from loaders.store import (
    AuditEvent,
    Availability,
    Direction,
    Edge,
    NodeFilter,
    Order,
    Page,
    StoreUnavailable,
    WriteResult,
)
from loaders.stores import cypher, cypher_checks, cypher_writes, neo4j_checks, neo4j_waits
from loaders.stores.neo4j_audit import Neo4jAudit, audit_rows
from loaders.stores.neo4j_guard import UNREACHABLE, guarded
from loaders.stores.neo4j_import_marker import Neo4jImportMarker
from loaders.stores.neo4j_projection import Neo4jProjection
from loaders.stores.neo4j_walk import Neo4jWalk
from loaders.write_listeners import WriteListeners

_NO_LIMIT = 2**31 - 1
_WRITE_ATTEMPTS = 3
"""A write that met a concurrent change (see :class:`_Changed`) is run again, up to this often."""
READ_ATTEMPTS = 2
"""A read that failed on a retryable error runs once more (see :meth:`Neo4jStore._read`)."""
_DELETED_MEANWHILE = "Neo.ClientError.Statement.EntityNotFound"
"""What the server says when a node the write holds was deleted by a transaction it waited for."""


class _Changed(Exception):
    """The store changed between a write's checks and its statements: a node it found was
    deleted, or an id it found free was taken, by a transaction that committed in between.
    The write is rolled back and run again; the new run's checks see the change.  (The server
    reports the same situation itself as a ConstraintError, or as EntityNotFound when the
    write had matched the node before waiting for the deleting transaction's lock.)"""


def _concurrent_change(exc: Exception) -> bool:
    """Whether a failed write met a concurrent change (and is worth running again)."""
    return isinstance(exc, (_Changed, ConstraintError)) or (
        isinstance(exc, ClientError) and exc.code == _DELETED_MEANWHILE
    )


def _props(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k != "id"}


def _projection(props: Collection[str] | None, params: dict[str, Any]) -> list[str] | None:
    """The property names a read returns (None: all), as the ``$props`` parameter."""
    if props is None:
        return None
    names = sorted(p for p in props if p != "id")
    params["props"] = names
    return names


def _values(names: list[str] | None, values: Any) -> dict[str, Any]:
    """A node's properties from what a read returned: the whole map, or the projected values
    zipped with their names (missing ones left out, as a node without them has none)."""
    if names is None:
        return _props(values)
    return {k: v for k, v in zip(names, values, strict=True) if v is not None}


def _node(row: dict[str, Any] | Any) -> Node:
    return Node(row["label"], row["id"], _props(row["props"]))


class Neo4jStore(Neo4jAudit, Neo4jImportMarker, Neo4jWalk, Neo4jProjection):
    """A store on a Neo4j server (5.26 LTS or later)."""

    name = "neo4j"
    coalesce_point_reads = True
    """The point reads of concurrent requests share one statement (:mod:`loaders.coalesce`): a
    statement costs the driver about as much for 32 ids as for one."""
    warm_first = (cypher.GET_NODES,)
    """Warmed first after an outage (:func:`~loaders.stores.neo4j_guard.warm_up`), while requests
    wait: the point read, which most light requests use; coalesced, it is counted once for many
    requests, and a name search (one statement per request) could otherwise go first (measured:
    the first point reads after the gate opened then met the cold planner together, 1.8 s)."""

    def __init__(
        self,
        uri: str,
        *,
        auth: tuple[str, str] | None = None,
        database: str = "neo4j",
        fetch_size: int = 5000,
        retry_time: float = 5.0,
        connect_timeout: float = 3.0,
        acquisition_timeout: float = 15.0,
        search_cache_s: float = 0.0,
    ) -> None:
        self.uri = uri
        self.database = database
        self._auth = auth
        self._fetch_size = fetch_size
        self._retry_time = retry_time
        self._connect_timeout = connect_timeout
        self._acquisition_timeout = acquisition_timeout
        self._driver: AsyncDriver | None = None
        self.availability = Availability("neo4j")
        self._generation = 0
        self.driver_epoch = 0
        """Grows each time :meth:`ping` replaces the driver after an outage (see
        :func:`~loaders.stores.neo4j_guard.guarded`)."""
        self.write_listeners = WriteListeners()
        """Told of each write (the service's kept projection follows them)."""
        self.searches = SearchCache(search_cache_s)
        """Search answers kept ``search_cache_s`` seconds at most, following this object's writes
        (0: none kept; :mod:`loaders.search_cache`)."""
        if self.searches.enabled:
            self.write_listeners.add(self.searches.follow)

    @property
    def generation(self) -> int:
        return self._generation

    # --- lifecycle -------------------------------------------------------------------
    async def open(self) -> None:
        if self._driver is not None:
            return
        # Notifications (e.g. "relationship type does not exist" on an empty database) are
        # noise for a service whose queries are fixed; turning them off also spares the server.
        self._driver = self._new_driver()
        try:
            await self._driver.verify_connectivity()
            for statement in (*DDL, *cypher.AUDIT_DDL, *cypher.IMPORT_DDL):
                await self._schema(statement)
            await self._driver.execute_query(cypher_writes.AWAIT_INDEXES, database_=self.database)
        except BaseException:
            await self._driver.close()
            self._driver = None
            raise

    async def _schema(self, statement: str) -> None:
        """One ``CREATE … IF NOT EXISTS``.  Processes opening one new database at once (the
        workers of ``serve --workers N``, an import beside the service) race on it: the server
        refuses the loser with "an equivalent index already exists" (what it wanted) or a
        deadlock between the two schema transactions (tried again)."""
        for attempt in range(1, 6):
            try:
                await self.driver.execute_query(statement, database_=self.database)
                return
            except Neo4jError as exc:
                if exc.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists":
                    return
                if exc.code != "Neo.TransientError.Transaction.DeadlockDetected" or attempt == 5:
                    raise
                await asyncio.sleep(0.05 * attempt)

    def _new_driver(self) -> AsyncDriver:
        neo4j_waits.install()  # the driver's socket waits in the caller's task (Python < 3.12)
        return AsyncGraphDatabase.driver(
            self.uri,
            auth=self._auth,
            notifications_min_severity=NotificationMinimumSeverity.OFF,
            max_connection_pool_size=64,
            # The driver's defaults wait 30 s (retries), 30 s (connecting) and 60 s (a pooled
            # connection) before giving up on a server that went away; a service answers
            # sooner that the store is unavailable (see docs/design.md "Outages").
            max_transaction_retry_time=self._retry_time,
            connection_timeout=self._connect_timeout,
            connection_acquisition_timeout=self._acquisition_timeout,
        )

    async def close(self) -> None:
        if self._driver is not None:
            await self._driver.close()
            self._driver = None

    @property
    def driver(self) -> AsyncDriver:
        if self._driver is None:
            raise RuntimeError("the Neo4j store is not open")
        return self._driver

    async def ping(self) -> None:
        """One auto-commit ``RETURN 1`` (not retried by the driver): marks the store up when it
        answers, down when the server cannot be reached.

        The first ping that answers after an outage does so on a new driver, which then
        replaces the old one: the old one's pooled connections died with the server, and each
        would cost a failed attempt and a retry pause (a second or two) to find out."""
        down = not self.availability.up
        driver = self._new_driver() if down else self.driver
        try:
            async with driver.session(database=self.database, default_access_mode="READ") as session:
                await (await session.run(cypher.PING)).consume()
        except BaseException as exc:
            if down:
                await driver.close()
            if isinstance(exc, UNREACHABLE):
                self.availability.mark_down(exc)
                raise StoreUnavailable() from exc
            raise
        old = None
        if down:
            old, self._driver = self._driver, driver
            self.driver_epoch += 1  # calls still on the old driver fail as stale, not as a new outage
        self.availability.mark_up()  # before the old driver's close: requests need not wait for it
        if old is not None:
            await old.close()

    @guarded(cancellable=True)
    async def _read(self, /, query: str, **params: Any) -> list[Any]:
        """One read statement as an auto-commit transaction (``session.run``), not the driver's
        managed one (``execute_query``): one round trip instead of two (no COMMIT), about half
        the driver's CPU and 40 % fewer objects left in reference cycles per statement (measured:
        docs/design.md "light reads on Neo4j").  What the managed transaction gave, its retries,
        is here once: a read that fails on an error the driver calls retryable (a transient
        error, a connection lost in a cluster) runs once more on a new session; a second failure
        is the caller's (:func:`~loaders.stores.neo4j_guard.guarded` marks the store down when
        the server cannot be reached).  Every record is fetched in one PULL (reads are
        request-sized)."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            try:
                async with self.driver.session(
                    database=self.database,
                    default_access_mode="READ",
                    bookmark_manager=self.driver.execute_query_bookmark_manager,
                    fetch_size=-1,
                ) as session:
                    result = await session.run(query, params)
                    return [record async for record in result]
            except (Neo4jError, DriverError) as exc:
                if attempt == READ_ATTEMPTS or not exc.is_retryable() or not self.availability.up:
                    raise
        raise AssertionError("unreachable")

    # --- reads -----------------------------------------------------------------------
    async def get_nodes(self, ids: Sequence[str], *, scope: Scope | None = None) -> list[Node | None]:
        if not ids:
            return []
        params: dict[str, Any] = {"ids": list(dict.fromkeys(ids))}
        cond = cypher.in_scope("n", scope, params)
        (record,) = await self._read(cypher.get_nodes(cond) if cond else cypher.GET_NODES, **params)
        found = {node_id: Node(label, node_id, _props(props)) for node_id, label, props in record["rows"]}
        return [found.get(i) for i in ids]

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
        if not ids:
            return []
        outgoing = direction is Direction.OUT
        params: dict[str, Any] = {
            "ids": list(dict.fromkeys(ids)),
            "labels": list(labels) if labels else None,
            "limit": _NO_LIMIT if limit is None else limit,
        }
        cond = cypher.in_scope("n", scope, params)
        names = _projection(props, params)
        rows = await self._read(cypher.neighbours(rel_type, outgoing, cond, names is not None), **params)
        by_id: dict[str, list[Edge]] = {}
        for node_id, found in rows[0]["rows"]:
            edges = []
            for rel_props, other, label, values in found:
                start, end = (node_id, other) if outgoing else (other, node_id)
                node = Node(label, other, _values(names, values))
                edges.append(Edge(Relationship(rel_type, start, end, rel_props), node))
            by_id[node_id] = edges
        return [list(by_id.get(i, [])) for i in ids]

    async def count_neighbours(
        self,
        ids: Sequence[str],
        rel_type: str,
        direction: Direction,
        *,
        labels: Sequence[str] | None = None,
        scope: Scope | None = None,
    ) -> list[int]:
        if not ids:
            return []
        params: dict[str, Any] = {"ids": list(dict.fromkeys(ids)), "labels": list(labels) if labels else None}
        cond = cypher.in_scope("n", scope, params)
        rows = await self._read(cypher.count_neighbours(rel_type, direction is Direction.OUT, cond), **params)
        counts = {r["id"]: r["n"] for r in rows}
        return [int(counts.get(i, 0)) for i in ids]

    @staticmethod
    def _anchored(label: str, flt: NodeFilter | None, params: dict[str, Any]) -> str | None:
        """Where a listing starts instead of every node of ``label``: walking down from
        ``flt.within`` (:func:`cypher.anchor`), or else the TEXT index for a name filter that it
        serves (:func:`cypher.text_match`).  Given ``ids``, none: looking those few up is cheaper."""
        if flt is None or flt.ids is not None:
            return None
        if flt.within is not None and label in cypher.ANCHORED:
            return cypher.anchor(label, flt.within, params)
        if cypher.text_indexed(flt.name_contains):
            return cypher.text_match(label)
        return None

    @staticmethod
    def _walks_down(label: str, flt: NodeFilter | None) -> bool:
        return flt is not None and flt.ids is None and flt.within is not None and label in cypher.ANCHORED

    def _where(self, label: str, flt: NodeFilter | None, scope: Scope | None, params: dict[str, Any]) -> list[str]:
        where: list[str] = []
        if flt is not None:
            within = None if self._walks_down(label, flt) else flt.within
            where = cypher.node_where(label, flt.name_contains, dict(flt.equals), within, flt.ids, params)
            where += cypher.property_where(label, dict(flt.one_of), dict(flt.ranges), params, "f")
            where += cypher.linked_where(dict(flt.linked), params)
            if flt.unless is not None:
                u = flt.unless
                inner = cypher.node_where(label, None, dict(u.equals), None, None, params, prefix="u")
                inner += cypher.property_where(label, dict(u.one_of), dict(u.ranges), params, "u")
                where += cypher.negated(inner)
        cond = cypher.in_scope("n", scope, params)
        return where if cond is None else [*where, cond]

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
        order = order or Order()
        check_order_field(order.field)
        params: dict[str, Any] = {"limit": first + 1}
        where = self._where(label, filter, scope, params)
        if after is not None:
            value, node_id = decode_cursor(after)
            params["cv"], params["cid"] = str(value), node_id
        anchored = self._anchored(label, filter, params)
        names = _projection(props, params)
        query = cypher.list_nodes(
            label, where, order.field, order.descending, backward, after is not None, anchored, names is not None
        )
        (record,) = await self._read(query, **params)
        rows = record["rows"]
        has_more = len(rows) > first
        rows = rows[:first]
        if backward:
            rows.reverse()
        return Page(
            nodes=[Node(label, node_id, _values(names, values)) for node_id, _, values in rows],
            cursors=[encode_cursor(key, node_id) for node_id, key, _ in rows],
            has_more=has_more,
        )

    async def count_nodes(self, label: str, *, filter: NodeFilter | None = None, scope: Scope | None = None) -> int:
        params: dict[str, Any] = {}
        where = self._where(label, filter, scope, params)
        rows = await self._read(cypher.count_nodes(label, where, self._anchored(label, filter, params)), **params)
        return int(rows[0]["n"])

    async def search(
        self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20, scope: Scope | None = None
    ) -> list[Node]:
        if not text:
            return []
        key = (text, tuple(labels) if labels else None, limit, scope)
        kept = self.searches.get(key)
        if kept is not None:
            return kept
        mark = self.searches.mark()
        uncased = text.casefold() == text == text.upper()  # nothing that case-folding could match
        params: dict[str, Any] = {"text": text, "labels": list(labels) if labels else None, "limit": limit}
        cond = cypher.in_scope("n", scope, params)
        (record,) = await self._read(cypher.search(uncased, cond), **params)
        found = [Node(label, node_id, _props(props)) for node_id, label, props in record["rows"]]
        self.searches.put(key, mark, found)
        return found

    async def ancestors(
        self, ids: Sequence[str], rel_type: str, *, max_depth: int = 10, scope: Scope | None = None
    ) -> list[list[Node]]:
        if not ids:
            return []
        params: dict[str, Any] = {"ids": list(dict.fromkeys(ids))}
        cond = cypher.in_scope("n", scope, params)
        rows = await self._read(cypher.ancestors(rel_type, max_depth, cond), **params)
        chains = {r["id"]: [_node(n) for n in r["chain"]] for r in rows}
        return [list(chains.get(i, [])) for i in ids]

    async def descendants(
        self,
        ids: Sequence[str],
        rel_type: str,
        *,
        max_depth: int,
        labels: Sequence[str] | None = None,
        scope: Scope | None = None,
    ) -> list[list[tuple[Node, int]]]:
        if not ids or max_depth < 1:
            return [[] for _ in ids]
        params: dict[str, Any] = {"ids": list(dict.fromkeys(ids)), "labels": list(labels) if labels else None}
        cond = cypher.in_scope("n", scope, params)
        rows = await self._read(cypher.descendants(rel_type, max_depth, cond), **params)
        found = {r["id"]: [(_node(n), int(n["depth"])) for n in r["found"]] for r in rows}
        return [list(found.get(i, [])) for i in ids]

    async def scan_nodes(
        self, labels: Sequence[str] | None = None, *, batch_size: int = 10_000
    ) -> AsyncIterator[list[Node]]:
        after = ""
        wanted = list(labels) if labels else None
        while True:
            rows = await self._read(cypher.SCAN_NODES, after=after, labels=wanted, limit=batch_size)
            if not rows:
                return
            yield [_node(r) for r in rows]
            after = rows[-1]["id"]

    async def scan_relationships(
        self, types: Sequence[str] | None = None, *, batch_size: int = 10_000
    ) -> AsyncIterator[list[Relationship]]:
        after = ""
        wanted = list(types) if types else None
        while True:
            starts = await self._read(cypher.SCAN_NODES, after=after, labels=None, limit=batch_size)
            if not starts:
                return
            after = starts[-1]["id"]
            rows = await self._read(cypher.SCAN_RELATIONSHIPS, ids=[r["id"] for r in starts], types=wanted)
            if rows:
                yield [Relationship(r["type"], r["start"], r["end"], r["props"]) for r in rows]

    # --- writes ----------------------------------------------------------------------
    @guarded(cancellable=False)
    async def write(self, batch: WriteBatch, *, audit: Sequence[AuditEvent] = ()) -> WriteResult:
        token = self.write_listeners.begin(batch)
        committed: WriteBatch | None = None
        try:
            result = await self._write(batch, audit_rows(audit))
            committed = batch
            return result
        except ValidationError:
            committed = WriteBatch()  # refused inside its transaction: nothing was written
            raise
        except (ServiceUnavailable, SessionExpired, ConnectionAcquisitionTimeoutError) as exc:
            if not isinstance(exc, IncompleteCommit):  # a commit cut short: the outcome is unknown
                committed = WriteBatch()  # it never reached its commit: nothing was written
            raise
        finally:
            self._generation += 1
            self.write_listeners.end(token, committed)

    async def _write(self, batch: WriteBatch, audit: list[dict[str, Any]]) -> WriteResult:
        async with self.driver.session(
            database=self.database, bookmark_manager=self.driver.execute_query_bookmark_manager
        ) as session:
            for attempt in range(1, _WRITE_ATTEMPTS + 1):
                try:
                    result: WriteResult = await session.execute_write(self._write_tx, batch, audit)
                except (_Changed, ClientError) as exc:
                    if not _concurrent_change(exc):
                        raise
                    if attempt == _WRITE_ATTEMPTS:
                        raise RuntimeError(
                            f"the write kept meeting concurrent changes ({_WRITE_ATTEMPTS} attempts); nothing of it "
                            "was applied: try again"
                        ) from exc
                    continue
                return result
            raise AssertionError("unreachable")

    @staticmethod
    async def _existing(tx: AsyncManagedTransaction, batch: WriteBatch) -> Existing:
        ids = list(batch.mentioned_ids())
        labels: dict[str, str] = {}
        if ids:
            record = await (await tx.run(cypher.EXISTING_LABELS, ids=ids)).single()
            labels = {node_id: label for node_id, label in (record["rows"] if record else [])}
        pairs = [[rtype, start] for rtype, start in sorted(batch.single_starts()) if start in labels]
        parents: dict[tuple[str, str], str] = {}
        if pairs:
            record = await (await tx.run(cypher.EXISTING_PARENTS, pairs=pairs)).single()
            parents = {(rtype, start): parent for rtype, start, parent in (record["rows"] if record else [])}
        children: dict[str, int] = {}
        if batch.only_leaves and batch.delete_nodes:
            record = await (await tx.run(cypher.CHILD_COUNTS, ids=sorted(set(batch.delete_nodes)))).single()
            for node_id, label, count in record["rows"] if record else []:
                labels[node_id] = label
                children[node_id] = int(count)
        appeals: dict[str, dict[str, Any]] = {}
        handlers: dict[str, str] = {}
        appeal_ids = sorted(batch.appeal_ids())
        if appeal_ids:
            record = await (await tx.run(cypher.EXISTING_APPEALS, ids=appeal_ids)).single()
            for appeal_id, props, handler_ids in record["rows"] if record else []:
                props.pop("id", None)
                appeals[appeal_id] = props
                if handler_ids:
                    handlers[appeal_id] = handler_ids[0]
        if batch.delete_nodes:
            record = await (await tx.run(cypher.ASSIGNED_APPEALS, ids=sorted(set(batch.delete_nodes)))).single()
            for appeal_id, props, handler in record["rows"] if record else []:
                props.pop("id", None)
                appeals[appeal_id] = props
                handlers[appeal_id] = handler
        current: dict[str, dict[str, Any]] = {}
        if batch.expect:
            record = await (await tx.run(cypher.LOCKED_PROPERTIES, ids=sorted(batch.expect))).single()
            current = {node_id: _props(props) for node_id, props in (record["rows"] if record else [])}
        ends: dict[str, dict[str, Any]] = {}
        checked = sorted(batch.checked_ends())
        if checked:
            record = await (await tx.run(cypher_checks.END_KINDS, ids=checked)).single()
            ends = {
                row[0]: dict(zip(END_KIND_PROPS, row[1:], strict=True)) for row in (record["rows"] if record else [])
            }
        held = await neo4j_checks.held_ends(tx, batch, labels)
        assessments = await neo4j_checks.stored_assessments(tx, batch, labels)
        return Existing(labels, parents, children, appeals, handlers, current, ends, held=held, assessments=assessments)

    @staticmethod
    def _match_props(ref: RelRef) -> dict[str, Any] | None:
        if ref.key is None or ref.key == ref.type:
            return None
        spec = REL_SPECS[RelType(ref.type)]
        values = ref.key.split("|")[1:]
        return dict(zip(spec.key, values, strict=False))

    async def _write_tx(
        self, tx: AsyncManagedTransaction, batch: WriteBatch, audit: list[dict[str, Any]]
    ) -> WriteResult:
        existing = await self._existing(tx, batch)
        problems = validate_batch(batch, existing)
        if problems:
            raise ValidationError(problems)
        rels_deleted = nodes_deleted = 0
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for ref in batch.delete_relationships:
            by_type[ref.type].append({"start": ref.start, "end": ref.end, "match": self._match_props(ref)})
        for rtype, rows in by_type.items():
            record = await (await tx.run(cypher_writes.delete_relationships(rtype), rows=rows)).single()
            rels_deleted += int(record["n"]) if record else 0
        if batch.delete_nodes:
            record = await (
                await tx.run(cypher_writes.DELETE_NODES, ids=list(dict.fromkeys(batch.delete_nodes)))
            ).single()
            nodes_deleted = int(record["n"]) if record else 0
        if batch.patch:  # every node exists (validated); nulls remove properties
            rows = [{"id": n.id, "props": dict(n.properties)} for n in batch.nodes]
            await self._all_written(tx, cypher_writes.PATCH_NODES, rows)
        # Ids this transaction found free are CREATEd, the others MERGEd (see cypher_writes.create_nodes).
        taken = existing.labels.keys() - set(batch.delete_nodes)
        nodes_by_label: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
        for n in () if batch.patch else batch.nodes:  # a patch was written above
            props = {k: v for k, v in n.properties.items() if v is not None}
            props["id"] = n.id
            nodes_by_label[n.label, n.id in taken].append({"id": n.id, "props": props})
        for (label, exists), rows in nodes_by_label.items():
            query = cypher_writes.upsert_nodes(label) if exists else cypher_writes.create_nodes(label)
            await (await tx.run(query, rows=rows)).consume()
        rels_by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in batch.relationships:
            props = {k: v for k, v in r.properties.items() if v is not None}
            rels_by_type[r.type].append({"start": r.start, "end": r.end, "props": props})
        for rtype, rows in rels_by_type.items():
            await self._all_written(tx, cypher_writes.upsert_relationships(rtype), rows)
        if audit:  # the write's own events, committed with it
            await (await tx.run(cypher.APPEND_AUDIT, rows=audit)).consume()
        return WriteResult(len(batch.nodes), len(batch.relationships), rels_deleted, nodes_deleted)

    @staticmethod
    async def _all_written(tx: AsyncManagedTransaction, query: str, rows: list[dict[str, Any]]) -> None:
        """Run a statement that MATCHes nodes the checks found; a row that matched nothing means
        one was deleted since, and the write must not report success without it."""
        record = await (await tx.run(query, rows=rows)).single()
        if record is None or int(record["n"]) != len(rows):
            raise _Changed()

    async def upsert(self, nodes: Sequence[Node] = (), relationships: Sequence[Relationship] = ()) -> WriteResult:
        return await self.write(WriteBatch(nodes, relationships))

    async def delete(self, node_ids: Sequence[str] = (), relationships: Sequence[RelRef] = ()) -> WriteResult:
        return await self.write(WriteBatch(delete_relationships=relationships, delete_nodes=node_ids))

    def writes_elsewhere(self) -> None:
        """Another process is writing to the database (an import, seen by its marker): what this
        object keeps by following its own writes (kept search answers, a projection that follows
        them, in this process or its readers) is forgotten now rather than at its age limit."""
        self.write_listeners.tell(None)

    @guarded(cancellable=False)
    async def clear(self) -> None:
        self._generation += 1
        self.write_listeners.tell(None)
        token = self.write_listeners.begin()  # records unknown: writes overlapping it are not followed
        try:
            async with self.driver.session(
                database=self.database, bookmark_manager=self.driver.execute_query_bookmark_manager
            ) as session:
                await (await session.run(cypher_writes.CLEAR_RELATIONSHIPS)).consume()
                await (await session.run(cypher_writes.CLEAR)).consume()
        finally:
            self.write_listeners.end(token, None)
