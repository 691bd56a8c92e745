"""Light work stays light and failures are told honestly (issue 14): the heavy gate sorts
requests by the cost model's estimate and lets light ones pass a heavy one in progress; a client
that leaves is counted as 499, not 500; an outage is logged once, as a warning, never as an
unexpected error."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest
from graphql import GraphQLError, parse

import analytics as A
from loaders.projection_cache import projection_cache
from loaders.store import Availability, GraphStore, StoreUnavailable
from resolvers import offload
from resolvers.analytics import flights
from resolvers.cost import operation_cost
from resolvers.schema import build_schema
from service.app import create_app
from service.priority import HEAVY_COST, is_heavy, request_cost
from service.settings import Settings
from tests.api.conftest import GQL, gid, open_api
from tests.api.test_cost_and_deadlines import SlowBrokerage, _wait_for, leave_during
from tests.cities import CITY

HOUSEHOLD = next(n for n in CITY.nodes if n.label == "Household")
NODE = "query($id: ID!) { node(id: $id) { id ... on Household { name } } }"
NESTED = (
    "query($id: ID!) { node(id: $id) { ... on Community { grids(first: 100) { nodes { "
    "buildings(first: 100) { nodes { households(first: 100) { nodes { id } } } } } } } } }"
)


@pytest.fixture
async def city(store: GraphStore) -> GraphStore:
    await store.write(CITY.batch())
    return store


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Any:
    fake = SlowBrokerage()
    monkeypatch.setattr(A, "brokerage", fake)
    yield fake
    fake.release.set()


def test_the_gate_sorts_requests_by_the_cost_models_estimate() -> None:
    schema = build_schema()._schema
    cases = {
        NODE: ({"id": "x"}, False),
        '{ search(text: "江", first: 20) { id } }': (None, False),
        NESTED: ({"id": "x"}, True),
        "{ coverage { households { rate } } }": (None, True),
        "{ brokerage(k: 16) { brokers { name } } }": (None, True),
    }
    for query, (variables, heavy) in cases.items():
        cost = operation_cost(schema, parse(query), None, variables)
        assert cost is not None
        assert request_cost(schema, query, variables) == cost.total  # one estimate, not two
        body = json.dumps({"query": query, "variables": variables}).encode()
        assert is_heavy(schema, body, b"") is heavy is (cost.total >= HEAVY_COST), (query, cost.total)
    # out of range or not GraphQL: refused before any work, so never held back
    assert not is_heavy(schema, b'{"query": "{ households(first: -5) { nodes { id } } }"}', b"")
    assert not is_heavy(schema, b'{"query": "{ nope"}', b"")


@pytest.mark.asyncio
async def test_light_requests_pass_a_heavy_one_in_progress(city: GraphStore, slow: SlowBrokerage) -> None:
    app = create_app(Settings(demo_when_empty=False, deadline=0.0, heavy_slots=1, max_analyses=4), store=city)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://civicmesh.test") as client:

        async def post(query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
            return await client.post("/graphql", json={"query": query, "variables": variables}, headers={"accept": GQL})

        heavy = asyncio.ensure_future(post("{ brokerage(seed: 7) { brokers { name } } }"))
        assert await _wait_for(slow.started)
        waiting = asyncio.ensure_future(post("{ structure { grids gridsWithBranchRate } }"))
        light = await asyncio.wait_for(post(NODE, {"id": gid("Household", HOUSEHOLD.id)}), 30)
        assert light.status_code == 200 and light.json()["data"]["node"]["name"] == HOUSEHOLD.properties["name"]
        assert not waiting.done()  # the second heavy request waits for the slot, the light one did not
        slow.release.set()
        first, second = await asyncio.gather(heavy, waiting)
        assert first.status_code == 200 and "errors" not in first.json(), first.text
        assert second.status_code == 200 and "errors" not in second.json(), second.text


@pytest.mark.asyncio
async def test_a_client_that_leaves_is_counted_as_499(city: GraphStore, slow: SlowBrokerage) -> None:
    app = create_app(Settings(demo_when_empty=False), store=city)
    sent = await leave_during(app, "{ brokerage(seed: 97) { brokers { name } } }", slow.started, port=40001)
    assert sent == []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://civicmesh.test") as client:
        metrics = (await client.get("/metrics")).text
    assert 'civicmesh_http_requests_total{route="/graphql",method="POST",status="499"} 1' in metrics, metrics
    assert 'status="500"' not in metrics


def test_an_outage_is_logged_once_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="civicmesh")
    availability = Availability("neo4j")
    for _ in range(3):  # the guard, the watch and more calls all meet the same outage
        availability.mark_down(ConnectionError("connection refused by 127.0.0.1:7687"))
    availability.mark_up()
    availability.mark_down(ConnectionError("again"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w.split(";")[0].split(" after")[0] for w in warnings] == [
        "the neo4j store became unavailable",
        "the neo4j store is available again",
        "the neo4j store became unavailable",
    ]
    assert "connection refused" in warnings[0]  # the driver's words go to the log (only)
    caplog.clear()
    schema = build_schema()
    error = GraphQLError("The store is unavailable", original_error=StoreUnavailable())
    schema.process_errors([error])
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- analyses in forked processes ----------------------------------------------------------------

ANALYSES = (
    "{ coverage { households { total covered rate } members { total covered rate } uncoveredHouseholds } "
    "structure { grids gridsWithBranchRate } brokerage(k: 16, seed: 3) { brokers { name } } "
    "coveragePlan(householdsNorm: 15) { assigned } }"
)


@pytest.mark.asyncio
async def test_forked_analyses_answer_what_threads_answer(city: GraphStore) -> None:
    before = flights.STATS["computed"]
    async with open_api(city) as api:
        on_threads = await api.q(ANALYSES)
    computed = flights.STATS["computed"] - before
    flights._BY_GRAPH.clear()  # forget the kept results: compute them again, in children
    before = flights.STATS["computed"]
    try:
        async with open_api(city, analysis_processes=2) as api:
            assert offload.enabled()
            in_children = await api.q(ANALYSES)
            assert await api.q(ANALYSES) == in_children  # the second time from the kept results
    finally:
        offload.configure(0)
    assert in_children == on_threads
    assert flights.STATS["computed"] - before == computed  # the same analyses, once each
    for _ in range(100):
        if offload.alive() == 0:
            break
        await asyncio.sleep(0.05)
    assert offload.alive() == 0  # every child collected


@pytest.mark.asyncio
async def test_a_forked_analysis_is_killed_at_the_deadline(city: GraphStore, slow: SlowBrokerage) -> None:
    cancelled = flights.STATS["cancelled"]
    try:
        async with open_api(city, analysis_processes=2, deadline=0.5) as api:
            r = await api.post("{ brokerage(seed: 96) { brokers { name } } }")  # never ends by itself
            assert r.status_code == 504
            for _ in range(200):
                if offload.alive() == 0 and flights.running() == 0:
                    break
                await asyncio.sleep(0.05)
            assert offload.alive() == 0, "the child was not killed"
            assert flights.running() == 0
            assert flights.STATS["cancelled"] == cancelled + 1
            # the service answers on: a light request, and the same analysis once the slow one is gone
            assert (await api.q(NODE, {"id": gid("Household", HOUSEHOLD.id)}))["node"]["id"]
    finally:
        offload.configure(0)


@pytest.mark.asyncio
async def test_a_projection_outlasting_the_deadline_is_finished_not_restarted(
    city: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = projection_cache(city)
    real = cache.graph
    calls = 0

    async def slow() -> Any:  # a city whose projection takes longer than a request's deadline
        nonlocal calls
        calls += 1
        await asyncio.sleep(1.0)
        return await real()

    monkeypatch.setattr(cache, "graph", slow)
    async with open_api(city, deadline=0.3) as api:
        r = await api.post("{ structure { grids } }")
        assert r.status_code == 504  # the request ends at its deadline, the build goes on
    async with open_api(city) as api:  # no deadline: a loaded machine may take its time for the rest
        r = await api.post("{ structure { grids } }")
        assert r.status_code == 200 and "errors" not in r.json(), r.text
    assert calls == 1  # built once, by the first request, and used by the next
