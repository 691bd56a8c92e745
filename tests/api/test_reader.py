"""Heavy reads answered by a reader process (issue 14, :mod:`service.reader_relay`), on both stores:
the same bytes as the service's own answer, the writes the service acknowledged seen at once (the
embedded replica follows every write, deletes and patches included), scoping and masking as in
the service, nothing lost when the reader is killed, and the reader's work stopped when the
client leaves."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import random
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest

from graph_schema import Node, Relationship, RelRef, WriteBatch
from loaders.store import GraphStore
from service.app import create_app
from service.reader_relay import GONE, ReaderPool
from service.settings import Settings
from tests.api.conftest import GQL, Api, gid, open_api

SECRET = "s3cret-for-tests-only-0123456789abcdef"

NESTED = (
    "{ communities(first: 10) { totalCount nodes { id name grids(first: 10) { nodes { id name "
    "buildings(first: 10) { nodes { id name households(first: 10) { nodes { id name size tags "
    "headName phone residents(first: 5) { nodes { id name phone } } } } } } } } } } }"
)


def _factory(store: GraphStore) -> Any:
    """A new store on the same database, for a reader that opens its own (Neo4j); None: a replica."""
    if store.name == "embedded":
        return None
    from loaders.stores.neo4j_store import Neo4jStore
    from tests.conftest import _neo4j_auth

    return lambda: Neo4jStore(store.uri, auth=_neo4j_auth(), database=store.database)  # type: ignore[attr-defined]


async def _until(check: Any, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.02)


@asynccontextmanager
async def reader_api(store: GraphStore, **settings: Any) -> AsyncIterator[tuple[Api, ReaderPool]]:
    app = create_app(Settings(demo_when_empty=False, **{"deadline": 0.0, "read_processes": 1, **settings}), store=store)
    pool: ReaderPool = app.state.readers
    assert await pool.start(store, _factory(store))
    try:
        await _until(lambda: pool.ready() == 1)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://civicmesh.test") as c:
            yield Api(c), pool
    finally:
        await pool.stop()


async def _both(store: GraphStore, query: str, headers: dict[str, str] | None = None) -> tuple[Any, Any]:
    """The answer of a reader and the service's own (status, content type, body bytes)."""
    async with reader_api(store, jwt_secret=SECRET if headers else None) as (api, pool):
        before = pool.counts["relayed"]
        relayed = await api.client.post("/graphql", json={"query": query}, headers={"accept": GQL, **(headers or {})})
        assert pool.counts["relayed"] == before + 1, pool.counts
    async with open_api(store, jwt_secret=SECRET if headers else None) as api:
        own = await api.client.post("/graphql", json={"query": query}, headers={"accept": GQL, **(headers or {})})
    return (
        (relayed.status_code, relayed.headers["content-type"], relayed.content),
        (own.status_code, own.headers["content-type"], own.content),
    )


async def test_a_nested_query_is_answered_by_the_reader_with_the_same_bytes(city: GraphStore) -> None:
    relayed, own = await _both(city, NESTED)
    assert relayed == own
    assert relayed[0] == 200 and b'"errors"' not in relayed[2] and "东门社区".encode() in relayed[2]


def _token(role: str, scope: str | None) -> str:
    claims: dict[str, Any] = {
        "sub": "reader-test",
        "role": role,
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    }
    if scope is not None:
        claims["scope"] = scope
    return jwt.encode(claims, SECRET, algorithm="HS256")


async def test_a_scoped_viewer_reads_its_area_only_and_masked_through_the_reader(city: GraphStore) -> None:
    relayed, own = await _both(city, NESTED, {"authorization": f"Bearer {_token('COMMUNITY', 'c1')}"})
    assert relayed == own
    body = relayed[2].decode()
    assert "东门社区" in body and "西门社区" not in body and "观西社区" not in body
    assert "王建国" not in body and "王*国" in body  # masked: the viewer may not see personal data


def _outcomes(metrics: str) -> dict[str, int]:
    prefix = 'civicmesh_graphql_results_total{outcome="'
    return {
        line[len(prefix) :].partition('"')[0]: int(line.rpartition(" ")[2])
        for line in metrics.splitlines()
        if line.startswith(prefix)
    }


async def test_relayed_answers_count_in_the_services_graphql_results(city: GraphStore) -> None:
    """The service's /metrics counts the GraphQL outcome of a request a reader answered (ok,
    field errors), as it counts its own; before, they were counted only in the reader."""
    broken = NESTED.replace("households(first: 10)", 'households(first: 10, after: "not a cursor")')
    async with reader_api(city) as (api, pool):
        before = _outcomes((await api.client.get("/metrics")).text)
        assert (await api.post(NESTED)).status_code == 200
        errors = (await api.post(broken)).json()["errors"]
        assert {e["extensions"]["code"] for e in errors} == {"BAD_CURSOR"}
        assert pool.counts["relayed"] == 2, pool.counts
        after = _outcomes((await api.client.get("/metrics")).text)
        assert after.get("ok", 0) - before.get("ok", 0) == 1, (before, after)
        assert after.get("field_errors", 0) - before.get("field_errors", 0) == 1, (before, after)


async def test_the_service_answers_what_needs_its_file_and_light_reads_itself(city: GraphStore) -> None:
    async with reader_api(city, jwt_secret=SECRET) as (api, pool):
        bad = await api.client.post("/graphql", json={"query": NESTED}, headers={"authorization": "Bearer nonsense"})
        assert bad.status_code == 401
        if city.name == "embedded":  # the refusal's audit event is written to the service's file, by the service
            assert pool.counts["fallback:an_audit_event"] == 1 and pool.counts["relayed"] == 0
        else:  # on Neo4j the reader writes it to the shared database itself
            assert pool.counts["relayed"] == 1 and not any(k.startswith("fallback") for k in pool.counts)
        api.client.headers["authorization"] = f"Bearer {_token('ADMIN', None)}"
        light = await api.q("query($id: ID!) { node(id: $id) { id } }", {"id": gid("Community", "c1")})
        assert light["node"]["id"] == gid("Community", "c1")
        assert pool.counts["relayed"] == (0 if city.name == "embedded" else 1)  # a light read stays in the service
        metrics = (await api.client.get("/metrics")).text
        if city.name == "embedded":
            assert 'civicmesh_reader_fallbacks_total{reason="an_audit_event"} 1' in metrics
        assert "civicmesh_reader_processes 1" in metrics


CREATE = 'mutation($b: ID!) { createHousehold(input: {name: "新户", building: $b, size: 3}) { household { id } } }'


async def test_a_read_right_after_a_mutation_sees_it(city: GraphStore) -> None:
    async with reader_api(city) as (api, pool):
        for i in range(5):
            created = await api.q(CREATE, {"b": gid("Building", "b3")})
            new_id = created["createHousehold"]["household"]["id"]
            body = (await api.post(NESTED)).text
            assert new_id in body, f"write {i} not seen"
        assert pool.counts["relayed"] == 5, pool.counts


def _random_write(rng: random.Random, made: list[str]) -> WriteBatch:
    """A household created, patched, deleted, or a member moved between households."""
    kind = rng.choice(["create", "patch", "delete", "move"] if made else ["create"])
    if kind == "create":
        hid = f"rh{len(made)}-{rng.randrange(10**6)}"
        made.append(hid)
        building = rng.choice(["b1", "b2", "b3", "b4"])
        return WriteBatch(
            [Node("Household", hid, {"name": f"随机{hid}", "size": rng.randint(1, 6)})],
            [Relationship("PART_OF", hid, building)],
        )
    hid = rng.choice(made)
    if kind == "patch":
        return WriteBatch(
            [Node("Household", hid, {"size": rng.randint(1, 9), "name": f"改{rng.randrange(100)}"})], patch=True
        )
    if kind == "delete":
        made.remove(hid)
        return WriteBatch(delete_nodes=[hid])
    building = rng.choice(["b1", "b2", "b3", "b4"])
    return WriteBatch(
        [],
        [Relationship("PART_OF", hid, building)],
        delete_relationships=[RelRef("PART_OF", hid, b) for b in ("b1", "b2", "b3", "b4") if b != building],
    )


async def test_interleaved_writes_and_reads_answer_as_the_service_does(city: GraphStore) -> None:
    rng = random.Random(14)
    made: list[str] = []
    async with reader_api(city) as (api, pool), open_api(city) as own:
        for step in range(40):
            for _ in range(rng.randint(0, 3)):
                batch = _random_write(rng, made)
                try:
                    await city.write(batch)
                except Exception as exc:  # a refused write changes nothing, here or in the reader
                    assert "ValidationError" in type(exc).__name__, exc
            relayed, mine = await asyncio.gather(api.post(NESTED), own.post(NESTED))
            assert relayed.status_code == mine.status_code == 200
            assert relayed.content == mine.content, f"step {step}"
        assert pool.counts["relayed"] == 40, pool.counts
        (stats,) = await pool.stats()
        assert stats["version"] == city.generation or city.name != "embedded"


async def test_a_killed_reader_loses_nothing_and_is_replaced(city: GraphStore) -> None:
    async with open_api(city) as own:
        expected = (await own.post(NESTED)).content
    async with reader_api(city) as (api, pool):
        first = pool.readers[0].pid

        async def one() -> bytes:
            r = await api.post(NESTED)
            assert r.status_code == 200
            return r.content

        load = [asyncio.ensure_future(one()) for _ in range(24)]
        await asyncio.sleep(0.05)
        os.kill(first, signal.SIGKILL)
        answers = await asyncio.gather(*load)
        assert set(answers) == {expected}
        await _until(lambda: pool.ready() == 1 and pool.readers[0].pid != first)
        assert pool.counts["restarts"] == 1
        assert (await api.post(NESTED)).content == expected
        assert pool.counts["relayed"] >= 1
        metrics = (await api.client.get("/metrics")).text
        assert "civicmesh_reader_restarts_total 1" in metrics


@asynccontextmanager
async def reader_running(store: GraphStore, run: Any) -> AsyncIterator[tuple[Any, ReaderPool]]:
    """The app and its pool, with a reader whose view runs ``run(original_run, request)``
    instead of its own (patched only while the reader is forked: the service's stays as it is)."""
    app = create_app(Settings(demo_when_empty=False, deadline=0.0, read_processes=1), store=store)
    pool: ReaderPool = app.state.readers
    view: Any = pool.app
    original = view.run

    async def patched(request: Any) -> Any:
        return await run(original, request)

    view.run = patched
    try:
        assert await pool.start(store, _factory(store))
    finally:
        view.run = original
    try:
        await _until(lambda: pool.ready() == 1)
        yield app, pool
    finally:
        await pool.stop()


async def test_a_client_that_leaves_stops_the_work_in_the_reader(city: GraphStore) -> None:
    async def slow(original: Any, request: Any) -> Any:
        await asyncio.sleep(60)
        return await original(request)

    async with reader_running(city, slow) as (_app, pool):
        leave = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.5, leave.set_result, None)
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await leave
            return {"type": "http.disconnect"}

        import json

        body = json.dumps({"query": NESTED}).encode()
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "query_string": b"",
            "headers": [(b"content-type", b"application/json"), (b"accept", GQL.encode())],
        }
        await receive()  # the body, read by the relay's caller
        started = asyncio.get_running_loop().time()
        assert await pool.relay(scope, body, receive) is GONE
        assert asyncio.get_running_loop().time() - started < 5
        assert pool.counts["cancelled"] == 1
        stats: list[dict[str, Any]] = []

        async def settled() -> bool:
            stats[:] = await pool.stats()
            return bool(stats) and stats[0]["cancelled"] == 1 and stats[0]["active"] == 0

        deadline = asyncio.get_running_loop().time() + 10
        while not await settled():
            assert asyncio.get_running_loop().time() < deadline, stats
            await asyncio.sleep(0.05)


async def test_a_relayed_query_ends_at_its_deadline_waiting_for_a_slot_or_an_answer(city: GraphStore) -> None:
    """The deadline counts from the relay: two queries that hold the reader's two slots and a
    third that waits for one all end 504 DEADLINE_EXCEEDED at their deadline (the reader's
    view here has none: without the relay's they would wait 60 s), and the reader's work for
    each is stopped."""

    async def slow(original: Any, request: Any) -> Any:
        await asyncio.sleep(60)
        return await original(request)

    async with reader_running(city, slow) as (app, pool):
        pool.deadline = 1.0  # the service's; the reader's view has none, so only the relay ends them
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://civicmesh.test") as c:

            async def ask(after: float) -> httpx.Response:
                await asyncio.sleep(after)
                return await c.post("/graphql", json={"query": NESTED}, headers={"accept": GQL})

            started = asyncio.get_running_loop().time()
            # the third comes 0.3 s later and waits for a slot until the first two end (at 1 s), then
            # for the reader's answer until its own deadline (1.3 s)
            answers = await asyncio.gather(ask(0), ask(0), ask(0.3))
            took = asyncio.get_running_loop().time() - started
        assert [a.status_code for a in answers] == [504, 504, 504]
        for a in answers:
            assert a.headers["content-type"].startswith(GQL)
            (error,) = a.json()["errors"]
            assert error["extensions"] == {"code": "DEADLINE_EXCEEDED", "deadline": 1.0}
        assert 1.2 < took < 5, took
        assert pool.counts["deadline"] == 3 and pool.counts["relayed"] == 0, pool.counts
        assert "civicmesh_reader_deadline_total 3" in "\n".join(pool.metrics())
        stats: list[dict[str, Any]] = []

        async def settled() -> bool:
            stats[:] = await pool.stats()
            return bool(stats) and stats[0]["cancelled"] == 3 and stats[0]["active"] == 0

        until = asyncio.get_running_loop().time() + 10
        while not await settled():  # each stopped in the reader: none still working there
            assert asyncio.get_running_loop().time() < until, stats
            await asyncio.sleep(0.05)


async def test_a_reader_that_has_not_applied_the_acknowledged_writes_leaves_the_request_to_the_service(
    city: GraphStore,
) -> None:
    if city.name != "embedded":
        pytest.skip("a Neo4j reader has no state to follow")
    async with reader_api(city) as (api, pool):
        store: Any = city
        store._version += 1  # a write the reader was never sent: it cannot catch up with it
        try:
            r = await api.post(NESTED)
        finally:
            store._version -= 1
        assert r.status_code == 200 and "东门社区" in r.text  # answered by the service itself
        assert pool.counts["fallback:behind"] == 1 and pool.counts["relayed"] == 0
        (stats,) = await pool.stats()
        assert stats["behind"] == 1
        assert (await api.post(NESTED)).status_code == 200 and pool.counts["relayed"] == 1  # caught up again


COVERAGE = (
    "query($a: ID) { coverage(area: $a) { households { total covered rate } members { total covered rate } "
    "uncoveredHouseholds } }"
)


async def test_analyses_go_to_the_replica_and_answer_as_the_service_after_random_writes(city: GraphStore) -> None:
    """An analysis is computed in the reader, on the projection it follows (the embedded replica's,
    or on Neo4j the one its cache follows from the batches the service sends): built once, then
    each write folded in, never built again; the figures are the service's own at the same data
    version."""
    rng = random.Random(41)
    made: list[str] = []
    areas = [None, gid("Community", "c1"), gid("Street", "st1")]
    async with reader_api(city) as (api, pool), open_api(city) as own:
        for step in range(12):
            for _ in range(rng.randint(0, 3)):
                with contextlib.suppress(Exception):  # a refused write changes nothing, here or there
                    await city.write(_random_write(rng, made))
            area = rng.choice(areas)
            relayed = await api.q(COVERAGE, {"a": area})
            mine = await own.q(COVERAGE, {"a": area})
            assert relayed == mine, f"step {step}"
        assert pool.counts["relayed:analysis"] == 12, pool.counts
        (stats,) = await pool.stats()
        assert stats["projection_builds"] == 1 and stats["projection_folds"] >= 1, stats  # never built again


async def test_analyses_in_the_reader_run_in_its_own_fork_servers(city: GraphStore) -> None:
    """With analyses in forked children (the service's default), the reader forks its own fork
    server; what it inherited of the service's (a session, a server) is set aside, not used."""
    async with open_api(city, analysis_processes=1) as own:
        expected = await own.q(
            COVERAGE, {"a": gid("Community", "c1")}
        )  # the service's own server, made before the fork
        async with reader_api(city, analysis_processes=1) as (api, pool):
            for _ in range(3):
                assert await api.q(COVERAGE, {"a": gid("Community", "c1")}) == expected
            await city.write(
                WriteBatch(
                    [Node("Household", "fh1", {"name": "新", "size": 2})], [Relationship("PART_OF", "fh1", "b1")]
                )
            )
            after = await api.q(COVERAGE, {"a": gid("Community", "c1")})
            assert after["coverage"]["households"]["total"] == expected["coverage"]["households"]["total"] + 1
            assert pool.counts["relayed:analysis"] == 4, pool.counts


async def test_an_unfinished_import_refuses_analyses_in_the_reader_as_in_the_service(city: GraphStore) -> None:
    async with reader_api(city) as (api, pool):
        await city.begin_import("half.json")
        try:
            refused = (await api.post("{ coverage { households { total } } }")).json()
            assert refused["errors"][0]["extensions"]["code"] == "IMPORT_IN_PROGRESS", refused
            assert "half.json" in refused["errors"][0]["message"]
        finally:
            await city.end_import()
        answered = await api.q("{ coverage { households { total } } }")
        assert answered["coverage"]["households"]["total"] > 0
        assert pool.counts["relayed:analysis"] == 2, pool.counts


async def test_a_relayed_request_that_meets_the_store_going_down_is_answered_503_by_the_service(
    city: GraphStore,
) -> None:
    """A read in the reader that meets an outage (its store marked down mid-request) is not
    answered 200 "Unexpected error.": the service's store gate answers it 503 STORE_UNAVAILABLE
    with Retry-After, as a request that met the outage in the service."""
    from loaders.store import StoreUnavailable, report_store_failure

    async def outage(_original: Any, _request: Any) -> Any:
        report_store_failure()
        raise StoreUnavailable()

    async with reader_running(city, outage) as (app, pool):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://civicmesh.test") as c:
            r = await c.post("/graphql", json={"query": NESTED}, headers={"accept": GQL})
            assert r.status_code == 503, r.text
            assert r.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
            assert r.headers["retry-after"]
            assert pool.counts["unavailable"] == 1 and pool.counts["relayed"] == 0, pool.counts
            light = await c.post("/graphql", json={"query": '{ node(id: "x") { id } }'}, headers={"accept": GQL})
            assert light.status_code == 200  # the service's own store is up: light reads go on
        (stats,) = await pool.stats()
        assert stats["unavailable"] == 1


async def test_a_scoped_viewer_gets_the_same_analyses_and_refusals_through_the_reader(city: GraphStore) -> None:
    """Analytics scoping is decided in the reader from the relayed token, in its store queries,
    as in the service: the viewer's own community answered, another one refused, the same
    bodies (the analyses' data version aside) as the service's own."""
    headers = {"authorization": f"Bearer {_token('COMMUNITY', 'c1')}", "accept": GQL}

    def comparable(body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k != "extensions"}  # the data version is each process's

    async with reader_api(city, jwt_secret=SECRET) as (api, pool), open_api(city, jwt_secret=SECRET) as own:
        for area in ("c1", "c2"):
            body = {"query": COVERAGE, "variables": {"a": gid("Community", area)}}
            relayed = await api.client.post("/graphql", json=body, headers=headers)
            mine = await own.client.post("/graphql", json=body, headers=headers)
            assert relayed.status_code == mine.status_code
            assert comparable(relayed.json()) == comparable(mine.json()), area
        assert "errors" not in relayed.json() or area != "c1"
        refused = (await api.client.post("/graphql", json=body, headers=headers)).json()
        assert refused["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND"), refused
        assert pool.counts["relayed:analysis"] >= 1, pool.counts  # the viewer's own area, in the reader
        if city.name == "embedded":  # a refusal's audit event is written by the service, which answers it
            assert pool.counts["fallback:an_audit_event"] >= 1, pool.counts
