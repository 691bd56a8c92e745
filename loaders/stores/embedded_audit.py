"""The audit trail of the embedded store: the append-only ``audit`` table of its SQLite file.

A mixin of :class:`~loaders.stores.embedded.EmbeddedStore`; the table and its triggers are
created with the store's own tables (:data:`AUDIT_SCHEMA`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson

from loaders.cursors import decode_cursor, encode_cursor
from loaders.store import AuditEvent, AuditFilter, AuditPage, Outcome, audit_time, parse_audit_time

AUDIT_SCHEMA = (
    # The audit trail: append-only (the triggers refuse any change or removal of an event).
    "CREATE TABLE IF NOT EXISTS audit (at TEXT NOT NULL, id TEXT NOT NULL, actor TEXT, name TEXT, role TEXT,"
    " scope TEXT, operation TEXT NOT NULL, targets TEXT NOT NULL, fields TEXT NOT NULL, outcome TEXT NOT NULL,"
    " code TEXT, request_id TEXT, PRIMARY KEY (at, id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor, at, id)",
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)


def _dumps(props: Any) -> str:
    return orjson.dumps(props, option=orjson.OPT_SORT_KEYS).decode()


INSERT_AUDIT = "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
"""One event of :func:`audit_rows`, inside a transaction the caller holds."""


def audit_rows(events: Sequence[AuditEvent]) -> list[tuple[Any, ...]]:
    """The rows of the ``audit`` table for ``events`` (:data:`INSERT_AUDIT`)."""
    return [
        (
            audit_time(e.at),
            e.id,
            e.actor,
            e.name,
            e.role,
            e.scope,
            e.operation,
            _dumps(list(e.targets)),
            _dumps(list(e.fields)),
            e.outcome.value,
            e.code,
            e.request_id,
        )
        for e in events
    ]


class EmbeddedAudit:
    """Appends to and reads the audit trail through the store's SQLite worker thread."""

    _run: Callable[..., Awaitable[Any]]
    _require_db: Callable[[], sqlite3.Connection]

    async def append_audit(self, events: Sequence[AuditEvent]) -> None:
        rows = audit_rows(events)
        if rows:
            await self._run(self._append_audit_sync, rows)

    def _append_audit_sync(self, rows: list[tuple[Any, ...]]) -> None:
        db = self._require_db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(INSERT_AUDIT, rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    async def read_audit(
        self, *, filter: AuditFilter | None = None, first: int = 50, after: str | None = None
    ) -> AuditPage:
        flt = filter or AuditFilter()
        where, params = ["1 = 1"], []
        if flt.actor is not None:
            where.append("actor = ?")
            params.append(flt.actor)
        if flt.outcome is not None:
            where.append("outcome = ?")
            params.append(flt.outcome.value)
        if flt.since is not None:
            where.append("at >= ?")
            params.append(audit_time(flt.since))
        if flt.until is not None:
            where.append("at < ?")
            params.append(audit_time(flt.until))
        if after is not None:
            at, event_id = decode_cursor(after)
            where.append("(at > ? OR (at = ? AND id > ?))")
            params += [str(at), str(at), event_id]
        query = (
            "SELECT at, id, actor, name, role, scope, operation, targets, fields, outcome, code, request_id"
            f" FROM audit WHERE {' AND '.join(where)} ORDER BY at, id LIMIT ?"
        )
        rows: list[tuple[Any, ...]] = await self._run(
            lambda: self._require_db().execute(query, [*params, first + 1]).fetchall()
        )
        events = [
            AuditEvent(
                at=parse_audit_time(at),
                id=event_id,
                actor=actor,
                name=name,
                role=role,
                scope=scope,
                operation=operation,
                targets=tuple(orjson.loads(targets)),
                fields=tuple(orjson.loads(fields)),
                outcome=Outcome(outcome),
                code=code,
                request_id=request_id,
            )
            for at, event_id, actor, name, role, scope, operation, targets, fields, outcome, code, request_id in rows[
                :first
            ]
        ]
        return AuditPage(
            events=events,
            cursors=[encode_cursor(audit_time(e.at), e.id) for e in events],
            has_more=len(rows) > first,
        )
