"""Structure completeness on a hand-built graph.

Street S:  C1: G1 (B1: 100 households, B2: 60), G2 (no buildings)
           C2: G3 (B3: 500)
Street S2: C3: G4 (target_households 6; B4: 5)

A serves C1; A2 serves S2 (so C3).  C2 has no alliance.

org  level                governs  star          reports to
oS   STREET_COMMITTEE     S        -             -
oC1  COMMUNITY_COMMITTEE  C1       EXCELLENT     oS
oG1  GRID_BRANCH          G1       DEMONSTRATION oC1
oG2  BUILDING_GROUP       G2       QUALIFIED     -
oG3  COMMUNITY_COMMITTEE  G3       UNQUALIFIED   -      (not a branch level)
oB1  BUILDING_GROUP       B1       -             -
oB2  GRID_BRANCH          B2       EXCELLENT     -      (not a group level)
oB4  BUILDING_GROUP       B4       DEMONSTRATION -
oU   UNIT_BRANCH          -        QUALIFIED     oC1    (so under C1)
oX   GRID_BRANCH          -        EXCELLENT     -      (under nothing)
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from analytics import AreaIndex, ProjectionBuilder, organization_areas, structure


def city() -> Any:
    b = ProjectionBuilder()
    b.nodes("Street", "S", "S2").nodes("Community", "C1", "C2", "C3").part_of("S", "C1", "C2").part_of("S2", "C3")
    b.nodes("Grid", "G1", "G2", "G3", target_households=300).node("Grid", "G4", target_households=6)
    b.part_of("C1", "G1", "G2").part_of("C2", "G3").part_of("C3", "G4")
    b.nodes("Building", "B1", "B2", "B3", "B4", kind="BUILDING").part_of("G1", "B1", "B2").part_of("G3", "B3")
    b.part_of("G4", "B4")
    for building, count in (("B1", 100), ("B2", 60), ("B3", 500), ("B4", 5)):
        for i in range(count):
            b.node("Household", f"{building}-h{i}").part_of(building, f"{building}-h{i}")
    b.nodes("Alliance", "A", "A2").rel("SERVES", "A", "C1").rel("SERVES", "A2", "S2")
    orgs = [
        ("oS", "STREET_COMMITTEE", "S", None, None),
        ("oC1", "COMMUNITY_COMMITTEE", "C1", "EXCELLENT", "oS"),
        ("oG1", "GRID_BRANCH", "G1", "DEMONSTRATION", "oC1"),
        ("oG2", "BUILDING_GROUP", "G2", "QUALIFIED", None),
        ("oG3", "COMMUNITY_COMMITTEE", "G3", "UNQUALIFIED", None),
        ("oB1", "BUILDING_GROUP", "B1", None, None),
        ("oB2", "GRID_BRANCH", "B2", "EXCELLENT", None),
        ("oB4", "BUILDING_GROUP", "B4", "DEMONSTRATION", None),
        ("oU", "UNIT_BRANCH", None, "QUALIFIED", "oC1"),
        ("oX", "GRID_BRANCH", None, "EXCELLENT", None),
    ]
    for org, level, area, star, parent in orgs:
        b.node("PartyOrganization", org, name=org, level=level, star=star)
        if area:
            b.rel("GOVERNS", org, area)
        if parent:
            b.rel("REPORTS_TO", org, parent)
    return b.graph


def test_city_structure() -> None:
    r = structure(city())
    # G1 (GRID_BRANCH) and G2 (BUILDING_GROUP) of G1..G4
    assert (r.grids, r.grids_with_branch, r.grids_with_branch_rate) == (4, 2, 0.5)
    assert r.grids_without_branch == ("G3", "G4")
    # B1 and B4 have BUILDING_GROUPs; B2's GRID_BRANCH does not count
    assert (r.buildings, r.buildings_with_group, r.buildings_with_group_rate) == (4, 2, 0.5)
    # C1 directly, C3 through its street
    assert (r.communities, r.communities_with_alliance) == (3, 2)
    assert r.communities_with_alliance_rate == pytest.approx(2 / 3)
    assert r.communities_without_alliance == ("C2",)
    # sizes: G1 160 (ok), G2 0 (< 150), G3 500 (> 450), G4 5 against its own 6 (3..9: ok)
    assert [(g.id, g.households, g.target) for g in r.grids_off_norm] == [("G2", 0, 300), ("G3", 500, 300)]
    assert r.grids_off_norm[1].deviation == pytest.approx(500 / 300 - 1)
    assert [(g.id, g.households, g.target, g.custom_target) for g in r.grids_with_custom_target] == [("G4", 5, 6, True)]
    s, s2 = r.star_spread
    # only branches are rated: oC1 and oG3 (rated community level), oG1, oB2, oU; not the street
    # committee oS nor the party groups oG2, oB1 (unrated, yet not counted as unrated) and oB4
    assert s.street == "S" and s.organizations == 5
    assert s.counts == {"DEMONSTRATION": 1, "EXCELLENT": 2, "QUALIFIED": 1, "UNQUALIFIED": 1, "null": 0}
    assert s2.organizations == 0
    assert s2.counts == {"DEMONSTRATION": 0, "EXCELLENT": 0, "QUALIFIED": 0, "UNQUALIFIED": 0, "null": 0}
    d = r.to_dict()
    json.dumps(d)
    for key in ("grids_with_branch_rate", "buildings_with_group_rate", "communities_with_alliance_rate"):
        assert key in d


def test_tolerance_is_configurable() -> None:
    r = structure(city(), grid_norm=200, tolerance=0.25)  # 150..250 for the grids without their own target
    # G1..G3 carry target 300 themselves: 225..375 -> G1 (160) is now off as well
    assert [g.id for g in r.grids_off_norm] == ["G1", "G2", "G3"]
    assert [g.id for g in r.grids_with_custom_target] == ["G1", "G2", "G3", "G4"]


def test_area_structure() -> None:
    r = structure(city(), "C1")
    assert (r.grids_with_branch_rate, r.buildings_with_group_rate, r.communities_with_alliance_rate) == (1.0, 0.5, 1.0)
    (spread,) = r.star_spread
    # the branches under C1: oC1, oG1, oB2 and oU (through oC1); the groups oG2 and oB1 are not rated
    assert spread.street == "S" and spread.organizations == 4
    assert spread.counts == {"DEMONSTRATION": 1, "EXCELLENT": 2, "QUALIFIED": 1, "UNQUALIFIED": 0, "null": 0}
    grid = structure(city(), "G3")
    assert (grid.grids_with_branch_rate, grid.communities, grid.communities_with_alliance_rate) == (0.0, 0, None)


def test_organization_areas() -> None:
    G = city()
    homes = organization_areas(G, AreaIndex.build(G))
    assert homes["oU"] == frozenset({"C1"}) and homes["oX"] == frozenset() and homes["oB2"] == frozenset({"B2"})


def test_unrated_counts_branches_only() -> None:
    """An unrated grid branch counts as unrated; an unrated party group or street committee does not."""
    b = ProjectionBuilder()
    b.node("Street", "S", name="S")
    b.node("Community", "C", name="C")
    b.nodes("Grid", "G1", "G2", name="g")
    b.part_of("S", "C").part_of("C", "G1", "G2")
    b.node("PartyOrganization", "oS", name="s", level="STREET_COMMITTEE")
    b.node("PartyOrganization", "oC", name="c", level="COMMUNITY_COMMITTEE")
    b.node("PartyOrganization", "oG1", name="g1", level="GRID_BRANCH")
    b.node("PartyOrganization", "oG2", name="g2", level="GRID_BRANCH", star="QUALIFIED")
    b.node("PartyOrganization", "oB", name="b", level="BUILDING_GROUP")
    for org, area in (("oS", "S"), ("oC", "C"), ("oG1", "G1"), ("oG2", "G2"), ("oB", "G2")):
        b.rel("GOVERNS", org, area)
    (spread,) = structure(b.graph).star_spread
    assert spread.organizations == 2
    assert (spread.counts["null"], spread.counts["QUALIFIED"]) == (1, 1)
