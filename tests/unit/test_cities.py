"""The shared test city keeps the shape its docstring promises (other tests rely on it)."""

from __future__ import annotations

from collections import defaultdict

from graph_schema import Existing, validate_batch
from tests.cities import CITY, EAST


def test_the_city_is_a_valid_write() -> None:
    assert validate_batch(CITY.batch(), Existing()) == []


def test_the_second_street_has_two_parts_in_every_area_down_to_the_buildings() -> None:
    parts: dict[str, list[str]] = defaultdict(list)
    for r in CITY.relationships:
        if r.type == "PART_OF":
            parts[r.end].append(r.start)
    assert CITY.ids("Street") == ["s2", "st1"]
    communities = parts["s2"]
    grids = [g for c in communities for g in parts[c]]
    buildings = [b for g in grids for b in parts[g]]
    assert (len(communities), len(grids), len(buildings)) == (2, 4, 8)
    assert all(len(parts[b]) == 1 for b in buildings), "one household in each building"
    governed = {r.end for r in CITY.relationships if r.type == "GOVERNS"}
    assert {"s2", *communities, *grids} <= governed
    managed = {r.end for r in CITY.relationships if r.type == "MANAGES"}
    assert managed & set(buildings) and managed & {"b1", "b2"}


def test_east_is_the_first_street_of_the_city() -> None:
    assert all(n in CITY.nodes for n in EAST.nodes)
    assert all(r in CITY.relationships for r in EAST.relationships)
    assert EAST.ids("Street") == ["st1"]
