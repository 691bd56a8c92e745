"""Personal information is masked by default and shown only where Settings.reveal_pii says so."""

from __future__ import annotations

from graph_schema import Node
from graph_schema.roles import Role
from loaders.store import GraphStore
from resolvers.context import ApiConfig, RequestContext
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from tests.api.conftest import Api, gid, open_api

PII = """query($h: ID!, $m: ID!) {
  h: node(id: $h) { ... on Household { name headName phone headIdNumber } }
  m: node(id: $m) { ... on PartyMember { name phone idNumber } }
  households(first: 1) { nodes { headName phone } }
  partyMembers(first: 3) { nodes { name } } }"""


async def test_pii_is_masked_by_default(api: Api) -> None:
    data = await api.q(PII, {"h": gid("Household", "hh1"), "m": gid("PartyMember", "pm1")})
    assert data["h"] == {
        "name": "1栋101室",
        "headName": "张*丰",
        "phone": "138****1234",
        "headIdNumber": "110105********002X",
    }
    assert data["m"] == {"name": "王*国", "phone": "139****5678", "idNumber": "440524********0014"}
    assert data["households"]["nodes"] == [{"headName": "张*丰", "phone": "138****1234"}]
    assert [n["name"] for n in data["partyMembers"]["nodes"]] == ["王*国", "李*", "欧**娜"]


async def test_pii_is_revealed_when_configured(city: GraphStore) -> None:
    async with open_api(city, reveal_pii=True) as api:
        data = await api.q(PII, {"h": gid("Household", "hh1"), "m": gid("PartyMember", "pm1")})
        assert data["h"]["headName"] == "张三丰" and data["h"]["phone"] == "13812341234"
        assert data["h"]["headIdNumber"] == "11010519491231002X"
        assert data["m"] == {"name": "王建国", "phone": "13912345678", "idNumber": "440524188001010014"}
        found = await api.q('{ search(text: "王建") { __typename localId } }')
        assert found["search"] == [{"__typename": "PartyMember", "localId": "pm1"}]
        named = await api.q('{ partyMembers(filter: {nameContains: "娜娜"}) { nodes { localId } } }')
        assert named["partyMembers"]["nodes"] == [{"localId": "pm3"}]


async def test_member_names_are_not_searchable_without_pii(api: Api) -> None:
    assert (await api.q('{ search(text: "王建") { localId } }'))["search"] == []
    errors = await api.errors('{ search(text: "王", labels: [PARTY_MEMBER]) { localId } }')
    assert errors[0]["extensions"]["code"] == "PII"
    errors = await api.errors('{ partyMembers(filter: {nameContains: "王"}) { totalCount } }')
    assert errors[0]["extensions"]["code"] == "PII"
    errors = await api.errors("{ partyMembers(orderBy: {field: NAME}) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "PII"


async def test_mutation_payloads_are_masked_too(api: Api) -> None:
    data = await api.q(
        """mutation($b: ID!) { createHousehold(input: {name: "新户", building: $b, headName: "李小龙",
             phone: "13600001234"}) { household { headName phone } errors { code } } }""",
        {"b": gid("Building", "b1")},
    )
    assert data["createHousehold"]["household"] == {"headName": "李*龙", "phone": "136****1234"}


MORE_PII = """query($h: ID!, $m: ID!) {
  h: node(id: $h) { ... on Household { address tags building { address } } }
  m: node(id: $m) { ... on PartyMember { gender birthYear } } }"""


async def _with_address(city: GraphStore) -> None:
    await city.upsert(
        [
            Node(
                "Household",
                "hh1",
                {
                    "name": "1栋101室",
                    "size": 1,
                    "tags": ["ELDERLY_ALONE", "FLOATING", "KEY_GROUP"],
                    "address": "东门路1号101室",
                },
            )
        ]
    )


async def test_addresses_below_the_building_birth_year_gender_and_vulnerable_tags_are_personal(
    city: GraphStore,
) -> None:
    await _with_address(city)
    variables = {"h": gid("Household", "hh1"), "m": gid("PartyMember", "pm1")}
    async with open_api(city) as api:
        data = await api.q(MORE_PII, variables)
        assert data["h"] == {"address": None, "tags": ["FLOATING"], "building": {"address": "东门路1号"}}
        assert data["m"] == {"gender": None, "birthYear": None}
        errors = await api.errors("{ households(filter: {tag: LOW_INCOME}) { totalCount } }")
        assert errors[0]["extensions"]["code"] == "PII"
        assert (await api.q("{ households(filter: {tag: FLOATING}) { totalCount } }"))["households"]["totalCount"] == 2
    async with open_api(city, reveal_pii=True) as api:
        data = await api.q(MORE_PII, variables)
        assert data["h"]["address"] == "东门路1号101室"
        assert data["h"]["tags"] == ["ELDERLY_ALONE", "FLOATING", "KEY_GROUP"]
        assert data["m"] == {"gender": "M", "birthYear": 1970}


async def test_an_analyst_never_sees_personal_information(city: GraphStore) -> None:
    await _with_address(city)
    schema = build_schema()
    ctx = RequestContext.create(city, ApiConfig(), viewer=Viewer(reveal_pii=True, role=Role.ANALYST))
    result = await schema.execute(
        MORE_PII, {"h": gid("Household", "hh1"), "m": gid("PartyMember", "pm1")}, context_value=ctx
    )
    assert result.errors is None, result.errors
    assert result.data == {
        "h": {"address": None, "tags": ["FLOATING"], "building": {"address": "东门路1号"}},
        "m": {"gender": None, "birthYear": None},
    }
    ctx = RequestContext.create(city, ApiConfig(), viewer=Viewer(reveal_pii=True, role=Role.ANALYST))
    result = await schema.execute(
        PII, {"h": gid("Household", "hh1"), "m": gid("PartyMember", "pm1")}, context_value=ctx
    )
    assert result.data is not None and result.data["m"]["name"] == "王*国"
