"""The area index's parts read on first use: a lone lookup answers what the whole part answers.

``AreaIndex.build`` reads the tree of areas only; one household's building or one member's
home is looked up from its own relationships until the households or members part is read.
On graphs with the invalid shapes the index tolerates (a household PART_OF two buildings, a
member LIVES_IN two households, households without a building, PART_OF to a grid), every
lookup must give the same answer before and after the parts are read, in any order.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import AreaIndex, ProjectionBuilder

HOUSEHOLDS = [f"h{i}" for i in range(8)]
MEMBERS = [f"m{i}" for i in range(5)]
BUILDINGS = ["b0", "b1", "b2"]
TARGETS = [*BUILDINGS, "g0", "g1", "nowhere"]

edges = st.lists(st.tuples(st.sampled_from(HOUSEHOLDS), st.sampled_from(TARGETS)), max_size=14)
homes = st.lists(st.tuples(st.sampled_from(MEMBERS), st.sampled_from([*HOUSEHOLDS, "b0"])), max_size=9)
visits = st.lists(st.tuples(st.sampled_from(MEMBERS), st.sampled_from(HOUSEHOLDS)), max_size=6)


def _city(part_of: list[tuple[str, str]], lives_in: list[tuple[str, str]], visited: list[tuple[str, str]]) -> Any:
    b = ProjectionBuilder()
    b.node("Street", "s").node("Community", "c").nodes("Grid", "g0", "g1")
    b.nodes("Building", *BUILDINGS, kind="BUILDING").node("Worker", "nowhere")
    b.part_of("s", "c").part_of("c", "g0", "g1").part_of("g0", "b0", "b1").part_of("g1", "b2")
    # visits first: a member's households in their edges' order are not all homes
    b.nodes("Household", *HOUSEHOLDS).nodes("PartyMember", *MEMBERS, kind="RESIDENT")
    for m, h in visited:
        b.rel("VISITED", m, h, on="2026-10-01")
    for h, t in part_of:
        b.rel("PART_OF", h, t)
    for m, h in lives_in:
        b.rel("LIVES_IN", m, h)
    return b.graph


def _answers(idx: AreaIndex, order: str) -> dict[str, Any]:
    lone: dict[str, Any] = {}
    whole: dict[str, Any] = {}
    first, second = (lone, whole) if order == "lone first" else (whole, lone)

    def ask_lone(into: dict[str, Any]) -> None:
        for h in [*HOUSEHOLDS, "b0", "nope"]:
            into[f"building {h}"] = idx.building_of(h)
            into[f"path {h}"] = idx.path(h)
        for m in [*MEMBERS, "h0", "nope"]:
            into[f"home {m}"] = (idx.residence(m), idx.member_building(m))

    def ask_whole(into: dict[str, Any]) -> None:
        for a in [None, "s", "c", "g0", "g1", *BUILDINGS]:
            into[f"count {a}"] = idx.household_count(a)
            into[f"households {a}"] = idx.households(a)
            into[f"members {a}"] = idx.members(a)
        into["by building"] = idx.count_by_building(HOUSEHOLDS)
        ask_lone(into)  # answered from the parts now

    (ask_lone if order == "lone first" else ask_whole)(first)
    (ask_whole if order == "lone first" else ask_lone)(second)
    return {"lone": lone, "whole": whole}


@settings(max_examples=150, deadline=None)
@given(edges, homes, visits)
def test_lone_lookups_answer_what_the_parts_answer(
    part_of: list[tuple[str, str]], lives_in: list[tuple[str, str]], visited: list[tuple[str, str]]
) -> None:
    G = _city(part_of, lives_in, visited)
    a = _answers(AreaIndex.build(G), "lone first")
    b = _answers(AreaIndex.build(G), "parts first")
    assert a["whole"] == b["whole"]
    for key, value in a["lone"].items():
        assert a["whole"][key] == value == b["lone"][key], key


def test_a_household_of_two_buildings_counts_in_the_first() -> None:
    G = _city([("h0", "b2"), ("h0", "b0"), ("h1", "g0")], [("m0", "h0"), ("m1", "h1"), ("m1", "h0")], [("m1", "h1")])
    lone = AreaIndex.build(G)
    assert lone.building_of("h0") == "b0" and lone.member_building("m0") == "b0"
    # m1's first household in their edges' order is h1 (visited first), which is in no building
    assert lone.residence("m1") == "h1" and lone.member_building("m1") is None and lone.building_of("h1") is None
    assert lone.households("b2") == [] and lone.households("b0") == ["h0"] and lone.members("g0") == ["m0"]
