"""The import-in-progress marker of the embedded store, kept in its SQLite file.

A mixin of :class:`~loaders.stores.embedded.EmbeddedStore`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from loaders.store import ImportMarker, audit_time, parse_audit_time


class EmbeddedImportMarker:
    # The marker is the row ``import`` of the ``meta`` table (JSON): outside the graph, so
    # never loaded into memory, projected, scanned, exported or cleared.

    _run: Callable[..., Awaitable[Any]]
    _require_db: Callable[[], sqlite3.Connection]

    async def begin_import(self, source: str) -> ImportMarker:
        return await self._run(self._begin_import_sync, source)  # type: ignore[no-any-return]

    def _begin_import_sync(self, source: str) -> ImportMarker:
        current = self._current_import_sync()
        if current is not None and current.source == source:
            return current
        marker = ImportMarker(source, dt.datetime.now(dt.UTC).replace(microsecond=0))
        self._put_marker(marker)
        return marker

    def _put_marker(self, marker: ImportMarker) -> None:
        value = orjson.dumps(
            {"source": marker.source, "started": audit_time(marker.started), "batches": marker.batches_done}
        ).decode()
        self._require_db().execute("INSERT OR REPLACE INTO meta VALUES ('import', ?)", (value,))

    async def import_progress(self, batches_done: int) -> None:
        def sync() -> None:
            current = self._current_import_sync()
            if current is not None:
                self._put_marker(ImportMarker(current.source, current.started, batches_done))

        await self._run(sync)

    async def end_import(self) -> None:
        await self._run(lambda: self._require_db().execute("DELETE FROM meta WHERE k = 'import'"))

    async def current_import(self) -> ImportMarker | None:
        return await self._run(self._current_import_sync)  # type: ignore[no-any-return]

    def _current_import_sync(self) -> ImportMarker | None:
        row = self._require_db().execute("SELECT v FROM meta WHERE k = 'import'").fetchone()
        if row is None:
            return None
        data = orjson.loads(row[0])
        return ImportMarker(str(data["source"]), parse_audit_time(data["started"]), int(data["batches"]))
