"""Appeals (接诉即办): a hand-worked scenario, and the rates against a brute-force count on random cities."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import networkx as nx
import pytest
from analytics_testkit import random_city
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import AnalyticsSession, appeal_stats, tiny_city
from analytics.projection import ProjectionBuilder

D = "2026-{}".format


def scenario() -> Any:
    """tiny_city (st1 > c1 > g1 > b1 {h1,h2}, b2 {h3}; c1 > g2 > b3 {h4,h5,h8}; c2 > g3 > b4 {h6,h7})
    with eight appeals in March 2026, worked by hand below."""
    b = ProjectionBuilder()
    b.graph = tiny_city()

    def appeal(i: str, concerns: str, status: str, reported: str, handler: str | None = None, **dates: str) -> None:
        props = {k: (D(v) if k not in ("satisfaction", "category") else v) for k, v in dates.items()}
        props.setdefault("category", "SANITATION")
        b.node("Appeal", i, title=i, source="HOTLINE", status=status, reported_on=D(reported), **props)
        b.rel("CONCERNS", i, concerns)
        if handler:
            b.rel("ASSIGNED_TO", i, handler, since=D(reported))

    # p1: responded same day, resolved on time by vanguard v1, satisfied
    appeal(
        "p1",
        "h1",
        "CLOSED",
        "03-02",
        "v1",
        accepted_on="03-02",
        resolved_on="03-04",
        closed_on="03-05",
        due="03-09",
        satisfaction="SATISFIED",
    )
    # p2: responded after 2 days (late), resolved late by o_g1, unsatisfied then reopened: ASSIGNED again
    appeal("p2", "b2", "ASSIGNED", "03-05", "o_g1", accepted_on="03-07", due="03-12", satisfaction="UNSATISFIED")
    # p3: responded next day, resolved after as_of (03-31): not resolved as of then
    appeal("p3", "h4", "RESOLVED", "03-10", "u1", accepted_on="03-11", resolved_on="04-02", due="04-10")
    # p4: rejected same day
    appeal("p4", "g2", "REJECTED", "03-12", rejected_on="03-12")
    # p5: reported before the period, still open and overdue (c2)
    appeal("p5", "h6", "ASSIGNED", "02-01", "u2", accepted_on="02-01", due="02-15")
    # p6: c2, resolved by u2 late, basically satisfied
    appeal(
        "p6",
        "b4",
        "RESOLVED",
        "03-20",
        "u2",
        accepted_on="03-20",
        resolved_on="03-30",
        due="03-25",
        satisfaction="BASICALLY_SATISFIED",
    )
    # p7: reported after the period: not received, open, not overdue
    appeal("p7", "b1", "REPORTED", "04-03", due="04-20")
    # p8: received, no response yet, due passed: overdue
    appeal("p8", "c1", "REPORTED", "03-25", due="03-28")
    return b.graph


def test_the_hand_worked_scenario() -> None:
    r = appeal_stats(scenario(), date_from="2026-03-01", date_to="2026-03-31")
    # received: p1 p2 p3 p4 p6 p8 (p5 before the period, p7 after)
    received = 6
    assert r.received == received
    # responded within a day: p1 (0 days), p3 (1), p4 (0), p6 (0); p2 took 2 days, p8 none
    assert (r.responded.count, r.responded.rate) == (4, 4 / received)
    # resolved as of 03-31: p1 (03-04), p6 (03-30); p3 on 04-02 is after as_of, p2 reopened
    assert (r.resolved.count, r.resolved.rate) == (2, 2 / received)
    # on time: p1 (03-04 <= 03-09); p6 resolved 03-30 after due 03-25
    assert (r.on_time.count, r.on_time.rate) == (1, 1 / received)
    # reviewed: p1 SATISFIED, p2 UNSATISFIED, p6 BASICALLY_SATISFIED
    assert (r.satisfied.count, r.satisfied.reviewed, r.satisfied.rate) == (2, 3, 2 / 3)
    # overdue as of 03-31: p2 (due 03-12), p5 (due 02-15), p8 (due 03-28); p3 is RESOLVED, p7 due 04-20
    assert r.overdue == 3
    # open on 03-31: p2, p5, p8 (p7 reported after as_of)
    assert r.open == 3
    # with vanguard help: p1 (v1 is a vanguard); p6 was a unit's
    assert r.with_vanguard_help == 1

    # as of 04-05, p3 is resolved (not on time: no, 04-02 <= due 04-10, so on time) and p7 is open
    later = appeal_stats(scenario(), date_from="2026-03-01", date_to="2026-03-31", as_of="2026-04-05")
    assert (later.resolved.count, later.on_time.count, later.open) == (3, 2, 4)

    # a two-day response window counts p2 as well
    assert (
        appeal_stats(scenario(), date_from="2026-03-01", date_to="2026-03-31", respond_within_days=2).responded.count
        == 5
    )

    # c1: p1 (b1), p2 (b2), p3 (b3), p4 (g2), p8 (the community itself); by grid p8 falls in no grid
    c1 = appeal_stats(scenario(), "c1", date_from="2026-03-01", date_to="2026-03-31", order="id")
    assert (c1.received, c1.resolved.count, c1.overdue) == (5, 1, 2)
    rows = {row.area: (row.received, row.responded.count, row.resolved.count, row.overdue) for row in c1.breakdown}
    assert rows == {"g1": (2, 1, 1, 1), "g2": (2, 2, 0, 0)}
    # worst first by resolution rate: g2 (0/2) before g1 (1/2)
    assert [
        row.area for row in appeal_stats(scenario(), "c1", date_from="2026-03-01", date_to="2026-03-31").breakdown
    ] == [
        "g2",
        "g1",
    ]
    # c2: p5 (not received, overdue) and p6
    c2 = appeal_stats(scenario(), "c2", date_from="2026-03-01", date_to="2026-03-31")
    assert (c2.received, c2.resolved.rate, c2.overdue, c2.satisfied.rate) == (1, 1.0, 1, 1.0)
    # an empty building: every rate is null
    b3 = appeal_stats(scenario(), "b3", date_from="2026-03-01", date_to="2026-03-01")
    assert (b3.received, b3.responded.rate, b3.resolved.rate, b3.on_time.rate, b3.satisfied.rate) == (
        0,
        None,
        None,
        None,
        None,
    )

    # handlers, worst first: u1 (0 of 1 resolved as of 03-31), o_g1 (0 of 1), then u2 and v1
    assert [(h.id, h.assigned, h.resolved.count) for h in r.handlers][:2] == [("o_g1", 1, 0), ("u1", 1, 0)]
    # measured reach: u2 resolved p6 (b4, no household raised it or is concerned); u1 resolved nothing yet
    reach = {u.id: (u.structural_households, u.measured_households, u.assigned, u.resolved) for u in r.unit_reach}
    assert reach == {"u1": (6, 0, 1, 0), "u2": (2, 0, 1, 1)}


def test_trend_months_add_up_and_clip_to_the_period() -> None:
    r = appeal_stats(scenario(), date_from="2026-02-10", date_to="2026-04-05", as_of="2026-04-05")
    assert [(m.month, m.date_from, m.date_to) for m in r.trend] == [
        ("2026-02", "2026-02-10", "2026-02-28"),
        ("2026-03", "2026-03-01", "2026-03-31"),
        ("2026-04", "2026-04-01", "2026-04-05"),
    ]
    assert [m.received for m in r.trend] == [0, 6, 1]
    assert sum(m.resolved.count for m in r.trend) == r.resolved.count


def test_hot_spots_need_repeats_within_ninety_days() -> None:
    b = ProjectionBuilder()
    b.graph = tiny_city()
    for i, day in enumerate(["2026-01-05", "2026-02-01", "2026-03-30", "2026-07-01", "2026-07-02"]):
        b.node(
            "Appeal",
            f"x{i}",
            title="leak",
            category="HOUSING_SAFETY",
            source="HOTLINE",
            status="REPORTED",
            reported_on=day,
        )
        b.rel("CONCERNS", f"x{i}", "h1" if i % 2 else "b1")
    r = appeal_stats(b.graph, date_from="2026-01-01", date_to="2026-12-31")
    # 01-05, 02-01, 03-30 lie within 90 days (84 days apart); 07-01 and 07-02 are another two
    assert [(h.building, h.appeals, h.first, h.last) for h in r.hot_spots] == [("b1", 3, "2026-01-05", "2026-03-30")]
    assert appeal_stats(b.graph, date_from="2026-01-01", date_to="2026-12-31", hot_spot_repeats=4).hot_spots == ()


def test_bad_periods_are_refused() -> None:
    with pytest.raises(ValueError, match="starts"):
        appeal_stats(scenario(), date_from="2026-03-31", date_to="2026-03-01")
    with pytest.raises(ValueError, match="before the period"):
        appeal_stats(scenario(), date_from="2026-03-01", date_to="2026-03-31", as_of="2026-02-01")
    with pytest.raises(ValueError, match="below"):
        appeal_stats(scenario(), "g1", date_from="2026-03-01", date_to="2026-03-31", by="Community")


# --- random cities against a brute-force count ------------------------------------------------

STATUSES = ("REPORTED", "ACCEPTED", "ASSIGNED", "RESOLVED", "CLOSED", "REJECTED")
DAY0 = dt.date(2026, 1, 1)


def with_random_appeals(seed: int) -> Any:
    G = random_city(seed)
    rnd = random.Random(seed)
    targets = [n for n, d in G.nodes(data=True) if d["label"] in ("Household", "Building", "Grid", "Community")]
    handlers = [
        n for n, d in G.nodes(data=True) if d["label"] in ("PartyMember", "PartyOrganization", "AllianceMember")
    ]
    for i in range(rnd.randint(0, 40)):
        a = f"ap{i}"
        reported = DAY0 + dt.timedelta(days=rnd.randint(0, 120))
        status = rnd.choice(STATUSES)
        props: dict[str, Any] = {"reported_on": reported.isoformat(), "status": status, "category": "OTHER"}

        def later(lo: int, hi: int, reported: dt.date = reported) -> str:
            return (reported + dt.timedelta(days=rnd.randint(lo, hi))).isoformat()

        if rnd.random() < 0.8:
            props["due"] = later(0, 30)
        if status == "REJECTED":
            props["rejected_on"] = later(0, 3)
        elif status != "REPORTED":
            props["accepted_on"] = later(0, 3)
        if status in ("RESOLVED", "CLOSED"):
            props["resolved_on"] = later(0, 60)
        if status in ("RESOLVED", "CLOSED", "ASSIGNED") and rnd.random() < 0.5:
            props["satisfaction"] = rnd.choice(("SATISFIED", "BASICALLY_SATISFIED", "UNSATISFIED"))
        G.add_node(a, label="Appeal", **props)
        if targets and rnd.random() < 0.9:
            G.add_edge(a, rnd.choice(targets), key="CONCERNS", type="CONCERNS")
        if handlers and rnd.random() < 0.7:
            G.add_edge(a, rnd.choice(handlers), key="ASSIGNED_TO", type="ASSIGNED_TO")
    return G


def brute(G: Any, area: str | None, start: str, end: str, as_of: str, days: int) -> dict[str, Any]:
    """The definitions, counted naively: PART_OF reachability in networkx, ISO strings compared."""
    part_of = nx.DiGraph([(u, v) for u, v, d in G.edges(data=True) if d["type"] == "PART_OF"])
    out: dict[str, int] = dict.fromkeys(
        ("received", "responded", "resolved", "on_time", "reviewed", "satisfied", "overdue", "vanguard"), 0
    )
    for a, data in G.nodes(data=True):
        if data["label"] != "Appeal":
            continue
        concerns = [v for _, v, d in G.out_edges(a, data=True) if d["type"] == "CONCERNS"]
        handler = [v for _, v, d in G.out_edges(a, data=True) if d["type"] == "ASSIGNED_TO"]
        if area is not None:
            if not concerns:
                continue
            c = concerns[0]
            if G.nodes[c]["label"] == "Household":
                parents = [v for _, v, d in G.out_edges(c, data=True) if d["type"] == "PART_OF"]
                if not parents:
                    continue
                c = parents[0]
            if not (c == area or (c in part_of and area in nx.descendants(part_of, c))):
                continue
        status, due = data["status"], data.get("due")
        if status in ("REPORTED", "ACCEPTED", "ASSIGNED") and due is not None and due < as_of:
            out["overdue"] += 1
        if not start <= data["reported_on"] <= end:
            continue
        out["received"] += 1
        answers = [data[k] for k in ("accepted_on", "rejected_on") if k in data]
        if answers:
            first = min(answers)
            late = (dt.date.fromisoformat(first) - dt.date.fromisoformat(data["reported_on"])).days
            if late <= days and first <= as_of:
                out["responded"] += 1
        if status in ("RESOLVED", "CLOSED") and data["resolved_on"] <= as_of:
            out["resolved"] += 1
            if due is None or data["resolved_on"] <= due:
                out["on_time"] += 1
            if (
                handler
                and G.nodes[handler[0]].get("label") == "PartyMember"
                and G.nodes[handler[0]].get("vanguard") is True
            ):
                out["vanguard"] += 1
        if "satisfaction" in data:
            out["reviewed"] += 1
            out["satisfied"] += data["satisfaction"] != "UNSATISFIED"
    return out


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    start=st.integers(0, 100),
    length=st.integers(0, 60),
    extra=st.integers(0, 40),
    days=st.integers(0, 3),
)
def test_rates_match_a_brute_force_count(seed: int, start: int, length: int, extra: int, days: int) -> None:
    G = with_random_appeals(seed)
    session = AnalyticsSession(G)
    lo, hi = DAY0 + dt.timedelta(days=start), DAY0 + dt.timedelta(days=start + length)
    as_of = hi + dt.timedelta(days=extra)
    areas = [None, *(n for n, d in G.nodes(data=True) if d["label"] in ("Street", "Community", "Grid", "Building"))]
    for area in areas[:8]:
        r = appeal_stats(
            G,
            area,
            date_from=lo,
            date_to=hi,
            as_of=as_of,
            respond_within_days=days,
            appeals=session.appeals,
            model=session.model,
        )
        want = brute(G, area, lo.isoformat(), hi.isoformat(), as_of.isoformat(), days)
        n = want["received"]
        assert r.received == n, area
        assert (r.responded.count, r.resolved.count, r.on_time.count) == (
            want["responded"],
            want["resolved"],
            want["on_time"],
        ), area
        assert (r.satisfied.count, r.satisfied.reviewed) == (want["satisfied"], want["reviewed"]), area
        assert (r.overdue, r.with_vanguard_help) == (want["overdue"], want["vanguard"]), area
        assert r.resolved.rate == (want["resolved"] / n if n else None)
        assert r.satisfied.rate == (want["satisfied"] / want["reviewed"] if want["reviewed"] else None)
        # the breakdown's rows add up to at most the area (appeals about the area itself are in no row)
        assert sum(row.received for row in r.breakdown) <= r.received
        assert sum(m.received for m in r.trend) == r.received
        assert sum(m.resolved.count for m in r.trend) == r.resolved.count
