"""The area index on the tiny city (see analytics.projection.tiny_city) and odd shapes."""

from __future__ import annotations

import json

import pytest

from analytics import AreaIndex, AreaPath, ProjectionBuilder, coverage, reach, tiny_city
from bench import sparse_baseline as sparse
from graph_schema import NotFoundError


def test_paths_counts_and_members() -> None:
    idx = AreaIndex.build(tiny_city())
    assert idx.path("h8") == AreaPath("b3", "g2", "c1", "st1")
    assert idx.path("g3") == AreaPath(None, "g3", "c2", "st1")
    assert idx.path("v1") == AreaPath()  # members are placed through residence, not path
    # st1 8; c1: h1..h5, h8; g2: h4, h5, h8
    counts = {a: idx.household_count(a) for a in ("st1", "c1", "c2", "g1", "g2", "g3", "b1", "b2", "b3", "b4")}
    assert counts == {"st1": 8, "c1": 6, "c2": 2, "g1": 3, "g2": 3, "g3": 2, "b1": 2, "b2": 1, "b3": 3, "b4": 2}
    assert sorted(idx.households("g2")) == ["h4", "h5", "h8"]
    assert sorted(idx.members("g2")) == ["m2", "v2"] and sorted(idx.members()) == ["m1", "m2", "m3", "v1", "v2"]
    assert idx.residence("m3") == "h3" and idx.member_building("m3") == "b2"
    assert idx.areas_under("c1", "Building") == ["b1", "b2", "b3"] and idx.areas_under(None, "Grid") == [
        "g1",
        "g2",
        "g3",
    ]
    assert idx.children("g1") == ["b1", "b2"] and idx.ancestors("b4") == ("g3", "c2", "st1")
    assert idx.within("b4", "st1") and not idx.within("b4", "c1") and idx.within("c1", None)


def test_area_algebra() -> None:
    idx = AreaIndex.build(tiny_city())
    chain = idx.antichain(["st1", "c1", "b4"])
    assert chain == frozenset({"st1"}) and idx.count_within(chain, None) == 8
    assert idx.count_within(frozenset({"c1", "b4"}), "g3") == 2
    assert idx.count_within(frozenset({"c1", "b4"}), "b1") == 2  # c1 contains b1
    assert idx.count_within(frozenset({"g1", "b4"}), "c1") == 3
    assert idx.meet(frozenset({"c1"}), frozenset({"g2", "b4"})) == frozenset({"g2"})
    assert idx.buildings_in(frozenset({"g1", "b4"})) == {"b1", "b2", "b4"}
    assert idx.rollup({"b2": 1, "b4": 2, "nope": 5}) == {"b2": 1, "g1": 1, "c1": 1, "st1": 3, "b4": 2, "g3": 2, "c2": 2}


def test_loose_households_and_broken_chains() -> None:
    b = ProjectionBuilder()
    b.node("Grid", "g").node("Building", "b", kind="BUILDING").node("Building", "lost", kind="BUILDING")
    b.part_of("g", "b").nodes("Household", "h1", "h2", "h3").part_of("b", "h1").part_of("lost", "h2")
    b.node("PartyMember", "v", kind="RESIDENT", vanguard=True).rel("LIVES_IN", "v", "h3")
    idx = AreaIndex.build(b.graph)
    assert idx.household_count() == 3 and idx.household_count("g") == 1 and idx.household_count("lost") == 1
    assert idx.path("h2") == AreaPath("lost") and idx.path("h3") == AreaPath()
    assert idx.children(None) == []  # no streets
    assert idx.residence("v") == "h3" and idx.member_building("v") is None
    r = coverage(b.graph, by="Building")
    assert [x.area for x in r.breakdown] == ["b", "lost"] and r.households.total == 3
    assert coverage(b.graph).breakdown == ()  # no streets to break the city down by


def test_unknown_areas() -> None:
    idx = AreaIndex.build(tiny_city())
    with pytest.raises(NotFoundError):
        idx.check("h1")
    assert idx.check(None) == "City" and idx.check("g1") == "Grid"
    with pytest.raises(NotFoundError):
        reach(tiny_city(), "nope")
    with pytest.raises(NotFoundError):
        sparse.coverage(sparse.SparseProjection.from_graph(tiny_city()), "nope")


def test_results_are_json_ready() -> None:
    G = tiny_city()
    for result in (coverage(G, as_of="2026-10-31"), reach(G, "c1")):
        text = json.dumps(result.to_dict())
        assert "breakdown" in text
