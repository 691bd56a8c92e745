"""The import-in-progress marker of the Neo4j store: one ``ImportMarker`` node.

A mixin of :class:`~loaders.stores.neo4j_store.Neo4jStore`; the statements are in
:mod:`loaders.stores.cypher` (``IMPORT_DDL``, ``BEGIN_IMPORT``, ``IMPORT_PROGRESS``, ...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from neo4j import AsyncDriver, RoutingControl

from loaders.store import Availability, ImportMarker, audit_time, parse_audit_time
from loaders.stores import cypher
from loaders.stores.neo4j_guard import guarded


class Neo4jImportMarker:
    """Sets, advances, clears and reads the marker through the store's driver."""

    availability: Availability
    database: str
    _read: Callable[..., Awaitable[list[Any]]]
    if TYPE_CHECKING:

        @property
        def driver(self) -> AsyncDriver: ...

    @guarded(cancellable=False)
    async def begin_import(self, source: str) -> ImportMarker:
        started = audit_time(dt.datetime.now(dt.UTC))
        records, _, _ = await self.driver.execute_query(
            cypher.BEGIN_IMPORT,
            {"source": source, "started": started},
            routing_=RoutingControl.WRITE,
            database_=self.database,
        )
        return _marker(records[0]["m"])

    @guarded(cancellable=False)
    async def import_progress(self, batches_done: int) -> None:
        await self.driver.execute_query(
            cypher.IMPORT_PROGRESS, {"batches": batches_done}, routing_=RoutingControl.WRITE, database_=self.database
        )

    @guarded(cancellable=False)
    async def end_import(self) -> None:
        await self.driver.execute_query(cypher.END_IMPORT, routing_=RoutingControl.WRITE, database_=self.database)

    async def current_import(self) -> ImportMarker | None:
        rows = await self._read(cypher.CURRENT_IMPORT)
        return _marker(rows[0]["m"]) if rows else None


def _marker(props: dict[str, Any]) -> ImportMarker:
    return ImportMarker(str(props["source"]), parse_audit_time(props["started"]), int(props["batches"]))
