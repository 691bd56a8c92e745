"""Assessments (考核) through the API, on both stores: recordAssessment with its rules and role
permissions (audited), a branch's star from its final assessment and its history, the
``assessment`` analytics field."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest

from loaders.store import AuditFilter, GraphStore, Outcome
from tests.api.conftest import Api, gid, open_api
from tests.cities import CITY

pytestmark = pytest.mark.asyncio
SECRET = "s3cret-for-tests-only-0123456789abcdef"

RECORD = """mutation($i: RecordAssessmentInput!) { recordAssessment(input: $i) {
  assessment { localId round kind on result rectifyBy scores { category name met requirements synthetic }
    assesses { localId } assessedBy { localId } }
  errors { field code message } } }"""
BRANCH = """query($id: ID!) { node(id: $id) { ... on PartyOrganization { star
  assessments { localId round kind result } assessmentsMade(first: 10) { totalCount } } } }"""


def _input(branch: str, kind: str = "SELF", result: str = "QUALIFIED", **more: Any) -> dict[str, Any]:
    return {
        "i": {
            "branch": gid("PartyOrganization", branch),
            "round": "2026-1",
            "kind": kind,
            "on": "2026-03-02",
            "result": result,
            **more,
        }
    }


def token(role: str, scope: str | None) -> str:
    claims: dict[str, Any] = {
        "sub": f"{role.lower()}-{scope}",
        "role": role,
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    }
    if scope is not None:
        claims["scope"] = scope
    return jwt.encode(claims, SECRET, algorithm="HS256")


@pytest.fixture
async def secured(store: GraphStore) -> AsyncIterator[Api]:
    await store.write(CITY.batch())
    async with open_api(store, jwt_secret=SECRET) as api:
        yield api


def acting(api: Api, role: str, scope: str | None) -> Api:
    api.client.headers["Authorization"] = f"Bearer {token(role, scope)}"
    return api


async def test_record_assessments_and_the_star_follows(api: Api) -> None:
    out = await api.q(
        RECORD, _input("org-g1", scores=[{"category": "组织设置", "met": 5}, {"category": "SERVICE", "met": 4}])
    )
    rec = out["recordAssessment"]
    assert rec["errors"] == []
    a = rec["assessment"]
    assert (a["round"], a["kind"], a["on"], a["result"], a["rectifyBy"]) == (
        "2026-1",
        "SELF",
        "2026-03-02",
        "QUALIFIED",
        None,
    )
    assert [(s["category"], s["name"], s["met"], s["requirements"], s["synthetic"]) for s in a["scores"]] == [
        ("ORGANIZATION_SETUP", "组织设置", 5, 6, False),
        ("SERVICE", "作用发挥", 4, 5, True),
    ]
    assert a["assesses"]["localId"] == "org-g1" and a["assessedBy"] == []
    # an UNQUALIFIED second check needs a deadline: refused, nothing written
    refused = (await api.q(RECORD, _input("org-g1", "SECOND", "UNQUALIFIED")))["recordAssessment"]
    assert refused["assessment"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("rectifyBy", "ASSESSMENT")]
    data = await api.q(BRANCH, {"id": gid("PartyOrganization", "org-g1")})
    assert [x["kind"] for x in data["node"]["assessments"]] == ["SELF"]
    ok = await api.q(
        RECORD,
        _input(
            "org-g1", "SECOND", "UNQUALIFIED", rectifyBy="2026-06-30", assessedBy=[gid("PartyOrganization", "org-c1")]
        ),
    )
    assert ok["recordAssessment"]["errors"] == []
    assert ok["recordAssessment"]["assessment"]["assessedBy"] == [{"localId": "org-c1"}]
    node = (await api.q(BRANCH, {"id": gid("PartyOrganization", "org-g1")}))["node"]
    assert node["star"] == "UNQUALIFIED"
    assert [(x["kind"], x["result"]) for x in node["assessments"]] == [("SELF", "QUALIFIED"), ("SECOND", "UNQUALIFIED")]
    made = (await api.q(BRANCH, {"id": gid("PartyOrganization", "org-c1")}))["node"]
    assert made["star"] == "EXCELLENT"  # its given star: it has no assessments itself
    assert made["assessmentsMade"]["totalCount"] == 1


async def test_a_party_group_is_not_rated(api: Api) -> None:
    out = (await api.q(RECORD, _input("org-b1")))["recordAssessment"]
    assert out["assessment"] is None
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("branch", "NOT_RATED")]
    wrong = (await api.q(RECORD, {"i": {**_input("org-g1")["i"], "branch": gid("Grid", "g1")}}))["recordAssessment"]
    assert [(e["field"], e["code"]) for e in wrong["errors"]] == [("branch", "WRONG_TYPE")]


@pytest.mark.parametrize(
    ("role", "scope", "branch", "kind", "expected"),
    [
        ("COMMUNITY", "c1", "org-g1", "SELF", None),
        ("COMMUNITY", "c1", "org-g1", "CROSS", ("kind", "FORBIDDEN")),
        ("COMMUNITY", "c1", "s2c1g1-po", "SELF", ("branch", "FORBIDDEN")),
        ("STREET", "st1", "org-g1", "SPOT", None),
        ("STREET", "st1", "s2c1g1-po", "SECOND", ("branch", "FORBIDDEN")),
        ("STREET", "st1", "s2c1g1-po", "CROSS", None),
        ("GRID_WORKER", "g1", "org-g1", "SELF", ("branch", "FORBIDDEN")),
        ("ANALYST", None, "org-g1", "SELF", ("branch", "FORBIDDEN")),
    ],
)
async def test_who_may_record(
    secured: Api, store: GraphStore, role: str, scope: str | None, branch: str, kind: str, expected: Any
) -> None:
    api = acting(secured, role, scope)
    who = AuditFilter(actor=f"{role.lower()}-{scope}")

    async def recorded() -> list[Any]:
        page = await store.read_audit(filter=who, first=500)
        return [e for e in page.events if e.operation == "recordAssessment"]

    before = await recorded()  # the store keeps the events of the earlier cases of this test
    out = (await api.q(RECORD, _input(branch, kind)))["recordAssessment"]
    got = [(e["field"], e["code"]) for e in out["errors"]]
    assert got == ([] if expected is None else [expected])
    assert (out["assessment"] is None) == (expected is not None)
    (event,) = [e for e in await recorded() if e not in before]
    assert event.outcome == (Outcome.ALLOWED if expected is None else Outcome.DENIED)


async def test_the_assessment_analysis(api: Api) -> None:
    steps = [
        _input("org-g1", "SELF", "EXCELLENT"),
        _input("org-g1", "SECOND", "EXCELLENT"),
        {"i": {**_input("org-g1", "SELF", "DEMONSTRATION")["i"], "round": "2026-2", "on": "2026-08-03"}},
        {
            "i": {
                **_input("org-g1", "SPOT", "UNQUALIFIED")["i"],
                "round": "2026-2",
                "on": "2026-09-01",
                "rectifyBy": "2026-10-01",
            }
        },
    ]
    for variables in steps:
        assert (await api.q(RECORD, variables))["recordAssessment"]["errors"] == []
    data = await api.q(
        """{ assessment(asOf: "2026-10-31") { round rounds branches assessed rose fell disagreements overdue
             details } }"""
    )
    a = data["assessment"]
    assert (a["round"], a["rounds"]) == ("2026-2", ["2026-1", "2026-2"])
    assert (a["assessed"], a["rose"], a["fell"], a["disagreements"], a["overdue"]) == (1, 0, 1, 1, 1)
    (fell,) = a["details"]["fell"]
    assert (fell["branch"], fell["before"], fell["after"], fell["levels"]) == ("org-g1", "EXCELLENT", "UNQUALIFIED", -2)
    (late,) = a["details"]["overdue"]
    assert (late["branch"], late["rectify_by"], late["days_overdue"]) == ("org-g1", "2026-10-01", 30)
    first = await api.q('{ assessment(round: "2026-1") { round assessed fell } }')
    assert first["assessment"] == {"round": "2026-1", "assessed": 1, "fell": 0}


WORKER = """query($id: ID!) { node(id: $id) { ... on Worker { assessmentsMade(first: 10) {
  totalCount edges { node { localId kind assesses { localId } } } } } } }"""


async def test_an_instructor_assesses_and_walks_to_what_it_assessed(api: Api) -> None:
    spot = {**_input("org-g1", "SPOT", "EXCELLENT")["i"], "assessedBy": [gid("Worker", "w-i1")]}
    out = (await api.q(RECORD, {"i": spot}))["recordAssessment"]
    assert out["errors"] == []
    assert out["assessment"]["assessedBy"] == [{"localId": "w-i1"}]
    made = (await api.q(WORKER, {"id": gid("Worker", "w-i1")}))["node"]["assessmentsMade"]
    assert made["totalCount"] == 1
    assert [(e["node"]["kind"], e["node"]["assesses"]["localId"]) for e in made["edges"]] == [("SPOT", "org-g1")]
    # a grid worker does not assess: refused, nothing written
    wrong = {**spot, "assessedBy": [gid("Worker", "w-g1")]}
    refused = (await api.q(RECORD, {"i": wrong}))["recordAssessment"]
    assert refused["assessment"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("assessedBy", "NOT_INSTRUCTOR")]
    assert "INSTRUCTOR" in refused["errors"][0]["message"]
    assert (await api.q(WORKER, {"id": gid("Worker", "w-g1")}))["node"]["assessmentsMade"]["totalCount"] == 0
    # nor is a household an assessor
    odd = {**spot, "assessedBy": [gid("Household", "hh1")]}
    odd_out = (await api.q(RECORD, {"i": odd}))["recordAssessment"]
    assert [(e["field"], e["code"]) for e in odd_out["errors"]] == [("assessedBy[0]", "WRONG_TYPE")]


async def test_an_external_branch_is_not_rated(api: Api) -> None:
    out = (await api.q(RECORD, _input("s2-ext-po")))["recordAssessment"]
    assert out["assessment"] is None
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("branch", "NOT_RATED")]
    assert "external" in out["errors"][0]["message"]


async def test_a_street_viewer_sees_its_branches_assessments(secured: Api) -> None:
    admin = acting(secured, "ADMIN", None)
    own = _input("org-g1", "SELF", "DEMONSTRATION")
    assert (await admin.q(RECORD, own))["recordAssessment"]["errors"] == []
    for branch, by in (("org-g1", "w-i1"), ("s2c1g1-po", None)):
        extra = {"assessedBy": [gid("Worker", by)]} if by else {}
        spot = {**_input(branch, "SPOT", "QUALIFIED")["i"], **extra}
        assert (await admin.q(RECORD, {"i": spot}))["recordAssessment"]["errors"] == []
    street = acting(secured, "STREET", "st1")
    mine = (await street.q(BRANCH, {"id": gid("PartyOrganization", "org-g1")}))["node"]
    assert [x["kind"] for x in mine["assessments"]] == ["SELF", "SPOT"]
    made = (await street.q(WORKER, {"id": gid("Worker", "w-i1")}))["node"]["assessmentsMade"]
    assert made["totalCount"] == 1
    assert (await street.q(BRANCH, {"id": gid("PartyOrganization", "s2c1g1-po")}))["node"] is None
    south = acting(secured, "STREET", "s2")
    theirs = (await south.q(BRANCH, {"id": gid("PartyOrganization", "s2c1g1-po")}))["node"]
    assert [x["kind"] for x in theirs["assessments"]] == ["SPOT"]
    south_figures = (await south.q("{ assessment { assessed details } }"))["assessment"]
    assert south_figures["assessed"] == 1 and south_figures["details"]["area"] == "s2"
    # the analysis a street viewer runs names its own checks (the disagreeing spot-check is visible)
    street = acting(secured, "STREET", "st1")  # the same client: bound to st1 again
    data = (await street.q("{ assessment { round assessed disagreements details } }"))["assessment"]
    assert (data["assessed"], data["disagreements"]) == (1, 1)
    (d,) = data["details"]["disagreements"]
    spot_id = made["edges"][0]["node"]["localId"]
    assert (d["branch"], d["assessment"], d["levels"]) == ("org-g1", spot_id, -2)
