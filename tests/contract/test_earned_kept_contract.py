"""The EARNED columns kept with a store's projection follow its writes (both stores).

The points analysis keeps the EARNED columns with the projection (``analytics.work.kept``).
The embedded store carries its projection forward over each write, and so does the service's
projection cache over this process's writes to Neo4j; the columns go with it and are brought
up to date from the writes.  After a new EARNED, an activity whose kind changed (the source of
its points) and an activity deleted (with its EARNED), the kept projection's points must be
those of a projection read fresh from the store, and its columns must hold the same rows.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
import pytest

import analytics as A
from analytics.work import kept as K
from analytics.work.readers import EarnedColumns, read_earned, scan
from graph_schema import Node, Relationship, WriteBatch
from loaders.earned_rows import KEY as ROWS_KEY
from loaders.formats.batches import write_batches
from loaders.projection_cache import ProjectionCache
from loaders.store import GraphStore
from service.commands.analysis import PROJECTIONS
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

PERIOD = {"date_from": "2025-11-01", "date_to": "2026-10-31"}

WRITES = [
    WriteBatch(
        relationships=[Relationship("EARNED", "pm1", "s2-vs1", {"points": 7, "on": "2026-09-21", "reason": "补记"})]
    ),
    WriteBatch([Node("Activity", "s2-spe1", {"kind": "VOLUNTEER_SERVICE"})], patch=True),
    WriteBatch(delete_nodes=["s2-mc1"]),
]


def rows(cols: EarnedColumns) -> Counter[tuple[Any, ...]]:
    members, sources = cols.member_ids, cols.sources
    return Counter(
        zip(
            [members[i] for i in cols.member.tolist()],
            cols.target,
            [sources[i] for i in cols.source.tolist()],
            cols.points.tolist(),
            cols.day.tolist(),
            strict=True,
        )
    )


def points(G: Any) -> tuple[dict[str, Any], EarnedColumns]:
    s = A.AnalyticsSession(G)
    return A.points_stats(G, work=s.work, **PERIOD).to_dict(), s.work.earned_columns


async def test_the_kept_earned_columns_follow_writes(store: GraphStore) -> None:
    for batch in write_batches(CITY.nodes, CITY.relationships, 500):
        await store.write(batch)
    cache = ProjectionCache(store, max_age=3600.0)
    before: nx.MultiDiGraph = await cache.graph()
    first, _ = points(before)
    assert first["points"] > 0 and K.kept(before) is not None
    for batch in WRITES:
        await store.write(batch)
    after: nx.MultiDiGraph = await cache.graph()
    found = K.kept(after)
    assert after is not before and found is not None and len(found[1]) == len(WRITES)  # carried with the writes
    followed, cols = points(after)
    assert K.kept(after) == (cols, ())
    labels, types = PROJECTIONS["work"]
    fresh = await store.project(labels=labels, rel_types=types)  # read from the store, nothing kept
    assert K.kept(fresh) is None
    want, fresh_cols = points(fresh)
    assert followed == want
    assert rows(cols) == rows(fresh_cols)
    assert followed != first  # the writes moved the figures


async def test_the_store_collects_the_earned_rows_with_its_projection(store: GraphStore) -> None:
    """The rows the store collects while it builds the projection (``loaders.earned_rows``) make
    the columns a read of the projection makes, and after writes (carried with the projection,
    the columns never read before them) the columns made from them and brought up to date do too."""
    for batch in write_batches(CITY.nodes, CITY.relationships, 500):
        await store.write(batch)
    cache = ProjectionCache(store, max_age=3600.0)
    before: nx.MultiDiGraph = await cache.graph()
    stored = before.kept_with[ROWS_KEY]
    assert stored[1] == () and len(stored[0]) > 0
    made = K.columns_of_rows(stored[0], before._node)
    assert rows(made) == rows(read_earned(before._node, before._succ, scan(before._node)))
    for batch in WRITES:
        await store.write(batch)
    after: nx.MultiDiGraph = await cache.graph()
    assert after is not before and len(after.kept_with[ROWS_KEY][1]) == len(WRITES)
    followed, cols = points(after)  # made from the rows, brought up to date over the writes
    assert K.kept(after) == (cols, ()) and ROWS_KEY not in after.kept_with
    assert rows(cols) == rows(read_earned(after._node, after._succ, scan(after._node)))
    labels, types = PROJECTIONS["work"]
    want, _ = points(await store.project(labels=labels, rel_types=types))
    assert followed == want
