"""The activities' and visits' rows a store collects with its projection read the parts a walk over the edges reads,
and follow writes to what a fresh read of the new projection holds.

A store appends every HELD_BY, HELD_IN, SERVED, ADVANCES, ATTENDED and VISITED to
:class:`loaders.work_rows.WorkRows` as its projection builder meets them; the work index reads
its ``activities`` and ``visits`` parts from them (``analytics.work.rows``).  On random work
cities the parts read from the rows equal those read from the edges and a sweep over the edge
list (``test_work_index_parts.reference``); after random writes carry the projection forward
(``loaders.projection_delta.advance``: attendances, visits, households served, places changed,
activities, members and households deleted, new activities), the rows brought up to date hold
exactly the rows of a fresh read, and the parts and the contact and activity figures are those
of a fresh copy.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import networkx as nx
from analytics_testkit import DAY0, nodes_with
from hypothesis import given, settings
from hypothesis import strategies as st
from test_analytics_work import with_random_work
from test_work_index_parts import as_read, reference

from analytics import AnalyticsSession
from analytics.work import rows as W
from analytics.work.activities import activity_stats
from analytics.work.contact import monthly_contact
from analytics.work.index import WorkIndex
from analytics.work.readers import read_activities, read_visits, scan
from graph_schema.contract import rel_key
from loaders.projection_delta import Delta, advance
from loaders.work_rows import KEY, TYPES, WorkRows, keep_work_rows

PERIOD = {"date_from": DAY0, "date_to": DAY0 + dt.timedelta(days=200)}

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "attend",
                "unattend",
                "visit",
                "unvisit",
                "serve",
                "move",
                "new_activity",
                "delete_activity",
                "delete_member",
                "delete_household",
                "rekind",
            ]
        ),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=8,
)


def collected(G: Any) -> WorkRows:
    """The rows as a store's projection builder collects them: edge by edge, start by start."""
    found = WorkRows()
    for start, out in G._succ.items():
        for end, keyed in out.items():
            for rel in keyed.values():
                if rel.get("type") in TYPES:
                    found.add(rel["type"], start, end, rel)
    return found


def as_multiset(rows: Any) -> Counter[tuple[Any, ...]]:
    """The rows, order-free: ``(type, start, end, on)``."""
    found: Counter[tuple[Any, ...]] = Counter()
    for rtype in sorted(TYPES):
        ons = rows.visited_on if rtype == "VISITED" else [None] * len(rows.start[rtype])
        found.update(zip([rtype] * len(ons), rows.start[rtype], rows.end[rtype], ons, strict=True))
    return found


def delta_of(G: Any, op: tuple[str, int, int], step: int) -> Delta:
    kind, a, b = op
    members, acts = nodes_with(G, "PartyMember"), nodes_with(G, "Activity")
    households = nodes_with(G, "Household")
    areas = [n for n in G.nodes if G.nodes[n]["label"] in ("Community", "Grid", "Building")]
    of = {t: [(u, k, v) for u, v, k, tt in G.edges(keys=True, data="type") if tt == t] for t in TYPES}
    day = (DAY0 + dt.timedelta(days=b % 150)).isoformat()
    if kind == "attend" and members and acts:
        return Delta(relationships=[(members[a % len(members)], "ATTENDED", acts[b % len(acts)], "ATTENDED", {})])
    if kind in ("unattend", "unvisit") and of["ATTENDED" if kind == "unattend" else "VISITED"]:
        edges = of["ATTENDED" if kind == "unattend" else "VISITED"]
        return Delta(deleted_relationships=[edges[a % len(edges)]])
    if kind == "visit" and members and households:
        props = {"on": day}
        m, h = members[a % len(members)], households[b % len(households)]
        return Delta(relationships=[(m, rel_key("VISITED", props), h, "VISITED", props)])
    if kind == "serve" and acts and households:
        return Delta(relationships=[(acts[a % len(acts)], "SERVED", households[b % len(households)], "SERVED", {})])
    if kind == "move" and of["HELD_IN"] and areas:  # an activity held elsewhere: one HELD_IN out, one in
        u, k, v = of["HELD_IN"][a % len(of["HELD_IN"])]
        return Delta(
            relationships=[(u, "HELD_IN", areas[b % len(areas)], "HELD_IN", {})], deleted_relationships=[(u, k, v)]
        )
    if kind == "new_activity" and members and areas:
        act, m = f"new{step}", members[a % len(members)]
        return Delta(
            [(act, "Activity", {"kind": "MONTHLY_CONTACT", "on": day})],
            [
                (act, "HELD_BY", m, "HELD_BY", {}),
                (act, "HELD_IN", areas[b % len(areas)], "HELD_IN", {}),
                (members[b % len(members)], "ATTENDED", act, "ATTENDED", {}),
            ],
        )
    if kind == "rekind" and acts:
        act = acts[a % len(acts)]
        return Delta([(act, "Activity", {**G.nodes[act], "kind": "BRANCH_MEETING", "on": day})])
    pool = {"delete_activity": acts, "delete_member": members, "delete_household": households}.get(kind)
    if pool:
        return Delta(deleted_nodes=[pool[a % len(pool)]])
    return Delta()


def fresh(G: Any) -> nx.MultiDiGraph:
    """A copy of ``G`` made from scratch (nothing kept with it)."""
    copy = nx.MultiDiGraph()
    copy.add_nodes_from(G.nodes(data=True))
    copy.add_edges_from(G.edges(keys=True, data=True))
    return nx.freeze(copy)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_rows_read_the_parts_the_edges_read(seed: int) -> None:
    G = with_random_work(seed)
    rows = collected(G)
    assert as_multiset(rows) == as_multiset(W.rows_of(G))
    s = scan(G._node)
    assert W.activities_of_rows(G._node, rows, s) == read_activities(G._node, G._succ, G._pred, s)
    assert W.visits_of_rows(rows, s) == read_visits(G._succ, s)
    keep_work_rows(nx.freeze(G), rows)
    w = WorkIndex.build(G)
    want = reference(G)
    assert as_read(w, "activities") == want["activities"] and as_read(w, "visits") == want["visits"]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), ops=OPS)
def test_the_rows_kept_with_a_projection_follow_writes(seed: int, ops: list[tuple[str, int, int]]) -> None:
    G = nx.freeze(with_random_work(seed))
    keep_work_rows(G, collected(G))  # as the store keeps them when it builds the projection
    for step, op in enumerate(ops):
        G = advance(G, delta_of(G, op, step))
    stored = G.kept_with.get(KEY)
    assert stored is not None and len(stored[1]) == len(ops)  # carried, with every write since
    followed = W.follow(stored[0], stored[1], G._succ, G._pred)
    assert followed is not None and as_multiset(followed) == as_multiset(W.rows_of(G))
    s = AnalyticsSession(G)
    want = reference(G)
    assert as_read(s.work, "activities") == want["activities"]
    assert as_read(s.work, "visits") == want["visits"]
    kept = G.kept_with[KEY]
    assert kept[1] == () and as_multiset(kept[0]) == as_multiset(W.rows_of(G))  # brought up to date, and kept
    copy = fresh(G)
    again = AnalyticsSession(copy)
    assert KEY not in (getattr(copy, "kept_with", None) or {})  # the copy reads its edges
    assert monthly_contact(G, work=s.work, linkage=s.linkage, **PERIOD) == monthly_contact(copy, **PERIOD)
    assert activity_stats(G, work=s.work, **PERIOD) == activity_stats(copy, work=again.work, **PERIOD)


def test_too_many_touched_nodes_let_the_rows_go() -> None:
    G = nx.freeze(with_random_work(4))
    keep_work_rows(G, collected(G))
    members, households = nodes_with(G, "PartyMember"), nodes_with(G, "Household")
    assert members and households
    visits = [
        (
            members[i % len(members)],
            rel_key("VISITED", {"on": "2026-09-03"}),
            f"h-new{i}",
            "VISITED",
            {"on": "2026-09-03"},
        )
        for i in range(W.FOLLOW_AT_MOST + 1)
    ]
    new_households = [(f"h-new{i}", "Household", {}) for i in range(W.FOLLOW_AT_MOST + 1)]
    G = advance(G, Delta(new_households, visits))
    w = WorkIndex.build(G)
    assert as_read(w, "visits") == reference(G)["visits"]  # read from the edges
    assert KEY not in G.kept_with  # let go: the next session reads the edges too


def test_a_write_that_touches_no_row_keeps_the_rows() -> None:
    G = nx.freeze(with_random_work(6))
    keep_work_rows(G, collected(G))
    before = G.kept_with[KEY][0]
    member = nodes_with(G, "PartyMember")[0]
    G = advance(G, Delta([(member, "PartyMember", {**G.nodes[member], "vanguard": True})]))
    assert W.touched(G.kept_with[KEY][1]) == set()
    assert as_multiset(W.current_rows(G, G._succ, G._pred)) == as_multiset(before)
