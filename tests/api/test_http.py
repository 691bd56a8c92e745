"""GraphQL over HTTP: methods, media types and status codes, GraphiQL, and the protection limits."""

from __future__ import annotations

import json

import pytest

from loaders.store import GraphStore
from tests.api.conftest import GQL, Api, gid, open_api

JSON = "application/json"
QUERY = "query($id: ID!) { node(id: $id) { id } }"


async def test_post_json_with_the_graphql_response_media_type(api: Api) -> None:
    r = await api.post(QUERY, {"id": gid("Street", "st1")})
    assert r.status_code == 200
    assert r.headers["content-type"] == f"{GQL}; charset=utf-8"
    assert r.json() == {"data": {"node": {"id": gid("Street", "st1")}}}


async def test_legacy_json_clients_get_200_even_for_request_errors(api: Api) -> None:
    ok = await api.post("{ streets { totalCount } }", accept=JSON)
    assert ok.status_code == 200 and ok.headers["content-type"] == f"{JSON}; charset=utf-8"
    for bad in ("{ streets { totalCount ", "{ nope }"):
        r = await api.post(bad, accept=JSON)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith(JSON)
        assert "data" not in r.json() and r.json()["errors"]


async def test_no_accept_header_means_application_json(api: Api) -> None:
    r = await api.client.post("/graphql", json={"query": "{ streets { totalCount } }"}, headers={"accept": ""})
    assert r.status_code == 200 and r.headers["content-type"].startswith(JSON)


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ streets { totalCount ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED"),
        (QUERY, {"id": 5.5}, None),
        (QUERY, None, None),
    ],
)
async def test_request_errors_are_400_with_graphql_response_json(
    api: Api, query: str, variables: dict[str, object] | None, code: str | None
) -> None:
    r = await api.post(query, variables)
    assert r.status_code == 400
    assert r.headers["content-type"] == f"{GQL}; charset=utf-8"
    body = r.json()
    assert "data" not in body and body["errors"]
    if code:
        assert body["errors"][0]["extensions"]["code"] == code


async def test_field_errors_keep_200(api: Api) -> None:
    r = await api.post('{ node(id: "###") { id } }')
    assert r.status_code == 200
    assert r.json()["data"] == {"node": None}
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_ID"


async def test_accept_negotiation(api: Api) -> None:
    both = f"{GQL}, {JSON};q=0.9"
    r = await api.post("{ streets { totalCount } }", accept=both)
    assert r.headers["content-type"].startswith(GQL)
    r = await api.post("{ streets { totalCount } }", accept=f"{JSON}, {GQL};q=0.5")
    assert r.headers["content-type"].startswith(JSON)
    r = await api.post("{ streets { totalCount } }", accept="*/*")  # the spec's SHOULD: application/json
    assert r.headers["content-type"].startswith(JSON)
    r = await api.post("{ streets { totalCount } }", accept=f"{GQL}, */*")
    assert r.headers["content-type"].startswith(GQL)
    r = await api.post("{ streets { totalCount } }", accept="text/csv")
    assert r.status_code == 406
    assert r.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


async def test_get_serves_queries(api: Api) -> None:
    r = await api.client.get(
        "/graphql", params={"query": QUERY, "variables": json.dumps({"id": gid("Grid", "g1")})}, headers={"accept": GQL}
    )
    assert r.status_code == 200
    assert r.json() == {"data": {"node": {"id": gid("Grid", "g1")}}}


async def test_get_refuses_mutations_with_405(api: Api, city: GraphStore) -> None:
    mutation = 'mutation { createStreet(input: {name: "x", id: "st-get"}) { street { id } } }'
    r = await api.client.get("/graphql", params={"query": mutation}, headers={"accept": GQL})
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"
    assert "POST" in r.json()["errors"][0]["message"]
    assert await city.get_nodes(["st-get"]) == [None]


async def test_other_methods_are_405(api: Api) -> None:
    r = await api.client.put("/graphql", json={"query": "{ streets { totalCount } }"})
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"


async def test_malformed_bodies_are_400(api: Api) -> None:
    r = await api.client.post("/graphql", content=b"{not json", headers={"content-type": JSON, "accept": GQL})
    assert r.status_code == 400 and r.json()["errors"]
    r = await api.client.post("/graphql", json={"variables": {}}, headers={"accept": GQL})
    assert r.status_code == 400
    r = await api.client.post("/graphql", json={"query": 42}, headers={"accept": GQL})
    assert r.status_code == 400


async def test_large_bodies_are_413(api: Api) -> None:
    r = await api.client.post("/graphql", content=b"x" * (2 << 20), headers={"content-type": JSON})
    assert r.status_code == 413


async def test_graphiql_in_the_browser(city: GraphStore) -> None:
    async with open_api(city) as api:
        r = await api.client.get("/graphql", headers={"accept": "text/html"})
        assert r.status_code == 200 and "graphiql" in r.text.lower()
    async with open_api(city, graphiql=False) as api:
        r = await api.client.get("/graphql", headers={"accept": "text/html"})
        assert r.status_code == 404


DEEP = """query($id: ID!) { node(id: $id) { ... on Street { communities { nodes { grids { nodes {
  buildings { nodes { households { nodes { name } } } } } } } } } } }"""


async def test_depth_limit(city: GraphStore) -> None:
    async with open_api(city, max_depth=5) as api:
        r = await api.post(DEEP, {"id": gid("Street", "st1")})
        assert r.status_code == 400
        error = r.json()["errors"][0]
        assert error["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"
        assert "maximum operation depth of 5" in error["message"]
    async with open_api(city, max_cost=0) as api:  # no cost budget: DEEP multiplies many default pages
        assert (await api.post(DEEP, {"id": gid("Street", "st1")})).status_code == 200


async def test_alias_limit(city: GraphStore) -> None:
    query = "{ " + " ".join(f"a{i}: streets {{ totalCount }}" for i in range(4)) + " }"
    async with open_api(city, max_aliases=3) as api:
        r = await api.post(query)
        assert r.status_code == 400
        error = r.json()["errors"][0]
        assert error["extensions"]["code"] == "MAX_ALIASES_EXCEEDED"
        assert error["message"] == "4 aliases found. Allowed: 3"


async def test_token_limit(city: GraphStore) -> None:
    async with open_api(city, max_tokens=10) as api:
        r = await api.post("{ streets { totalCount edges { cursor node { id name code } } pageInfo { hasNextPage } } }")
        assert r.status_code == 400
        error = r.json()["errors"][0]
        assert error["extensions"]["code"] == "MAX_TOKENS_EXCEEDED"
        assert "more than 10 tokens" in error["message"]


async def test_page_size_limit(city: GraphStore) -> None:
    async with open_api(city, max_page_size=2) as api:
        r = await api.post("{ households(first: 3) { totalCount } }")  # refused before execution
        assert r.status_code == 400
        assert r.json()["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
        data = await api.q("{ households { edges { node { localId } } pageInfo { hasNextPage } } }")
        assert len(data["households"]["edges"]) == 2 and data["households"]["pageInfo"]["hasNextPage"]


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_switch(city: GraphStore) -> None:
    async with open_api(city) as api:
        assert (await api.q(INTROSPECTION))["__schema"]["queryType"]["name"] == "Query"
    async with open_api(city, introspection=False) as api:
        r = await api.post(INTROSPECTION)
        assert r.status_code == 400
        assert r.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
        r = await api.post('{ __type(name: "Street") { name } }')
        assert r.status_code == 400
        assert (await api.q("{ streets { totalCount } }"))["streets"]["totalCount"] == 2
