"""Workers and guidance stations in both stores (the ``store`` fixture): written and read back
whole, personal data out of the projection, single relationships kept single, scoped reads that
see exactly an area's workers, and the workers analysis giving the same answer from either store
and from the ``workers`` projection of ``civicmesh analyze``."""

from __future__ import annotations

import pytest

import analytics as A
from graph_schema import Node, Relationship, ValidationError
from graph_schema.roles import Role
from loaders.scope import resolve_scope
from loaders.store import Direction, GraphStore
from service.commands.analysis.vocabulary import PROJECTIONS
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


async def _seed(store: GraphStore) -> None:
    await store.upsert(list(CITY.nodes), list(CITY.relationships))


async def test_workers_and_stations_read_back_whole(store: GraphStore) -> None:
    await _seed(store)
    (w,) = await store.get_nodes(["w-g1"])
    assert w is not None and w.label == "Worker"
    assert dict(w.properties) == {"name": "陈静", "role": "GRID_WORKER", "full_time": True, "phone": "13912345678"}
    (works,) = await store.neighbours(["w-g1"], "WORKS_IN", Direction.OUT)
    assert [(e.node.id, e.relationship.properties) for e in works] == [("g1", {"since": "2022-05-01"})]
    (member,) = await store.neighbours(["w-g1"], "IS_MEMBER", Direction.OUT)
    assert [e.node.id for e in member] == ["pm2"]
    (guided,) = await store.neighbours(["w-i1"], "GUIDES", Direction.OUT)
    assert [e.node.id for e in guided] == ["org-am", "org-c1", "org-g1"]
    (stationed,) = await store.neighbours(["gs1"], "STATIONED_AT", Direction.IN)
    assert [e.node.id for e in stationed] == ["w-i1"]
    (served,) = await store.neighbours(["s2-gs"], "SERVES_AREA", Direction.OUT)
    assert [e.node.id for e in served] == ["s2"]
    assert await store.count_nodes("Worker") == 5 and await store.count_nodes("GuidanceStation") == 2


async def test_the_projection_leaves_out_names_and_phones(store: GraphStore) -> None:
    await _seed(store)
    g = await store.project()
    assert g.nodes["w-g1"] == {"label": "Worker", "role": "GRID_WORKER", "full_time": True}
    assert g.nodes["gs1"]["name"] == "澄江街道基层党建工作指导站"


async def test_a_second_station_or_membership_is_refused_and_nothing_is_written(store: GraphStore) -> None:
    await _seed(store)
    with pytest.raises(ValidationError) as exc:
        await store.upsert(
            [Node("Worker", "w-new", {"name": "新人", "role": "SOCIAL_WORKER"})],
            [Relationship("STATIONED_AT", "w-i1", "s2-gs"), Relationship("WORKS_IN", "w-new", "c1")],
        )
    assert [(p.field, p.code) for p in exc.value.problems] == [("end", "SECOND_PARENT")]
    assert (await store.get_nodes(["w-new"])) == [None]
    with pytest.raises(ValidationError) as exc:
        await store.upsert([], [Relationship("GUIDES", "w-i1", "hh1")])
    assert [(p.field, p.code) for p in exc.value.problems] == [("end", "ENDPOINT_LABEL")]
    with pytest.raises(ValidationError) as exc:
        await store.upsert([Node("Worker", "w-x", {"name": "某人", "role": "BOSS"})], [])
    assert [(p.field, p.code) for p in exc.value.problems] == [("role", "ENUM")]


@pytest.mark.parametrize(
    ("role", "scope", "workers", "stations"),
    [
        (Role.COMMUNITY, "c1", {"w-g1", "w-b1"}, set()),
        (Role.GRID_WORKER, "g1", {"w-g1", "w-b1"}, set()),
        (Role.GRID_WORKER, "g2", set(), set()),
        (Role.STREET, "st1", {"w-g1", "w-b1", "w-i1"}, {"gs1"}),
        (Role.COMMUNITY, "s2c1", {"s2-w1", "s2-w2"}, set()),
        (Role.STREET, "s2", {"s2-w1", "s2-w2"}, {"s2-gs"}),
    ],
)
async def test_a_scoped_viewer_sees_exactly_its_areas_workers(
    store: GraphStore, role: Role, scope: str, workers: set[str], stations: set[str]
) -> None:
    await _seed(store)
    sc = await resolve_scope(store, role, scope)
    listed = {n.id for n in (await store.list_nodes("Worker", scope=sc)).nodes}
    assert listed == workers
    found = await store.get_nodes(CITY.ids("Worker", "GuidanceStation"), scope=sc)
    assert {n.id for n in found if n is not None} == workers | stations
    seen, _ = CITY.visible(role, scope)
    assert {i for i in seen if CITY.labels[i] in ("Worker", "GuidanceStation")} == workers | stations


async def test_the_workers_analysis_is_the_same_from_either_store_and_its_projection(store: GraphStore) -> None:
    await _seed(store)
    labels, types = PROJECTIONS["workers"]
    whole = A.workers_report(await store.project(), include_all=True)
    narrow = A.workers_report(await store.project(list(labels), list(types)), include_all=True)
    assert whole == narrow
    assert [g.id for g in whole.workerless_grids] == ["g2", "g3", "s2c1g2", "s2c2g1", "s2c2g2"]
    assert whole.by_role == {"GRID_WORKER": 2, "BUILDING_HEAD": 1, "INSTRUCTOR": 2, "SOCIAL_WORKER": 0}
    assert [(x.id, x.organizations) for x in whole.loads] == [("s2-w2", 2), ("w-i1", 3)]
    assert [u.id for u in whole.unguided_property_companies] == ["s2-am1"]
    east = A.workers_report(await store.project(), "c1")
    assert [g.id for g in east.workerless_grids] == ["g2"] and east.instructors == 0
    assert east.property_companies == 1 and east.unguided_property_companies == ()
