"""The monthly work over GraphQL on both stores: secretary projects and their stages, recording
activities with their points, the walks to them, a member's points by year and month, and who
may write them (resolvers/permissions.py, check_work)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_schema import POINTS_TABLE
from loaders.store import GraphStore
from tests.api.conftest import Api, gid, open_api
from tests.api.test_appeal_permissions import SECRET, acting, codes

pytestmark = pytest.mark.asyncio

PROJECT_FIELDS = "project { localId stage ledOn startedOn reviewedOn reviewScore leaders { nodes { localId } } }"
CREATE = f"""mutation($input: CreateSecretaryProjectInput!) {{
  createSecretaryProject(input: $input) {{ {PROJECT_FIELDS} errors {{ field code message }} }} }}"""
MOVE = f"""mutation($input: MoveSecretaryProjectInput!) {{
  moveSecretaryProject(input: $input) {{ {PROJECT_FIELDS} errors {{ field code message }} }} }}"""
RECORD = """mutation($input: RecordActivityInput!) {
  recordActivity(input: $input) { activity { localId kind on project { localId }
    servedHouseholds { nodes { localId } } earnedBy { nodes { localId } } } errors { field code message } } }"""


@pytest.fixture
async def secured(city: GraphStore) -> AsyncIterator[Api]:
    async with open_api(city, jwt_secret=SECRET) as api:
        yield api


async def create(api: Api, **fields: Any) -> dict[str, Any]:
    data = {"title": "东门楼道整治", "category": "ENVIRONMENT", "ledBy": gid("PartyOrganization", "org-c1")}
    data |= {"heldIn": gid("Community", "c1"), "proposedOn": "2026-05-01", **fields}
    return (await api.q(CREATE, {"input": data}))["createSecretaryProject"]


async def move(api: Api, project: str, to: str, **fields: Any) -> dict[str, Any]:
    data = {"id": gid("SecretaryProject", project), "to": to, **fields}
    return (await api.q(MOVE, {"input": data}))["moveSecretaryProject"]


async def record(api: Api, **fields: Any) -> dict[str, Any]:
    data = {"title": "东门志愿服务", "kind": "VOLUNTEER_SERVICE", "on": "2026-09-20"}
    data |= {"heldBy": gid("PartyOrganization", "org-c1"), "heldIn": gid("Community", "c1"), **fields}
    return (await api.q(RECORD, {"input": data}))["recordActivity"]


async def test_a_project_moves_through_its_stages_in_order(api: Api) -> None:
    out = await create(api)
    assert out["errors"] == [] and out["project"]["stage"] == "PROPOSED"
    pid = out["project"]["localId"]
    assert codes(await move(api, pid, "IN_PROGRESS", on="2026-05-10")) == [("to", "INVALID_TRANSITION")]
    assert codes(await move(api, pid, "LED", on="2026-05-10")) == [("leaders", "REQUIRED")]
    assert codes(await move(api, pid, "LED", on="2026-04-01", leaders=[gid("PartyMember", "pm1")])) == [
        ("on", "BAD_DATE")
    ]
    out = await move(api, pid, "LED", on="2026-05-10", leaders=[gid("PartyMember", "pm1")])
    assert out["errors"] == [] and out["project"]["ledOn"] == "2026-05-10"
    assert out["project"]["leaders"]["nodes"] == [{"localId": "pm1"}]
    assert codes(await move(api, pid, "IN_PROGRESS", on="2026-05-20", reviewScore=90)) == [
        ("reviewScore", "NOT_ALLOWED")
    ]
    assert (await move(api, pid, "IN_PROGRESS", on="2026-05-20"))["project"]["startedOn"] == "2026-05-20"
    assert codes(await move(api, pid, "REVIEWED", on="2026-08-01")) == [("reviewScore", "REQUIRED")]
    assert codes(await move(api, pid, "REVIEWED", on="2026-08-01", reviewScore=120)) == [("reviewScore", "RANGE")]
    out = await move(api, pid, "REVIEWED", on="2026-08-01", reviewScore=88)
    assert out["project"]["stage"] == "REVIEWED" and out["project"]["reviewScore"] == 88
    assert codes(await move(api, pid, "LED")) == [("to", "INVALID_TRANSITION")]
    # leading it earned pm1 the points of a project on the day it was led
    data = await api.q(
        """query($id: ID!) { node(id: $id) { ... on PartyMember {
             points(year: 2026, month: 5) { total entries { points on reason source { id } } } } } }""",
        {"id": gid("PartyMember", "pm1")},
    )
    points = data["node"]["points"]
    assert points["total"] == POINTS_TABLE["SecretaryProject"]
    assert points["entries"] == [
        {
            "points": POINTS_TABLE["SecretaryProject"],
            "on": "2026-05-10",
            "reason": "领办书记项目",
            "source": {"id": gid("SecretaryProject", pid)},
        }
    ]


async def test_recording_an_activity_awards_points_to_the_members_who_came(api: Api) -> None:
    out = await record(
        api,
        attendees=[gid("PartyMember", "pm2"), gid("AllianceMember", "am1"), gid("PartyMember", "pm2")],
        servedHouseholds=[gid("Household", "hh1"), gid("Household", "hh4")],
    )
    assert out["errors"] == []
    activity = out["activity"]
    assert activity["kind"] == "VOLUNTEER_SERVICE" and activity["project"] is None
    assert [n["localId"] for n in activity["servedHouseholds"]["nodes"]] == ["hh1", "hh4"]
    assert activity["earnedBy"]["nodes"] == [{"localId": "pm2"}]  # not the unit, and once
    data = await api.q(
        """query($id: ID!) { node(id: $id) { ... on PartyMember {
             year: points(year: 2026) { total } pointsByMonth(year: 2026) { month total } } } }""",
        {"id": gid("PartyMember", "pm2")},
    )
    assert data["node"]["year"]["total"] == POINTS_TABLE["VOLUNTEER_SERVICE"]
    assert data["node"]["pointsByMonth"][8] == {"month": 9, "total": POINTS_TABLE["VOLUNTEER_SERVICE"]}
    assert codes(await record(api, kind="SECRETARY_PROJECT_EVENT")) == [("project", "REQUIRED")]
    assert codes(await record(api, project=gid("SecretaryProject", "s2-sp1"))) == [("project", "NOT_ALLOWED")]
    assert codes(await record(api, kind="BRANCH_MEETING", heldBy=gid("PartyMember", "pm1"))) == [
        ("heldBy", "WRONG_TYPE")
    ]
    out = await record(api, kind="MONTHLY_CONTACT", heldBy=gid("PartyMember", "pm1"), heldIn=gid("Building", "b1"))
    assert out["errors"] == []


async def test_the_walks_reach_projects_activities_and_points(api: Api) -> None:
    data = await api.q(
        """query($c: ID!, $m: ID!, $h: ID!, $o: ID!) {
             c: node(id: $c) { ... on Community { secretaryProjects { nodes { localId title category stage
               ledBy { nodes { localId } } heldIn { id } leaders { nodes { localId } }
               events { nodes { localId kind } } } } } }
             m: node(id: $m) { ... on PartyMember { activitiesHeld { nodes { localId kind } }
               points(year: 2026) { total } pointsByMonth(year: 2026) { month total } } }
             h: node(id: $h) { ... on Household { activitiesServing { nodes { localId } } } }
             o: node(id: $o) { ... on PartyOrganization { external projectsLed { nodes { localId } } } } }""",
        {
            "c": gid("Community", "s2c1"),
            "m": gid("PartyMember", "s2c1g1b1-m"),
            "h": gid("Household", "s2c1g2b1-h"),
            "o": gid("PartyOrganization", "s2-ext-po"),
        },
    )
    (project,) = data["c"]["secretaryProjects"]["nodes"]
    assert project["localId"] == "s2-sp1" and project["category"] == "PARKING" and project["stage"] == "IN_PROGRESS"
    assert project["ledBy"]["nodes"] == [{"localId": "s2c1-po"}] and project["heldIn"] == {
        "id": gid("Community", "s2c1")
    }
    assert project["leaders"]["nodes"] == [{"localId": "s2c1g1b2-m"}]
    assert project["events"]["nodes"] == [{"localId": "s2-spe1", "kind": "SECRETARY_PROJECT_EVENT"}]
    assert data["m"]["activitiesHeld"]["nodes"] == [
        {"localId": "s2-mc1", "kind": "MONTHLY_CONTACT"},
        {"localId": "s2-mc2", "kind": "MONTHLY_CONTACT"},
    ]
    assert data["m"]["points"]["total"] == 4
    months = {m["month"]: m["total"] for m in data["m"]["pointsByMonth"] if m["total"]}
    assert months == {9: 2, 10: 2}
    assert data["h"]["activitiesServing"]["nodes"] == [{"localId": "s2-vs1"}]
    assert data["o"] == {"external": True, "projectsLed": {"nodes": []}}
    errors = await api.errors(
        "query($id: ID!) { node(id: $id) { ... on PartyMember { points(year: 2026, month: 13) { total } } } }",
        {"id": gid("PartyMember", "pm1")},
    )
    assert "month" in errors[0]["message"]


async def test_who_may_write_the_monthly_work(secured: Api) -> None:
    started = dt.datetime.now(dt.UTC)
    community = acting(secured, "COMMUNITY", "c1")
    assert (await create(community))["errors"] == []
    assert codes(await create(community, heldIn=gid("Community", "s2c1"))) == [("heldIn", "FORBIDDEN")]
    assert codes(await move(community, "s2-sp1", "REVIEWED", reviewScore=80)) == [("id", "FORBIDDEN")]
    grid = acting(secured, "GRID_WORKER", "g1")
    assert codes(await create(grid, heldIn=gid("Grid", "g1"))) == [("heldIn", "FORBIDDEN")]  # no projects
    assert (await record(grid, heldIn=gid("Grid", "g1")))["errors"] == []
    assert codes(await record(grid, heldIn=gid("Grid", "g2"))) == [("heldIn", "FORBIDDEN")]
    vanguard = acting(secured, "VANGUARD", "pm1")
    mine = {"kind": "MONTHLY_CONTACT", "heldBy": gid("PartyMember", "pm1"), "heldIn": gid("Building", "b1")}
    assert (await record(vanguard, **mine))["errors"] == []
    assert codes(await record(vanguard)) == [("heldIn", "FORBIDDEN")]
    analyst = acting(secured, "ANALYST", None)
    assert codes(await record(analyst)) == [("heldIn", "FORBIDDEN")]
    # every write is in the audit trail, the refused ones too
    admin = acting(secured, "ADMIN", None)
    log = await admin.q(
        """query($since: DateTime!) { auditLog(first: 500, filter: {since: $since}) {
             nodes { operation actor outcome } } }""",
        {"since": started.isoformat()},
    )
    events = {(e["operation"], e["actor"], e["outcome"]) for e in log["auditLog"]["nodes"]}
    assert ("createSecretaryProject", "community-1", "ALLOWED") in events
    assert ("createSecretaryProject", "community-1", "DENIED") in events
    assert ("recordActivity", "vanguard-1", "ALLOWED") in events
