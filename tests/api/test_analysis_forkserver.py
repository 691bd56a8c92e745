"""Analyses forked from a fork server per data version (issue 14): the service builds none of
the analytics session's parts itself, and the figures and ``extensions.analyticsData`` are
those of analyses on threads and of children forked from the service."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from loaders.store import GraphStore
from resolvers import forkserver, offload
from resolvers.analytics import flights, snapshot
from tests.api.conftest import gid, open_api
from tests.cities import CITY

ANALYSES = (
    "{ coverage { households { total covered rate } members { total covered rate } uncoveredHouseholds "
    "load { vanguards } } structure { grids gridsWithBranchRate } brokerage(k: 16, seed: 3) { brokers { name } } "
    "coveragePlan(householdsNorm: 15) { assigned } allianceReach { households { total covered } } }"
)


@pytest.fixture
async def city(store: GraphStore) -> GraphStore:
    await store.write(CITY.batch())
    return store


async def _answer(store: GraphStore, **settings: Any) -> tuple[Any, Any]:
    flights._BY_GRAPH.clear()  # forget the kept results: compute them again, this way
    try:
        async with open_api(store, **settings) as api:
            r = await api.post(ANALYSES)
            body = r.json()
            assert r.status_code == 200 and "errors" not in body, r.text
            return body["data"], body["extensions"]["analyticsData"]
    finally:
        offload.configure(0)
        snapshot.configure(0.0, forkserver=False)


@pytest.mark.asyncio
async def test_a_fork_server_answers_what_threads_and_forks_answer(city: GraphStore) -> None:
    on_threads = await _answer(city)
    from_service = await _answer(city, analysis_processes=2, analysis_forkserver=False)
    kept = snapshot._SESSIONS[city].session
    assert {"index", "linkage"} <= set(kept.built)  # forked from the service: built here first
    del snapshot._SESSIONS[city]  # a new session, on the same projection
    before = flights.STATS["computed"]
    from_server = await _answer(city, analysis_processes=2, analysis_forkserver=True)
    assert flights.STATS["computed"] > before  # computed again, not served from kept results
    assert from_server == from_service == on_threads
    session = snapshot._SESSIONS[city].session
    assert session.built == ()  # nothing of the session built in the service
    server = forkserver.server_of(session.graph)
    assert server is not None
    assert {"session.index", "session.linkage", "session.model"} <= server._read  # read by the server, once
    assert forkserver.awaited() == 0  # every answer read
    assert forkserver.alive() >= 1  # the server lives as long as its projection


@pytest.mark.asyncio
async def test_a_new_data_version_gets_a_new_fork_server_and_at_most_two_live(
    city: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "SERVER_GRACE_S", 60.0)
    street = gid("Street", next(n for n in CITY.nodes if n.label == "Street").id)
    servers: list[forkserver.ForkServer] = []
    versions: list[int] = []
    graphs: list[Any] = []  # a server closes at once when its projection is no longer used
    try:
        async with open_api(city, analysis_processes=2, analysis_forkserver=True) as api:
            for name in ("新名街道", "又一街道", "第三街道"):
                r = await api.post("{ structure { grids } }")
                body = r.json()
                assert r.status_code == 200 and "errors" not in body, r.text
                versions.append(body["extensions"]["analyticsData"]["version"])
                servers.append(snapshot._SERVER_OF[city])
                graphs.append(snapshot._SESSIONS[city].session.graph)  # as an analysis waiting for a slot does
                renamed = await api.q(
                    "mutation($id: ID!, $name: String!) { updateStreet(input: {id: $id, name: $name}) "
                    "{ errors { code } } }",
                    {"id": street, "name": name},
                )
                assert renamed["updateStreet"]["errors"] in (None, [])
            assert versions == sorted(set(versions))  # a new version each time, a new server for each
            assert len({id(s) for s in servers}) == 3
            first, second, third = servers
            assert first.closed  # closed at once when the third started
            assert not second.closed  # still takes work (analyses of its version), until the grace passes
            assert not third.closed
    finally:
        offload.configure(0)
        snapshot.configure(0.0, forkserver=False)
        for server in servers:
            server.close()
    for _ in range(200):
        if not any(s.pid in forkserver._LIVE for s in servers):
            break
        await asyncio.sleep(0.05)
    assert not any(s.pid in forkserver._LIVE for s in servers)  # every server left and was collected
