"""Light work stays light under a mixed load (issue 14): a forked analysis, idle on the event
loop while its child computes, holds up neither a light request nor a nested one (they have
queues of their own); analyses may answer from a session a few seconds behind the newest write,
and say which data version they answered from."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

import analytics as A
from loaders.projection_cache import projection_cache
from loaders.store import GraphStore
from resolvers import offload
from resolvers.analytics import snapshot
from resolvers.schema import build_schema
from service import priority
from service.request_weight import HEAVY_COST, classify, weigh
from tests.api.conftest import gid, open_api
from tests.api.test_light_work import HOUSEHOLD, NESTED, NODE
from tests.cities import CITY
from tests.conftest import Neo4jPool, make_store

COMMUNITY = next(n for n in CITY.nodes if n.label == "Community")
STREET = next(n for n in CITY.nodes if n.label == "Street")
COVERAGE = "{ coverage { households { total covered rate } uncoveredHouseholds } }"
RENAME = "mutation($id: ID!, $name: String!) { updateStreet(input: {id: $id, name: $name}) { errors { code } } }"


@pytest.fixture
async def city(store: GraphStore) -> GraphStore:
    await store.write(CITY.batch())
    return store


def test_requests_are_weighed_into_three_queues() -> None:
    schema = build_schema()._schema
    assert HEAVY_COST == priority.HEAVY_COST  # one threshold for "heavy"
    assert weigh(schema, NODE, {"id": "x"}) == "light"
    assert weigh(schema, '{ search(text: "江", first: 20) { id } }') == "light"
    assert weigh(schema, NESTED, {"id": "x"}) == "loop"
    assert weigh(schema, COVERAGE) == "analysis"
    assert weigh(schema, "{ b: brokerage(k: 16) { brokers { name } } structure { grids } }") == "analysis"
    # an analysis riding along with loop work waits for the loop's slot
    assert weigh(schema, NESTED.replace("{ node(", "{ structure { grids } node("), {"id": "x"}) == "loop"
    body = json.dumps({"query": COVERAGE}).encode()
    assert classify(schema, body, b"") == "analysis"
    assert classify(schema, b"", b"query=%7B%20structure%20%7B%20grids%20%7D%20%7D") == "analysis"
    assert classify(schema, b'{"query": "{ nope"}', b"") == "light"  # refused before any work
    assert classify(schema, b"[1, 2]", b"") == "light"


class WaitsForAFile:
    """A brokerage that, in its forked child, waits until ``release`` exists (the parent cannot
    reach the child's memory, but both see the file system)."""

    def __init__(self, release: Path) -> None:
        self.release = release
        self.real = A.brokerage

    def __call__(self, G: Any, *args: Any, **kwargs: Any) -> Any:
        import time

        while not os.path.exists(self.release):
            time.sleep(0.01)
        return self.real(G, *args, **kwargs)


@pytest.mark.asyncio
async def test_a_forked_analysis_holds_up_neither_light_nor_nested_requests(
    city: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = tmp_path / "release"
    monkeypatch.setattr(A, "brokerage", WaitsForAFile(release))
    try:
        async with open_api(city, analysis_processes=2, heavy_slots=1, max_analyses=2) as api:
            heavy = asyncio.ensure_future(api.post("{ brokerage(seed: 11) { brokers { name } } }"))
            for _ in range(600):
                if offload.alive() >= 1:
                    break
                await asyncio.sleep(0.05)
            assert offload.alive() >= 1, "the analysis never started in a child"
            community = gid("Community", COMMUNITY.id)
            nested = await asyncio.wait_for(api.post(NESTED, {"id": community}), 120)
            assert nested.status_code == 200 and "errors" not in nested.json(), nested.text
            assert nested.json()["data"]["node"]["grids"]["nodes"]
            light = await asyncio.wait_for(api.q(NODE, {"id": gid("Household", HOUSEHOLD.id)}), 60)
            assert light["node"]["name"] == HOUSEHOLD.properties["name"]
            assert not heavy.done()  # both answered while the analysis was still running
            release.touch()
            answer = await asyncio.wait_for(heavy, 120)
            assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    finally:
        release.touch()
        offload.configure(0)


@pytest.mark.asyncio
async def test_an_analysis_may_answer_a_few_seconds_behind_and_says_so(city: GraphStore) -> None:
    street = gid("Street", STREET.id)
    try:
        async with open_api(city) as api:  # a store shared by tests may hold a kept session: not behind yet
            first = (await api.post(COVERAGE)).json()
            seen = first["extensions"]["analyticsData"]
            assert seen["version"] == seen["newestVersion"] and seen["behindAtMostSeconds"] == 0
            snapshot.configure(3600)  # what CIVICMESH_ANALYSIS_STALENESS_S sets
            assert not (await api.q(RENAME, {"id": street, "name": "改名街道"}))["updateStreet"]["errors"]
            second = (await api.post(COVERAGE)).json()
            behind = second["extensions"]["analyticsData"]
            assert behind["version"] == seen["version"]  # the kept session answered…
            assert behind["newestVersion"] > behind["version"]  # …and said it is behind the newest
            assert behind["behindAtMostSeconds"] >= 0
            assert second["data"] == first["data"]
            snapshot.configure(0)  # no staleness allowed: the next analysis is on the newest version
            third = (await api.post(COVERAGE)).json()
            newest = third["extensions"]["analyticsData"]
            assert newest["version"] == newest["newestVersion"] == behind["newestVersion"]
            assert newest["behindAtMostSeconds"] == 0
            assert "extensions" not in (await api.post(NODE, {"id": gid("Household", HOUSEHOLD.id)})).json()
    finally:
        snapshot.configure(0)


@pytest.mark.asyncio
async def test_without_staleness_an_analysis_sees_the_write_before_it(city: GraphStore) -> None:
    async with open_api(city) as api:
        first = (await api.post(COVERAGE)).json()["extensions"]["analyticsData"]
        r = await api.q(RENAME, {"id": gid("Street", STREET.id), "name": "又一名"})
        assert not r["updateStreet"]["errors"]
        second = (await api.post(COVERAGE)).json()["extensions"]["analyticsData"]
    assert second["version"] == second["newestVersion"] > first["version"]


@pytest.fixture
async def neo4j_city(neo4j_pool: Neo4jPool, tmp_path: Path) -> GraphStore:
    """The city on Neo4j alone: the embedded store's projection follows every write, it is never
    streamed again."""
    store = await make_store("neo4j", neo4j_pool, tmp_path)
    await store.write(CITY.batch())
    return store


@pytest.mark.asyncio
async def test_on_neo4j_analyses_answer_from_the_kept_session_while_the_projection_streams(
    neo4j_city: GraphStore,
) -> None:
    city = neo4j_city
    cache = projection_cache(city)
    try:
        async with open_api(city) as api:
            first = (await api.post(COVERAGE)).json()
            seen = first["extensions"]["analyticsData"]
            snapshot.configure(3600)
            cache.invalidate()  # as a write this process could not follow does
            assert cache.kept() is None
            second = (await api.post(COVERAGE)).json()
            assert second["extensions"]["analyticsData"]["version"] == seen["version"]
            assert second["data"] == first["data"]
            for _ in range(1200):  # the stream went on in the background
                if cache.kept() is not None:
                    break
                await asyncio.sleep(0.1)
            assert cache.kept() is not None
    finally:
        snapshot.configure(0)
