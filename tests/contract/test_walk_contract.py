"""The walk of a nested selection (``loaders.walk.walk``), on both stores: the same answer,
layer for layer, as one ``neighbours`` call per layer, whatever the limits, projections and
scope; and the households it reaches under a street are the street's own, worked out here in
Python from the shared test city."""

from __future__ import annotations

import itertools

import pytest

from loaders.scope import Scope
from loaders.store import Direction, GraphStore
from loaders.walk import WalkLayer, walk, walk_by_neighbours
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

STREETS = sorted(n.id for n in CITY.nodes if n.label == "Street")
NAME = frozenset({"name"})


def _down(limit: int | None, props: frozenset[str] | None) -> list[WalkLayer]:
    """Street → communities → grids → buildings → households → residents."""
    return [
        WalkLayer("PART_OF", Direction.IN, ("Community",), limit, props),
        WalkLayer("PART_OF", Direction.IN, ("Grid",), limit, props),
        WalkLayer("PART_OF", Direction.IN, ("Building",), limit, props),
        WalkLayer("PART_OF", Direction.IN, ("Household",), limit, props),
        WalkLayer("LIVES_IN", Direction.IN, None, limit, props),
    ]


def _households_under(street: str) -> set[str]:
    parent = {r.start: r.end for r in CITY.relationships if r.type == "PART_OF"}
    out = set()
    for n in CITY.nodes:
        if n.label != "Household":
            continue
        node = n.id
        while node in parent and node != street:
            node = parent[node]
        if node == street:
            out.add(n.id)
    return out


async def test_the_walk_reaches_every_household_of_each_street(store: GraphStore) -> None:
    await store.write(CITY.batch())
    for street in STREETS:
        found = await walk(store, [street], _down(None, NAME)[:4])
        assert list(found[0]) == [street]
        households = {e.node.id for edges in found[3].values() for e in edges}
        assert households == _households_under(street), street
        assert all(set(e.node.properties) <= {"name"} for edges in found[3].values() for e in edges)
        # every node of a layer has its entry in the next, with or without edges
        for upper, lower in itertools.pairwise(found):
            assert set(lower) == {e.node.id for edges in upper.values() for e in edges}


@pytest.mark.parametrize("limit", [None, 1, 2])
@pytest.mark.parametrize("props", [None, NAME])
async def test_the_walk_answers_as_a_neighbours_call_per_layer(
    store: GraphStore, limit: int | None, props: frozenset[str] | None
) -> None:
    await store.write(CITY.batch())
    for scope in (None, Scope(root="c1"), Scope(root="g1", name_only=frozenset({"c1"}))):
        layers = _down(limit, props)
        got = await walk(store, [*STREETS, "no-such-node"], layers, scope=scope)
        want = await walk_by_neighbours(store, [*STREETS, "no-such-node"], layers, scope=scope)
        assert got == want, (limit, props, scope)
        assert got[0]["no-such-node"] == []
        if limit is not None:
            assert all(len(edges) <= limit for layer in got for edges in layer.values())


async def test_an_empty_layer_ends_the_walk_without_error(store: GraphStore) -> None:
    await store.write(CITY.batch())
    layers = [WalkLayer("PART_OF", Direction.IN, ("Household",)), WalkLayer("LIVES_IN", Direction.IN)]
    found = await walk(store, STREETS, layers)  # streets have no household directly under them
    assert found == [{s: [] for s in STREETS}, {}]
