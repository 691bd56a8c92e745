"""Assessments (考核) on both stores: a branch is rated, a party group or a street committee is
refused (NOT_RATED, nothing written, whether its level is in the store or in the same write), the
rectification rules hold, and the projection shows a branch's final result as its star."""

from __future__ import annotations

from typing import Any

import pytest

from graph_schema import Node, Relationship, ValidationError, WriteBatch
from loaders.store import GraphStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


def _assessment(node_id: str, round_: str, kind: str, on: str, result: str, **more: Any) -> Node:
    return Node("Assessment", node_id, {"round": round_, "kind": kind, "on": on, "result": result, **more})


async def _assess(store: GraphStore, node: Node, org: str, by: str | None = None) -> None:
    rels = [Relationship("ASSESSES", node.id, org)]
    if by:
        rels.append(Relationship("ASSESSED_BY", node.id, by))
    await store.write(WriteBatch([node], rels))


async def test_a_branch_is_rated_and_shows_its_final_result(store: GraphStore) -> None:
    await store.write(CITY.batch())
    # org-g1 has no given star; org-c1 was given EXCELLENT
    await _assess(
        store, _assessment("as1", "2026-1", "SELF", "2026-03-02", "DEMONSTRATION", scores=["组织设置:6"]), "org-g1"
    )
    await _assess(store, _assessment("as2", "2026-1", "SECOND", "2026-04-01", "QUALIFIED"), "org-g1", "org-c1")
    await _assess(store, _assessment("as3", "2025-2", "SPOT", "2025-11-01", "EXCELLENT"), "org-g1")
    await _assess(
        store,
        _assessment("as4", "2026-1", "CROSS", "2026-05-01", "UNQUALIFIED", rectify_by="2026-08-01"),
        "org-c1",
    )
    (stored,) = await store.get_nodes(["as1"])
    assert stored is not None and stored.properties["scores"] == ["组织设置:6"]  # as written
    G = await store.project()
    # latest round 2026-1, most authoritative SECOND over SELF; the older round's SPOT does not count
    assert G.nodes["org-g1"]["star"] == "QUALIFIED"
    assert G.nodes["org-c1"]["star"] == "UNQUALIFIED"
    assert G.nodes["org-am"].get("star") is None  # no assessments, no given star
    part = await store.project(["PartyOrganization"], ["REPORTS_TO"])
    assert part.nodes["org-c1"]["star"] == "EXCELLENT"  # without the assessments: the given star


@pytest.mark.parametrize("org", ["org-b1", "org-st"])
async def test_a_party_group_or_street_committee_is_not_rated(store: GraphStore, org: str) -> None:
    await store.write(CITY.batch())
    with pytest.raises(ValidationError) as err:
        await _assess(store, _assessment("as1", "2026-1", "SELF", "2026-03-02", "QUALIFIED"), org)
    assert [p.code for p in err.value.problems] == ["NOT_RATED"]
    assert err.value.problems[0].record == f"ASSESSES as1 -> {org}"
    assert await store.get_nodes(["as1"]) == [None]


async def test_the_level_written_with_the_assessment_decides(store: GraphStore) -> None:
    await store.write(CITY.batch())
    group = Node("PartyOrganization", "org-new", {"name": "新党小组", "level": "BUILDING_GROUP"})
    with pytest.raises(ValidationError) as err:
        await store.write(
            WriteBatch(
                [group, _assessment("as1", "2026-1", "SELF", "2026-03-02", "QUALIFIED")],
                [Relationship("ASSESSES", "as1", "org-new")],
            )
        )
    assert [p.code for p in err.value.problems] == ["NOT_RATED"]
    # the same organization as a grid branch may be rated
    branch = Node("PartyOrganization", "org-new", {"name": "新支部", "level": "GRID_BRANCH"})
    await store.write(
        WriteBatch(
            [branch, _assessment("as1", "2026-1", "SELF", "2026-03-02", "QUALIFIED")],
            [Relationship("ASSESSES", "as1", "org-new")],
        )
    )
    assert (await store.get_nodes(["as1"]))[0] is not None


@pytest.mark.parametrize(
    ("props", "field", "code"),
    [
        ({"kind": "SECOND", "result": "UNQUALIFIED"}, "rectify_by", "ASSESSMENT"),
        ({"kind": "SELF", "result": "QUALIFIED", "rectify_by": "2026-06-01"}, "rectify_by", "ASSESSMENT"),
        ({"kind": "SPOT", "result": "UNQUALIFIED", "rectify_by": "2026-01-01"}, "rectify_by", "ASSESSMENT"),
        ({"kind": "SELF", "result": "QUALIFIED", "round": "2026Q1"}, "round", "FORMAT"),
        ({"kind": "SELF", "result": "QUALIFIED", "scores": ["SERVICE:6"]}, "scores", "FORMAT"),
        ({"kind": "SELF", "result": "QUALIFIED", "scores": ["SERVICE:1", "作用发挥:2"]}, "scores", "ASSESSMENT"),
        ({"kind": "SELF", "result": "示范"}, "result", "ENUM"),
    ],
)
async def test_assessment_rules(store: GraphStore, props: dict[str, Any], field: str, code: str) -> None:
    await store.write(CITY.batch())
    node = Node("Assessment", "as1", {"round": "2026-1", "on": "2026-03-02", **props})
    with pytest.raises(ValidationError) as err:
        await store.write(WriteBatch([node], [Relationship("ASSESSES", "as1", "org-g1")]))
    assert [(p.field, p.code) for p in err.value.problems] == [(field, code)]
    assert await store.get_nodes(["as1"]) == [None]


async def test_one_branch_per_assessment(store: GraphStore) -> None:
    await store.write(CITY.batch())
    await _assess(store, _assessment("as1", "2026-1", "SELF", "2026-03-02", "QUALIFIED"), "org-g1")
    with pytest.raises(ValidationError) as err:
        await store.write(WriteBatch(relationships=[Relationship("ASSESSES", "as1", "org-am")]))
    assert [p.code for p in err.value.problems] == ["SECOND_PARENT"]
