"""The seed read right in the synthetic city (issue 16, part 3): villages, grid-level party groups,
vanguard stations set by the party groups, and the whole-city preset calibrated without scaling
the article's city-wide counts a second time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from graph_schema import Existing, WriteBatch, validate_batch
from loaders.synthetic import City, generate

GROUPS = ("BUILDING_GROUP", "GRID_GROUP")


@pytest.fixture(scope="module")
def demo() -> City:
    return generate("demo")


@pytest.fixture(scope="module")
def city() -> Iterator[City]:
    import gc

    whole = generate("jiangyin-city")
    gc.freeze()
    try:
        yield whole
    finally:
        gc.unfreeze()


def _index(city: City) -> tuple[dict[str, dict[str, object]], dict[str, str], dict[str, dict[str, list[str]]]]:
    """Properties and label by id, and per type start id → end ids."""
    props = {n.id: dict(n.properties) for n in city.nodes}
    labels = {n.id: n.label for n in city.nodes}
    out: dict[str, dict[str, list[str]]] = {}
    for r in city.relationships:
        out.setdefault(r.type, {}).setdefault(r.start, []).append(r.end)
    return props, labels, out


def _check_stations(city: City) -> dict[str, int]:
    """Every station is set by at most one party group, one station per group, run by the vanguards
    of that group's area; returns a few counts."""
    props, _labels, out = _index(city)
    stations = [n.id for n in city.nodes if n.label == "VanguardStation"]
    attached = out.get("ATTACHED_TO", {})
    groups = [attached[s][0] for s in stations if s in attached]
    assert all(len(attached[s]) == 1 for s in attached)
    assert all(props[g]["level"] in GROUPS for g in groups)
    assert len(groups) == len(set(groups)), "one station per party group"
    located = {s: out["LOCATED_IN"][s][0] for s in stations}
    governs = out["GOVERNS"]
    part_of = {k: v[0] for k, v in out["PART_OF"].items()}
    for s in stations:
        if s not in attached:
            continue
        group = attached[s][0]
        area = governs[group][0]
        building = located[s]
        assert area in (building, part_of[building]), (s, group, area, building)
    runs = Counter(e for ends in out["RUNS"].values() for e in ends)
    vanguards = [n.id for n in city.nodes if n.label == "PartyMember" and n.properties.get("vanguard")]
    assert sorted(out["RUNS"]) == sorted(vanguards), "every vanguard runs one station"
    assert all(runs[s] >= 1 for s in stations)
    return {"stations": len(stations), "attached": len(groups), "vanguards": len(vanguards)}


def test_demo_has_a_village_and_grid_groups(demo: City) -> None:
    _props, labels, out = _index(demo)
    kinds = Counter(n.properties["kind"] for n in demo.nodes if n.label == "Community")
    assert kinds == {"COMMUNITY": 2, "VILLAGE": 1}
    village = next(n for n in demo.nodes if n.label == "Community" and n.properties["kind"] == "VILLAGE")
    assert village.properties["name"].endswith("村") and village.properties["code"][-3:] == "201"
    grid_groups = [n for n in demo.nodes if n.label == "PartyOrganization" and n.properties["level"] == "GRID_GROUP"]
    assert grid_groups, "the demo shows a grid run by a grid-level party group"
    for g in grid_groups:
        (area,) = out["GOVERNS"][g.id]
        assert labels[area] == "Grid" and g.properties["name"].endswith("网格党小组")
    assert not [
        n
        for n in demo.nodes
        if n.label == "PartyOrganization"
        and n.properties["level"] == "BUILDING_GROUP"
        and "网格" in n.properties["name"]
    ], "no grid-level group is typed BUILDING_GROUP any more"


def test_demo_stations_are_set_by_the_party_groups(demo: City) -> None:
    counts = _check_stations(demo)
    assert counts["attached"] >= 1
    assert validate_batch(WriteBatch(demo.nodes, demo.relationships), Existing()) == []


def test_a_village_is_mostly_courtyards(demo: City) -> None:
    _props, _labels, out = _index(demo)
    part_of = {k: v[0] for k, v in out["PART_OF"].items()}
    kind_of = {n.id: n.properties["kind"] for n in demo.nodes if n.label == "Community"}
    by_kind: dict[str, Counter[str]] = {"COMMUNITY": Counter(), "VILLAGE": Counter()}
    for n in demo.nodes:
        if n.label == "Building":
            by_kind[kind_of[part_of[part_of[n.id]]]][str(n.properties["kind"])] += 1
    village = by_kind["VILLAGE"]
    assert village["COURTYARD"] > village["BUILDING"]


@pytest.mark.slow
def test_the_whole_city_is_the_83_communities_plus_villages(city: City) -> None:
    counts = city.label_counts()
    kinds = Counter(n.properties["kind"] for n in city.nodes if n.label == "Community")
    assert kinds == {"COMMUNITY": 83, "VILLAGE": 200}
    assert counts["Street"] == 18
    assert counts["Grid"] == 2100
    assert 600_000 <= counts["Household"] <= 680_000  # about 640,000 family households
    props, _labels, out = _index(city)
    part_of = {k: v[0] for k, v in out["PART_OF"].items()}
    grids = Counter(props[part_of[n.id]]["kind"] for n in city.nodes if n.label == "Grid")
    assert 950 <= grids["COMMUNITY"] <= 1050, "the communities keep the article preset's ~1,000 grids"


@pytest.mark.slow
def test_the_whole_city_does_not_scale_the_article_counts_again(city: City) -> None:
    props, labels, out = _index(city)
    vanguards = [n.id for n in city.nodes if n.label == "PartyMember" and n.properties.get("vanguard")]
    assert len(vanguards) == 3115
    links = [(s, e) for s, ends in out["LINKS"].items() for e in ends]
    assert sum(1 for _, e in links if labels[e] == "PartyMember") == 27_200
    assert sum(1 for _, e in links if labels[e] == "Household") == 39_200
    units = Counter(n.properties["kind"] for n in city.nodes if n.label == "AllianceMember")
    assert units["SOCIAL_ORGANIZATION"] == 253
    branches = Counter(props[e[0]]["kind"] for e in out["BRANCH_OF"].values())
    assert branches["PROPERTY_COMPANY"] == 16
    assert branches["SOCIAL_ORGANIZATION"] == 27
    counts = _check_stations(city)
    assert counts["vanguards"] == 3115
    assert 0.8 <= counts["attached"] / counts["stations"] <= 0.95  # stations in buildings without a group


@pytest.mark.slow
def test_the_whole_city_is_valid(city: City) -> None:
    assert validate_batch(WriteBatch(city.nodes, city.relationships), Existing()) == []
