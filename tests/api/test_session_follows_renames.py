"""A rename does not cost the next analysis its session, on either store; a structural write
does (docs/design.md 2.9, "Sessions across renames").  Session builds are counted, never timed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from graph_schema import Node, Relationship, WriteBatch
from loaders.store import GraphStore
from resolvers.analytics import snapshot
from tests.api.conftest import gid, open_api
from tests.api.test_light_queues import COVERAGE, RENAME
from tests.cities import CITY
from tests.conftest import Neo4jPool, make_store

STREET = next(n for n in CITY.nodes if n.label == "Street")
BUILDING = next(n for n in CITY.nodes if n.label == "Building")


@pytest.fixture
async def neo4j_city(neo4j_pool: Neo4jPool, tmp_path: Path) -> GraphStore:
    store = await make_store("neo4j", neo4j_pool, tmp_path)
    await store.write(CITY.batch())
    return store


def _builds(before: int) -> int:
    return snapshot.SESSIONS_BUILT - before


@pytest.mark.asyncio
async def test_a_rename_keeps_the_session_and_a_structural_write_builds_one(city: GraphStore) -> None:
    try:
        async with open_api(city) as api:
            first = (await api.post(COVERAGE)).json()  # no staleness: a session on the newest projection
            snapshot.configure(0.05)  # now a staleness is allowed (the service's default is 5 s)
            seen = first["extensions"]["analyticsData"]
            built = snapshot.SESSIONS_BUILT
            await asyncio.sleep(0.2)  # past the staleness: any other write would end the session
            renamed = await api.q(RENAME, {"id": gid("Street", STREET.id), "name": "只改了名"})
            assert not renamed["updateStreet"]["errors"]
            second = (await api.post(COVERAGE)).json()
            assert _builds(built) == 0  # the session answered on: the figures are the same
            named = second["extensions"]["analyticsData"]
            assert named["version"] == seen["version"] < named["newestVersion"]  # and it says which version
            assert named["behindAtMostSeconds"] > 0
            assert second["data"] == first["data"]

            await city.write(
                WriteBatch(
                    [Node("Household", "hz-new", {"name": "新户", "size": 2})],
                    [Relationship("PART_OF", "hz-new", BUILDING.id)],
                )
            )
            await asyncio.sleep(0.2)
            third = (await api.post(COVERAGE)).json()
            assert _builds(built) == 1  # a structural write: a session on the newest version
            newest = third["extensions"]["analyticsData"]
            assert newest["version"] == newest["newestVersion"] > named["newestVersion"]
            total = third["data"]["coverage"]["households"]["total"]
            assert total == first["data"]["coverage"]["households"]["total"] + 1

            await asyncio.sleep(0.2)
            snapshot.configure(0)  # no staleness allowed: a rename, too, gets the newest version
            assert not (await api.q(RENAME, {"id": gid("Street", STREET.id), "name": "又改名"}))["updateStreet"][
                "errors"
            ]
            fourth = (await api.post(COVERAGE)).json()["extensions"]["analyticsData"]
            assert _builds(built) == 2
            assert fourth["version"] == fourth["newestVersion"]
    finally:
        snapshot.configure(0)


@pytest.mark.neo4j
@pytest.mark.asyncio
async def test_requests_waiting_for_the_same_projection_share_one_session(neo4j_city: GraphStore) -> None:
    async with open_api(neo4j_city) as api:
        built = snapshot.SESSIONS_BUILT
        answers = await asyncio.gather(*(api.post(COVERAGE) for _ in range(3)))
        assert _builds(built) == 1
        versions = {a.json()["extensions"]["analyticsData"]["version"] for a in answers}
        assert len(versions) == 1
