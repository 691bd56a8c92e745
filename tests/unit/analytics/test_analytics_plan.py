"""The coverage plan on a hand-built graph.

    Community C: Grid G1: B1: h1 (V1 lives), h2, h3 (ELDERLY_ALONE), h4
                          B2: h5 (V2 lives), h6
                 Grid G2: B3: h7 (V3 lives), h8
    V2 LINKS h6, V3 LINKS h8; V1 links nothing.  Uncovered: h1..h5, h7.

With a norm of 2: V1 has 2 spare, V2 1, V3 1.  In G1, V1 can take B1 (not h1, its home:
2 places, cost 1) or h5 (cost 3); V2 can take B1 (cost 3) but not h5 (its home).  Max flow 3,
min cost 1 + 1 + 3 = 5: V1 takes two of B1, V2 one of B1.  B1's order: h3 (tagged), h1, h2,
h4; V1 skips its home: h3, h2; V2 then h1.  In G2, V3 could only take h7, its own home.
"""

from __future__ import annotations

import json
from typing import Any

from analytics import ProjectionBuilder, coverage_plan


def city() -> Any:
    b = ProjectionBuilder()
    b.node("Community", "C").nodes("Grid", "G1", "G2").part_of("C", "G1", "G2")
    b.nodes("Building", "B1", "B2", kind="BUILDING").part_of("G1", "B1", "B2")
    b.node("Building", "B3", kind="BUILDING").part_of("G2", "B3")
    b.nodes("Household", "h1", "h2", "h4", "h5", "h6", "h7", "h8", tags=[]).node(
        "Household", "h3", tags=["ELDERLY_ALONE"]
    )
    b.part_of("B1", "h1", "h2", "h3", "h4").part_of("B2", "h5", "h6").part_of("B3", "h7", "h8")
    b.nodes("PartyMember", "V1", "V2", "V3", kind="RESIDENT", vanguard=True)
    b.rel("LIVES_IN", "V1", "h1").rel("LIVES_IN", "V2", "h5").rel("LIVES_IN", "V3", "h7")
    b.rel("LINKS", "V2", "h6").rel("LINKS", "V3", "h8")
    return b.graph


def test_plan() -> None:
    p = coverage_plan(city(), households_norm=2)
    assert [(a.grid, a.vanguard, a.household, a.building, a.same_building) for a in p.assignments] == [
        ("G1", "V1", "h2", "B1", True),
        ("G1", "V1", "h3", "B1", True),
        ("G1", "V2", "h1", "B1", False),
    ]
    assert (p.assigned, p.same_building, p.same_grid, p.cost) == (3, 2, 1, 5)
    assert (p.before.covered, p.before.total, p.after.covered, p.after.rate) == (2, 8, 5, 5 / 8)
    assert p.unassigned == ("h4", "h5", "h7")
    assert (p.capacity, p.vanguards_used, p.flow_problems) == (4, 2, 2)
    json.dumps(p.to_dict())


def test_plan_for_an_area_and_capacity_override() -> None:
    g2 = coverage_plan(city(), "G2", households_norm=2)
    assert (g2.before.covered, g2.after.covered, g2.unassigned, g2.capacity) == (1, 1, ("h7",), 1)
    # V1 down to one place: V1 one of B1 (h3), V2 one of B1 (h1)
    p = coverage_plan(city(), households_norm=2, capacity={"V1": 1, "V3": 0})
    assert [(a.vanguard, a.household) for a in p.assignments] == [("V1", "h3"), ("V2", "h1")]
    assert p.capacity == 2


def test_building_first_even_when_far_is_cheap_to_reach() -> None:
    # one vanguard, one place: the household of its own building wins over one elsewhere in the grid
    G = city()
    p = coverage_plan(G, "C", capacity={"V1": 0, "V2": 1, "V3": 0})
    assert [(a.vanguard, a.household, a.same_building) for a in p.assignments] == [("V2", "h3", False)]
    G.add_node("h9", label="Household", tags=[])
    G.add_edge("h9", "B2", key="PART_OF", type="PART_OF")
    p = coverage_plan(G, "C", capacity={"V1": 0, "V2": 1, "V3": 0})
    assert [(a.vanguard, a.household, a.same_building) for a in p.assignments] == [("V2", "h9", True)]
