"""The compact walk of a compiled nested read (``loaders.walk.walk_compact`` and ``walk_tree``),
on both stores: the same nodes, in the same order, with the same asked-for properties, as one
``neighbours`` call per layer, whatever the limits, projections and scope; and a forked tree is
each of its branches walked from the nodes above it."""

from __future__ import annotations

from typing import Any

import pytest

from loaders.scope import Scope
from loaders.store import Direction, GraphStore
from loaders.walk import (
    CompactWalked,
    Walked,
    WalkLayer,
    WalkTree,
    walk_by_neighbours,
    walk_compact,
    walk_tree,
    walk_tree_from,
)
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


ROOT_SCOPES = (
    *SCOPES,
    Scope(root="g3", name_only=frozenset({"c2", "st1"})),
    Scope(ids=frozenset({"b1", "hh2"})),
    Scope(),  # nothing visible
)


@pytest.mark.parametrize("props", [frozenset({"name"}), frozenset({"name", "code", "address", "size"})])
async def test_a_walk_from_a_root_is_the_point_read_then_the_walk(store: GraphStore, props: frozenset[str]) -> None:
    """``walk_compact_from`` on each store: the root as ``get_nodes`` reads it in the scope (None
    when missing, outside, or of another label than asked, and then nothing is walked), and the
    compact walk from it as ``neighbours`` per layer."""
    await store.write(CITY.batch())
    own = getattr(store, "walk_compact_from", None)
    assert own is not None  # both stores answer it in one call
    cases = [
        ("st1", "Street", _down(None, props)),
        ("c1", "Community", _down(2, props)[1:]),
        ("g1", "Grid", _down(None, props)[2:]),
        ("g3", "Grid", _down(1, props)[2:]),
        ("b1", "Building", _down(None, props)[3:]),
        ("g1", "Building", _down(None, props)[3:]),  # another label than the id has
        ("no-such-node", "Grid", _down(None, props)[2:]),
    ]
    walked = 0
    for scope in ROOT_SCOPES:
        for root_id, label, layers in cases:
            root, found = await own(root_id, label, props, layers=layers, scope=scope)
            (node,) = await store.get_nodes([root_id], scope=scope)
            if node is None or node.label != label:
                assert root is None, (root_id, label, scope)
                assert found == [{} for _ in layers], (root_id, label, scope)
                continue
            assert root is not None, (root_id, label, scope)
            assert (root[0], root[1]) == (node.id, node.label)
            asked = {k: v for k, v in node.properties.items() if k in props}
            assert {k: v for k, v in root[2].items() if k in props} == asked, (root_id, scope)
            want = await walk_by_neighbours(store, [root_id], layers, scope=scope)
            assert _asked(found, props) == _rows(want), (root_id, label, scope)
            walked += sum(len(rows) for rows in found[-1].values())
    assert walked > 0


async def test_a_tree_from_a_root_walks_its_chain_with_the_root(store: GraphStore) -> None:
    """``walk_tree_from``: the first tree's chain in the root's call, the other trees and the
    branches below the chain from the nodes above them, as ``walk_tree`` from the root."""
    await store.write(CITY.batch())
    grids = WalkLayer("PART_OF", Direction.IN, ("Grid",), None, frozenset({"name"}))
    buildings = WalkLayer("PART_OF", Direction.IN, ("Building",), 1, frozenset({"name"}))
    households = WalkLayer("PART_OF", Direction.IN, ("Household",), None, frozenset({"name", "size"}))
    orgs = WalkLayer("GOVERNS", Direction.IN, None, None, frozenset({"name"}))
    first = WalkTree(grids, (WalkTree(buildings, (WalkTree(households), WalkTree(orgs))),))
    second = WalkTree(orgs)
    for scope in ROOT_SCOPES:
        root, got = await walk_tree_from(store, "c1", "Community", {"name", "code"}, (first, second), scope=scope)
        (node,) = await store.get_nodes(["c1"], scope=scope)
        if node is None:
            assert root is None and got == {}, scope
            continue
        assert root is not None and root[0] == "c1"
        want = await walk_tree(store, ["c1"], first, scope=scope)
        want.update(await walk_tree(store, ["c1"], second, scope=scope))
        assert set(got) == set(want), scope
        for tree, rows in want.items():
            assert _asked([got[tree]], frozenset({"name", "size"})) == _asked([rows], frozenset({"name", "size"}))
