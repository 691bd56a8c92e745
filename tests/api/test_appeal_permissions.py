"""Who may read and move appeals (resolvers/permissions.py, check_appeal; loaders/scope.py): area
roles inside their scope, a vanguard for the households it links and the appeals assigned to
it, an alliance unit the appeals assigned to it, an analyst nothing; on both stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest

from loaders.store import GraphStore
from tests.api.conftest import Api, gid, open_api
from tests.api.test_appeals import STORED, report, step
from tests.cities import CITY

SECRET = "s3cret-for-tests-only-0123456789abcdef"


def token(role: str, scope: str | None) -> str:
    claims: dict[str, Any] = {
        "sub": f"{role.lower()}-1",
        "role": role,
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    }
    if scope is not None:
        claims["scope"] = scope
    return jwt.encode(claims, SECRET, algorithm="HS256")


@pytest.fixture
async def secured(store: GraphStore) -> AsyncIterator[Api]:
    await store.write(CITY.batch())
    await store.write(STORED)
    async with open_api(store, jwt_secret=SECRET) as api:
        yield api


def acting(api: Api, role: str, scope: str | None) -> Api:
    api.client.headers["Authorization"] = f"Bearer {token(role, scope)}"
    return api


def codes(out: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in out["errors"]]


async def listed(api: Api) -> list[str]:
    data = await api.q("{ appeals(orderBy: {field: ID}) { nodes { localId } } }")
    return [n["localId"] for n in data["appeals"]["nodes"]]


async def test_a_grid_worker_works_inside_its_grid(secured: Api) -> None:
    api = acting(secured, "GRID_WORKER", "g1")
    assert await listed(api) == ["ap1", "ap7"]  # hh1 and hh2 lie in g1
    out = await report(api, concerns=gid("Building", "b1"))
    assert out["errors"] == [] and out["appeal"]["history"][0]["actor"] == "grid_worker-1"
    assert codes(await report(api, concerns=gid("Building", "b3"))) == [("concerns", "FORBIDDEN")]
    assert codes(await step(api, "acceptAppeal", id=gid("Appeal", "ap4"))) == [("id", "FORBIDDEN")]  # c1: above g1
    out = await step(api, "assignAppeal", id=gid("Appeal", "ap1"), to=gid("AllianceMember", "am2"))
    assert out["errors"] == []  # any handler: the appeal is what must lie inside


async def test_a_community_works_inside_its_community(secured: Api) -> None:
    api = acting(secured, "COMMUNITY", "c1")
    assert await listed(api) == ["ap1", "ap2", "ap4", "ap7"]
    assert (await step(api, "assignAppeal", id=gid("Appeal", "ap4"), to=gid("AllianceMember", "am1")))["errors"] == []
    assert codes(await step(api, "acceptAppeal", id=gid("Appeal", "ap5"))) == [("id", "FORBIDDEN")]
    # one that does not exist is refused alike: the answer does not tell what exists outside
    assert codes(await step(api, "acceptAppeal", id=gid("Appeal", "ap-none"))) == [("id", "FORBIDDEN")]


async def test_a_vanguard_reports_for_linked_households_and_resolves_its_own(secured: Api) -> None:
    api = acting(secured, "VANGUARD", "pm1")  # pm1 LINKS hh3, hh4 and pm2; ap5 is assigned to pm1
    assert await listed(api) == ["ap5"]
    out = await report(api, concerns=gid("Household", "hh3"), raisedBy=gid("Household", "hh3"))
    assert out["errors"] == []
    assert codes(await report(api, concerns=gid("Household", "hh1"))) == [("concerns", "FORBIDDEN")]
    assert codes(await step(api, "acceptAppeal", id=gid("Appeal", "ap2"))) == [("id", "FORBIDDEN")]
    assert (await step(api, "resolveAppeal", id=gid("Appeal", "ap5")))["appeal"]["status"] == "RESOLVED"
    assert codes(await step(api, "resolveAppeal", id=gid("Appeal", "ap1"))) == [("id", "FORBIDDEN")]


async def test_an_alliance_unit_resolves_what_is_assigned_to_it(secured: Api) -> None:
    api = acting(secured, "ALLIANCE_UNIT", "am1")
    assert await listed(api) == ["ap1"]
    assert (await step(api, "resolveAppeal", id=gid("Appeal", "ap1")))["appeal"]["status"] == "RESOLVED"
    assert codes(await step(api, "resolveAppeal", id=gid("Appeal", "ap6"))) == [("id", "FORBIDDEN")]
    assert codes(await step(api, "closeAppeal", id=gid("Appeal", "ap1"))) == [("id", "FORBIDDEN")]


async def test_an_analyst_reads_and_writes_nothing_of_the_workflow(secured: Api) -> None:
    api = acting(secured, "ANALYST", None)
    assert len(await listed(api)) == 7
    assert codes(await report(api)) == [(None, "FORBIDDEN")]
    assert codes(await step(api, "acceptAppeal", id=gid("Appeal", "ap2"))) == [(None, "FORBIDDEN")]
    assert len(await listed(acting(secured, "ADMIN", None))) == 7  # nothing was written
