"""The compact walk of a compiled nested read (``loaders.walk.walk_compact`` and ``walk_tree``),
on both stores: the same nodes, in the same order, with the same asked-for properties, as one
``neighbours`` call per layer, whatever the limits, projections and scope; and a forked tree is
each of its branches walked from the nodes above it."""

from __future__ import annotations

from typing import Any

import pytest

from loaders.scope import Scope
from loaders.store import Direction, GraphStore
from loaders.walk import CompactWalked, Walked, WalkLayer, WalkTree, walk_by_neighbours, walk_compact, walk_tree
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

STREETS = sorted(n.id for n in CITY.nodes if n.label == "Street")
SCOPES = (None, Scope(root="c1"), Scope(root="g1", name_only=frozenset({"c1", "st1"})))


def _down(limit: int | None, props: frozenset[str] | None) -> list[WalkLayer]:
    """Street → communities → grids → buildings → households."""
    return [
        WalkLayer("PART_OF", Direction.IN, ("Community",), limit, props),
        WalkLayer("PART_OF", Direction.IN, ("Grid",), limit, props),
        WalkLayer("PART_OF", Direction.IN, ("Building",), limit, props),
        WalkLayer("PART_OF", Direction.IN, ("Household",), limit, props),
    ]


def _asked(found: CompactWalked, props: frozenset[str] | None) -> list[dict[str, list[Any]]]:
    """The rows with only the asked-for properties (a store may give more)."""
    return [
        {
            parent: [
                (i, label, dict(p) if props is None else {k: p[k] for k in props if k in p}) for i, label, p in rows
            ]
            for parent, rows in layer.items()
        }
        for layer in found
    ]


def _rows(found: Walked) -> list[dict[str, list[Any]]]:
    return [
        {parent: [(e.node.id, e.node.label, dict(e.node.properties)) for e in edges] for parent, edges in layer.items()}
        for layer in found
    ]


@pytest.mark.parametrize("limit", [None, 1, 2])
@pytest.mark.parametrize("props", [None, frozenset({"name"}), frozenset({"name", "code", "size"})])
async def test_the_compact_walk_answers_as_a_neighbours_call_per_layer(
    store: GraphStore, limit: int | None, props: frozenset[str] | None
) -> None:
    await store.write(CITY.batch())
    for scope in SCOPES:
        layers = _down(limit, props)
        got = await walk_compact(store, [*STREETS, "no-such-node"], layers, scope=scope)
        want = await walk_by_neighbours(store, [*STREETS, "no-such-node"], layers, scope=scope)
        assert _asked(got, props) == _rows(want), (limit, props, scope)
        assert got[0]["no-such-node"] == []
        assert sum(len(rows) for rows in got[3].values()) > 0 or scope is not None


async def test_a_forked_tree_walks_each_branch_from_the_nodes_above(store: GraphStore) -> None:
    await store.write(CITY.batch())
    grids = WalkLayer("PART_OF", Direction.IN, ("Grid",), 3, frozenset({"name"}))
    buildings = WalkLayer("PART_OF", Direction.IN, ("Building",), 2, frozenset({"name"}))
    households = WalkLayer("PART_OF", Direction.IN, ("Household",), None, frozenset({"name", "size"}))
    orgs = WalkLayer("GOVERNS", Direction.IN, None, None, frozenset({"name"}))
    leaf_b, leaf_o = WalkTree(households), WalkTree(orgs)
    below = WalkTree(buildings, (leaf_b, leaf_o))
    top = WalkTree(grids, (below,))
    communities = sorted(n.id for n in CITY.nodes if n.label == "Community")
    for scope in SCOPES:
        got = await walk_tree(store, communities, top, scope=scope)
        chain = await walk_by_neighbours(store, communities, [grids, buildings, households], scope=scope)
        asked = frozenset({"name", "size"})
        assert _asked([got[top], got[below], got[leaf_b]], asked) == _asked(_compact(chain), asked), scope
        frontier = [e.node.id for edges in chain[1].values() for e in edges]
        frontier = list(dict.fromkeys(frontier))
        (governed,) = await walk_by_neighbours(store, frontier, [orgs], scope=scope)
        assert _asked([got[leaf_o]], frozenset({"name"})) == _rows([governed]), scope
    found = await walk_tree(store, communities, top)
    assert any(found[leaf_o].values())  # some building is governed: the branch is not vacuous


def _compact(found: Walked) -> CompactWalked:
    return [
        {parent: [(e.node.id, e.node.label, e.node.properties) for e in edges] for parent, edges in layer.items()}
        for layer in found
    ]
