"""The committed schema.graphql is the printed schema of the code, and the API covers the contract."""

from __future__ import annotations

from pathlib import Path

from graph_schema import NODE_SPECS
from resolvers.errors import camel
from resolvers.schema import build_schema, printed_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    assert committed == printed_schema(), (
        "schema.graphql differs from the schema the code builds; regenerate it with\n"
        "    .venv/bin/python -m resolvers.schema > schema.graphql\n"
        "and review the diff (a removed or renamed field breaks clients)."
    )


# Labels written through a workflow instead of create/update: the input that makes one, and the
# properties the workflow sets itself (status, its dates, the history, the review).
WORKFLOW_INPUTS: dict[str, tuple[str, set[str]]] = {
    "Appeal": (
        "ReportAppealInput",
        {
            "status",
            "accepted_on",
            "rejected_on",
            "rejection_reason",
            "resolved_on",
            "closed_on",
            "satisfaction",
            "history",
        },
    ),
    "Activity": ("HoldRoundtableInput", {"kind"}),
    "SecretaryProject": (
        "CreateSecretaryProjectInput",
        {"stage", "led_on", "started_on", "reviewed_on", "review_score"},
    ),
    "Assessment": ("RecordAssessmentInput", set()),
}


def test_every_contract_property_is_in_the_api() -> None:
    schema = build_schema()._schema
    for label, spec in NODE_SPECS.items():
        output = schema.type_map[label.value]
        if label.value in WORKFLOW_INPUTS:
            input_name, set_by_workflow = WORKFLOW_INPUTS[label.value]
            made = schema.type_map[input_name]
            for prop in spec.props:
                name = camel(prop)
                assert name in output.fields, f"{label.value}.{name} is missing"  # type: ignore[attr-defined]
                if prop not in set_by_workflow:
                    assert name in made.fields, f"{input_name}.{name} is missing"  # type: ignore[attr-defined]
            continue
        create = schema.type_map[f"Create{label.value}Input"]
        update = schema.type_map[f"Update{label.value}Input"]
        for prop in spec.props:
            name = camel(prop)
            assert name in output.fields, f"{label.value}.{name} is missing"  # type: ignore[attr-defined]
            assert name in create.fields, f"Create{label.value}Input.{name} is missing"  # type: ignore[attr-defined]
            assert name in update.fields, f"Update{label.value}Input.{name} is missing"  # type: ignore[attr-defined]


# every relationship type, walked from its start and from its end: (type, field) pairs
WALKS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "PART_OF": (
        [("Community", "street"), ("Grid", "community"), ("Building", "grid"), ("Household", "building")],
        [("Street", "communities"), ("Community", "grids"), ("Grid", "buildings"), ("Building", "households")],
    ),
    "REPORTS_TO": (
        [("PartyOrganization", "parent"), ("PartyOrganization", "ancestors")],
        [("PartyOrganization", "children"), ("PartyOrganization", "subtree")],
    ),
    "GOVERNS": (
        [("PartyOrganization", "governs")],
        [("Street", "governedBy"), ("Community", "governedBy"), ("Grid", "governedBy"), ("Building", "governedBy")],
    ),
    "MEMBER_OF": ([("PartyMember", "organizations")], [("PartyOrganization", "members")]),
    "LIVES_IN": ([("PartyMember", "household")], [("Household", "residents")]),
    "REPORTED_TO": ([("PartyMember", "reportedTo")], [("Community", "reportedMembers")]),
    "RUNS": ([("PartyMember", "stations")], [("VanguardStation", "runBy")]),
    "LOCATED_IN": ([("VanguardStation", "building")], [("Building", "stations")]),
    "ATTACHED_TO": ([("VanguardStation", "partyGroup")], [("PartyOrganization", "stations")]),
    "LINKS": (
        [("PartyMember", "linkedMembers"), ("PartyMember", "linkedHouseholds")],
        [("PartyMember", "linkedBy"), ("Household", "linkedBy")],
    ),
    "VISITED": ([("PartyMember", "visits")], [("Household", "visits")]),
    "LED_BY": (
        [("Alliance", "ledBy"), ("SecretaryProject", "ledBy")],
        [("PartyOrganization", "leadsAlliances"), ("PartyOrganization", "projectsLed")],
    ),
    "SERVES": ([("Alliance", "serves")], [("Street", "servedBy"), ("Community", "servedBy")]),
    "JOINED": ([("AllianceMember", "alliances")], [("Alliance", "members")]),
    "MANAGES": ([("AllianceMember", "manages")], [("Building", "managedBy")]),
    "BRANCH_OF": ([("PartyOrganization", "unit")], [("AllianceMember", "branch")]),
    "SITS_ON": ([("PartyMember", "sitsOn")], [("PartyOrganization", "partTimeMembers")]),
    "RAISED_BY": ([("Appeal", "raisedBy")], [("Household", "raisedAppeals"), ("PartyMember", "raisedAppeals")]),
    "CONCERNS": (
        [("Appeal", "concerns")],
        [("Household", "appeals"), ("Building", "appeals"), ("Grid", "appeals"), ("Community", "appeals")],
    ),
    "ASSIGNED_TO": (
        [("Appeal", "assignedTo")],
        [
            ("PartyMember", "assignedAppeals"),
            ("AllianceMember", "assignedAppeals"),
            ("PartyOrganization", "assignedAppeals"),
            ("Alliance", "assignedAppeals"),
        ],
    ),
    "DISCUSSED": ([("Activity", "discussed")], [("Appeal", "discussedIn")]),
    "ATTENDED": (
        [("PartyMember", "activitiesAttended"), ("AllianceMember", "activitiesAttended")],
        [("Activity", "attendees")],
    ),
    "HELD_BY": (
        [("Activity", "heldBy")],
        [("PartyOrganization", "activitiesHeld"), ("Alliance", "activitiesHeld"), ("PartyMember", "activitiesHeld")],
    ),
    "HELD_IN": (
        [("Activity", "heldIn"), ("SecretaryProject", "heldIn")],
        [("Street", "activities"), ("Community", "activities"), ("Grid", "activities"), ("Building", "activities")]
        + [(area, "secretaryProjects") for area in ("Street", "Community", "Grid", "Building")],
    ),
    "SERVED": ([("Activity", "servedHouseholds")], [("Household", "activitiesServing")]),
    "ADVANCES": ([("Activity", "project")], [("SecretaryProject", "events")]),
    "LEADS": ([("PartyMember", "projectsLeading")], [("SecretaryProject", "leaders")]),
    "EARNED": (
        [("PartyMember", "points"), ("PartyMember", "pointsByMonth")],
        [("Activity", "earnedBy"), ("SecretaryProject", "earnedBy"), ("Appeal", "earnedBy")],
    ),
    "WORKS_IN": (
        [("Worker", "worksIn")],
        [("Street", "workers"), ("Community", "workers"), ("Grid", "workers"), ("Building", "workers")],
    ),
    "GUIDES": ([("Worker", "guides")], [("PartyOrganization", "guidedBy"), ("AllianceMember", "guidedBy")]),
    "STATIONED_AT": ([("Worker", "station")], [("GuidanceStation", "instructors")]),
    "IS_MEMBER": ([("Worker", "member")], [("PartyMember", "worker")]),
    "SERVES_AREA": ([("GuidanceStation", "serves")], [("Street", "guidanceStations")]),
    "ASSESSES": ([("Assessment", "assesses")], [("PartyOrganization", "assessments")]),
    "ASSESSED_BY": (
        [("Assessment", "assessedBy")],
        [("PartyOrganization", "assessmentsMade"), ("Worker", "assessmentsMade")],
    ),
}


def test_every_relationship_type_is_walked_both_ways() -> None:
    from graph_schema import REL_SPECS

    assert set(WALKS) == {t.value for t in REL_SPECS}
    schema = build_schema()._schema
    for rel_type, (out, back) in WALKS.items():
        spec = REL_SPECS[rel_type]  # type: ignore[index]
        assert {t for t, _ in out} == {s.value for s in spec.start_labels}, rel_type
        assert {t for t, _ in back} == {e.value for e in spec.end_labels}, rel_type
        for type_name, field in out + back:
            assert field in schema.type_map[type_name].fields, f"{type_name}.{field}"  # type: ignore[attr-defined]


def test_the_graphql_examples_of_the_docs_are_valid() -> None:
    import re

    from graphql import parse, validate

    schema = build_schema()._schema
    root = SCHEMA_FILE.parent
    blocks = [
        (path.name, block)
        for path in (root / "README.md", root / "docs" / "design.md")
        for block in re.findall(r"```graphql\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    ]
    assert blocks, "the README shows at least one query"
    for name, block in blocks:
        errors = validate(schema, parse(block))
        assert not errors, f"{name}: {[e.message for e in errors]}"
