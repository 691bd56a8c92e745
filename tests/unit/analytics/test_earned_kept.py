"""The EARNED columns kept with a projection follow the writes that carry it forward.

A random work city is projected, its points analysed (which keeps the EARNED columns with the
projection), then a random sequence of writes is carried forward with
``loaders.projection_delta.advance`` (new EARNED, EARNED replaced or deleted, activities
re-kinded or deleted, members deleted or added with points).  The columns of the last
projection, brought up to date from the writes, must hold the same rows as a fresh read of it,
and every points figure must be the same as on a fresh session of a fresh copy.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import networkx as nx
from analytics_testkit import DAY0, nodes_with
from hypothesis import given, settings
from hypothesis import strategies as st
from test_analytics_work import KINDS, with_random_work

from analytics import AnalyticsSession
from analytics.work import kept as K
from analytics.work.points import points_stats
from analytics.work.readers import EarnedColumns, read_earned, scan
from graph_schema.contract import rel_key
from loaders.projection_delta import Delta, advance

OPS = st.lists(
    st.tuples(
        st.sampled_from(["earn", "re_earn", "unearn", "rekind", "delete_activity", "delete_member", "new_member"]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=8,
)


def rows(cols: EarnedColumns) -> Counter[tuple[Any, ...]]:
    """The columns' rows, order-free."""
    return Counter(
        zip(
            [cols.member_ids[i] for i in cols.member.tolist()],
            cols.target,
            [cols.sources[i] for i in cols.source.tolist()],
            cols.points.tolist(),
            cols.day.tolist(),
            cols.reason,
            strict=True,
        )
    )


def delta_of(G: Any, op: tuple[str, int, int], step: int) -> Delta:
    kind, a, b = op
    members = nodes_with(G, "PartyMember")
    acts = nodes_with(G, "Activity")
    earned = [(u, k, v) for u, v, k, t in G.edges(keys=True, data="type") if t == "EARNED"]
    on = (DAY0 + dt.timedelta(days=b % 150)).isoformat()
    props = {"points": b % 7, "on": on, "reason": f"r{step}"}
    if (kind == "new_member" or (kind == "earn" and members)) and acts:
        m = members[a % len(members)] if kind == "earn" else f"new{step}"
        new = [] if kind == "earn" else [(m, "PartyMember", {"kind": "RESIDENT"})]
        return Delta(new, [(m, rel_key("EARNED", props), acts[b % len(acts)], "EARNED", props)])
    if kind == "re_earn" and earned:
        u, k, v = earned[a % len(earned)]
        return Delta(relationships=[(u, k, v, "EARNED", {**G[u][v][k], "points": b % 9})])
    if kind == "unearn" and earned:
        return Delta(deleted_relationships=[earned[a % len(earned)]])
    if kind == "rekind" and acts:
        act = acts[a % len(acts)]
        return Delta([(act, "Activity", {**G.nodes[act], "kind": KINDS[b % len(KINDS)]})])
    if kind == "delete_activity" and acts:
        return Delta(deleted_nodes=[acts[a % len(acts)]])
    if kind == "delete_member" and members:
        return Delta(deleted_nodes=[members[a % len(members)]])
    return Delta()


def fresh(G: Any) -> nx.MultiDiGraph:
    """A copy of ``G`` made from scratch (nothing kept with it)."""
    copy = nx.MultiDiGraph()
    copy.add_nodes_from(G.nodes(data=True))
    copy.add_edges_from(G.edges(keys=True, data=True))
    return nx.freeze(copy)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), ops=OPS)
def test_kept_columns_follow_writes_to_a_fresh_read(seed: int, ops: list[tuple[str, int, int]]) -> None:
    G = nx.freeze(with_random_work(seed))
    period = {"date_from": DAY0, "date_to": DAY0 + dt.timedelta(days=200)}
    points_stats(G, **period)  # reads the columns and keeps them with G
    assert K.kept(G) is not None
    for step, op in enumerate(ops):
        G = advance(G, delta_of(G, op, step))
    found = K.kept(G)
    assert found is not None and len(found[1]) == len(ops)  # carried, with every write since
    followed = K.follow(*found, G._node, G._succ)
    assert followed is not None  # a few members changed: brought up to date, not read again
    assert rows(followed) == rows(read_earned(G._node, G._succ, scan(G._node)))
    s = AnalyticsSession(G)
    cols = s.work.earned_columns
    assert K.kept(G) == (cols, ())  # brought up to date, and kept
    assert rows(cols) == rows(read_earned(G._node, G._succ, scan(G._node)))
    copy = fresh(G)
    again = AnalyticsSession(copy)
    assert s.work.earned == again.work.earned
    for area in [None, *nodes_with(G, "Community")[:2]]:
        assert points_stats(G, area, work=s.work, **period) == points_stats(copy, area, work=again.work, **period)


def test_a_projection_trailing_too_far_reads_again() -> None:
    G = nx.freeze(with_random_work(3))
    points_stats(G, date_from=DAY0, date_to=DAY0 + dt.timedelta(days=200))
    member = nodes_with(G, "PartyMember")[0]
    for step in range(70):  # more writes than a kept value may trail by
        props = {"points": 1, "on": (DAY0 + dt.timedelta(days=step)).isoformat()}
        act = nodes_with(G, "Activity")[0]
        G = advance(G, Delta(relationships=[(member, rel_key("EARNED", props), act, "EARNED", props)]))
    assert K.kept(G) is None
    cols = AnalyticsSession(G).work.earned_columns
    assert rows(cols) == rows(read_earned(G._node, G._succ, scan(G._node)))


def test_a_graph_that_may_change_keeps_nothing() -> None:
    G = with_random_work(5)  # not frozen: a test may still change it in place
    points_stats(G, date_from=DAY0, date_to=DAY0 + dt.timedelta(days=200))
    assert K.kept(G) is None
    points_stats(nx.freeze(G), date_from=DAY0, date_to=DAY0 + dt.timedelta(days=200))
    assert K.kept(G) is not None
