"""The end rules hold after the fact through the API, on both stores: an update mutation that
would break the assessments stored at a branch (or made by an instructor) comes back with the
typed validation error of the property at fault, and writes nothing."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, gid

pytestmark = pytest.mark.asyncio

ERR = "errors { field code message }"
RECORD = f"""mutation($i: RecordAssessmentInput!) {{ recordAssessment(input: $i) {{
  assessment {{ localId }} {ERR} }} }}"""
UPDATE_ORG = f"""mutation($i: UpdatePartyOrganizationInput!) {{ updatePartyOrganization(input: $i) {{
  partyOrganization {{ level }} {ERR} }} }}"""
UPDATE_WORKER = f"""mutation($i: UpdateWorkerInput!) {{ updateWorker(input: $i) {{ worker {{ role }} {ERR} }} }}"""
LEVEL = "query($id: ID!) { node(id: $id) { ... on PartyOrganization { level } } }"


async def test_an_update_that_breaks_stored_assessments_is_refused(api: Api) -> None:
    spot = {
        "branch": gid("PartyOrganization", "org-g1"),
        "round": "2026-1",
        "kind": "SPOT",
        "on": "2026-03-02",
        "result": "QUALIFIED",
        "assessedBy": [gid("Worker", "w-i1")],
    }
    assert (await api.q(RECORD, {"i": spot}))["recordAssessment"]["errors"] == []
    org = gid("PartyOrganization", "org-g1")
    out = (await api.q(UPDATE_ORG, {"i": {"id": org, "level": "BUILDING_GROUP"}}))["updatePartyOrganization"]
    assert out["partyOrganization"] is None
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("level", "NOT_RATED")]
    assert out["errors"][0]["message"].startswith("'org-g1' has 1 assessment (ASSESSES): a BUILDING_GROUP is not rated")
    assert (await api.q(LEVEL, {"id": org}))["node"]["level"] == "GRID_BRANCH"
    made = (await api.q(UPDATE_WORKER, {"i": {"id": gid("Worker", "w-i1"), "role": "GRID_WORKER"}}))["updateWorker"]
    assert [(e["field"], e["code"]) for e in made["errors"]] == [("role", "NOT_INSTRUCTOR")]
    # a rated level is fine
    ok = (await api.q(UPDATE_ORG, {"i": {"id": org, "level": "UNIT_BRANCH"}}))["updatePartyOrganization"]
    assert ok["errors"] == [] and ok["partyOrganization"]["level"] == "UNIT_BRANCH"
