"""The EARNED rows a store collects while it builds its projection make the same columns as a read
(and the work scan from the area index's grouping by label finds what a scan of every node finds).

A store appends every EARNED to :class:`loaders.earned_rows.EarnedRows` as its projection
builder meets it (``analytics.work.kept.columns_of_rows`` makes points' columns from them
instead of walking every member's edges).  On random work cities, with values of every shape a
property may hold (text points, a flag for points, dates as dates, an ``on`` that is a list, a
reason that is a number, an EARNED that starts elsewhere than at a party member), the columns
made from the rows hold exactly the rows :func:`analytics.work.readers.read_earned` reads; and
after random writes carry the projection forward, the rows, brought up to date, still do.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import networkx as nx
from analytics_testkit import DAY0, nodes_with
from hypothesis import given, settings
from hypothesis import strategies as st
from test_analytics_work import with_random_work
from test_earned_kept import OPS, delta_of, rows

from analytics import AnalyticsSession
from analytics._common import nodes_by_label
from analytics.areas import AreaIndex
from analytics.work import kept as K
from analytics.work.index import WorkIndex
from analytics.work.points import points_stats
from analytics.work.readers import read_earned, scan, scan_grouped
from loaders.earned_rows import KEY, EarnedRows, keep_rows
from loaders.projection_delta import advance

ODD_VALUES = {
    "points": ["4", True, None, 2.5, "x"],
    "on": [dt.date(2026, 9, 3), ["2026-09-03"], "soon", None, "2026-09-04T10:00:00"],
    "reason": [7, None, "补记"],
}


def collected(G: Any) -> EarnedRows:
    """The rows as a store's projection builder collects them: edge by edge, start by start."""
    found = EarnedRows()
    for start, out in G._succ.items():
        for end, keyed in out.items():
            for rel in keyed.values():
                if rel.get("type") == "EARNED":
                    found.add(start, end, rel)
    return found


def with_odd_earned(seed: int) -> nx.MultiDiGraph:
    """A random work city with some EARNED of odd values, and one from an activity."""
    G = with_random_work(seed)
    rnd = random.Random(seed)
    members, acts = nodes_with(G, "PartyMember"), nodes_with(G, "Activity")
    if members and acts:
        for i in range(rnd.randint(0, 6)):
            props = {k: rnd.choice(v) for k, v in ODD_VALUES.items()}
            props = {k: v for k, v in props.items() if v is not None}
            G.add_edge(rnd.choice(members), rnd.choice(acts), key=f"EARNED|odd{i}", type="EARNED", **props)
        if rnd.random() < 0.3:
            G.add_edge(acts[0], acts[-1], key="EARNED|nobody", type="EARNED", points=1, on="2026-09-02")
    return G


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_rows_make_the_columns_a_read_makes(seed: int) -> None:
    G = with_odd_earned(seed)
    made = K.columns_of_rows(collected(G), G._node)
    read = read_earned(G._node, G._succ, scan(G._node))
    assert rows(made) == rows(read)
    assert set(made.member_ids) == set(read.member_ids) and set(made.sources) == set(read.sources)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), ops=OPS)
def test_the_rows_kept_with_a_projection_follow_writes(seed: int, ops: list[tuple[str, int, int]]) -> None:
    G = nx.freeze(with_random_work(seed))
    keep_rows(G, collected(G))  # as the store keeps them when it builds the projection
    for step, op in enumerate(ops):
        G = advance(G, delta_of(G, op, step))
    stored = G.kept_with.get(KEY)
    assert stored is not None and len(stored[1]) == len(ops)  # carried, with every write since
    s = AnalyticsSession(G)
    cols = s.work.earned_columns  # made from the rows, then brought up to date
    assert rows(cols) == rows(read_earned(G._node, G._succ, scan(G._node)))
    assert K.kept(G) == (cols, ()) and KEY not in G.kept_with  # the columns kept, the rows let go
    copy = nx.freeze(nx.MultiDiGraph(G))
    period = {"date_from": DAY0, "date_to": DAY0 + dt.timedelta(days=200)}
    assert points_stats(G, work=s.work, **period) == points_stats(copy, **period)


def test_rows_of_a_projection_are_made_once_into_columns() -> None:
    G = nx.freeze(with_random_work(11))
    keep_rows(G, collected(G))
    first = AnalyticsSession(G).work.earned_columns
    assert AnalyticsSession(G).work.earned_columns is first  # a second session on the projection reuses them


def test_a_start_met_in_two_runs_is_one_member() -> None:
    G = nx.freeze(with_random_work(2))
    members, acts = nodes_with(G, "PartyMember"), nodes_with(G, "Activity")
    assert len(members) >= 2 and acts
    found = EarnedRows()
    for m in (members[0], members[1], members[0]):
        found.add(m, acts[0], {"points": 3, "on": "2026-09-05"})
    made = K.columns_of_rows(found, G._node)
    assert made.member_ids == (members[0], members[1])
    assert made.member.tolist() == [0, 1, 0]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_grouped_scan_is_the_scan(seed: int) -> None:
    """The work scan from the area index's grouping by label finds what a pass over every node finds."""
    G = with_odd_earned(seed)
    grouped = AreaIndex.build(G).nodes_by_label
    assert grouped == nodes_by_label(G)
    assert scan_grouped(G._node, grouped) == scan(G._node)
    assert WorkIndex.build(G).in_service == tuple(scan(G._node).in_service)
