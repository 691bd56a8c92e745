"""The monthly work (月联, 三报到, activities, 书记项目, 积分): hand-worked scenarios, and every
measure against a brute-force count on random cities."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest
from analytics_testkit import DAY0, containers, edges_of, is_vanguard, label, nodes_with, random_city
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import AnalyticsSession, tiny_work
from analytics.projection import ProjectionBuilder
from analytics.work import activity_stats, monthly_contact, points_stats, registration, registration_plan

Q4 = {"date_from": "2026-10-01", "date_to": "2026-12-31"}

# --- hand-worked: tiny_work (its docstring draws it) ----------------------------------------


def test_contact_by_hand() -> None:
    s = AnalyticsSession(tiny_work())
    r = monthly_contact(s.graph, index=s.index, linkage=s.linkage, work=s.work, **Q4)
    # v1: Oct met m1 (c_v1_10) and visited h2; Nov only a meeting with no linked member; Dec visited h3.
    # v2: Oct visited h5; Nov nothing; Dec met m2.  v3: nothing at all -> Oct+Nov out: lapsed.
    rows = {d.vanguard: [(m.met, m.households_visited, m.in_contact) for m in d.months] for d in r.vanguards_detail}
    assert rows == {
        "v1": [(True, 1, True), (False, 0, False), (False, 1, True)],
        "v2": [(False, 1, True), (False, 0, False), (True, 0, True)],
        "v3": [(False, 0, False), (False, 0, False), (False, 0, False)],
    }
    # visited all: v2 links one household (h5) and visited it in October; v1 links h2 and h3.
    assert [m.visited_all for m in r.vanguards_detail[-1].months] == [True, False, False]  # v2 sorts last (2 months)
    assert r.lapsed_vanguards == ("v3",)
    assert r.vanguards_detail[0].lapsed_from == "2026-10"
    # in contact in December: v1, v2 of 3 vanguards
    assert (r.in_contact.covered, r.in_contact.total) == (2, 3)
    # active coverage on 12-31: h3 visited 12-20 by v1 who links it; 1 of 8 households
    assert (r.active_coverage.covered, r.active_coverage.total) == (1, 8)
    by_community = monthly_contact(s.graph, "st1", by="Community", work=s.work, **Q4).breakdown
    # c1: v1, v2 both in contact in December; c2: v3 lapsed.  c1 households 6 (h3 active), c2 2 (none)
    assert [(a.area, a.vanguards, a.in_contact.covered, a.lapsed, a.active_coverage.covered) for a in by_community] == [
        ("c1", 2, 2, 0, 1),
        ("c2", 1, 0, 1, 0),
    ]
    # November alone: nobody in contact, but one month is not two: nobody lapsed
    nov = monthly_contact(s.graph, work=s.work, date_from="2026-11-01", date_to="2026-11-30")
    assert (nov.in_contact.covered, nov.lapsed) == (0, 0)


def test_registration_by_hand() -> None:
    G = tiny_work()
    r = registration(G, **Q4)
    # in service: i1 (c2), i2 (c1), i3 (c1) = 3.  reported to their own community: i2, i3 (i1 reported to c1
    # but lives in c2) = 2 -> 2/3.  served: i2 attended e1 (11-03, in g2 under c1); i3 attended e2 in c2 (not
    # its community) and was assigned ap1 on 09-20 (before the period) -> 1 of 2.
    assert r.in_service == 3
    assert (r.reported.count, r.reported.rate) == (2, pytest.approx(2 / 3))
    assert (r.served.count, r.served.rate) == (1, 0.5)
    assert r.to_dict()["reported"] == {"count": 2, "rate": pytest.approx(2 / 3)}
    # the appeal assigned in September counts when the period takes it in
    wide = registration(G, date_from="2026-09-01", date_to="2026-12-31")
    assert wide.served.count == 2
    assert [(u.unit, u.in_service, u.reported.count) for u in r.units] == [("u2", 2, 1), ("o_ext", 1, 1)]
    assert [u.member for u in r.unregistered] == ["i1"]
    c2 = registration(G, "c2", **Q4)
    assert (c2.in_service, c2.reported.count, c2.reported.rate, c2.served.rate) == (1, 0, 0.0, None)


def test_registration_plan_by_hand() -> None:
    # candidates: i2 only (registered and served; i3 registered but did not serve).  Without it the plan gives
    # h8 to v2 (same building b3); h4 is v2's own home, which i2 (also in b3) takes: one household more.
    p = registration_plan(tiny_work(), **Q4)
    assert p.candidates == ("i2",)
    assert (p.without.after.covered, p.with_candidates.after.covered, p.extra_households) == (5, 6, 1)
    assert {(a.household, a.vanguard) for a in p.with_candidates.assignments} == {("h8", "v2"), ("h4", "i2")}
    assert p.candidates_used == 1


def test_activities_by_hand() -> None:
    r = activity_stats(tiny_work(), **Q4)
    # seven activities; served households h4 h5 (e1), h5 h6 h7 (e2), h1 (p_ev) = 5 distinct, 3 persons each
    # (h6 has size 1 in tiny_city, the others 3: 4*3 + 1 = 13 residents)
    assert (r.total.activities, r.total.households_served, r.total.residents_served) == (7, 5, 13)
    # members: v1 m1 | v1 | v2 m2 | i2 m2 | i3 | m1 m3 v1 | m3 = v1 m1 v2 m2 i2 i3 m3
    assert r.total.members_taking_part == 7
    assert r.total.units_taking_part == 1
    assert r.by_kind == {
        "ALLIANCE_ACTIVITY": 1,
        "BRANCH_MEETING": 1,
        "MONTHLY_CONTACT": 3,
        "SECRETARY_PROJECT_EVENT": 1,
        "VOLUNTEER_SERVICE": 1,
    }
    al1 = next(h for h in r.holders if h.holder == "al1")
    assert (al1.label, al1.served.households_served, al1.served.residents_served) == ("Alliance", 3, 7)
    assert [m.served.activities for m in al1.months] == [0, 1, 0]
    c2 = activity_stats(tiny_work(), "c2", **Q4)
    assert (c2.total.activities, [h.holder for h in c2.holders]) == (1, ["al1"])
    # projects: sp1 reviewed (92), sp2 LED since 06-01 (213 days on 12-31: stalled), sp3 in progress (c2)
    assert r.stalled_projects == ("sp2",)
    assert r.projects[0].days_in_stage == 213
    assert [(c.category, c.projects, c.mean_review) for c in r.projects_by_category] == [
        ("ENVIRONMENT", 1, 92.0),
        ("ESTATE_MANAGEMENT", 1, None),
        ("SAFETY", 1, None),
    ]
    assert activity_stats(tiny_work(), "c2", **Q4).projects_by_stage["IN_PROGRESS"] == 1
    # with a year's patience nothing is stalled
    assert activity_stats(tiny_work(), stalled_after_days=365, **Q4).stalled_projects == ()


def test_points_by_hand() -> None:
    r = points_stats(tiny_work(), **Q4)
    # m3 3+10+1, i3 5+2, v1 2+1 (sp2's 10 is in June), i2 2, m1 1
    assert [(m.member, m.points) for m in r.members_detail] == [("m3", 14), ("i3", 7), ("v1", 3), ("i2", 2), ("m1", 1)]
    assert r.points == 27
    assert r.by_source == {
        "ALLIANCE_ACTIVITY": 2,
        "Appeal": 5,
        "BRANCH_MEETING": 3,
        "MONTHLY_CONTACT": 2,
        "SECRETARY_PROJECT_EVENT": 3,
        "SecretaryProject": 10,
        "VOLUNTEER_SERVICE": 2,
    }
    board = {b.branch: b for b in r.branches}
    assert board["o_b1"].by_source == {"BRANCH_MEETING": 2, "MONTHLY_CONTACT": 2}
    assert [m.member for m in points_stats(tiny_work(), top=1, **Q4).branches[2].leaders] == ["v1"]
    assert points_stats(tiny_work(), "c2", **Q4).points == 0  # nobody living in c2 earned anything


def test_bad_periods_and_areas_are_refused() -> None:
    G = tiny_work()
    with pytest.raises(ValueError, match="starts on 2026-12-01 after it ends"):
        registration(G, date_from="2026-12-01", date_to="2026-11-01")
    with pytest.raises(ValueError, match="not an area"):
        points_stats(G, "h1", **Q4)
    with pytest.raises(ValueError, match="below"):
        monthly_contact(G, "g1", by="Community", **Q4)


# --- brute force on random cities -------------------------------------------------------------

KINDS = ("MONTHLY_CONTACT", "BRANCH_MEETING", "VOLUNTEER_SERVICE", "ALLIANCE_ACTIVITY", "ROUNDTABLE")


def with_random_work(seed: int) -> Any:
    rnd = random.Random(seed)
    b = ProjectionBuilder()
    b.graph = G = random_city(seed)
    members = nodes_with(G, "PartyMember")
    households = nodes_with(G, "Household")
    communities = nodes_with(G, "Community")
    all_areas = [n for n in G.nodes if label(G, n) in ("Street", "Community", "Grid", "Building")]
    orgs = nodes_with(G, "PartyOrganization")
    holders = orgs + nodes_with(G, "Alliance") + members
    units = nodes_with(G, "AllianceMember")

    def day() -> str:
        return (DAY0 + dt.timedelta(days=rnd.randint(0, 150))).isoformat()

    for m in members:
        if rnd.random() < 0.4:
            G.nodes[m]["kind"] = "IN_SERVICE"
        if communities and rnd.random() < 0.6:
            b.rel("REPORTED_TO", m, rnd.choice(communities), since="2025-01-01")
        if orgs and rnd.random() < 0.7:
            b.rel("MEMBER_OF", m, rnd.choice(orgs))
        for h in rnd.sample(households, min(len(households), rnd.randint(0, 2))):
            b.rel("VISITED", m, h, on=day())
    for i in range(rnd.randint(0, 25)):
        a = f"act{i}"
        b.node("Activity", a, kind=rnd.choice(KINDS), on=day(), title=a)
        if holders and rnd.random() < 0.9:
            b.rel("HELD_BY", a, rnd.choice(holders))
        if all_areas and rnd.random() < 0.9:
            b.rel("HELD_IN", a, rnd.choice(all_areas))
        for m in rnd.sample(members + units, min(len(members) + len(units), rnd.randint(0, 4))):
            b.rel("ATTENDED", m, a)
        for h in rnd.sample(households, min(len(households), rnd.randint(0, 3))):
            b.rel("SERVED", a, h)
    activities = nodes_with(G, "Activity")
    for i in range(rnd.randint(0, 6)):
        ap = f"ap{i}"
        b.node("Appeal", ap, title=ap, category="OTHER", source="HOTLINE", status="ASSIGNED", reported_on=day())
        if households and rnd.random() < 0.8:
            b.rel("CONCERNS", ap, rnd.choice(households + all_areas))
        if members:
            b.rel("ASSIGNED_TO", ap, rnd.choice(members), since=day())
    targets = activities + nodes_with(G, "Appeal")
    for m in members:
        for t in rnd.sample(targets, min(len(targets), rnd.randint(0, 3))):
            b.rel("EARNED", m, t, points=rnd.randint(1, 10), on=day(), reason="r")
    return G


def _on(d: dict[str, Any], key: str = "on") -> dt.date:
    return dt.date.fromisoformat(str(d[key])[:10])


def _month_spans(lo: dt.date, hi: dt.date) -> list[tuple[dt.date, dt.date]]:
    out = []
    d = lo
    while d <= hi:
        end = d
        while end + dt.timedelta(days=1) <= hi and (end + dt.timedelta(days=1)).month == d.month:
            end += dt.timedelta(days=1)
        out.append((d, end))
        d = end + dt.timedelta(days=1)
    return out


def brute_contact(G: Any, area: str | None, lo: dt.date, hi: dt.date) -> dict[str, list[bool]]:
    up = containers(G)
    home = {u: v for u, v, _ in edges_of(G, "LIVES_IN")}
    links = {(u, v) for u, v, _ in edges_of(G, "LINKS") if is_vanguard(G, u)}
    attended: dict[str, list[str]] = {}
    for m, act, _ in edges_of(G, "ATTENDED"):
        attended.setdefault(act, []).append(m)
    out = {}
    for v in nodes_with(G, "PartyMember"):
        if not is_vanguard(G, v) or not any(u == v for u, _ in links):
            continue
        if area is not None and (v not in home or area not in up[home[v]]):
            continue
        months = []
        for a, z in _month_spans(lo, hi):
            met = any(
                G.nodes[act].get("kind") == "MONTHLY_CONTACT"
                and a <= _on(G.nodes[act]) <= z
                and any((v, m) in links and label(G, m) == "PartyMember" for m in attended.get(act, ()))
                for act, holder, _ in edges_of(G, "HELD_BY")
                if holder == v
            )
            visited = any(
                u == v and (v, h) in links and label(G, h) == "Household" and a <= _on(d) <= z
                for u, h, d in edges_of(G, "VISITED")
            )
            months.append(met or visited)
        out[v] = months
    return out


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), start=st.integers(0, 120), length=st.integers(0, 100))
def test_contact_matches_a_brute_force_count(seed: int, start: int, length: int) -> None:
    G = with_random_work(seed)
    s = AnalyticsSession(G)
    lo, hi = DAY0 + dt.timedelta(days=start), DAY0 + dt.timedelta(days=start + length)
    for area in [None, *nodes_with(G, "Community")[:3], *nodes_with(G, "Grid")[:2]]:
        r = monthly_contact(G, area, date_from=lo, date_to=hi, index=s.index, linkage=s.linkage, work=s.work)
        want = brute_contact(G, area, lo, hi)
        got = {d.vanguard: [m.in_contact for m in d.months] for d in r.vanguards_detail}
        assert got == want, area
        lapsed = {v for v, ms in want.items() if any(not x and not y for x, y in itertools.pairwise(ms))}
        assert set(r.lapsed_vanguards) == lapsed
        assert r.in_contact.covered == sum(ms[-1] for ms in want.values())


def brute_registration(G: Any, area: str | None, lo: dt.date, hi: dt.date) -> tuple[int, int, int]:
    up = containers(G)
    home = {u: v for u, v, _ in edges_of(G, "LIVES_IN")}
    counts = [0, 0, 0]
    for m in nodes_with(G, "PartyMember"):
        if G.nodes[m].get("kind") != "IN_SERVICE" or (area is not None and (m not in home or area not in up[home[m]])):
            continue
        counts[0] += 1
        community = next((c for c in up.get(home.get(m, ""), set()) if label(G, c) == "Community"), None)
        if community is None or not any(u == m and c == community for u, c, _ in edges_of(G, "REPORTED_TO")):
            continue
        counts[1] += 1
        attended = any(
            u == m
            and lo <= _on(G.nodes[act]) <= hi
            and any(x == act and community in up[place] for x, place, _ in edges_of(G, "HELD_IN"))
            for u, act, _ in edges_of(G, "ATTENDED")
        )
        assigned = any(
            who == m
            and lo <= _on(d, "since") <= hi
            and any(x == ap and community in up[t] for x, t, _ in edges_of(G, "CONCERNS"))
            for ap, who, d in edges_of(G, "ASSIGNED_TO")
        )
        counts[2] += attended or assigned
    return counts[0], counts[1], counts[2]


def brute_activities(G: Any, area: str | None, lo: dt.date, hi: dt.date) -> tuple[int, int, int]:
    up = containers(G)
    place = {a: p for a, p, _ in edges_of(G, "HELD_IN")}
    acts = {
        a
        for a in nodes_with(G, "Activity")
        if lo <= _on(G.nodes[a]) <= hi and (area is None or (a in place and area in up[place[a]]))
    }
    served = {h for a, h, _ in edges_of(G, "SERVED") if a in acts}
    people = {m for m, a, _ in edges_of(G, "ATTENDED") if a in acts and label(G, m) == "PartyMember"}
    return len(acts), len(served), len(people)


def brute_points(G: Any, area: str | None, lo: dt.date, hi: dt.date) -> dict[str, int]:
    up = containers(G)
    home = {u: v for u, v, _ in edges_of(G, "LIVES_IN")}
    out: dict[str, int] = {}
    for m, _, d in edges_of(G, "EARNED"):
        if lo <= _on(d) <= hi and (area is None or (m in home and area in up[home[m]])):
            out[m] = out.get(m, 0) + int(d["points"])
    return out


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), start=st.integers(0, 120), length=st.integers(0, 100))
def test_registration_activities_points_match_a_brute_force_count(seed: int, start: int, length: int) -> None:
    G = with_random_work(seed)
    s = AnalyticsSession(G)
    lo, hi = DAY0 + dt.timedelta(days=start), DAY0 + dt.timedelta(days=start + length)
    for area in [None, *nodes_with(G, "Street")[:1], *nodes_with(G, "Community")[:3], *nodes_with(G, "Building")[:2]]:
        kw: dict[str, Any] = {"date_from": lo, "date_to": hi, "index": s.index, "work": s.work}
        r = registration(G, area, **kw)
        assert (r.in_service, r.reported.count, r.served.count) == brute_registration(G, area, lo, hi), area
        assert sum(c.in_service for c in r.communities) <= r.in_service
        assert sum(u.in_service for u in r.units) == r.in_service
        assert len(r.unregistered) == r.in_service - r.reported.count
        a = activity_stats(G, area, **kw)
        assert (a.total.activities, a.total.households_served, a.total.members_taking_part) == brute_activities(
            G, area, lo, hi
        ), area
        assert sum(m.served.activities for m in a.months) == a.total.activities
        p = points_stats(G, area, **kw)
        assert {m.member: m.points for m in p.members_detail} == brute_points(G, area, lo, hi), area
        assert sum(b.points for b in p.branches) == p.points == sum(p.by_month.values())
