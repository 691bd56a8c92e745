"""Workers and guidance stations through the API, on both stores: the walks both ways, the
listings, the mutations with their role rules and audit events, workerStats with its scoping, and
tokens whose subject is a worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
import pytest

from loaders.store import AuditFilter, GraphStore
from tests.api.conftest import Api, gid, open_api

pytestmark = pytest.mark.asyncio

SECRET = "s3cret-for-tests-only-0123456789abcdef"


def _token(sub: str, role: str, scope: str | None = None, reveal_pii: bool = False) -> str:
    claims: dict[str, Any] = {
        "sub": sub,
        "name": "测试",
        "role": role,
        "reveal_pii": reveal_pii,
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    }
    if scope is not None:
        claims["scope"] = scope
    return jwt.encode(claims, SECRET, algorithm="HS256")


async def _as(api: Api, query: str, sub: str, role: str, scope: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {_token(sub, role, scope)}"}
    r = await api.client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return r


async def test_walks_from_a_worker_and_back(api: Api) -> None:
    data = await api.q(
        """query($w: ID!, $g: ID!, $s: ID!, $m: ID!, $o: ID!) {
          w: node(id: $w) { ... on Worker { role fullTime name phone
              worksIn { edges { since node { localId } } }
              guides { nodes { localId } } station { localId name } } }
          g: node(id: $g) { ... on Grid { workers { nodes { localId role } } } }
          s: node(id: $s) { ... on Street { guidanceStations { nodes { localId instructors { nodes { localId } }
              serves { nodes { localId } } } } workers { nodes { localId } } } }
          m: node(id: $m) { ... on PartyMember { worker { localId } } }
          o: node(id: $o) { ... on PartyOrganization { guidedBy { edges { since node { localId } } } } }
        }""",
        {
            "w": gid("Worker", "w-i1"),
            "g": gid("Grid", "g1"),
            "s": gid("Street", "st1"),
            "m": gid("PartyMember", "pm2"),
            "o": gid("PartyOrganization", "org-c1"),
        },
    )
    w = data["w"]
    assert (w["role"], w["fullTime"], w["name"], w["phone"]) == ("INSTRUCTOR", True, "吴*", None)
    assert [e["node"]["localId"] for e in w["worksIn"]["edges"]] == ["st1"]
    assert [n["localId"] for n in w["guides"]["nodes"]] == ["org-am", "org-c1", "org-g1"]
    assert w["station"] == {"localId": "gs1", "name": "澄江街道基层党建工作指导站"}
    assert data["g"]["workers"]["nodes"] == [{"localId": "w-g1", "role": "GRID_WORKER"}]
    [station] = data["s"]["guidanceStations"]["nodes"]
    assert station == {
        "localId": "gs1",
        "instructors": {"nodes": [{"localId": "w-i1"}]},
        "serves": {"nodes": [{"localId": "st1"}]},
    }
    assert data["s"]["workers"]["nodes"] == [{"localId": "w-i1"}]
    assert data["m"]["worker"] == {"localId": "w-g1"}
    assert data["o"]["guidedBy"]["edges"] == [{"since": "2024-09-01", "node": {"localId": "w-i1"}}]


async def test_listings_filter_by_role_and_area(api: Api) -> None:
    data = await api.q(
        """query($c: ID!) {
          all: workers(first: 20) { totalCount }
          instructors: workers(filter: {role: INSTRUCTOR}) { nodes { localId } }
          inC1: workers(filter: {within: $c}) { nodes { localId } }
          partTime: workers(filter: {fullTime: false}) { nodes { localId } }
          guidanceStations { nodes { localId } }
        }""",
        {"c": gid("Community", "c1")},
    )
    assert data["all"]["totalCount"] == 5
    assert [n["localId"] for n in data["instructors"]["nodes"]] == ["s2-w2", "w-i1"]
    assert [n["localId"] for n in data["inC1"]["nodes"]] == ["w-b1", "w-g1"]
    assert [n["localId"] for n in data["partTime"]["nodes"]] == ["s2-w2", "w-b1"]
    assert [n["localId"] for n in data["guidanceStations"]["nodes"]] == ["gs1", "s2-gs"]


CREATE = """mutation($a: ID!, $s: ID, $g: [ID!]) {
  createWorker(input: {id: "w-new", name: "周涛", role: INSTRUCTOR, fullTime: false, area: $a, station: $s,
                       guides: $g}) {
    worker { localId role guides { nodes { localId } } station { localId } }
    errors { field code message } } }"""


async def test_create_update_and_delete_a_worker(api: Api, city: GraphStore) -> None:
    data = await api.q(
        CREATE,
        {"a": gid("Community", "c1"), "s": gid("GuidanceStation", "gs1"), "g": [gid("AllianceMember", "am1")]},
    )
    created = data["createWorker"]
    assert created["errors"] == []
    assert created["worker"] == {
        "localId": "w-new",
        "role": "INSTRUCTOR",
        "guides": {"nodes": [{"localId": "am1"}]},
        "station": {"localId": "gs1"},
    }
    upd = await api.q(
        'mutation($id: ID!) { updateWorker(input: {id: $id, fullTime: true, phone: "13700001111"}) '
        "{ worker { fullTime } errors { code } } }",
        {"id": gid("Worker", "w-new")},
    )
    assert upd["updateWorker"] == {"worker": {"fullTime": True}, "errors": []}
    deleted = await api.q(
        "mutation($id: ID!) { deleteWorker(id: $id) { deletedId errors { code } } }", {"id": gid("Worker", "w-new")}
    )
    assert deleted["deleteWorker"]["errors"] == []
    assert (await city.get_nodes(["w-new"])) == [None]


async def test_a_worker_needs_an_area_and_guides_only_organizations(api: Api, city: GraphStore) -> None:
    data = await api.q(CREATE, {"a": gid("Household", "hh1"), "s": None, "g": None})
    assert data["createWorker"]["errors"][0]["code"] == "WRONG_TYPE"
    assert data["createWorker"]["errors"][0]["field"] == "area"
    data = await api.q(CREATE, {"a": gid("Grid", "g1"), "s": None, "g": [gid("Household", "hh1")]})
    assert [(e["field"], e["code"]) for e in data["createWorker"]["errors"]] == [("guides[0]", "WRONG_TYPE")]
    assert (await city.get_nodes(["w-new"])) == [None]
    bad = await api.q(
        'mutation { createGuidanceStation(input: {name: "空站", streets: []}) { guidanceStation { localId } '
        "errors { field code } } }"
    )
    assert bad["createGuidanceStation"] == {
        "guidanceStation": None,
        "errors": [{"field": "streets", "code": "REQUIRED"}],
    }


async def test_role_rules_and_audit_of_worker_writes(city: GraphStore) -> None:
    async with open_api(city, jwt_secret=SECRET) as api:
        variables = {"a": gid("Grid", "g1"), "s": None, "g": None}
        r = await _as(api, CREATE, "chief-c1", "COMMUNITY", "c1", **variables)
        assert r.json()["data"]["createWorker"]["errors"] == []
        events = (await city.read_audit(filter=AuditFilter(actor="chief-c1"))).events
        assert [(e.operation, e.outcome.value, "w-new" in e.targets) for e in events] == [
            ("createWorker", "ALLOWED", True)
        ]
        # outside its community, and a grid worker at all: refused, nothing written
        r = await _as(api, CREATE.replace("w-new", "w-out"), "chief-c1", "COMMUNITY", "c1", a=gid("Grid", "g3"))
        assert r.json()["data"]["createWorker"]["errors"][0]["code"] == "FORBIDDEN"
        r = await _as(api, CREATE.replace("w-new", "w-gw"), "gw-g1", "GRID_WORKER", "g1", a=gid("Grid", "g1"))
        assert r.json()["data"]["createWorker"]["errors"][0]["code"] == "FORBIDDEN"
        assert await city.get_nodes(["w-out", "w-gw"]) == [None, None]
        station = """mutation($s: ID!) { createGuidanceStation(input: {id: "gs-new", name: "新站", streets: [$s]})
                     { guidanceStation { localId } errors { code } } }"""
        r = await _as(api, station, "chief-c1", "COMMUNITY", "c1", s=gid("Street", "st1"))
        assert r.json()["data"]["createGuidanceStation"]["errors"] == [{"code": "FORBIDDEN"}]
        r = await _as(api, station, "head-st1", "STREET", "st1", s=gid("Street", "st1"))
        assert r.json()["data"]["createGuidanceStation"] == {"guidanceStation": {"localId": "gs-new"}, "errors": []}


STATS = """query($area: ID, $norm: Int) { workerStats(area: $area, instructorNorm: $norm) {
  area { localId label } byRole { role count } grids gridsWithWorker partTimeOnly
  workerlessGrids { localId households } instructors meanOrganizations
  overloaded { localId organizations station } idle propertyCompanies
  unguidedPropertyCompanies { localId hasBranch buildings } } }"""


async def test_worker_stats_of_the_city_and_an_area(api: Api) -> None:
    city = (await api.q(STATS, {"norm": 1}))["workerStats"]
    assert city["area"] == {"localId": None, "label": "City"}
    assert {r["role"]: r["count"] for r in city["byRole"]} == {
        "GRID_WORKER": 2,
        "BUILDING_HEAD": 1,
        "INSTRUCTOR": 2,
        "SOCIAL_WORKER": 0,
    }
    assert (city["grids"], city["gridsWithWorker"], city["partTimeOnly"]) == (7, 2, 0)
    assert [g["localId"] for g in city["workerlessGrids"]] == ["g2", "g3", "s2c1g2", "s2c2g1", "s2c2g2"]
    assert (city["instructors"], city["meanOrganizations"]) == (2, 2.5)
    # norm 1, factor 2: more than 2 organizations is overloaded
    assert city["overloaded"] == [{"localId": "w-i1", "organizations": 3, "station": gid("GuidanceStation", "gs1")}]
    # 南闸物业公司 has its own branch (s2-am1-po), which no instructor guides either
    assert city["unguidedPropertyCompanies"] == [{"localId": "s2-am1", "hasBranch": True, "buildings": 2}]
    c1 = (await api.q(STATS, {"area": gid("Community", "c1")}))["workerStats"]
    assert (c1["grids"], [g["localId"] for g in c1["workerlessGrids"]], c1["instructors"]) == (2, ["g2"], 0)
    assert c1["overloaded"] == [] and c1["unguidedPropertyCompanies"] == []


async def test_worker_stats_follow_the_viewers_scope(city: GraphStore) -> None:
    async with open_api(city, jwt_secret=SECRET) as api:
        r = await _as(api, STATS, "chief-s2c1", "COMMUNITY", "s2c1")
        stats = r.json()["data"]["workerStats"]
        assert stats["area"]["localId"] == "s2c1" and stats["instructors"] == 1
        r = await _as(api, STATS, "chief-s2c1", "COMMUNITY", "s2c1", area=gid("Community", "c1"))
        assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        r = await _as(api, STATS, "chief-s2c1", "COMMUNITY", "s2c1", norm=-1)
        assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_token_whose_subject_is_a_worker_is_bound_to_where_it_works(city: GraphStore) -> None:
    async with open_api(city, jwt_secret=SECRET) as api:
        listing = "{ workers { nodes { localId } } households { totalCount } }"
        r = await _as(api, listing, "w-g1", "GRID_WORKER")
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        assert [n["localId"] for n in data["workers"]["nodes"]] == ["w-b1", "w-g1"]
        assert data["households"]["totalCount"] == 3  # g1's: hh1, hh2, hh3
        create = """mutation($b: ID!) { createHousehold(input: {id: "hh-w", name: "1栋103室", building: $b})
                    { household { localId } errors { code } } }"""
        r = await _as(api, create, "w-g1", "GRID_WORKER", b=gid("Building", "b1"))
        assert r.json()["data"]["createHousehold"]["errors"] == []
        [event] = (await city.read_audit(filter=AuditFilter(actor="w-g1"))).events
        assert (event.operation, event.scope, event.targets) == ("createHousehold", "g1", ("hh-w", "b1"))
        # a scope given by the token wins over the worker's area
        r = await _as(api, listing, "w-g1", "GRID_WORKER", "g3")
        assert r.json()["data"]["workers"]["nodes"] == []
        # the instructor works in a street: no grid to bind a GRID_WORKER to
        r = await _as(api, listing, "w-i1", "GRID_WORKER")
        assert r.status_code == 401
        assert "the token's scope 'st1' is a Street; a GRID_WORKER is bound to a Grid" in r.text
        # a subject that is no worker still has to name its scope
        r = await _as(api, listing, "u-1001", "GRID_WORKER")
        assert r.status_code == 401 and "must name its scope" in r.text
        # a street role takes the instructor's street
        r = await _as(api, "{ workers { nodes { localId } } }", "w-i1", "STREET")
        assert [n["localId"] for n in r.json()["data"]["workers"]["nodes"]] == ["w-b1", "w-g1", "w-i1"]
