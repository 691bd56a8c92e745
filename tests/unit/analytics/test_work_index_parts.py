"""The work index read part by part, in any order, equals every relationship read at once.

The reference reads the projection's edge list in one sweep (no adjacency walk, no parts) and
the lazily read :class:`~analytics.work.WorkIndex` must give the same activities, visits,
branches, registrations, workplaces, assignments, EARNED and projects, whichever part is read
first and whether the others are read at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_analytics_work import with_random_work

from analytics import AreaIndex, tiny_work
from analytics.work.index import NEEDS, WORK_PARTS, WorkIndex
from analytics.work.readers import day


def reference(G: Any) -> dict[str, Any]:
    """Everything the index holds, from one sweep over ``G.edges`` (sorted, for comparison)."""
    nodes = dict(G.nodes(data=True))
    idx = AreaIndex.build(G)
    label = {n: d.get("label") for n, d in nodes.items()}
    blank = {"holder": None, "place": None, "project": None}
    acts: dict[str, dict[str, Any]] = {
        n: {**blank, "members": [], "units": [], "served": []} for n in nodes if label[n] == "Activity"
    }
    visits: set[tuple[str, str, dt.date]] = set()
    branch: dict[str, str] = {}
    reported: dict[str, set[str]] = {}
    assigned: set[tuple[str, str, dt.date | None, str | None]] = set()
    earned: list[tuple[str, str, str, int, dt.date | None]] = []
    concerns = {u: v for u, v, t in G.edges(data="type") if t == "CONCERNS"}
    for u, v, d in G.edges(data=True):
        t = d["type"]
        if u in acts and t in ("HELD_BY", "HELD_IN", "ADVANCES"):
            acts[u][{"HELD_BY": "holder", "HELD_IN": "place", "ADVANCES": "project"}[t]] = v
        elif u in acts and t == "SERVED":
            acts[u]["served"].append(v)
        elif v in acts and t == "ATTENDED" and label[u] in ("PartyMember", "AllianceMember"):
            acts[v]["members" if label[u] == "PartyMember" else "units"].append(u)
        elif t == "VISITED" and nodes[u].get("vanguard") is True and day(d.get("on")) is not None:
            visits.add((u, v, day(d.get("on"))))
        elif t == "MEMBER_OF" and label[u] == "PartyMember":
            branch[u] = v
        elif t == "REPORTED_TO" and label[u] == "PartyMember" and label[v] == "Community":
            reported.setdefault(u, set()).add(v)
        elif t == "ASSIGNED_TO" and label[u] == "Appeal" and label[v] == "PartyMember":
            c = concerns.get(u)
            anchor = None if c is None else (idx.building_of(c) if idx.label(c) is None else c)
            assigned.add((v, u, day(d.get("since")) or day(nodes[u].get("reported_on")), anchor))
        elif t == "EARNED":
            tl = label.get(v)
            source = str(nodes[v].get("kind") or "Activity") if tl == "Activity" else str(tl or "")
            earned.append((u, v, source, int(d["points"]), day(d.get("on"))))
    return {
        "activities": sorted(
            (
                a,
                d["holder"],
                d["place"],
                tuple(sorted(d["members"])),
                tuple(sorted(d["units"])),
                tuple(sorted(d["served"])),
                d["project"],
            )
            for a, d in acts.items()
        ),
        "visits": sorted(visits),
        "branches": branch,
        "reported": {m: frozenset(cs) for m, cs in reported.items()},
        "assignments": sorted(assigned, key=str),
        "earned": sorted(earned, key=lambda e: (e[0], e[4] or dt.date.min, e[1], e[3])),
    }


def as_read(w: WorkIndex, part: str) -> Any:
    """One part of ``w`` in the reference's shape."""
    if part == "activities":
        return sorted((a.id, a.holder, a.place, a.members, a.units, a.served, a.project) for a in w.activities)
    if part == "visits":
        return sorted((v, h, on) for v, vs in w.visits.items() for h, on in vs)
    if part == "branches":
        return w.member_branch
    if part == "reported":
        return w.reported
    if part == "assignments":
        return sorted(((m, x.appeal, x.since, x.anchor) for m, xs in w.assignments.items() for x in xs), key=str)
    return sorted(
        ((e.member, e.target, e.source, e.points, e.on) for e in w.earned),
        key=lambda e: (e[0], e[4] or dt.date.min, e[1], e[3]),
    )


CHECKS = ("activities", "visits", "branches", "reported", "assignments", "earned")


def test_tiny_work_parts_equal_the_reference() -> None:
    G = tiny_work()
    want = reference(G)
    w = WorkIndex.build(G)
    assert w.built == ()
    for check in CHECKS:
        assert as_read(w, check) == want[check], check
    assert w.built == WORK_PARTS[:-1]  # projects not asked for


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), order=st.permutations(CHECKS), measure=st.sampled_from(sorted(NEEDS)))
def test_parts_read_in_any_order_equal_the_reference(seed: int, order: list[str], measure: str) -> None:
    G = with_random_work(seed)
    want = reference(G)
    alone = WorkIndex.build(G).ensure(*NEEDS[measure])
    assert set(alone.built) == set(NEEDS[measure])  # nothing else is read
    lazy = WorkIndex.build(G)
    for check in order:
        assert as_read(lazy, check) == want[check], check
    eager = WorkIndex.build(G).ensure()
    for check in CHECKS:
        assert as_read(eager, check) == want[check], check
    assert [p.id for p in eager.projects] == sorted(
        n for n, d in G.nodes(data=True) if d.get("label") == "SecretaryProject"
    )
    in_service = sorted(
        n for n, d in G.nodes(data=True) if d["label"] == "PartyMember" and d.get("kind") == "IN_SERVICE"
    )
    for w in (alone, lazy, eager):
        assert w.in_service == tuple(in_service)
        for m in in_service:
            want_service = sorted(((a.on, a.place) for a in eager.attended.get(m, ())), key=str)
            assert sorted(w.service.get(m, ()), key=str) == want_service, m
