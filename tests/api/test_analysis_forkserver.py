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
async def test_a_new_data_version_gets_a_new_fork_server_and_the_old_one_leaves(
    city: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "SERVER_GRACE_S", 0.2)
    street = next(n for n in CITY.nodes if n.label == "Street")
    try:
        async with open_api(city, analysis_processes=2, analysis_forkserver=True) as api:
            first = await api.post("{ structure { grids } }")
            assert first.status_code == 200 and "errors" not in first.json(), first.text
            old = snapshot._SERVER_OF[city]
            renamed = await api.q(
                'mutation($id: ID!) { updateStreet(input: {id: $id, name: "新名街道"}) { errors { code } } }',
                {"id": gid("Street", street.id)},
            )
            assert renamed["updateStreet"]["errors"] in (None, [])
            second = await api.post("{ structure { grids } }")
            body = second.json()
            assert second.status_code == 200 and "errors" not in body, second.text
            versions = [r.json()["extensions"]["analyticsData"]["version"] for r in (first, second)]
            assert versions[1] > versions[0]
            new = snapshot._SERVER_OF[city]
            assert new is not old and not new.closed
            for _ in range(100):  # the old one takes work a little longer (analyses of its version)
                if old.closed:
                    break
                await asyncio.sleep(0.05)
            assert old.closed
    finally:
        offload.configure(0)
        snapshot.configure(0.0, forkserver=False)
    for _ in range(200):
        if old.pid not in forkserver._LIVE:
            break
        await asyncio.sleep(0.05)
    assert old.pid not in forkserver._LIVE  # the old server left and was collected
