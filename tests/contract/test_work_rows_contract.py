"""The activities' and visits' rows a store collects with its projection follow its writes (both stores).

While it builds the projection, each store appends every HELD_BY, HELD_IN, SERVED, ADVANCES,
ATTENDED and VISITED to ``loaders.work_rows.WorkRows`` and keeps them with it; the work index
reads its ``activities`` and ``visits`` parts from them (``analytics.work.rows``).  They must
hold exactly the rows of the projection's edges, and after writes (carried with the projection)
the rows brought up to date must too, with the contact and activity figures of a projection
read fresh from the store.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
import pytest

import analytics as A
from analytics.work import rows as W
from analytics.work.readers import read_activities, read_visits, scan
from graph_schema import Node, Relationship, WriteBatch
from loaders.formats.batches import write_batches
from loaders.projection_cache import ProjectionCache
from loaders.store import GraphStore
from loaders.work_rows import KEY, TYPES
from service.commands.analysis import PROJECTIONS
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

PERIOD = {"date_from": "2025-11-01", "date_to": "2026-10-31"}

WRITES = [
    # 孙丽 comes to the first monthly contact too, and 赵海 visits a household he links again
    WriteBatch(relationships=[Relationship("ATTENDED", "s2c1g2b1-m", "s2-mc1")]),
    WriteBatch(relationships=[Relationship("VISITED", "pm1", "hh3", {"on": "2026-10-20"})]),
    # the volunteering moves to a grid; the second monthly contact is deleted with its relationships
    WriteBatch(
        [Node("Activity", "s2-vs2", {"kind": "VOLUNTEER_SERVICE", "on": "2026-10-02", "title": "观西义诊"})],
        relationships=[
            Relationship("HELD_BY", "s2-vs2", "s2c1-po"),
            Relationship("HELD_IN", "s2-vs2", "s2c1g1"),
            Relationship("ATTENDED", "s2c1g1b1-w", "s2-vs2"),
            Relationship("SERVED", "s2-vs2", "s2c1g2b1-h"),
        ],
    ),
    WriteBatch(delete_nodes=["s2-mc2"]),
]


def as_multiset(rows: Any) -> Counter[tuple[Any, ...]]:
    """The rows, order-free: ``(type, start, end, on)``."""
    found: Counter[tuple[Any, ...]] = Counter()
    for rtype in sorted(TYPES):
        ons = rows.visited_on if rtype == "VISITED" else [None] * len(rows.start[rtype])
        found.update(zip([rtype] * len(ons), rows.start[rtype], rows.end[rtype], ons, strict=True))
    return found


def figures(G: Any) -> tuple[dict[str, Any], dict[str, Any], Any]:
    s = A.AnalyticsSession(G)
    contact = A.monthly_contact(G, index=s.index, linkage=s.linkage, work=s.work, **PERIOD).to_dict()
    activities = A.activity_stats(G, index=s.index, work=s.work, **PERIOD).to_dict()
    return contact, activities, s.work


async def test_the_store_collects_the_work_rows_with_its_projection(store: GraphStore) -> None:
    for batch in write_batches(CITY.nodes, CITY.relationships, 500):
        await store.write(batch)
    cache = ProjectionCache(store, max_age=3600.0)
    before: nx.MultiDiGraph = await cache.graph()
    rows, writes = before.kept_with[KEY]
    assert writes == () and len(rows) > 0
    assert as_multiset(rows) == as_multiset(W.rows_of(before))
    s = scan(before._node)
    assert W.activities_of_rows(before._node, rows, s) == read_activities(before._node, before._succ, before._pred, s)
    assert W.visits_of_rows(rows, s) == read_visits(before._succ, s)
    first_contact, first_activities, _ = figures(before)
    for batch in WRITES:
        await store.write(batch)
    after: nx.MultiDiGraph = await cache.graph()
    assert after is not before and len(after.kept_with[KEY][1]) == len(WRITES)  # carried with the writes
    contact, activities, work = figures(after)  # the parts read from the rows, brought up to date
    followed, since = after.kept_with[KEY]
    assert since == () and as_multiset(followed) == as_multiset(W.rows_of(after))
    assert sorted(a.id for a in work.activities) == sorted(
        n for n, d in after.nodes(data=True) if d["label"] == "Activity"
    )
    labels, types = PROJECTIONS["work"]
    fresh = await store.project(labels=labels, rel_types=types)  # read from the store
    want_contact, want_activities, _ = figures(fresh)
    assert (contact, activities) == (want_contact, want_activities)
    assert (contact, activities) != (first_contact, first_activities)  # the writes moved the figures
