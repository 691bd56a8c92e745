"""Linkage coverage, active coverage, vanguard load and gaps on a hand-built graph.

Street S
└── Community C
    ├── Grid G1
    │   ├── Building B1: h1 (V1 lives), h2 (N1 lives), h3
    │   └── Building B2: h4 (N4 and V4 live)
    └── Grid G2
        └── Building B3: h5 (V2 lives), h6 (N2 lives)
hx: a household in no building.  V3 and N3 live nowhere known.

LINKS  V1 -> h2, h3, N1, V2    V2 -> h3, h6    V3 -> hx, N3    N1 -> h4 (not a vanguard)
VISITED V1 -> h2 2026-10-01, V1 -> h3 2026-09-01, V2 -> h3 2026-10-30,
        V2 -> h5 2026-10-30 (not linked), N1 -> h4 2026-10-30 (not a vanguard)
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from analytics import ProjectionBuilder, coverage, uncovered_households, vanguard_load
from graph_schema import NotFoundError


def city() -> Any:
    b = ProjectionBuilder()
    b.node("Street", "S", name="S").node("Community", "C", name="C").part_of("S", "C")
    b.nodes("Grid", "G1", "G2").part_of("C", "G1", "G2")
    b.nodes("Building", "B1", "B2", kind="BUILDING").part_of("G1", "B1", "B2")
    b.node("Building", "B3", kind="BUILDING").part_of("G2", "B3")
    b.nodes("Household", "h1", "h2", "h4", "h5", "h6", "hx", size=2, tags=[])
    b.node("Household", "h3", size=1, tags=["ELDERLY_ALONE"])
    b.part_of("B1", "h1", "h2", "h3").part_of("B2", "h4").part_of("B3", "h5", "h6")
    b.nodes("PartyMember", "V1", "V2", "V3", "V4", kind="RESIDENT", vanguard=True)
    b.nodes("PartyMember", "N1", "N2", "N3", "N4", kind="RETIRED", vanguard=False)
    for m, h in (("V1", "h1"), ("V2", "h5"), ("N1", "h2"), ("N2", "h6"), ("N4", "h4"), ("V4", "h4")):
        b.rel("LIVES_IN", m, h)
    for v, targets in (("V1", "h2 h3 N1 V2"), ("V2", "h3 h6"), ("V3", "hx N3"), ("N1", "h4")):
        for t in targets.split():
            b.rel("LINKS", v, t, since="2025-03-01")
    for v, h, on in (
        ("V1", "h2", "2026-10-01"),
        ("V1", "h3", "2026-09-01"),
        ("V2", "h3", "2026-10-30"),
        ("V2", "h5", "2026-10-30"),
        ("N1", "h4", "2026-10-30"),
    ):
        b.rel("VISITED", v, h, on=on)
    return b.graph


def test_city_coverage() -> None:
    r = coverage(city(), as_of="2026-10-31")
    # covered: h2, h3 (V1, V2), h6 (V2), hx (V3); N1 -> h4 does not count.  7 households.
    assert (r.households.total, r.households.covered) == (7, 4)
    assert r.households.rate == pytest.approx(4 / 7)
    # non-vanguard members N1..N4; covered N1 (V1) and N3 (V3); V2 is a vanguard, not counted
    assert (r.members.total, r.members.covered, r.members.rate) == (4, 2, 0.5)
    # window 2026-10-01..2026-10-31: h2 (V1, 10-01) and h3 (V2, 10-30); h5 is not covered
    assert r.active is not None
    assert (r.active.households, r.active.window_start) == (2, "2026-10-01")
    assert r.active.rate == pytest.approx(2 / 7)
    assert r.active.share_of_covered == 0.5
    # one street, without hx
    assert r.by == "Street"
    assert [(x.area, x.households.total, x.households.covered) for x in r.breakdown] == [("S", 6, 3)]


def test_window_is_31_days_inclusive() -> None:
    G = city()
    active = coverage(G, as_of="2026-11-01", breakdown=False).active
    assert active is not None and active.households == 1  # h2's visit of 10-01 fell out
    assert coverage(G, breakdown=False).active is None  # no as_of, no active coverage
    # window 2026-09-01..2026-10-01: both ends count (h2 on the last day, h3 by V1 on the first)
    active = coverage(G, as_of="2026-10-01", breakdown=False).active
    assert active is not None and active.households == 2


def test_area_and_breakdown() -> None:
    r = coverage(city(), "C", as_of="2026-10-31")
    assert (r.households.total, r.households.covered, r.households.rate) == (6, 3, 0.5)
    assert (r.members.total, r.members.covered) == (3, 1)  # N1, N2, N4 live in C; N1 covered
    assert r.by == "Grid"
    g1, g2 = r.breakdown
    assert (g1.area, g1.households.total, g1.households.covered, g1.members.total, g1.members.covered) == (
        "G1",
        4,
        2,
        2,
        1,
    )
    assert g1.active is not None and g1.active.households == 2
    assert (g2.area, g2.households.total, g2.households.covered, g2.members.total, g2.members.covered) == (
        "G2",
        2,
        1,
        1,
        0,
    )
    by_building = coverage(city(), "C", by="Building")
    assert [(x.area, x.households.covered, x.households.total) for x in by_building.breakdown] == [
        ("B1", 2, 3),
        ("B2", 0, 1),
        ("B3", 1, 2),
    ]
    city_by_grid = coverage(city(), by="Grid")
    assert [x.area for x in city_by_grid.breakdown] == ["G1", "G2"]


def test_json_shape() -> None:
    d = coverage(city(), "G1", as_of="2026-10-31").to_dict()
    json.dumps(d)
    assert d["households"] == {"total": 4, "covered": 2, "rate": 0.5}
    assert d["members"] == {"total": 2, "covered": 1, "rate": 0.5}
    assert d["active"]["households"] == 2
    assert d["breakdown"][0]["area"] == "B1"


def test_empty_area_rate_is_none() -> None:
    G = city()
    G.add_node("B9", label="Building", kind="BUILDING")
    G.add_edge("B9", "G2", key="PART_OF", type="PART_OF")
    r = coverage(G, "B9")
    assert (r.households.total, r.households.rate, r.by, r.breakdown) == (0, None, None, ())


def test_bad_areas() -> None:
    with pytest.raises(NotFoundError):
        coverage(city(), "nowhere")
    with pytest.raises(ValueError, match="not an area"):
        coverage(city(), "h1")
    with pytest.raises(ValueError, match="cannot break"):
        coverage(city(), "G1", by="Community")


def test_vanguard_load() -> None:
    # V1: members N1, V2 (2), households h2, h3 (2); V2: 0 / 2; V3: 1 / 1; V4: nothing -> idle
    r = vanguard_load(city(), members_norm=1, households_norm=1, overload_factor=1.5, include_all=True)
    assert r.vanguards == 4
    assert [v.id for v in r.overloaded] == ["V1", "V2"]  # above 1.5 members or 1.5 households
    assert [v.id for v in r.idle] == ["V4"]
    assert r.mean_households == pytest.approx(5 / 4)
    assert r.mean_members == pytest.approx(3 / 4)
    assert [(v.id, v.members, v.households, v.status) for v in r.loads] == [
        ("V1", 2, 2, "overloaded"),
        ("V2", 0, 2, "overloaded"),
        ("V3", 1, 1, "ok"),
        ("V4", 0, 0, "idle"),
    ]
    default = vanguard_load(city())
    assert default.overloaded == () and [v.id for v in default.idle] == ["V4"] and default.loads == ()
    # vanguards of an area are those living in it: V1 (h1) and V4 (h4) in G1
    g1 = vanguard_load(city(), "G1", include_all=True)
    assert [v.id for v in g1.loads] == ["V1", "V4"]


def test_uncovered_households() -> None:
    r = uncovered_households(city(), "C")
    assert r.total == 3 and not r.truncated
    assert [(h.grid, h.building, h.id) for h in r.households] == [
        ("G1", "B1", "h1"),
        ("G1", "B2", "h4"),
        ("G2", "B3", "h5"),
    ]
    everywhere = uncovered_households(city(), limit=2)  # hx is covered (V3)
    assert everywhere.total == 3 and everywhere.truncated
    assert [h.id for h in everywhere.households] == ["h1", "h4"]
    assert everywhere.households[0].size == 2 and everywhere.households[0].tags == ()
