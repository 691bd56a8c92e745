"""The embedded default store: a networkx graph in memory, one SQLite file for durability.

Reads are answered from memory.  A write is validated against the in-memory graph,
committed to SQLite in one transaction (WAL, ``synchronous=FULL``), and only then applied
to memory, so it returns after it is durable and a refused or failed write changes
nothing.  Writes are serialised by a lock; SQLite runs on one worker thread.

The reads (:mod:`~loaders.stores.embedded_reads`), the walks of scopes and filters
(:mod:`~loaders.stores.embedded_scopes`), the audit trail
(:mod:`~loaders.stores.embedded_audit`) and the import-in-progress marker
(:mod:`~loaders.stores.embedded_import_marker`) are mixins in their own modules.

In memory, node ``n`` has attributes ``label`` and ``p`` (its properties) and an edge has
key ``rel_key(type, props)`` and attributes ``type`` and ``p``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sqlite3
import weakref
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
import orjson

from graph_schema import Label, Node, Relationship, RelRef, ValidationError, WriteBatch
from graph_schema.end_kinds import CHECKED_TYPES, END_KIND_PROPS
from graph_schema.privacy import without_pii
from graph_schema.validation import Existing, validate_batch
from loaders.assessment_stars import apply_final_stars
from loaders.bulk import pause_gc
from loaders.earned_rows import EARNED, EarnedRows, keep_rows
from loaders.projection_cache import NAME_PROPERTIES
from loaders.projection_delta import Delta
from loaders.store import AuditEvent, Availability, Direction, WriteResult
from loaders.stores.embedded_audit import AUDIT_SCHEMA, INSERT_AUDIT, EmbeddedAudit, audit_rows
from loaders.stores.embedded_import_marker import EmbeddedImportMarker
from loaders.stores.embedded_projection import KeptProjection
from loaders.stores.embedded_reads import EmbeddedReads
from loaders.stores.embedded_text import NameIndex
from loaders.stores.embedded_walk import EmbeddedWalk
from loaders.work_rows import TYPES as WORK_TYPES
from loaders.work_rows import WorkRows, keep_work_rows
from loaders.write_listeners import WriteListeners

T = TypeVar("T")

BULK_ROWS = 5_000
"""A write of at least this many rows (an import's batch) pauses the cycle collector while it is
applied and freezes what it made (:func:`loaders.bulk.pause_gc`); a smaller one leaves it be."""

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, label TEXT NOT NULL, props TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS rels (start TEXT NOT NULL, key TEXT NOT NULL, end TEXT NOT NULL,"
    " type TEXT NOT NULL, props TEXT NOT NULL, PRIMARY KEY (start, key, end)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    "INSERT OR IGNORE INTO meta VALUES ('schema_version', '1')",
    *AUDIT_SCHEMA,
)


Applied = tuple[
    list[tuple[str, str, dict[str, Any]]],
    list[tuple[str, str, str, str, dict[str, Any]]],
    list[tuple[str, str, str]],
    list[str],
]
"""One applied write's rows: nodes, relationships, deleted relationships, deleted nodes."""


def _link(succ: dict[str, Any], pred: dict[str, Any], start: str, end: str, key: str, data: dict[str, Any]) -> None:
    """Add edge ``start -key-> end`` to a MultiDiGraph's adjacency dicts (both nodes exist)."""
    keyed = succ[start].get(end)
    if keyed is None:
        keyed = succ[start][end] = {}
        pred[end][start] = keyed
    keyed[key] = data


async def _whole(work: Awaitable[T]) -> T:
    """``work`` (a worker thread reading the graph) awaited to its end even when the caller is
    cancelled meanwhile, so that the write lock held around it is not released while the
    thread still reads what a write would change."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise


def _dumps(props: Any) -> str:
    return orjson.dumps(props, option=orjson.OPT_SORT_KEYS).decode()


class EmbeddedStore(EmbeddedReads, EmbeddedAudit, EmbeddedImportMarker, EmbeddedWalk):
    """The default store.  ``path`` is the SQLite file; ``":memory:"`` keeps nothing on disk."""

    name = "embedded"

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._g: nx.MultiDiGraph = nx.MultiDiGraph()
        self._by_label: dict[str, dict[str, None]] = {label.value: {} for label in Label}
        self._sorted: dict[tuple[str, str], list[tuple[Any, str]]] = {}
        self._names = NameIndex()
        self._closures: dict[str, frozenset[str]] = {}
        self._within: dict[tuple[str, str], tuple[int, frozenset[str]]] = {}
        self._insides: dict[str, tuple[int, dict[str, frozenset[str]], frozenset[str]]] = {}
        self._version = 0
        self._projection: KeptProjection | None = None
        self._db: sqlite3.Connection | None = None
        self._io: ThreadPoolExecutor | None = None
        self._lock = asyncio.Lock()
        self.availability = Availability()
        """Always up: the file is local (a failing disk shows as errors of the calls)."""
        self.projection_builds = 0
        """Whole projections built from memory (the first analysis, or after a write the kept one
        could not follow)."""
        self.projection_folds = 0
        """Times writes were folded into the kept projection instead."""
        self.on_applied: Callable[[int, Applied | None], None] | None = None
        """Called on the event loop after each write is applied to memory, in order, with the new
        version and the write's rows (``_apply``'s arguments; None for :meth:`clear`): how a
        replica in another process follows this store (:mod:`service.reader`)."""
        self._counted: weakref.WeakKeyDictionary[nx.MultiDiGraph, int] = weakref.WeakKeyDictionary()
        self.write_listeners = WriteListeners()
        """Told each committed batch after it is applied to memory (writes are one at a time
        under the store's lock, so in order), and ``None`` after :meth:`clear`: the service's
        kept answers follow this store's writes (:mod:`service.kept_answers`)."""

    # --- lifecycle -------------------------------------------------------------------
    async def open(self) -> None:
        if self._io is not None:
            return
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="civicmesh-sqlite")
        await self._run(self._open_sync)

    def _open_sync(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA cache_size=-262144")  # 256 MiB of page cache for bulk writes
        db.execute("PRAGMA temp_store=MEMORY")
        for stmt in _SCHEMA:
            db.execute(stmt)
        self._db = db
        g = nx.MultiDiGraph()
        node, succ, pred = g._node, g._succ, g._pred
        by_label = self._by_label
        with pause_gc():
            for node_id, label, props in db.execute("SELECT id, label, props FROM nodes"):
                node[node_id] = {"label": label, "p": orjson.loads(props)}
                succ[node_id] = {}
                pred[node_id] = {}
                by_label.setdefault(label, {})[node_id] = None
            for start, key, end, rtype, props in db.execute("SELECT start, key, end, type, props FROM rels"):
                _link(succ, pred, start, end, key, {"type": rtype, "p": orjson.loads(props)})
        self._g = g
        for label, ids in by_label.items():
            self._names.rebuild(label, ((i, node[i]["p"]) for i in ids))
        self._version += 1

    async def close(self) -> None:
        if self._io is None:
            return
        await self._run(self._close_sync)
        self._io.shutdown(wait=True)
        self._io = None

    def _close_sync(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    async def _run(self, fn: Any, *args: Any) -> Any:
        if self._io is None:
            raise RuntimeError("the embedded store is not open")
        return await asyncio.get_running_loop().run_in_executor(self._io, fn, *args)

    async def ping(self) -> None:
        await self._run(lambda: self._require_db().execute("SELECT 1").fetchone())

    def _require_db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the embedded store is not open")
        return self._db

    @property
    def generation(self) -> int:
        return self._version

    # --- writes ----------------------------------------------------------------------
    def _existing(self, batch: WriteBatch) -> Existing:
        nodes = self._g._node
        labels = {i: nodes[i]["label"] for i in batch.mentioned_ids() if i in nodes}
        parents = {}
        for rtype, start in batch.single_starts():
            parent = next((other for other, _ in self._edges(start, rtype, Direction.OUT)), None)
            if parent is not None:
                parents[(rtype, start)] = parent
        children: dict[str, int] = {}
        for node_id in batch.delete_nodes if batch.only_leaves else ():
            if node_id in nodes:
                labels[node_id] = nodes[node_id]["label"]
                children[node_id] = sum(1 for _ in self._edges(node_id, "PART_OF", Direction.IN))
        appeals: dict[str, dict[str, Any]] = {}
        handlers: dict[str, str] = {}
        for appeal_id in batch.appeal_ids():
            if appeal_id in nodes and nodes[appeal_id]["label"] == "Appeal":
                appeals[appeal_id] = nodes[appeal_id]["p"]
                handler = next((other for other, _ in self._edges(appeal_id, "ASSIGNED_TO", Direction.OUT)), None)
                if handler is not None:
                    handlers[appeal_id] = handler
        for node_id in batch.delete_nodes:
            if node_id in nodes:
                for appeal_id, _ in self._edges(node_id, "ASSIGNED_TO", Direction.IN):
                    appeals[appeal_id] = nodes[appeal_id]["p"]
                    handlers[appeal_id] = node_id
        current = {i: dict(nodes[i]["p"]) for i in batch.expect if i in nodes}  # under the write lock
        ends = {i: {k: nodes[i]["p"].get(k) for k in END_KIND_PROPS} for i in batch.checked_ends() if i in nodes}
        pred = self._g._pred  # one pass over each node's incoming edges for the three checked types
        held = {
            i: [
                (a["type"], start)
                for start, keyed in pred[i].items()
                for a in keyed.values()
                if a["type"] in CHECKED_TYPES
            ]
            for i in batch.held_ids()
            if i in nodes
        }
        assessments = {i: nodes[i]["p"] for i in batch.assessment_patch_ids() if i in nodes}
        return Existing(labels, parents, children, appeals, handlers, current, ends, held=held, assessments=assessments)

    def _matching_rels(self, ref: RelRef) -> list[tuple[str, str, str]]:
        keyed = self._g._succ.get(ref.start, {}).get(ref.end, {})
        return [(ref.start, k, ref.end) for k, a in keyed.items() if a["type"] == ref.type and (ref.key in (None, k))]

    async def write(self, batch: WriteBatch, *, audit: Sequence[AuditEvent] = ()) -> WriteResult:
        async with self._lock:
            problems = validate_batch(batch, self._existing(batch))
            if problems:
                raise ValidationError(problems)
            g = self._g
            rel_deletes = [t for ref in batch.delete_relationships for t in self._matching_rels(ref)]
            node_deletes = [i for i in dict.fromkeys(batch.delete_nodes) if i in g]
            for node_id in node_deletes:
                rel_deletes += [(node_id, k, o) for o, keyed in g._succ[node_id].items() for k in keyed]
                rel_deletes += [(o, k, node_id) for o, keyed in g._pred[node_id].items() for k in keyed]
            rel_deletes = list(dict.fromkeys(rel_deletes))
            if batch.patch:  # merged into the stored node under the write lock, so no change is lost
                stored = g._node
                node_rows = [
                    (n.id, n.label, {k: v for k, v in {**stored[n.id]["p"], **n.properties}.items() if v is not None})
                    for n in batch.nodes
                ]
            else:
                node_rows = [
                    (n.id, n.label, {k: v for k, v in n.properties.items() if v is not None}) for n in batch.nodes
                ]
            rel_rows = [
                (r.start, r.key, r.end, r.type, {k: v for k, v in r.properties.items() if v is not None})
                for r in batch.relationships
            ]
            await self._run(self._write_sync, node_rows, rel_rows, rel_deletes, node_deletes, audit_rows(audit))
            rows = len(node_rows) + len(rel_rows) + len(rel_deletes) + len(node_deletes)
            # a bulk write's objects frozen out of the collector's sight; a small one's are few, and
            # freezing at every write would also freeze (and so never free) every cycle of garbage
            # that the requests in flight left
            applied: Applied = (node_rows, rel_rows, rel_deletes, node_deletes)
            with pause_gc() if rows >= BULK_ROWS else contextlib.nullcontext():
                self._apply_followed(applied)
            if self.on_applied is not None:
                self.on_applied(self._version, applied)
            self.write_listeners.tell(batch)
            return WriteResult(len(node_rows), len(rel_rows), len(rel_deletes), len(node_deletes))

    def _write_sync(
        self,
        node_rows: list[tuple[str, str, dict[str, Any]]],
        rel_rows: list[tuple[str, str, str, str, dict[str, Any]]],
        rel_deletes: list[tuple[str, str, str]],
        node_deletes: list[str],
        audit: list[tuple[Any, ...]],
    ) -> None:
        db = self._require_db()
        db.execute("BEGIN IMMEDIATE")
        try:
            if rel_deletes:
                db.executemany("DELETE FROM rels WHERE start = ? AND key = ? AND end = ?", rel_deletes)
            if node_deletes:
                db.executemany("DELETE FROM nodes WHERE id = ?", [(i,) for i in node_deletes])
            if node_rows:
                db.executemany(
                    "INSERT OR REPLACE INTO nodes (id, label, props) VALUES (?, ?, ?)",
                    [(i, label, _dumps(p)) for i, label, p in node_rows],
                )
            if rel_rows:
                db.executemany(
                    "INSERT OR REPLACE INTO rels (start, key, end, type, props) VALUES (?, ?, ?, ?, ?)",
                    [(s, k, e, t, _dumps(p)) for s, k, e, t, p in rel_rows],
                )
            if audit:  # the write's own events, committed with it
                db.executemany(INSERT_AUDIT, audit)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _apply_followed(self, rows: Applied) -> None:
        """Apply a committed write's rows to memory (:meth:`_apply`) and note them in the kept
        projection, not copied: folded when an analysis next asks.  A replica following this
        store's writes in another process applies them here too (:mod:`service.reader`)."""
        before = self._version
        kept = self._projection
        renames = kept is not None and self._renames_only(rows)  # read before the rows are applied
        self._apply(*rows)
        if kept is not None and not kept.follow(before, self._version, Delta(*rows), renames_only=renames):
            self._projection = None

    def _renames_only(self, rows: Applied) -> bool:
        """Whether a write's rows only set :data:`~loaders.projection_cache.NAME_PROPERTIES` of
        nodes that exist: the analyses' figures are the same after it (their sessions answer on,
        :func:`resolvers.analytics.snapshot._renamed`)."""
        node_rows, rel_rows, rel_deletes, node_deletes = rows
        if rel_rows or rel_deletes or node_deletes:
            return False
        nodes = self._g._node
        for node_id, label, props in node_rows:
            stored = nodes.get(node_id)
            if stored is None or stored["label"] != label:
                return False
            old = stored["p"]
            if any(old.get(k) != v for k, v in props.items() if k not in NAME_PROPERTIES):
                return False
            if any(k not in props for k in old if k not in NAME_PROPERTIES):
                return False
        return True

    def counted_version(self, graph: nx.MultiDiGraph) -> int:
        """What analyses count in a projection :meth:`project` handed out, as a number: two with
        the same number differ at most in names; 0 for a graph it did not make."""
        return self._counted.get(graph, 0)

    def _apply(
        self,
        node_rows: list[tuple[str, str, dict[str, Any]]],
        rel_rows: list[tuple[str, str, str, str, dict[str, Any]]],
        rel_deletes: list[tuple[str, str, str]],
        node_deletes: list[str],
    ) -> None:
        g = self._g
        touched = {g._node[i]["label"] for i in node_deletes}
        self._names.update(node_rows, [(g._node[i]["label"], i) for i in node_deletes])
        for start, key, end in rel_deletes:
            if g.has_edge(start, end, key):
                g.remove_edge(start, end, key)
        for node_id in node_deletes:
            self._by_label[g._node[node_id]["label"]].pop(node_id, None)
            g.remove_node(node_id)
        node, succ, pred = g._node, g._succ, g._pred
        by_label = self._by_label
        for node_id, label, props in node_rows:
            data = node.get(node_id)
            if data is None:
                node[node_id] = {"label": label, "p": props}
                succ[node_id] = {}
                pred[node_id] = {}
            else:
                data["p"] = props
            by_label.setdefault(label, {})[node_id] = None
            touched.add(label)
        for start, key, end, rtype, props in rel_rows:
            _link(succ, pred, start, end, key, {"type": rtype, "p": props})
        self._version += 1
        if touched:
            self._sorted = {k: v for k, v in self._sorted.items() if k[0] not in touched}
        if node_deletes or any(r[3] == "PART_OF" for r in rel_rows) or any("PART_OF" in d[1] for d in rel_deletes):
            self._closures.clear()

    async def upsert(self, nodes: Sequence[Node] = (), relationships: Sequence[Relationship] = ()) -> WriteResult:
        return await self.write(WriteBatch(nodes, relationships))

    async def delete(self, node_ids: Sequence[str] = (), relationships: Sequence[RelRef] = ()) -> WriteResult:
        return await self.write(WriteBatch(delete_relationships=relationships, delete_nodes=node_ids))

    async def clear(self) -> None:
        async with self._lock:
            await self._run(self._clear_sync)
            self._clear_memory()
            if self.on_applied is not None:
                self.on_applied(self._version, None)
            self.write_listeners.tell(None)

    def _clear_memory(self) -> None:
        self._g = nx.MultiDiGraph()
        self._by_label = {label.value: {} for label in Label}
        self._sorted.clear()
        self._names.clear()
        self._closures.clear()
        self._version += 1

    def _clear_sync(self) -> None:
        db = self._require_db()
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM rels")
        db.execute("DELETE FROM nodes")
        db.execute("COMMIT")

    # --- analytics -------------------------------------------------------------------
    async def project(
        self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None
    ) -> nx.MultiDiGraph:
        """Built on a worker thread while writes wait, so the event loop keeps serving reads; the
        whole projection is kept, and the writes since are folded into it (on a worker thread
        too) when it is next asked for (:mod:`~loaders.stores.embedded_projection`)."""
        whole = labels is None and rel_types is None
        kept = self._projection
        if whole and kept is not None and kept.version == self._version and not kept.pending:
            return kept.graph
        async with self._lock:
            kept = self._projection
            if whole and kept is not None and kept.version == self._version:
                if not kept.pending:
                    return kept.graph
                folded: nx.MultiDiGraph = await _whole(asyncio.to_thread(kept.fold, self._given_star))
                self._counted[folded] = kept.counted
                self.projection_folds += 1
                gc.freeze()  # its copied dicts (entries by the hundred thousand) out of the collector's sight
                return folded
            version = self._version
            out: nx.MultiDiGraph = await _whole(asyncio.to_thread(self._build_projection, labels, rel_types))
            if whole:
                self.projection_builds += 1
                self._projection = KeptProjection(version, out)
                self._counted[out] = self._projection.counted
            return out

    def _given_star(self, org: str) -> Any:
        """The ``star`` stored on branch ``org`` (before its assessments override it)."""
        return self._g._node[org]["p"].get("star")

    def _build_projection(self, labels: Sequence[str] | None, rel_types: Sequence[str] | None) -> nx.MultiDiGraph:
        wanted_labels = set(labels) if labels else None
        wanted_types = set(rel_types) if rel_types else None
        src = self._g
        out = nx.MultiDiGraph()
        node, succ, pred = out._node, out._succ, out._pred
        earned = EarnedRows()  # collected on the way: what points would walk every member's edges for
        add_earned = earned.add
        work = WorkRows()  # the activities' and visits' rows, collected on the way (loaders.work_rows)
        add_work = work.add
        with pause_gc():
            for i, d in src._node.items():
                label = d["label"]
                if wanted_labels is None or label in wanted_labels:
                    node[i] = {"label": label, **without_pii(label, d["p"])}
                    succ[i] = {}
                    pred[i] = {}
            for s, nbrs in src._succ.items():
                if s not in node:
                    continue
                for e, keyed in nbrs.items():
                    if e not in node:
                        continue
                    for k, a in keyed.items():
                        t = a["type"]
                        if wanted_types is None or t in wanted_types:
                            _link(succ, pred, s, e, k, {"type": t, **a["p"]})
                            if t == EARNED:
                                add_earned(s, e, a["p"])
                            elif t in WORK_TYPES:
                                add_work(t, s, e, a["p"])
        apply_final_stars(out)
        nx.freeze(out)
        keep_rows(out, earned)
        keep_work_rows(out, work)
        return out
