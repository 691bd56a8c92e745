"""Alliance resource reach, overlap, gaps and greedy expansion on a hand-built graph.

Street S1: Community C1: Grid G1: B1 (2 households), B2 (1)
           Community C2: Grid G2: B3 (3)
Street S2: Community C3: Grid G3: B4 (4)                       10 households

A1 SERVES C1      A2 SERVES S1      A3 SERVES C3      A4 serves nothing
U1 [FUNDING]            JOINED A1                      reaches C1        = 3
U2 [VOLUNTEERS]         JOINED A2                      reaches S1        = 6
U3 [FUNDING, LEGAL_AID] JOINED A1, MANAGES B4          reaches C1 + B4   = 7
U4 [LEGAL_AID]          nothing                        reaches nothing
U5 [VOLUNTEERS]         JOINED A4, MANAGES B3          reaches B3        = 3
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from analytics import (
    Join,
    ProjectionBuilder,
    Serve,
    expansion_plan,
    greedy,
    reach,
    reach_overlap,
    unreached_households,
)


def city() -> Any:
    b = ProjectionBuilder()
    b.nodes("Street", "S1", "S2").nodes("Community", "C1", "C2", "C3").nodes("Grid", "G1", "G2", "G3")
    b.part_of("S1", "C1", "C2").part_of("S2", "C3").part_of("C1", "G1").part_of("C2", "G2").part_of("C3", "G3")
    b.nodes("Building", "B1", "B2", "B3", "B4", kind="BUILDING")
    b.part_of("G1", "B1", "B2").part_of("G2", "B3").part_of("G3", "B4")
    n = 0
    for building, count in (("B1", 2), ("B2", 1), ("B3", 3), ("B4", 4)):
        for _ in range(count):
            n += 1
            b.node("Household", f"h{n:02d}", size=1).part_of(building, f"h{n:02d}")
    b.nodes("Alliance", "A1", "A2", "A3", "A4")
    b.rel("SERVES", "A1", "C1").rel("SERVES", "A2", "S1").rel("SERVES", "A3", "C3")
    units = {
        "U1": ["FUNDING"],
        "U2": ["VOLUNTEERS"],
        "U3": ["FUNDING", "LEGAL_AID"],
        "U4": ["LEGAL_AID"],
        "U5": ["VOLUNTEERS"],
    }
    for u, resources in units.items():
        b.node("AllianceMember", u, name=f"unit {u}", kind="ENTERPRISE", resources=resources)
    b.rel("JOINED", "U1", "A1").rel("JOINED", "U2", "A2").rel("JOINED", "U3", "A1").rel("JOINED", "U5", "A4")
    b.rel("MANAGES", "U3", "B4").rel("MANAGES", "U5", "B3")
    return b.graph


def test_reach_city() -> None:
    r = reach(city())
    assert (r.households.total, r.households.reached, r.households.rate) == (10, 10, 1.0)
    assert [(u.id, u.households) for u in r.units] == [("U3", 7), ("U2", 6), ("U1", 3), ("U5", 3)]
    assert r.units[0].name == "unit U3" and r.units[0].resources == ("FUNDING", "LEGAL_AID")
    res = {x.resource: (x.units, x.households.reached) for x in r.resources}
    assert res["FUNDING"] == (2, 7)  # C1 + B4
    assert res["VOLUNTEERS"] == (2, 6)  # S1, B3 lies inside it
    assert res["LEGAL_AID"] == (1, 7)  # U3 only; U4 reaches nothing
    assert res["HEALTH"] == (0, 0)
    assert [(x.area, x.households.reached, x.resources["FUNDING"], x.resources["VOLUNTEERS"]) for x in r.breakdown] == [
        ("S1", 6, 3, 6),
        ("S2", 4, 4, 0),
    ]


def test_reach_area() -> None:
    r = reach(city(), "C2")
    assert (r.households.total, r.households.reached) == (3, 3)
    assert [(u.id, u.households) for u in r.units] == [("U2", 3), ("U5", 3)]
    funding = next(x for x in r.resources if x.resource == "FUNDING")
    assert (funding.units, funding.households.reached, funding.households.rate) == (0, 0, 0.0)
    assert reach(city(), "B4").units[0].id == "U3"
    json.dumps(r.to_dict())
    assert r.to_dict()["households"] == {"total": 3, "reached": 3, "rate": 1.0}


def test_overlap() -> None:
    pairs = reach_overlap(city(), top=3).pairs
    # top three U3 (7), U2 (6), U1 (3): every pair shares C1 (3 households)
    assert [(p.first, p.second, p.both, p.either) for p in pairs] == [
        ("U2", "U1", 3, 6),
        ("U3", "U1", 3, 7),
        ("U3", "U2", 3, 10),
    ]
    assert pairs[2].jaccard == pytest.approx(0.3)
    (pair,) = reach_overlap(city(), units=["U5", "U2"]).pairs
    assert (pair.both, pair.either, pair.jaccard) == (3, 6, 0.5)  # B3 lies in S1
    (inside,) = reach_overlap(city(), "C1", units=["U3", "U2"]).pairs
    assert (inside.first_households, inside.both) == (3, 3)
    with pytest.raises(ValueError):
        reach_overlap(city(), units=["U1", "A1"])


def test_unreached() -> None:
    funding = unreached_households(city(), resource="FUNDING")
    assert (funding.unreached, funding.buildings, funding.households) == (3, ("B3",), ("h04", "h05", "h06"))
    assert unreached_households(city()).unreached == 0
    education = unreached_households(city(), "S2", resource="EDUCATION", limit=1)
    assert (education.unreached, education.households, education.truncated) == (4, ("h07",), True)


def test_expansion_default_candidates() -> None:
    plan = expansion_plan(city(), 3, resource="FUNDING")
    # unreached for FUNDING: B3 (3 households).  Candidates, in order: JOIN into A2 (no FUNDING
    # member; serves S1 -> B3), SERVE C2 by A1, SERVE S1 by A1 (A1 has FUNDING members).
    # All gain 3; the tie goes to the first.  The unit: U1 and U3 both joined one alliance,
    # U1 reaches fewer households.
    assert (plan.reached_before, plan.reached_after, plan.candidates) == (7, 10, 3)
    assert [(s.action, s.unit, s.alliance, s.area, s.gain, s.reached) for s in plan.steps] == [
        ("JOIN", "U1", "A2", None, 3, 10)
    ]
    serves_only = expansion_plan(city(), 3, resource="FUNDING", actions=("SERVE",))
    assert [(s.action, s.alliance, s.area, s.gain) for s in serves_only.steps] == [("SERVE", "A1", "C2", 3)]
    assert expansion_plan(city(), 3).steps == ()  # every household is reached by some unit


def test_expansion_explicit_candidates() -> None:
    # LEGAL_AID reaches C1 + B4 (U3); B3 is missing.  U2 offers no LEGAL_AID; A1 has U3.
    candidates: list[Join | Serve] = [Join("U2", "A3"), Join("U4", "A2"), Serve("A1", "C2"), Serve("A4", "S1")]
    plan = expansion_plan(city(), 2, resource="LEGAL_AID", candidates=candidates)
    assert [(s.action, s.unit, s.alliance, s.area, s.gain) for s in plan.steps] == [("JOIN", "U4", "A2", None, 3)]
    naive = expansion_plan(city(), 2, resource="LEGAL_AID", candidates=candidates, lazy=False)
    assert naive.steps == plan.steps and naive.method == "naive"


def test_expansion_in_area() -> None:
    plan = expansion_plan(city(), 2, area="S2", resource="VOLUNTEERS")
    # S2 (B4, 4 households) has no VOLUNTEERS.  Candidates: JOIN A3 (serves C3, no VOLUNTEERS
    # member), SERVE C3 and SERVE S2, each by A2 (A2 and A4 have one VOLUNTEERS member each and
    # serve nothing in S2, so by id).  All gain 4; JOIN A3 comes first.  Its unit: U2 and U5
    # joined one alliance each, U5 reaches fewer households.
    assert plan.households_total == 4 and plan.reached_before == 0 and plan.candidates == 3
    assert [(s.action, s.unit, s.alliance, s.gain) for s in plan.steps] == [("JOIN", "U5", "A3", 4)]
    serves = expansion_plan(city(), 2, area="S2", resource="VOLUNTEERS", actions=("SERVE",))
    assert [(s.alliance, s.area) for s in serves.steps] == [("A2", "C3")]


def test_greedy_tie_break_and_stop() -> None:
    sets = [{"x"}, {"y"}, {"x", "y"}]
    weights = {"x": 1, "y": 1}
    assert [s.candidate for s in greedy.lazy_greedy(sets, weights, 5)] == [2]
    assert [s.candidate for s in greedy.naive_greedy([{"x"}, {"y"}], weights, 5)] == [0, 1]
    assert greedy.lazy_greedy(sets, weights, 0) == ()
    assert greedy.lazy_greedy([set()], weights, 2) == ()
