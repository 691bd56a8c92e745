"""The Neo4j store's analytics projection (``GraphStore.project``).

A mixin of :class:`~loaders.stores.neo4j_store.Neo4jStore`; the statement is in
:mod:`loaders.stores.cypher_projection`.  See docs/design.md sections 2.5 and 7.10.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
from neo4j import AsyncDriver, AsyncManagedTransaction

from graph_schema import rel_key
from graph_schema.privacy import pii_fields
from loaders.assessment_stars import apply_final_stars
from loaders.bulk import pause_gc
from loaders.earned_rows import EARNED, EarnedRows, keep_rows
from loaders.store import Availability
from loaders.stores import cypher_projection
from loaders.stores.neo4j_guard import guarded
from loaders.work_rows import TYPES as WORK_TYPES
from loaders.work_rows import WorkRows, keep_work_rows

_PROJECTION_YIELD = 5000
"""Nodes whose relationships :meth:`Neo4jProjection.project` adds between two turns of the event loop."""


class Neo4jProjection:
    """Reads the whole graph (or its ``labels`` and ``rel_types``) into a frozen networkx graph."""

    availability: Availability
    database: str
    _fetch_size: int
    projection_chunk: int | None = None
    """Nodes per read transaction of :meth:`project` (None: ``fetch_size * 4``, at least 1,000)."""
    if TYPE_CHECKING:

        @property
        def driver(self) -> AsyncDriver: ...

    @guarded(cancellable=True)
    async def project(
        self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None
    ) -> nx.MultiDiGraph:
        """Streams nodes in id order with the relationships leaving them, in chunks of
        ``fetch_size * 4`` nodes collected on the server (one record per chunk), each chunk a
        read transaction of its own (a failure retries that chunk, not the city; Neo4j reads
        committed data, so one long transaction was no snapshot either: see docs/design.md)."""
        g = nx.MultiDiGraph()
        wanted = list(labels) if labels else None
        types = list(rel_types) if rel_types else None
        chunk = self.projection_chunk or max(1000, self._fetch_size * 4)
        node, succ, pred = g._node, g._succ, g._pred
        leaving: list[tuple[str, list[Any]]] = []
        personal: dict[str, tuple[str, ...]] = {}
        earned = EarnedRows()  # collected on the way (loaders.earned_rows)
        add_earned = earned.add
        work = WorkRows()  # the activities' and visits' rows, collected on the way (loaders.work_rows)
        add_work = work.add

        async def read(tx: AsyncManagedTransaction, after: str) -> list[Any]:
            record = await (
                await tx.run(cypher_projection.PROJECT_CHUNK, after=after, labels=wanted, types=types, limit=chunk)
            ).single()
            return record["rows"] if record else []

        async with self.driver.session(
            database=self.database,
            default_access_mode="READ",
            bookmark_manager=self.driver.execute_query_bookmark_manager,
        ) as session:
            with pause_gc():
                after = ""
                while rows := await session.execute_read(read, after):
                    for node_id, label, props, rels in rows:
                        del props["id"]
                        # the decoded map is this loop's own: personal fields leave it in place
                        # (what ``without_pii`` keeps, without its copy of every node's map)
                        fields = personal.get(label)
                        if fields is None:
                            fields = personal[label] = tuple(pii_fields(label))
                        for field in fields:
                            props.pop(field, None)
                        node[node_id] = {"label": label, **props}
                        succ[node_id] = {}
                        pred[node_id] = {}
                        if rels:
                            leaving.append((node_id, rels))
                    after = rows[-1][0]
                    del rows
                # Relationships once every node is known: one to a node not projected (not of
                # ``labels``, or created after its chunk was read) is left out.  The loop lets
                # the event loop run every few thousand nodes: a city's 1.7M relationships take
                # seconds, which requests and the store watch's pings should not wait for.
                for i, (start, rels) in enumerate(leaving):
                    if i % _PROJECTION_YIELD == _PROJECTION_YIELD - 1:
                        await asyncio.sleep(0)
                    out = succ[start]
                    for rtype, end, props in rels:
                        if end not in node:
                            continue
                        keyed = out.get(end)
                        if keyed is None:
                            keyed = out[end] = {}
                            pred[end][start] = keyed
                        keyed[rel_key(rtype, props)] = {"type": rtype, **props}
                        if rtype == EARNED:
                            add_earned(start, end, props)
                        elif rtype in WORK_TYPES:
                            add_work(rtype, start, end, props)
                del leaving
        apply_final_stars(g)
        nx.freeze(g)
        keep_rows(g, earned)
        keep_work_rows(g, work)
        return g
