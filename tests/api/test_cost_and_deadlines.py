"""Issue 14's limits over HTTP, on both stores: the static cost and its budget, argument ranges
checked before any work (a mutation whose selection is out of range writes nothing), the bound on
heavy analyses (429), identical analyses computed once, and the deadline and a client's
disconnect stopping an analysis in progress (asserted on the analysis itself, never on timings)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import analytics as A
from loaders.store import GraphStore
from resolvers.analytics import flights
from resolvers.cost import FANOUT
from service.app import create_app
from service.settings import Settings
from tests.api.conftest import Api, open_api
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


def aliased_brokerage(n: int, k: int = 4096) -> str:
    return "{ " + " ".join(f"b{i}: brokerage(k: {k}, seed: {i}) {{ brokers {{ name }} }}" for i in range(n)) + " }"


@pytest.fixture
async def city(store: GraphStore) -> GraphStore:
    await store.write(CITY.batch())
    return store


# --- cost --------------------------------------------------------------------------------------


async def test_the_issues_attack_is_refused_before_any_work(city: GraphStore) -> None:
    before = flights.STATS["computed"]
    async with open_api(city) as api:
        r = await api.post(aliased_brokerage(30))
        assert r.status_code == 400
        (error,) = r.json()["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
        assert error["extensions"]["budget"] == 100_000
        assert error["extensions"]["cost"] == 30 * (5_000 + 11 * 4096 + 1)  # + brokers, a list of objects
        assert "b0: brokerage" in error["message"] and "100,000" in error["message"]
        plans = "{ " + " ".join(f"p{n}: coveragePlan(householdsNorm: {n}) {{ assigned }}" for n in range(1, 31)) + " }"
        r = await api.post(plans)
        assert r.status_code == 400 and r.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert flights.STATS["computed"] == before  # nothing ran


async def test_aliases_multiply_and_variables_count(city: GraphStore) -> None:
    one = 5_000 + 11 * 4096 + 1
    async with open_api(city, max_cost=one * 2) as api:
        assert len(await api.q(aliased_brokerage(2))) == 2
        r = await api.post(aliased_brokerage(3))
        assert r.json()["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 3 * one, "budget": 2 * one}
    async with open_api(city, max_cost=20_000) as api:
        query = "query($k: Int!) { brokerage(k: $k) { brokers { name } } }"
        await api.q(query, {"k": 16})
        r = await api.post(query, {"k": 4096})
        assert r.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_connections_cost_their_page_size_and_nested_ones_their_fan_out(city: GraphStore) -> None:
    fan_out = FANOUT[("Street", "Community")]
    async with open_api(city, max_cost=100) as api:
        query = "{ streets(first: 500) { nodes { communities(first: 500) { nodes { name } } } } }"
        r = await api.post(query)
        # streets 1 + 500 x (nodes 1 + communities 1 + a street's communities x nodes 1)
        assert r.json()["errors"][0]["extensions"]["cost"] == 1 + 500 * (1 + 1 + fan_out)
        small = await api.q("{ streets(first: 5) { nodes { communities(first: 500) { nodes { name } } } } }")
        assert len(small["streets"]["nodes"]) == 2
        r = await api.post("{ streets(first: 5) { nodes { communities(first: 1) { nodes { name } } } } }")
        assert r.status_code == 200 and "errors" not in r.json()  # 1 + 5 x (1 + 1 + 1)


# --- argument ranges, before any write ---------------------------------------------------------


async def test_a_mutation_whose_selection_is_out_of_range_writes_nothing(city: GraphStore) -> None:
    async with open_api(city) as api:
        streets = (await api.q("{ streets { totalCount } }"))["streets"]["totalCount"]
        mutation = (
            'mutation { createStreet(input: {id: "st-9", name: "新街道"}) '
            "{ street { communities(first: -5) { totalCount } } } }"
        )
        r = await api.post(mutation)
        assert r.status_code == 400
        assert r.json()["errors"][0]["extensions"]["code"] == "BAD_PAGE"
        assert (await api.q("{ streets { totalCount } }"))["streets"]["totalCount"] == streets
        r = await api.post(mutation.replace("-5", "5"))
        assert r.json()["data"]["createStreet"]["street"]["communities"]["totalCount"] == 0
        assert (await api.q("{ streets { totalCount } }"))["streets"]["totalCount"] == streets + 1


async def test_norms_out_of_range_are_refused_like_the_cli_does(api: Api) -> None:
    for query in (
        "{ coveragePlan(householdsNorm: -1) { assigned } }",
        "{ coveragePlan(householdsNorm: 100000) { assigned } }",
        "{ coverage(membersNorm: -3) { load { vanguards } } }",
    ):
        r = await api.post(query)
        assert r.status_code == 400, query
        error = r.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and "norm must be between" in error["message"]
    r = await api.post("query($n: Int!) { coveragePlan(householdsNorm: $n) { assigned } }", {"n": -1})
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    with pytest.raises(ValueError, match="households norm must be between 0 and 300, got -1"):
        A.coverage_plan(A.tiny_city(), households_norm=-1)


async def test_every_error_has_a_code(api: Api) -> None:
    for query, variables in (
        ("query($k: Int!) { brokerage(k: $k) { brokers { name } } }", {"k": "many"}),
        ("query($k: Int!) { brokerage(k: $k) { brokers { name } } }", {}),
        ("{ brokerage(k: 0) { brokers { name } } }", None),
        ("{ streets { nodes { nope } } }", None),
        ("{ streets { nodes { ...Unknown } } }", None),  # the depth limiter used to fail with "'Unknown'"
    ):
        for error in (await api.post(query, variables)).json()["errors"]:
            assert error["extensions"]["code"], (query, error)


# --- the bound on heavy analyses, and sharing ---------------------------------------------------


async def test_heavy_analyses_beyond_the_bound_get_429(city: GraphStore) -> None:
    async with open_api(city, max_analyses=0) as api:
        r = await api.post("{ brokerage(seed: 41) { brokers { name } } }")
        assert r.status_code == 429
        assert r.headers["retry-after"] == str(flights.RETRY_AFTER)
        assert r.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_ANALYSES"
        await api.q("{ coverage { households { total } } }")  # light analyses are not bounded


async def test_identical_analyses_are_computed_once(city: GraphStore) -> None:
    query = "{ brokerage(k: 8, seed: 1234) { brokers { name betweenness } } }"
    async with open_api(city) as api:
        before = flights.STATS.copy()
        answers = await asyncio.gather(*(api.post(query) for _ in range(6)))
        assert len({r.text for r in answers}) == 1 and answers[0].status_code == 200
        assert flights.STATS["computed"] - before["computed"] == 1
        served = (flights.STATS["shared"] - before["shared"]) + (flights.STATS["cached"] - before["cached"])
        assert served == 5
        await api.q(query.replace("1234", "1235"))
        assert flights.STATS["computed"] - before["computed"] == 2


# --- deadlines and disconnects stop the analysis in progress ------------------------------------


class SlowBrokerage:
    """The real brokerage, behind a wait that only its ``should_stop`` (or ``release``) ends: an
    analysis certainly in progress when the deadline passes or the client leaves."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped = threading.Event()
        self.release = threading.Event()
        self.real = A.brokerage

    def __call__(self, G: Any, *args: Any, should_stop: Any = None, **kwargs: Any) -> Any:
        self.started.set()
        while not self.release.wait(0.01):
            if should_stop():
                self.stopped.set()
                A.checkpoint(should_stop)
        return self.real(G, *args, should_stop=should_stop, **kwargs)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowBrokerage]:
    fake = SlowBrokerage()
    monkeypatch.setattr(A, "brokerage", fake)
    yield fake
    fake.release.set()


async def _wait_for(flag: threading.Event, seconds: float = 20.0) -> bool:
    return await asyncio.to_thread(flag.wait, seconds)


async def leave_during(app: Any, query: str, started: threading.Event, port: int = 40000) -> list[dict[str, Any]]:
    """POST ``query`` to ``app`` over raw ASGI and go away once ``started`` is set (the client
    disconnects mid-request); what the app sent back."""
    body = json.dumps({"query": query}).encode()
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await _wait_for(started)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"accept", b"application/json")],
        "client": ("127.0.0.1", port),
        "server": ("civicmesh.test", 80),
    }
    await app(scope, receive, send)
    return sent


async def test_the_deadline_ends_the_request_and_stops_the_analysis(city: GraphStore, slow: SlowBrokerage) -> None:
    cancelled = flights.STATS["cancelled"]
    async with open_api(city, deadline=0.5) as api:
        r = await api.post("{ brokerage(seed: 99) { brokers { name } } }")
        assert r.status_code == 504
        error = r.json()["errors"][0]
        assert error["extensions"] == {"code": "DEADLINE_EXCEEDED", "deadline": 0.5}
        assert slow.started.is_set()
        assert await _wait_for(slow.stopped), "the analysis did not see its stop"
        for _ in range(200):
            if flights.running() == 0:
                break
            await asyncio.sleep(0.05)
        assert flights.running() == 0
        assert flights.STATS["cancelled"] == cancelled + 1
        # a write is never cut short by the deadline
        r = await api.post('mutation { createStreet(input: {id: "st-d", name: "期限街道"}) { street { localId } } }')
        assert r.json()["data"]["createStreet"]["street"]["localId"] == "st-d"


async def test_a_client_that_leaves_stops_the_analysis(city: GraphStore, slow: SlowBrokerage) -> None:
    app = create_app(Settings(demo_when_empty=False), store=city)
    sent = await leave_during(app, "{ brokerage(seed: 98) { brokers { name } } }", slow.started)
    assert sent == []  # nobody to answer
    assert await _wait_for(slow.stopped), "the analysis did not see its stop"
