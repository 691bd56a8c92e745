"""The audit trail of the Neo4j store: ``AuditEvent`` nodes, appended and never changed.

A mixin of :class:`~loaders.stores.neo4j_store.Neo4jStore`; the statements are in
:mod:`loaders.stores.cypher` (``AUDIT_DDL``, ``APPEND_AUDIT``, ``READ_AUDIT``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from neo4j import AsyncDriver, RoutingControl

from loaders.cursors import decode_cursor, encode_cursor
from loaders.store import AuditEvent, AuditFilter, AuditPage, Availability, Outcome, audit_time, parse_audit_time
from loaders.stores import cypher
from loaders.stores.neo4j_guard import guarded


def audit_rows(events: Sequence[AuditEvent]) -> list[dict[str, Any]]:
    """The ``$rows`` of :data:`~loaders.stores.cypher.APPEND_AUDIT` for ``events``."""
    return [
        {
            "at": audit_time(e.at),
            "id": e.id,
            "actor": e.actor,
            "name": e.name,
            "role": e.role,
            "scope": e.scope,
            "operation": e.operation,
            "targets": list(e.targets),
            "fields": list(e.fields),
            "outcome": e.outcome.value,
            "code": e.code,
            "request_id": e.request_id,
        }
        for e in events
    ]


class Neo4jAudit:
    """Appends to and reads the audit trail through the store's driver."""

    availability: Availability
    database: str
    _read: Callable[..., Awaitable[list[Any]]]
    if TYPE_CHECKING:

        @property
        def driver(self) -> AsyncDriver: ...

    @guarded(cancellable=False)
    async def append_audit(self, events: Sequence[AuditEvent]) -> None:
        rows = audit_rows(events)
        if rows:
            await self.driver.execute_query(
                cypher.APPEND_AUDIT, {"rows": rows}, routing_=RoutingControl.WRITE, database_=self.database
            )

    async def read_audit(
        self, *, filter: AuditFilter | None = None, first: int = 50, after: str | None = None
    ) -> AuditPage:
        flt = filter or AuditFilter()
        cat = cid = None
        if after is not None:
            at, cid = decode_cursor(after)
            cat = str(at)
        (record,) = await self._read(
            cypher.READ_AUDIT,
            actor=flt.actor,
            outcome=flt.outcome.value if flt.outcome is not None else None,
            since=audit_time(flt.since) if flt.since is not None else None,
            until=audit_time(flt.until) if flt.until is not None else None,
            cat=cat,
            cid=cid,
            limit=first + 1,
        )
        rows = record["rows"]
        events = [
            AuditEvent(
                at=parse_audit_time(r["at"]),
                id=r["id"],
                actor=r.get("actor"),
                name=r.get("name"),
                role=r.get("role"),
                scope=r.get("scope"),
                operation=r["operation"],
                targets=tuple(r.get("targets") or ()),
                fields=tuple(r.get("fields") or ()),
                outcome=Outcome(r["outcome"]),
                code=r.get("code"),
                request_id=r.get("request_id"),
            )
            for r in rows[:first]
        ]
        return AuditPage(
            events=events,
            cursors=[encode_cursor(audit_time(e.at), e.id) for e in events],
            has_more=len(rows) > first,
        )
