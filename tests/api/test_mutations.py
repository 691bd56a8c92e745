"""Writing the graph: create/update/delete of every label, link/unlink of every relationship type,
moves and assignLinks; invalid input comes back as typed errors and writes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph_schema import REL_SPECS, Label, RelType
from loaders.store import GraphStore
from tests.api.conftest import Api, gid

ERR = "errors { field code message }"

# label -> (create mutation, payload field, create input, update input)
CREATES: dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]] = {
    "Street": ("Street", "street", {"name": "新桥镇", "code": "320281002"}, {"name": "新桥镇(改)"}),
    "Community": (
        "Community",
        "community",
        {"name": "新社区", "street": gid("Street", "st1")},
        {"code": "320281001009"},
    ),
    "Grid": (
        "Grid",
        "grid",
        {"name": "新网格", "community": gid("Community", "c1"), "kinds": ["LIFE_SERVICE"]},
        {"targetHouseholds": 280},
    ),
    "Building": (
        "Building",
        "building",
        {"name": "9栋", "kind": "BUILDING", "grid": gid("Grid", "g1")},
        {"kind": "COURTYARD", "address": "东门路9号"},
    ),
    "Household": (
        "Household",
        "household",
        {
            "name": "9栋101室",
            "building": gid("Building", "b1"),
            "size": 2,
            "tags": ["FLOATING"],
            "phone": "13700001111",
        },
        {"size": 3, "tags": None},
    ),
    "PartyOrganization": (
        "PartyOrganization",
        "partyOrganization",
        {"name": "新支部", "level": "GRID_BRANCH", "parent": gid("PartyOrganization", "org-c1")},
        {"star": "QUALIFIED"},
    ),
    "PartyMember": (
        "PartyMember",
        "partyMember",
        {
            "name": "赵六",
            "kind": "FLOATING",
            "household": gid("Household", "hh6"),
            "organization": gid("PartyOrganization", "org-c1"),
        },
        {"vanguard": True, "birthYear": 1988},
    ),
    "VanguardStation": (
        "VanguardStation",
        "vanguardStation",
        {"name": "西门驿站", "building": gid("Building", "b4")},
        {"name": "西门先锋驿站"},
    ),
    "Alliance": ("Alliance", "alliance", {"name": "西门联盟", "theme": "养老"}, {"theme": None}),
    "AllianceMember": (
        "AllianceMember",
        "allianceMember",
        {"name": "某协会", "kind": "CHAMBER_OR_ASSOCIATION", "resources": ["LEGAL_AID"]},
        {"resources": ["LEGAL_AID", "EMPLOYMENT"]},
    ),
    "Worker": (
        "Worker",
        "worker",
        {"name": "钱芳", "role": "SOCIAL_WORKER", "area": gid("Community", "c2"), "fullTime": True},
        {"phone": "13700002222"},
    ),
    "GuidanceStation": (
        "GuidanceStation",
        "guidanceStation",
        {"name": "西门指导站", "streets": [gid("Street", "st1")]},
        {"name": "西门基层党建工作指导站"},
    ),
}


@pytest.mark.parametrize("label", list(CREATES))
async def test_create_update_delete_every_label(api: Api, city: GraphStore, label: str) -> None:
    name, field, create, update = CREATES[label]
    created = await api.q(
        f"mutation($input: Create{name}Input!) {{ create{name}(input: $input) {{ {field} {{ id localId }} {ERR} }} }}",
        {"input": create},
    )
    payload = created[f"create{name}"]
    assert payload["errors"] == []
    node_id, local = payload[field]["id"], payload[field]["localId"]
    (record,) = await city.get_nodes([local])
    assert record is not None and record.label == label

    updated = await api.q(
        f"mutation($input: Update{name}Input!) {{ update{name}(input: $input) {{ {field} {{ id }} {ERR} }} }}",
        {"input": {"id": node_id, **update}},
    )
    assert updated[f"update{name}"]["errors"] == []
    (after,) = await city.get_nodes([local])
    assert after is not None
    for key, value in update.items():
        prop = {"targetHouseholds": "target_households", "birthYear": "birth_year"}.get(key, key)
        assert after.properties.get(prop) == value
    assert after.properties["name"]  # untouched properties stay

    deleted = await api.q(f"mutation($id: ID!) {{ delete{name}(id: $id) {{ deletedId {ERR} }} }}", {"id": node_id})
    assert deleted[f"delete{name}"] == {"deletedId": node_id, "errors": []}
    assert await city.get_nodes([local]) == [None]


async def test_concurrent_updates_of_different_fields_both_land(api: Api, city: GraphStore) -> None:
    # Each update carries only its own fields and is merged inside the write, so neither
    # request's read of the node can overwrite the other's change.
    hid = gid("Household", "hh1")
    mutation = (
        f"mutation($input: UpdateHouseholdInput!) {{ updateHousehold(input: $input) {{ household {{ id }} {ERR} }} }}"
    )
    inputs = [{"id": hid, "size": 4}, {"id": hid, "tags": ["DISABILITY"]}, {"id": hid, "address": "东门路1号"}]
    results = await asyncio.gather(*(api.q(mutation, {"input": i}) for i in inputs))
    assert all(r["updateHousehold"]["errors"] == [] for r in results)
    (after,) = await city.get_nodes(["hh1"])
    assert after is not None
    assert (after.properties["size"], after.properties["tags"]) == (4, ["DISABILITY"])
    assert after.properties.get("address") == "东门路1号" and after.properties["name"]


async def test_update_returns_the_stored_node(api: Api) -> None:
    data = await api.q(
        f"""mutation($id: ID!) {{ updateHousehold(input: {{id: $id, size: 6}}) {{
              household {{ size name }} {ERR} }} }}""",
        {"id": gid("Household", "hh1")},
    )
    assert data["updateHousehold"]["errors"] == []
    assert data["updateHousehold"]["household"]["size"] == 6 and data["updateHousehold"]["household"]["name"]


async def test_create_writes_the_parent_with_the_node(api: Api, city: GraphStore) -> None:
    data = await api.q(
        f"""mutation($b: ID!) {{ createHousehold(input: {{name: "新户", building: $b, id: "hh-new"}}) {{
              household {{ id building {{ localId }} }} {ERR} }} }}""",
        {"b": gid("Building", "b2")},
    )
    assert data["createHousehold"]["household"] == {"id": gid("Household", "hh-new"), "building": {"localId": "b2"}}


async def test_validation_problems_come_back_typed_and_nothing_is_written(api: Api, city: GraphStore) -> None:
    data = await api.q(
        f"""mutation($b: ID!) {{ createHousehold(input: {{name: "坏户", building: $b, id: "hh-bad",
              phone: "12345", headIdNumber: "110105194912310021", size: 0}}) {{ household {{ id }} {ERR} }} }}""",
        {"b": gid("Building", "b1")},
    )
    payload = data["createHousehold"]
    assert payload["household"] is None
    problems = {(e["field"], e["code"]) for e in payload["errors"]}
    assert ("phone", "FORMAT") in problems
    assert ("headIdNumber", "CHECKSUM") in problems
    assert ("size", "RANGE") in problems
    assert all(e["message"] for e in payload["errors"])
    assert await city.get_nodes(["hh-bad"]) == [None]


async def test_required_property_cleared_is_refused(api: Api) -> None:
    data = await api.q(
        f'mutation($id: ID!) {{ updateStreet(input: {{id: $id, name: ""}}) {{ street {{ id }} {ERR} }} }}',
        {"id": gid("Street", "st1")},
    )
    assert data["updateStreet"]["errors"] == [
        {"field": "name", "code": "REQUIRED", "message": "name is required: it cannot be emptied or removed"}
    ]


async def test_bad_ids_and_missing_nodes_are_typed_errors(api: Api) -> None:
    data = await api.q(f'mutation {{ deleteStreet(id: "@@@") {{ deletedId {ERR} }} }}')
    assert data["deleteStreet"]["errors"][0]["code"] == "BAD_ID"
    data = await api.q(
        f"mutation($id: ID!) {{ deleteStreet(id: $id) {{ deletedId {ERR} }} }}", {"id": gid("Community", "c1")}
    )
    assert data["deleteStreet"]["errors"][0]["code"] == "WRONG_TYPE"
    data = await api.q(
        f'mutation($id: ID!) {{ updateGrid(input: {{id: $id, name: "x"}}) {{ grid {{ id }} {ERR} }} }}',
        {"id": gid("Grid", "nope")},
    )
    assert data["updateGrid"]["errors"][0] == {
        "field": "id",
        "code": "NOT_FOUND",
        "message": f"there is no Grid with ID {gid('Grid', 'nope')!r}",
    }
    data = await api.q(
        f'mutation($s: ID!) {{ createCommunity(input: {{name: "x", street: $s}}) {{ community {{ id }} {ERR} }} }}',
        {"s": gid("Street", "ghost")},
    )
    assert data["createCommunity"]["errors"][0]["field"] == "street"
    assert data["createCommunity"]["errors"][0]["code"] == "MISSING_ENDPOINT"


async def test_taken_id_is_refused(api: Api, city: GraphStore) -> None:
    data = await api.q(f'mutation {{ createAlliance(input: {{name: "x", id: "hh1"}}) {{ alliance {{ id }} {ERR} }} }}')
    assert data["createAlliance"]["errors"][0]["code"] == "DUPLICATE_ID"
    (hh1,) = await city.get_nodes(["hh1"])
    assert hh1 is not None and hh1.label == "Household"


async def test_area_with_children_is_not_deleted(api: Api, city: GraphStore) -> None:
    data = await api.q(f"mutation($id: ID!) {{ deleteGrid(id: $id) {{ deletedId {ERR} }} }}", {"id": gid("Grid", "g1")})
    assert data["deleteGrid"]["errors"][0]["code"] == "HAS_CHILDREN"
    assert (await city.get_nodes(["g1"]))[0] is not None


# one valid (from, to, since/on) per relationship type, between nodes that do not have it yet
NEW_LINKS: dict[str, tuple[tuple[str, str], tuple[str, str], dict[str, str]]] = {
    "PART_OF": (("Household", "hh-orphan"), ("Building", "b2"), {}),
    "REPORTS_TO": (("PartyOrganization", "org-orphan"), ("PartyOrganization", "org-c1"), {}),
    "GOVERNS": (("PartyOrganization", "org-c1"), ("Grid", "g2"), {}),
    "MEMBER_OF": (("PartyMember", "pm-new"), ("PartyOrganization", "org-g1"), {}),
    "LIVES_IN": (("PartyMember", "pm-new"), ("Household", "hh6"), {}),
    "REPORTED_TO": (("PartyMember", "pm3"), ("Community", "c2"), {"since": "2024-05-01"}),
    "RUNS": (("PartyMember", "pm2"), ("VanguardStation", "vs1"), {}),
    "LOCATED_IN": (("VanguardStation", "vs-new"), ("Building", "b3"), {}),
    "LINKS": (("PartyMember", "pm1"), ("Household", "hh5"), {"since": "2024-06-01"}),
    "VISITED": (("PartyMember", "pm1"), ("Household", "hh4"), {"on": "2024-07-01"}),
    "LED_BY": (("Alliance", "al1"), ("PartyOrganization", "org-st"), {}),
    "SERVES": (("Alliance", "al1"), ("Community", "c2"), {}),
    "JOINED": (("AllianceMember", "am-new"), ("Alliance", "al1"), {"since": "2024-01-15"}),
    "MANAGES": (("AllianceMember", "am1"), ("Building", "b3"), {}),
    "BRANCH_OF": (("PartyOrganization", "org-orphan"), ("AllianceMember", "am2"), {}),
    "SITS_ON": (("PartyMember", "pm2"), ("PartyOrganization", "org-c1"), {}),
    "WORKS_IN": (("Worker", "w-b1"), ("Building", "b2"), {"since": "2025-01-01"}),
    "GUIDES": (("Worker", "w-i1"), ("AllianceMember", "am2"), {"since": "2025-02-01"}),
    "STATIONED_AT": (("Worker", "w-g1"), ("GuidanceStation", "gs1"), {}),
    "IS_MEMBER": (("Worker", "w-i1"), ("PartyMember", "pm3"), {}),
    "SERVES_AREA": (("GuidanceStation", "gs1"), ("Street", "s2"), {}),
    "ATTACHED_TO": (("VanguardStation", "vs1"), ("PartyOrganization", "org-b1"), {}),
}


# Written by the appeal workflow and holdRoundtable (tests/api/test_appeals.py), with their nodes.
WORKFLOW_TYPES = {"RAISED_BY", "CONCERNS", "ASSIGNED_TO", "DISCUSSED", "ATTENDED", "HELD_BY", "HELD_IN"}
# the monthly work's: written by recordActivity and the secretary-project mutations (resolvers/work)
WORKFLOW_TYPES |= {"SERVED", "ADVANCES", "LEADS", "EARNED"}
WORKFLOW_LABELS = {"Appeal", "Activity", "SecretaryProject"}
WORKFLOW_TYPES |= {"ASSESSES", "ASSESSED_BY"}  # written by recordAssessment (tests/api/test_assessments.py)
WORKFLOW_LABELS |= {"Assessment"}


def test_every_relationship_type_has_a_link_case() -> None:
    assert set(NEW_LINKS) | WORKFLOW_TYPES == {t.value for t in RelType} == {t.value for t in REL_SPECS}


async def test_link_and_unlink_refuse_what_only_the_workflow_writes(api: Api, city: GraphStore) -> None:
    """An administrator cannot hand an appeal to someone else, or take its handler away, past the
    workflow: its history would not say so."""
    from loaders.store import Direction

    (before,) = await city.neighbours(["ap1"], "ASSIGNED_TO", Direction.OUT)
    assert [e.node.id for e in before] == ["am1"]
    ids = {"a": gid("Appeal", "ap1"), "o": gid("PartyOrganization", "org-c1"), "m": gid("AllianceMember", "am1")}
    data = await api.q(
        f"""mutation($a: ID!, $o: ID!, $m: ID!) {{
              l: link(input: {{type: ASSIGNED_TO, from: $a, to: $o}}) {{ relationship {{ type }} {ERR} }}
              u: unlink(input: {{type: ASSIGNED_TO, from: $a, to: $m}}) {{ removed {ERR} }} }}""",
        ids,
    )
    assert data["l"]["relationship"] is None and data["u"]["removed"] == 0
    for error in (data["l"]["errors"][0], data["u"]["errors"][0]):
        assert error["code"] == "WORKFLOW_OWNED" and error["field"] == "type"
        assert "assignAppeal" in error["message"]
    (after,) = await city.neighbours(["ap1"], "ASSIGNED_TO", Direction.OUT)
    assert [e.node.id for e in after] == ["am1"]


@pytest.mark.parametrize("rel_type", list(NEW_LINKS))
async def test_link_and_unlink_every_relationship_type(api: Api, city: GraphStore, rel_type: str) -> None:
    from graph_schema import Node

    await city.upsert(
        [
            Node("Household", "hh-orphan", {"name": "孤户"}),
            Node("PartyOrganization", "org-orphan", {"name": "新组织", "level": "UNIT_BRANCH"}),
            Node("PartyMember", "pm-new", {"name": "新党员", "kind": "RESIDENT"}),
            Node("VanguardStation", "vs-new", {"name": "新驿站"}),
            Node("AllianceMember", "am-new", {"name": "新单位", "kind": "ENTERPRISE"}),
        ]
    )
    (start_label, start), (end_label, end), props = NEW_LINKS[rel_type]
    variables = {"input": {"type": rel_type, "from": gid(start_label, start), "to": gid(end_label, end), **props}}
    data = await api.q(
        f"""mutation($input: LinkInput!) {{ link(input: $input) {{
              relationship {{ type from {{ localId }} to {{ localId }} since on }} {ERR} }} }}""",
        variables,
    )
    assert data["link"]["errors"] == []
    rel = data["link"]["relationship"]
    assert (rel["type"], rel["from"]["localId"], rel["to"]["localId"]) == (rel_type, start, end)
    assert {k: rel[k] for k in props} == props
    from loaders.store import Direction

    (edges,) = await city.neighbours([start], rel_type, Direction.OUT)
    assert end in [e.node.id for e in edges]

    unlink_input = {"type": rel_type, "from": gid(start_label, start), "to": gid(end_label, end)}
    if "on" in props:
        unlink_input["on"] = props["on"]
    data = await api.q(
        f"mutation($input: UnlinkInput!) {{ unlink(input: $input) {{ removed {ERR} }} }}", {"input": unlink_input}
    )
    assert data["unlink"] == {"removed": 1, "errors": []}
    (edges,) = await city.neighbours([start], rel_type, Direction.OUT)
    assert end not in [e.node.id for e in edges]
    data = await api.q(
        f"mutation($input: UnlinkInput!) {{ unlink(input: $input) {{ removed {ERR} }} }}", {"input": unlink_input}
    )
    assert data["unlink"]["errors"][0]["code"] == "NOT_FOUND"


async def test_second_parent_is_refused(api: Api, city: GraphStore) -> None:
    data = await api.q(
        f"""mutation($h: ID!, $b: ID!) {{ link(input: {{type: PART_OF, from: $h, to: $b}}) {{
              relationship {{ type }} {ERR} }} }}""",
        {"h": gid("Household", "hh1"), "b": gid("Building", "b2")},
    )
    err = data["link"]["errors"]
    assert err[0]["code"] == "SECOND_PARENT" and err[0]["field"] == "to"
    assert "move" in err[0]["message"]
    from loaders.store import Direction

    (edges,) = await city.neighbours(["hh1"], "PART_OF", Direction.OUT)
    assert [e.node.id for e in edges] == ["b1"]


async def test_wrong_endpoint_label_is_refused(api: Api) -> None:
    data = await api.q(
        f"""mutation($h: ID!, $s: ID!) {{ link(input: {{type: PART_OF, from: $h, to: $s}}) {{
              relationship {{ type }} {ERR} }} }}""",
        {"h": gid("Household", "hh1"), "s": gid("Street", "st1")},
    )
    assert data["link"]["errors"][0]["code"] == "ENDPOINT_LABEL"
    assert data["link"]["errors"][0]["field"] == "to"


async def test_property_a_relationship_does_not_have_is_refused(api: Api) -> None:
    data = await api.q(
        f"""mutation($o: ID!, $g: ID!) {{ link(input: {{type: GOVERNS, from: $o, to: $g, since: "2024-01-01"}}) {{
              relationship {{ type }} {ERR} }} }}""",
        {"o": gid("PartyOrganization", "org-c1"), "g": gid("Grid", "g2")},
    )
    assert data["link"]["errors"][0]["code"] == "UNKNOWN_PROPERTY"
    data = await api.q(
        f"""mutation($m: ID!, $h: ID!) {{ link(input: {{type: VISITED, from: $m, to: $h}}) {{
              relationship {{ type }} {ERR} }} }}""",
        {"m": gid("PartyMember", "pm1"), "h": gid("Household", "hh4")},
    )
    assert data["link"]["errors"][0] == {"field": "on", "code": "REQUIRED", "message": "on is required"}


@pytest.mark.parametrize(
    ("mutation", "child", "parent", "old", "new"),
    [
        ("moveHousehold", "household", "building", ("Household", "hh1"), ("Building", "b2")),
        ("moveBuilding", "building", "grid", ("Building", "b3"), ("Grid", "g1")),
        ("moveGrid", "grid", "community", ("Grid", "g2"), ("Community", "c2")),
    ],
)
async def test_moves_keep_exactly_one_parent(
    api: Api, city: GraphStore, mutation: str, child: str, parent: str, old: tuple[str, str], new: tuple[str, str]
) -> None:
    data = await api.q(
        f"""mutation($c: ID!, $p: ID!) {{ {mutation}(input: {{{child}: $c, {parent}: $p}}) {{
              {child} {{ localId }} {ERR} }} }}""",
        {"c": gid(*old), "p": gid(*new)},
    )
    assert data[mutation] == {child: {"localId": old[1]}, "errors": []}
    from loaders.store import Direction

    (edges,) = await city.neighbours([old[1]], "PART_OF", Direction.OUT)
    assert [e.node.id for e in edges] == [new[1]]


async def test_move_to_the_wrong_kind_of_parent_writes_nothing(api: Api, city: GraphStore) -> None:
    data = await api.q(
        f"""mutation($c: ID!, $p: ID!) {{ moveHousehold(input: {{household: $c, building: $p}}) {{
              household {{ localId }} {ERR} }} }}""",
        {"c": gid("Household", "hh1"), "p": gid("Grid", "g2")},
    )
    assert data["moveHousehold"]["errors"][0]["code"] == "WRONG_TYPE"
    data = await api.q(
        f"""mutation($c: ID!, $p: ID!) {{ moveHousehold(input: {{household: $c, building: $p}}) {{
              household {{ localId }} {ERR} }} }}""",
        {"c": gid("Household", "hh1"), "p": gid("Building", "ghost")},
    )
    assert data["moveHousehold"]["errors"][0]["code"] == "NOT_FOUND"
    from loaders.store import Direction

    (edges,) = await city.neighbours(["hh1"], "PART_OF", Direction.OUT)
    assert [e.node.id for e in edges] == ["b1"]


ASSIGN = f"""mutation($input: AssignLinksInput!) {{ assignLinks(input: $input) {{
  vanguard {{ linkedMembers {{ edges {{ since node {{ localId }} }} }}
    linkedHouseholds {{ edges {{ since node {{ localId }} }} }} }}
  added removed {ERR} }} }}"""


async def test_assign_links_replaces_the_set(api: Api) -> None:
    data = await api.q(
        ASSIGN,
        {
            "input": {
                "vanguard": gid("PartyMember", "pm1"),
                "members": [gid("PartyMember", "pm2"), gid("PartyMember", "pm3")],
                "households": [gid("Household", "hh3"), gid("Household", "hh6")],
                "since": "2024-09-01",
            }
        },
    )
    payload = data["assignLinks"]
    assert payload["errors"] == [] and payload["added"] == 2 and payload["removed"] == 1  # +pm3 +hh6 -hh4
    assert payload["vanguard"]["linkedMembers"]["edges"] == [
        {"since": "2024-01-01", "node": {"localId": "pm2"}},
        {"since": "2024-09-01", "node": {"localId": "pm3"}},
    ]
    assert payload["vanguard"]["linkedHouseholds"]["edges"] == [
        {"since": "2024-02-01", "node": {"localId": "hh3"}},
        {"since": "2024-09-01", "node": {"localId": "hh6"}},
    ]


async def test_assign_links_errors_write_nothing(api: Api, city: GraphStore) -> None:
    not_vanguard = await api.q(
        ASSIGN, {"input": {"vanguard": gid("PartyMember", "pm2"), "members": [], "households": []}}
    )
    assert not_vanguard["assignLinks"]["errors"][0]["code"] == "NOT_VANGUARD"
    bad = await api.q(
        ASSIGN,
        {
            "input": {
                "vanguard": gid("PartyMember", "pm1"),
                "members": [gid("PartyMember", "pm1"), gid("Household", "hh1")],
                "households": [gid("Household", "ghost")],
            }
        },
    )
    codes = [(e["field"], e["code"]) for e in bad["assignLinks"]["errors"]]
    assert codes == [("members[0]", "SELF_LINK"), ("members[1]", "WRONG_TYPE")]
    missing = await api.q(
        ASSIGN,
        {"input": {"vanguard": gid("PartyMember", "pm1"), "members": [], "households": [gid("Household", "ghost")]}},
    )
    assert missing["assignLinks"]["errors"][0] == {
        "field": "households[0]",
        "code": "NOT_FOUND",
        "message": "there is no node with id 'ghost'",
    }
    from loaders.store import Direction

    (edges,) = await city.neighbours(["pm1"], "LINKS", Direction.OUT)
    assert sorted(e.node.id for e in edges) == ["hh3", "hh4", "pm2"]


def test_labels_cover_the_contract() -> None:
    assert set(CREATES) | WORKFLOW_LABELS == {label.value for label in Label}
