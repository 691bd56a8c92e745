"""The seed read right, through the API on both stores: villages (村) among the communities, grid
party groups, vanguard stations set by their party group (ATTACHED_TO) walked both ways."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from loaders.store import GraphStore
from tests.api.conftest import Api, gid, open_api
from tests.cities import CityBuilder


def seed_city() -> CityBuilder:
    """澄江 with an urban community of each kind (one naming it, one not) and a village.

    The village's one grid is run by a grid party group, which sets the station in 8号院;
    the community's building group sets the station in 1栋; a station in 2栋 has no group."""
    b = CityBuilder()
    st = b.street("st", "澄江街道")
    b.community("c1", "东门社区", st, kind="COMMUNITY")
    b.community("c2", "西门社区", st)  # no kind recorded: an urban community
    b.community("v1", "谢南村", st, kind="VILLAGE", code="320281001201")
    top = b.organization("po-st", "澄江街道党工委", "STREET_COMMITTEE", None, st)
    c1 = b.organization("po-c1", "东门社区党委", "COMMUNITY_COMMITTEE", top, "c1")
    v1 = b.organization("po-v1", "谢南村党委", "COMMUNITY_COMMITTEE", top, "v1")
    b.grid("g1", "东门一网格", "c1")
    branch = b.organization("po-g1", "东门一网格党支部", "GRID_BRANCH", c1, "g1")
    b.building("b1", "1栋", "g1")
    b.building("b2", "2栋", "g1")
    group = b.organization("po-b1", "1栋党小组", "BUILDING_GROUP", branch, "b1")
    b.grid("vg", "谢南村第1网格", "v1")
    grid_group = b.organization("po-vg", "谢南村第1网格党小组", "GRID_GROUP", v1, "vg")
    b.building("vb", "谢南村8号院", "vg", kind="COURTYARD")
    for station, building, by in (("vs-b1", "b1", group), ("vs-vg", "vb", grid_group), ("vs-b2", "b2", None)):
        home = b.household(f"h-{station}", "1室", building)
        head = b.member(f"m-{station}", "党员", "RESIDENT", home, by or branch, vanguard=True)
        b.station(station, f"{station}先锋驿站", building, run_by=head)
        if by is not None:
            b.rel("ATTACHED_TO", station, by)
    return b


@pytest.fixture
async def seed_api(store: GraphStore) -> AsyncIterator[Api]:
    await store.write(seed_city().build().batch())
    async with open_api(store) as client:
        yield client


COMMUNITIES = """query($kind: CommunityKind) { communities(filter: { kind: $kind }) {
  totalCount nodes { localId kind } } }"""


async def test_communities_filter_by_kind(seed_api: Api) -> None:
    every = await seed_api.q(COMMUNITIES, {"kind": None})
    assert {n["localId"]: n["kind"] for n in every["communities"]["nodes"]} == {
        "c1": "COMMUNITY",
        "c2": "COMMUNITY",
        "v1": "VILLAGE",
    }
    villages = await seed_api.q(COMMUNITIES, {"kind": "VILLAGE"})
    assert [n["localId"] for n in villages["communities"]["nodes"]] == ["v1"]
    assert villages["communities"]["totalCount"] == 1
    urban = await seed_api.q(COMMUNITIES, {"kind": "COMMUNITY"})
    assert [n["localId"] for n in urban["communities"]["nodes"]] == ["c1", "c2"]  # c2 names no kind
    assert urban["communities"]["totalCount"] == 2


async def test_a_station_walks_to_its_party_group_and_back(seed_api: Api) -> None:
    data = await seed_api.q(
        """query($a: ID!, $b: ID!, $c: ID!, $g: ID!) {
          a: node(id: $a) { ... on VanguardStation { partyGroup { localId level } } }
          b: node(id: $b) { ... on VanguardStation { partyGroup { localId level } } }
          c: node(id: $c) { ... on VanguardStation { partyGroup { localId } } }
          g: node(id: $g) { ... on PartyOrganization { stations { totalCount nodes { localId } } } } }""",
        {
            "a": gid("VanguardStation", "vs-b1"),
            "b": gid("VanguardStation", "vs-vg"),
            "c": gid("VanguardStation", "vs-b2"),
            "g": gid("PartyOrganization", "po-vg"),
        },
    )
    assert data["a"]["partyGroup"] == {"localId": "po-b1", "level": "BUILDING_GROUP"}
    assert data["b"]["partyGroup"] == {"localId": "po-vg", "level": "GRID_GROUP"}
    assert data["c"]["partyGroup"] is None
    assert data["g"]["stations"] == {"totalCount": 1, "nodes": [{"localId": "vs-vg"}]}


async def test_grid_groups_are_listed_by_level(seed_api: Api) -> None:
    data = await seed_api.q(
        "{ partyOrganizations(filter: { level: GRID_GROUP }) { nodes { localId governs { nodes { id } } } } }"
    )
    assert data["partyOrganizations"]["nodes"] == [
        {"localId": "po-vg", "governs": {"nodes": [{"id": gid("Grid", "vg")}]}}
    ]


async def test_a_station_is_created_with_its_party_group_and_a_village_with_its_kind(seed_api: Api) -> None:
    err = "errors { code field message }"
    made = await seed_api.q(
        f"""mutation($b: ID!, $g: ID!) {{ createVanguardStation(input: {{ name: "2栋先锋驿站（二）", building: $b,
          partyGroup: $g, id: "vs-new" }}) {{ vanguardStation {{ localId partyGroup {{ localId }} }} {err} }} }}""",
        {"b": gid("Building", "b2"), "g": gid("PartyOrganization", "po-b1")},
    )
    payload = made["createVanguardStation"]
    assert payload["errors"] == []
    assert payload["vanguardStation"] == {"localId": "vs-new", "partyGroup": {"localId": "po-b1"}}
    wrong = await seed_api.q(
        f"""mutation($b: ID!, $g: ID!) {{ createVanguardStation(input: {{ name: "x", building: $b, partyGroup: $g }})
          {{ vanguardStation {{ localId }} {err} }} }}""",
        {"b": gid("Building", "b2"), "g": gid("Building", "b1")},
    )
    assert wrong["createVanguardStation"]["vanguardStation"] is None
    assert wrong["createVanguardStation"]["errors"][0]["field"] == "partyGroup"
    village = await seed_api.q(
        f"""mutation($s: ID!) {{ createCommunity(input: {{ name: "璜塘村", street: $s, kind: VILLAGE }})
          {{ community {{ name kind }} {err} }} }}""",
        {"s": gid("Street", "st")},
    )
    assert village["createCommunity"] == {"community": {"name": "璜塘村", "kind": "VILLAGE"}, "errors": []}


async def test_structure_counts_villages_grid_groups_and_the_fourth_level(seed_api: Api) -> None:
    data = await seed_api.q(
        "{ structure { grids gridsWithBranchRate communities villages stations stationsWithGroupRate details } }"
    )
    s = data["structure"]
    assert (s["grids"], s["gridsWithBranchRate"]) == (2, 1.0)  # the village's grid has its grid group
    assert (s["communities"], s["villages"]) == (3, 1)
    assert (s["stations"], s["stationsWithGroupRate"]) == (3, pytest.approx(2 / 3))
    assert s["details"]["stations_without_group"] == ["vs-b2"]
    assert s["details"]["grids_with_group_only"] == 1
