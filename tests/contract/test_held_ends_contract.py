"""The end rules hold after the fact, on both stores (``graph_schema.end_kinds.held_problems``): a
write that changes the level, external flag or role of a node is checked against the
ATTACHED_TO, ASSESSES and ASSESSED_BY already stored at it, and a patch of an assessment is
checked merged with its stored properties.  A refused write leaves the store as it was; the
changes that keep the stored relationships valid still go through."""

from __future__ import annotations

from typing import Any

import pytest

from graph_schema import Node, Relationship, RelRef, ValidationError, WriteBatch
from loaders.store import Direction, GraphStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


def _assessment(node_id: str, kind: str = "SPOT", result: str = "QUALIFIED") -> Node:
    return Node("Assessment", node_id, {"round": "2026-2", "kind": kind, "on": "2026-09-01", "result": result})


@pytest.fixture
async def city(store: GraphStore) -> GraphStore:
    """The shared city, with two assessments of org-g1 (as1 by the instructor w-i1) and the
    station vs1 attached to the building group org-b1."""
    await store.write(CITY.batch())
    rels = [
        Relationship("ASSESSES", "as1", "org-g1"),
        Relationship("ASSESSES", "as2", "org-g1"),
        Relationship("ASSESSED_BY", "as1", "w-i1"),
        Relationship("ATTACHED_TO", "vs1", "org-b1"),
    ]
    await store.write(WriteBatch([_assessment("as1"), _assessment("as2", "SELF")], rels))
    return store


async def _refused(store: GraphStore, batch: WriteBatch) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as err:
        await store.write(batch)
    return [(p.record, p.field, p.code) for p in err.value.problems]


async def _props(store: GraphStore, node_id: str) -> dict[str, Any]:
    (node,) = await store.get_nodes([node_id])
    assert node is not None
    return dict(node.properties)


def _patch(label: str, node_id: str, **props: Any) -> WriteBatch:
    return WriteBatch([Node(label, node_id, props)], patch=True)


async def test_an_assessed_branch_stays_rated(city: GraphStore) -> None:
    before = await _props(city, "org-g1")
    batch = _patch("PartyOrganization", "org-g1", level="BUILDING_GROUP")
    with pytest.raises(ValidationError) as err:
        await city.write(batch)
    (problem,) = err.value.problems
    assert (problem.record, problem.field, problem.code) == ("PartyOrganization org-g1", "level", "NOT_RATED")
    assert problem.message.startswith("'org-g1' has 2 assessments (ASSESSES): a BUILDING_GROUP is not rated")
    assert problem.message.endswith("change or remove them first")
    # made external, or replaced whole by a group: refused the same way
    assert await _refused(city, _patch("PartyOrganization", "org-g1", external=True)) == [
        ("PartyOrganization org-g1", "external", "NOT_RATED")
    ]
    whole = Node("PartyOrganization", "org-g1", {**before, "level": "GRID_GROUP"})
    assert await _refused(city, WriteBatch([whole])) == [("PartyOrganization org-g1", "level", "NOT_RATED")]
    assert await _props(city, "org-g1") == before
    # a rated level, another property, or the change with its assessments removed: allowed
    await city.write(_patch("PartyOrganization", "org-g1", level="UNIT_BRANCH", name="东门网格党支部"))
    assert (await _props(city, "org-g1"))["level"] == "UNIT_BRANCH"
    unlink = [RelRef("ASSESSES", "as1", "org-g1")]
    await city.write(
        WriteBatch(
            [Node("PartyOrganization", "org-g1", {"level": "GRID_GROUP"})],
            delete_relationships=unlink,
            delete_nodes=["as2"],
            patch=True,
        )
    )
    assert (await _props(city, "org-g1"))["level"] == "GRID_GROUP"


async def test_a_refused_change_applies_nothing_of_its_batch(city: GraphStore) -> None:
    batch = WriteBatch(
        [
            Node("PartyOrganization", "org-am", {"name": "改名"}),
            Node("PartyOrganization", "org-g1", {"external": True}),
        ],
        patch=True,
    )
    assert await _refused(city, batch) == [("PartyOrganization org-g1", "external", "NOT_RATED")]
    assert (await _props(city, "org-am"))["name"] != "改名"
    assert "external" not in await _props(city, "org-g1")


async def test_a_group_that_sets_a_station_stays_a_group(city: GraphStore) -> None:
    problems = await _refused(city, _patch("PartyOrganization", "org-b1", level="GRID_BRANCH"))
    assert problems == [("PartyOrganization org-b1", "level", "NOT_GROUP")]
    assert (await _props(city, "org-b1"))["level"] == "BUILDING_GROUP"
    # a group to another group keeps the station valid
    await city.write(_patch("PartyOrganization", "org-b1", level="GRID_GROUP"))
    # a group without stations may become a branch
    group = Node("PartyOrganization", "org-gg", {"name": "东门二网格党小组", "level": "GRID_GROUP"})
    await city.write(WriteBatch([group]))
    await city.write(_patch("PartyOrganization", "org-gg", level="GRID_BRANCH"))
    assert (await _props(city, "org-gg"))["level"] == "GRID_BRANCH"
    # and so may the first once its station moves to another group in the same write
    move = WriteBatch(
        [Node("PartyOrganization", "org-b1", {"level": "GRID_BRANCH"})],
        delete_relationships=[RelRef("ATTACHED_TO", "vs1", "org-b1")],
        patch=True,
    )
    await city.write(move)
    assert (await _props(city, "org-b1"))["level"] == "GRID_BRANCH"


async def test_an_instructor_who_assessed_stays_an_instructor(city: GraphStore) -> None:
    with pytest.raises(ValidationError) as err:
        await city.write(_patch("Worker", "w-i1", role="GRID_WORKER"))
    (problem,) = err.value.problems
    assert (problem.record, problem.field, problem.code) == ("Worker w-i1", "role", "NOT_INSTRUCTOR")
    assert problem.message.startswith("'w-i1' made 1 assessment (ASSESSED_BY): a GRID_WORKER is not an instructor")
    assert (await _props(city, "w-i1"))["role"] == "INSTRUCTOR"
    # the instructor's phone may change; an instructor who assessed nothing may change role
    await city.write(_patch("Worker", "w-i1", phone="13912345678"))
    assert (await _props(city, "w-i1"))["phone"] == "13912345678"
    await city.write(_patch("Worker", "s2-w2", role="GRID_WORKER"))
    assert (await _props(city, "s2-w2"))["role"] == "GRID_WORKER"
    # deleting the assessment takes its ASSESSED_BY with it: then the role may change
    await city.delete(["as1"])
    assert await city.neighbours(["w-i1"], "ASSESSED_BY", Direction.IN) == [[]]
    await city.write(_patch("Worker", "w-i1", role="GRID_WORKER"))


async def test_an_assessment_patch_is_checked_with_its_stored_properties(city: GraphStore) -> None:
    # as1 is a SPOT check, QUALIFIED on 2026-09-01: made UNQUALIFIED it needs a deadline
    assert await _refused(city, _patch("Assessment", "as1", result="UNQUALIFIED")) == [
        ("Assessment as1", "rectify_by", "ASSESSMENT")
    ]
    # a deadline on a QUALIFIED result, or one before the stored date
    assert await _refused(city, _patch("Assessment", "as1", rectify_by="2026-12-01")) == [
        ("Assessment as1", "rectify_by", "ASSESSMENT")
    ]
    with pytest.raises(ValidationError) as err:
        await city.write(_patch("Assessment", "as1", result="UNQUALIFIED", rectify_by="2026-08-01"))
    assert [p.message for p in err.value.problems] == [
        "the rectification deadline 2026-08-01 is before the assessment on 2026-09-01"
    ]
    assert (await _props(city, "as1"))["result"] == "QUALIFIED"
    # both together, after the date: allowed, and the kind of another check stays as stored
    await city.write(_patch("Assessment", "as1", result="UNQUALIFIED", rectify_by="2026-12-01"))
    assert (await _props(city, "as1"))["rectify_by"] == "2026-12-01"
    # removing the deadline of an UNQUALIFIED concluding check is refused; of a SELF check not
    assert await _refused(city, _patch("Assessment", "as1", rectify_by=None)) == [
        ("Assessment as1", "rectify_by", "ASSESSMENT")
    ]
    await city.write(_patch("Assessment", "as2", result="UNQUALIFIED"))


async def test_moving_an_assessment_to_a_group_is_refused(city: GraphStore) -> None:
    move = WriteBatch(
        relationships=[Relationship("ASSESSES", "as1", "org-b1")],
        delete_relationships=[RelRef("ASSESSES", "as1", "org-g1")],
    )
    assert await _refused(city, move) == [("ASSESSES as1 -> org-b1", "end", "NOT_RATED")]
    (edges,) = await city.neighbours(["as1"], "ASSESSES", Direction.OUT)
    assert [e.node.id for e in edges] == ["org-g1"]


async def test_deleting_an_assessed_branch_takes_its_assessments_links(city: GraphStore) -> None:
    await city.delete(["org-g1"])
    assert await city.neighbours(["as1", "as2"], "ASSESSES", Direction.OUT) == [[], []]
    assert (await city.get_nodes(["as1"]))[0] is not None
