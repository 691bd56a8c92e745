"""Assessments seen through a scope, on both stores: an assessment lies where the branch it
ASSESSES governs (``graph_schema.contract.WITHIN_THROUGH``), so a viewer bound to a street,
community or grid sees the assessments of that area's branches and no other, by id, by walk,
in a listing and its count, page by page; a unit branch governs no area, so its assessments
lie in none (as the branch itself); an area export carries its branches' assessments."""

from __future__ import annotations

import pytest

from graph_schema import Node, Relationship
from graph_schema.roles import Role
from loaders.formats.exporting import collect
from loaders.scope import Scope, resolve_scope
from loaders.store import Direction, GraphStore
from tests.cities import CITY, City

pytestmark = pytest.mark.asyncio


def _assessment(node_id: str, kind: str, on: str, result: str = "QUALIFIED") -> Node:
    return Node("Assessment", node_id, {"round": "2026-1", "kind": kind, "on": on, "result": result})


RATED: dict[str, tuple[str, str | None]] = {
    # assessment id -> (the branch it ASSESSES, who assessed it)
    "as-g1-self": ("org-g1", None),  # 东门一网格党支部: governs g1 (st1 > c1 > g1)
    "as-g1-second": ("org-g1", "org-c1"),
    "as-g1-spot": ("org-g1", "w-i1"),  # by the instructor of st1's guidance station
    "as-c1-self": ("org-c1", None),  # 东门社区党委: governs c1
    "as-am-self": ("org-am", None),  # 红色物业党支部, a unit branch: governs no area
    "as-s2-self": ("s2c1g1-po", None),  # 观西一网格党支部, in 南闸
    "as-s2-cross": ("s2c2g1-po", "org-c1"),  # assessed from 澄江, lies in 南闸
}
KINDS = {"self": "SELF", "second": "SECOND", "spot": "SPOT", "cross": "CROSS"}


def _rated_city() -> City:
    nodes = [_assessment(i, KINDS[i.rsplit("-", 1)[1]], f"2026-03-{n + 10}") for n, i in enumerate(RATED)]
    rels = [Relationship("ASSESSES", i, branch) for i, (branch, _) in RATED.items()]
    rels += [Relationship("ASSESSED_BY", i, by) for i, (_, by) in RATED.items() if by]
    return City(CITY.nodes + tuple(nodes), CITY.relationships + tuple(rels))


RATED_CITY = _rated_city()


@pytest.fixture
async def rated(store: GraphStore) -> GraphStore:
    await store.write(RATED_CITY.batch())
    return store


async def test_the_shared_city_places_assessments_by_their_branch() -> None:
    inside = {i for i in RATED_CITY.subtree("st1") if i in RATED}
    assert inside == {"as-g1-self", "as-g1-second", "as-g1-spot", "as-c1-self"}
    assert {i for i in RATED_CITY.subtree("g1") if i in RATED} == {"as-g1-self", "as-g1-second", "as-g1-spot"}
    assert {i for i in RATED_CITY.subtree("s2") if i in RATED} == {"as-s2-self", "as-s2-cross"}


@pytest.mark.parametrize(
    ("role", "bound"),
    [
        (Role.STREET, "st1"),
        (Role.STREET, "s2"),
        (Role.COMMUNITY, "c1"),
        (Role.GRID_WORKER, "g1"),
        (Role.ANALYST, "s2c2"),
    ],
)
async def test_an_area_viewer_sees_the_assessments_of_its_branches(rated: GraphStore, role: Role, bound: str) -> None:
    scope = await resolve_scope(rated, role, bound)
    assert scope is not None and scope.root == bound
    expected = {i for i in RATED_CITY.visible(role, bound)[0] if i in RATED}
    assert expected  # every viewer of the table sees some
    ids = sorted(RATED)
    found = await rated.get_nodes(ids, scope=scope)
    assert {i for i, n in zip(ids, found, strict=True) if n is not None} == expected
    # a listing and its count agree, page by page (two a page)
    assert await rated.count_nodes("Assessment", scope=scope) == len(expected)
    listed: list[str] = []
    after = None
    while True:
        page = await rated.list_nodes("Assessment", first=2, after=after, scope=scope)
        listed += [n.id for n in page.nodes]
        if not page.has_more:
            break
        after = page.cursors[-1]
    assert listed == sorted(expected)


async def test_walks_from_a_branch_and_an_assessor_stay_inside(rated: GraphStore) -> None:
    grid = await resolve_scope(rated, Role.GRID_WORKER, "g1")
    south = await resolve_scope(rated, Role.STREET, "s2")
    # org-g1's history: all three checks for its grid, none for 南闸
    (history,) = await rated.neighbours(["org-g1"], "ASSESSES", Direction.IN, scope=grid)
    assert [e.node.id for e in history] == ["as-g1-second", "as-g1-self", "as-g1-spot"]
    assert await rated.count_neighbours(["org-g1"], "ASSESSES", Direction.IN, scope=grid) == [3]
    (page,) = await rated.neighbours(["org-g1"], "ASSESSES", Direction.IN, limit=2, scope=grid)
    assert [e.node.id for e in page] == ["as-g1-second", "as-g1-self"]
    assert await rated.neighbours(["org-g1"], "ASSESSES", Direction.IN, scope=south) == [[]]
    # what org-c1 assessed: in 澄江 its check of org-g1, in 南闸 its cross-check of s2c2g1-po
    street = await resolve_scope(rated, Role.STREET, "st1")
    (made,) = await rated.neighbours(["org-c1"], "ASSESSED_BY", Direction.IN, scope=street)
    assert [e.node.id for e in made] == ["as-g1-second"]
    (made,) = await rated.neighbours(["org-c1"], "ASSESSED_BY", Direction.IN, scope=south)
    assert [e.node.id for e in made] == ["as-s2-cross"]
    assert await rated.count_neighbours(["org-c1"], "ASSESSED_BY", Direction.IN, scope=south) == [1]
    # the instructor's check, walked both ways
    (by,) = await rated.neighbours(["as-g1-spot"], "ASSESSED_BY", Direction.OUT, scope=street)
    assert [(e.node.id, e.node.label) for e in by] == [("w-i1", "Worker")]
    (spot,) = await rated.neighbours(["w-i1"], "ASSESSED_BY", Direction.IN, scope=street)
    assert [e.node.id for e in spot] == ["as-g1-spot"]


async def test_a_unit_branchs_assessments_lie_in_no_area(rated: GraphStore) -> None:
    for role, bound in [(Role.CITY, "st1"), (Role.COMMUNITY, "c1"), (Role.STREET, "s2")]:
        scope = await resolve_scope(rated, role, bound)
        assert await rated.get_nodes(["as-am-self", "org-am"], scope=scope) == [None, None]
    assert (await rated.get_nodes(["as-am-self"]))[0] is not None  # the whole city sees it
    listed = await rated.list_nodes("Assessment", first=50, scope=Scope(ids=frozenset({"as-am-self"})))
    assert [n.id for n in listed.nodes] == ["as-am-self"]  # and a listed id is always inside


async def test_an_area_export_carries_its_branches_assessments(rated: GraphStore) -> None:
    data = await collect(rated, area="g1")
    exported = {n.id for n in data.nodes if n.label == "Assessment"}
    assert exported == {"as-g1-self", "as-g1-second", "as-g1-spot"}
    rels = {(r.type, r.start, r.end) for r in data.relationships if r.start in exported}
    # who assessed them lies outside g1 (org-c1 governs c1, w-i1 works in st1): not exported
    assert rels == {("ASSESSES", i, "org-g1") for i in exported}
    street = await collect(rated, area="st1")
    exported = {n.id for n in street.nodes if n.label == "Assessment"}
    assert exported == {"as-g1-self", "as-g1-second", "as-g1-spot", "as-c1-self"}
    by = {(r.start, r.end) for r in street.relationships if r.type == "ASSESSED_BY"}
    assert by == {("as-g1-second", "org-c1"), ("as-g1-spot", "w-i1")}
    south = await collect(rated, area="s2")
    assert {n.id for n in south.nodes if n.label == "Assessment"} == {"as-s2-self", "as-s2-cross"}
    assert not [r for r in south.relationships if r.type == "ASSESSED_BY"]  # org-c1 is in 澄江
