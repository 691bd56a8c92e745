"""The kind of node a relationship ends at, on both stores (``graph_schema.end_kinds``): a
vanguard station is ATTACHED_TO a party group only, an external branch is not rated, and of
the workers only an instructor assesses a branch; the kind is the stored one or the one the
same write leaves, and a refused write leaves nothing behind."""

from __future__ import annotations

import pytest

from graph_schema import Node, Relationship, ValidationError, WriteBatch
from loaders.store import Direction, GraphStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def city(store: GraphStore) -> GraphStore:
    await store.write(CITY.batch())
    return store


def _assessment(node_id: str = "as1", kind: str = "SPOT") -> Node:
    return Node("Assessment", node_id, {"round": "2026-2", "kind": kind, "on": "2026-09-01", "result": "QUALIFIED"})


async def _refused(store: GraphStore, batch: WriteBatch) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as err:
        await store.write(batch)
    return [(p.record, p.field, p.code) for p in err.value.problems]


@pytest.mark.parametrize("org", ["org-g1", "org-c1", "org-st", "org-am"])
async def test_a_station_is_set_by_a_party_group_only(city: GraphStore, org: str) -> None:
    # vs1 stands in b1, whose group is org-b1; it is attached to nothing yet
    problems = await _refused(city, WriteBatch(relationships=[Relationship("ATTACHED_TO", "vs1", org)]))
    assert problems == [(f"ATTACHED_TO vs1 -> {org}", "end", "NOT_GROUP")]
    assert await city.neighbours(["vs1"], "ATTACHED_TO", Direction.OUT) == [[]]
    await city.write(WriteBatch(relationships=[Relationship("ATTACHED_TO", "vs1", "org-b1")]))
    (edges,) = await city.neighbours(["vs1"], "ATTACHED_TO", Direction.OUT)
    assert [e.node.id for e in edges] == ["org-b1"]


async def test_the_level_the_write_leaves_decides_for_a_station(city: GraphStore) -> None:
    group = Node("PartyOrganization", "org-gg", {"name": "东门二网格党小组", "level": "GRID_GROUP"})
    await city.write(WriteBatch([group], [Relationship("ATTACHED_TO", "vs1", "org-gg")]))
    (edges,) = await city.neighbours(["vs1"], "ATTACHED_TO", Direction.OUT)
    assert [e.node.id for e in edges] == ["org-gg"]
    # the group made a branch by a patch in the write that attaches another station: refused
    branch = Node("PartyOrganization", "org-gg", {"level": "GRID_BRANCH"})
    attach = Relationship("ATTACHED_TO", "s2c1-vs", "org-gg")
    problems = await _refused(city, WriteBatch([branch], [attach], patch=True))
    # (and the station attached before, vs1, holds it to a group: test_held_ends_contract)
    assert problems == [
        ("ATTACHED_TO s2c1-vs -> org-gg", "end", "NOT_GROUP"),
        ("PartyOrganization org-gg", "level", "NOT_GROUP"),
    ]
    assert (await city.get_nodes(["org-gg"]))[0].properties["level"] == "GRID_GROUP"  # type: ignore[union-attr]
    # a patch of its name only keeps the stored level, a group
    await city.write(WriteBatch([Node("PartyOrganization", "org-gg", {"name": "党小组"})], [attach], patch=True))
    (edges,) = await city.neighbours(["s2c1-vs"], "ATTACHED_TO", Direction.OUT)
    assert [e.node.id for e in edges] == ["org-gg"]


async def test_an_external_branch_is_not_rated(city: GraphStore) -> None:
    batch = WriteBatch([_assessment()], [Relationship("ASSESSES", "as1", "s2-ext-po")])
    problems = await _refused(city, batch)
    assert problems == [("ASSESSES as1 -> s2-ext-po", "end", "NOT_RATED")]
    assert await city.get_nodes(["as1"]) == [None]
    # the city's own unit branch is rated
    await city.write(WriteBatch([_assessment()], [Relationship("ASSESSES", "as1", "s2-am1-po")]))
    assert (await city.get_nodes(["as1"]))[0] is not None


async def test_an_instructor_assesses_a_grid_worker_does_not(city: GraphStore) -> None:
    rels = [Relationship("ASSESSES", "as1", "org-g1"), Relationship("ASSESSED_BY", "as1", "w-g1")]
    problems = await _refused(city, WriteBatch([_assessment()], rels))
    assert problems == [("ASSESSED_BY as1 -> w-g1", "end", "NOT_INSTRUCTOR")]
    assert await city.get_nodes(["as1"]) == [None]
    # a building head made an instructor in the same write may
    head = Node("Worker", "w-b1", {"name": "刘德华", "role": "INSTRUCTOR"})
    rels = [Relationship("ASSESSES", "as1", "org-g1"), Relationship("ASSESSED_BY", "as1", "w-b1")]
    await city.write(WriteBatch([_assessment(), head], rels))
    (by,) = await city.neighbours(["as1"], "ASSESSED_BY", Direction.OUT)
    assert [(e.node.id, e.node.label) for e in by] == [("w-b1", "Worker")]
    # and an instructor of the city, stored as such
    rels = [Relationship("ASSESSES", "as2", "org-g1"), Relationship("ASSESSED_BY", "as2", "w-i1")]
    await city.write(WriteBatch([_assessment("as2", "CROSS")], rels))
    (made,) = await city.neighbours(["w-i1"], "ASSESSED_BY", Direction.IN)
    assert [e.node.id for e in made] == ["as2"]
