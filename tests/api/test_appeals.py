"""Appeals through the API: the workflow mutations (every step, every refused transition, bad
input naming the field, nothing written on refusal, concurrent steps), every relationship
walked both ways, and the appeals connection's filters and order, on both stores."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_schema import Node, Relationship, WriteBatch
from graph_schema.appeals import history_entry
from loaders.store import GraphStore
from tests.api.conftest import Api, gid, open_api
from tests.cities import CITY, without_appeals

ERR = "errors { field code message }"
APPEAL = """id localId title status category source difficult reportedOn acceptedOn rejectedOn rejectionReason
resolvedOn closedOn due satisfaction description history { at from to actor }
assignedTo { handler { id } since }"""

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _one_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service dates every step TODAY: a run that crosses midnight would otherwise stamp the
    next day on a step while the expectations say TODAY."""
    monkeypatch.setattr("resolvers.appeals.mutations._today", lambda: TODAY)


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


_PATHS = {
    "REPORTED": ["REPORTED"],
    "ACCEPTED": ["REPORTED", "ACCEPTED"],
    "ASSIGNED": ["REPORTED", "ACCEPTED", "ASSIGNED"],
    "RESOLVED": ["REPORTED", "ACCEPTED", "ASSIGNED", "RESOLVED"],
    "CLOSED": ["REPORTED", "ACCEPTED", "ASSIGNED", "RESOLVED", "CLOSED"],
    "REJECTED": ["REPORTED", "REJECTED"],
}


def _history_to(status: str) -> list[str]:
    """A history that walks the workflow to ``status`` (the store checks that it ends there)."""
    path = _PATHS[status]
    return [
        history_entry(f"2026-01-0{i + 1}T08:00:00+00:00", path[i - 1] if i else None, to, "import")
        for i, to in enumerate(path)
    ]


def city_without_appeals() -> WriteBatch:
    """The shared city without its own appeals and roundtables: these tests store theirs (STORED)
    and count exactly what they stored."""
    return without_appeals(CITY.batch())


def appeal(node_id: str, status: str, reported: str, due: str, **more: Any) -> Node:
    props = {
        "title": f"诉求 {node_id}",
        "category": more.pop("category", "SANITATION"),
        "source": "HOTLINE",
        "status": status,
        "reported_on": reported,
        "due": due,
        "history": _history_to(status),
        **more,
    }
    return Node("Appeal", node_id, props)


# The stored appeals the read tests use: where they are, who raised and handles them.
#   apq1 ASSIGNED, concerns hh1 (b1, g1, c1, st1), raised by hh1, assigned to am1, overdue
#   apq2 REPORTED, concerns b3 (g2, c1), raised by pm2, due in the future
#   apq3 CLOSED, concerns g3 (c2), assigned to org-c1, long past due (closed: not overdue)
#   apq4 ACCEPTED, concerns c1, overdue, PARKING
#   apq5 ASSIGNED, concerns s2c1g1b1 (南闸), assigned to pm1, overdue
#   apq6 RESOLVED, concerns hh5 (b4, g3, c2), assigned to pm3;  apq7 REJECTED, concerns hh2
#   actq1 roundtable held by al1 in c1, discussed apq1 and apq4, attended by pm1 and am1
STORED = WriteBatch(
    nodes=[
        appeal("apq1", "ASSIGNED", day(-30), day(-5), accepted_on=day(-29), description="楼顶漏水三天了"),
        appeal("apq2", "REPORTED", day(-2), day(10)),
        appeal("apq3", "CLOSED", day(-90), day(-80), accepted_on=day(-90), resolved_on=day(-85), closed_on=day(-84)),
        appeal("apq4", "ACCEPTED", day(-20), day(-10), accepted_on=day(-19), category="PARKING"),
        appeal("apq5", "ASSIGNED", day(-40), day(-1), accepted_on=day(-40)),
        appeal("apq6", "RESOLVED", day(-10), day(-3), accepted_on=day(-10), resolved_on=day(-4)),
        appeal("apq7", "REJECTED", day(-8), day(2), rejected_on=day(-8), rejection_reason="不属于社区职责"),
        Node("Activity", "actq1", {"title": "东门圆桌会", "kind": "ROUNDTABLE", "on": day(-15)}),
    ],
    relationships=[
        Relationship("CONCERNS", "apq1", "hh1"),
        Relationship("RAISED_BY", "apq1", "hh1"),
        Relationship("ASSIGNED_TO", "apq1", "am1", {"since": day(-28)}),
        Relationship("CONCERNS", "apq2", "b3"),
        Relationship("RAISED_BY", "apq2", "pm2"),
        Relationship("CONCERNS", "apq3", "g3"),
        Relationship("ASSIGNED_TO", "apq3", "org-c1", {"since": day(-89)}),
        Relationship("CONCERNS", "apq4", "c1"),
        Relationship("CONCERNS", "apq5", "s2c1g1b1"),
        Relationship("ASSIGNED_TO", "apq5", "pm1", {"since": day(-39)}),
        Relationship("CONCERNS", "apq6", "hh5"),
        Relationship("ASSIGNED_TO", "apq6", "pm3", {"since": day(-9)}),
        Relationship("CONCERNS", "apq7", "hh2"),
        Relationship("HELD_BY", "actq1", "al1"),
        Relationship("HELD_IN", "actq1", "c1"),
        Relationship("DISCUSSED", "actq1", "apq1"),
        Relationship("DISCUSSED", "actq1", "apq4"),
        Relationship("ATTENDED", "pm1", "actq1"),
        Relationship("ATTENDED", "am1", "actq1"),
    ],
)


@pytest.fixture
async def appeals_api(store: GraphStore) -> AsyncIterator[Api]:
    await store.write(city_without_appeals())
    await store.write(STORED)
    async with open_api(store) as client:
        yield client


async def report(api: Api, **fields: Any) -> dict[str, Any]:
    data = {
        "title": "2栋楼道灯坏了",
        "category": "FACILITIES",
        "source": "GRID_PATROL",
        "concerns": gid("Building", "b2"),
    }
    data.update(fields)
    out = await api.q(
        f"mutation($i: ReportAppealInput!) {{ reportAppeal(input: $i) {{ appeal {{ {APPEAL} }} {ERR} }} }}",
        {"i": data},
    )
    return dict(out["reportAppeal"])


async def step(api: Api, name: str, **fields: Any) -> dict[str, Any]:
    """Run workflow mutation ``name`` (e.g. acceptAppeal) with ``fields`` as its input."""
    kind = {
        "rejectAppeal": "RejectAppealInput",
        "assignAppeal": "AssignAppealInput",
        "resolveAppeal": "ResolveAppealInput",
        "reviewAppeal": "ReviewAppealInput",
    }.get(name, "AppealInput")
    out = await api.q(f"mutation($i: {kind}!) {{ {name}(input: $i) {{ appeal {{ {APPEAL} }} {ERR} }} }}", {"i": fields})
    return dict(out[name])


async def stored(api: Api, appeal_id: str) -> dict[str, Any]:
    out = await api.q(f"query($id: ID!) {{ node(id: $id) {{ ... on Appeal {{ {APPEAL} }} }} }}", {"id": appeal_id})
    return dict(out["node"])


STATUS_OF = {
    "apq1": "ASSIGNED",
    "apq2": "REPORTED",
    "apq3": "CLOSED",
    "apq4": "ACCEPTED",
    "apq6": "RESOLVED",
    "apq7": "REJECTED",
}
INPUTS: dict[str, dict[str, Any]] = {
    "acceptAppeal": {},
    "rejectAppeal": {"reason": "重复反映"},
    "assignAppeal": {"to": gid("PartyMember", "pm1")},
    "escalateAppeal": {},
    "resolveAppeal": {},
    "reviewAppeal": {"satisfaction": "SATISFIED"},
    "closeAppeal": {},
    "reopenAppeal": {},
}
ALLOWED = {
    "acceptAppeal": {"REPORTED"},
    "rejectAppeal": {"REPORTED", "ACCEPTED"},
    "assignAppeal": {"ACCEPTED", "ASSIGNED"},
    "escalateAppeal": {"ASSIGNED"},
    "resolveAppeal": {"ASSIGNED"},
    "reviewAppeal": {"RESOLVED"},
    "closeAppeal": {"RESOLVED"},
    "reopenAppeal": {"RESOLVED"},
}


async def test_the_whole_workflow_keeps_every_step_in_the_history(appeals_api: Api) -> None:
    api = appeals_api
    made = await report(api, raisedBy=gid("Household", "hh3"), description="灯坏了一个星期")
    assert made["errors"] == []
    a = made["appeal"]
    assert (a["status"], a["reportedOn"], a["acceptedOn"]) == ("REPORTED", TODAY.isoformat(), None)
    assert a["due"] == day(7)  # FACILITIES: 7 days in the settings' table
    appeal_id = a["id"]
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("acceptAppeal", {}, "ACCEPTED"),
        ("assignAppeal", {"to": gid("AllianceMember", "am1")}, "ASSIGNED"),
        ("escalateAppeal", {}, "ASSIGNED"),  # am1's branch org-am reports to org-c1
        ("resolveAppeal", {"on": day(1)}, "RESOLVED"),
        ("reviewAppeal", {"satisfaction": "UNSATISFIED"}, "ASSIGNED"),  # back to its handler
        ("resolveAppeal", {}, "RESOLVED"),
        ("reviewAppeal", {"satisfaction": "BASICALLY_SATISFIED"}, "RESOLVED"),
        ("closeAppeal", {}, "CLOSED"),
    ]
    for name, fields, status in steps:
        out = await step(api, name, id=appeal_id, **fields)
        assert out["errors"] == [], (name, out["errors"])
        assert out["appeal"]["status"] == status, name
    final = await stored(api, appeal_id)
    assert final["assignedTo"]["handler"]["id"] == gid("PartyOrganization", "org-c1")
    assert final["assignedTo"]["since"] == TODAY.isoformat()
    assert (final["resolvedOn"], final["closedOn"], final["satisfaction"]) == (
        TODAY.isoformat(),
        TODAY.isoformat(),
        "BASICALLY_SATISFIED",
    )
    moves = [(h["from"], h["to"]) for h in final["history"]]
    assert moves == [
        (None, "REPORTED"),
        ("REPORTED", "ACCEPTED"),
        ("ACCEPTED", "ASSIGNED"),
        ("ASSIGNED", "ASSIGNED"),
        ("ASSIGNED", "RESOLVED"),
        ("RESOLVED", "ASSIGNED"),
        ("ASSIGNED", "RESOLVED"),
        ("RESOLVED", "RESOLVED"),
        ("RESOLVED", "CLOSED"),
    ]
    assert {h["actor"] for h in final["history"]} == {"anonymous"}
    assert final["description"] is None  # personal free text: withheld from who may not see it


async def test_reject_and_reopen(appeals_api: Api) -> None:
    out = await step(appeals_api, "rejectAppeal", id=gid("Appeal", "apq4"), reason=" 已由物业处理 ")
    assert out["appeal"]["status"] == "REJECTED"
    assert (out["appeal"]["rejectedOn"], out["appeal"]["rejectionReason"]) == (TODAY.isoformat(), "已由物业处理")
    out = await step(appeals_api, "reopenAppeal", id=gid("Appeal", "apq6"))
    assert (out["appeal"]["status"], out["appeal"]["resolvedOn"]) == ("ASSIGNED", None)
    assert out["appeal"]["assignedTo"]["handler"]["id"] == gid("PartyMember", "pm3")


async def test_every_transition_the_status_does_not_allow_is_refused_and_writes_nothing(appeals_api: Api) -> None:
    refused = 0
    for name, fields in INPUTS.items():
        for appeal_id, status in STATUS_OF.items():
            if status in ALLOWED[name]:
                continue
            before = await stored(appeals_api, gid("Appeal", appeal_id))
            out = await step(appeals_api, name, id=gid("Appeal", appeal_id), **fields)
            assert out["appeal"] is None
            assert [(e["field"], e["code"]) for e in out["errors"]] == [("id", "INVALID_TRANSITION")], (name, status)
            assert f"that is {status} cannot be" in out["errors"][0]["message"]
            assert await stored(appeals_api, gid("Appeal", appeal_id)) == before
            refused += 1
    assert refused == 38


@pytest.mark.parametrize(
    ("name", "fields", "field", "code"),
    [
        ("acceptAppeal", {"id": gid("Appeal", "ap-none")}, "id", "NOT_FOUND"),
        ("acceptAppeal", {"id": gid("Household", "hh1")}, "id", "WRONG_TYPE"),
        ("acceptAppeal", {"id": "not-an-id"}, "id", "BAD_ID"),
        ("assignAppeal", {"id": gid("Appeal", "apq4"), "to": gid("Household", "hh1")}, "to", "WRONG_TYPE"),
        ("assignAppeal", {"id": gid("Appeal", "apq4"), "to": gid("PartyMember", "pm-none")}, "to", "NOT_FOUND"),
        ("rejectAppeal", {"id": gid("Appeal", "apq2"), "reason": "  "}, "reason", "REQUIRED"),
        ("escalateAppeal", {"id": gid("Appeal", "apq3")}, "id", "INVALID_TRANSITION"),
    ],
)
async def test_bad_input_names_the_field(
    appeals_api: Api, name: str, fields: dict[str, Any], field: str, code: str
) -> None:
    out = await step(appeals_api, name, **fields)
    assert out["appeal"] is None
    assert [(e["field"], e["code"]) for e in out["errors"]] == [(field, code)]


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"concerns": gid("Street", "st1")}, "concerns", "WRONG_TYPE"),
        ({"concerns": gid("Building", "b-none")}, "concerns", "NOT_FOUND"),
        ({"raisedBy": gid("Building", "b1")}, "raisedBy", "WRONG_TYPE"),
        ({"title": "   "}, "title", "REQUIRED"),
    ],
)
async def test_a_refused_report_writes_nothing(appeals_api: Api, fields: dict[str, Any], field: str, code: str) -> None:
    count = "{ appeals { totalCount } }"
    before = (await appeals_api.q(count))["appeals"]["totalCount"]
    out = await report(appeals_api, **fields)
    assert out["appeal"] is None
    assert [(e["field"], e["code"]) for e in out["errors"]] == [(field, code)]
    assert (await appeals_api.q(count))["appeals"]["totalCount"] == before


@pytest.mark.parametrize(
    ("handler", "target"),
    [
        (gid("PartyMember", "pm1"), "org-c1"),  # member of org-g1, which reports to org-c1
        (gid("PartyOrganization", "org-b1"), "org-g1"),
        (gid("AllianceMember", "am1"), "org-c1"),  # its branch org-am reports to org-c1
        (gid("AllianceMember", "am2"), "org-c1"),  # no branch: al1's leader
        (gid("Alliance", "al1"), "org-c1"),
    ],
)
async def test_escalation_goes_to_the_organization_above_the_handler(
    appeals_api: Api, handler: str, target: str
) -> None:
    out = await step(appeals_api, "assignAppeal", id=gid("Appeal", "apq4"), to=handler)
    assert out["errors"] == []
    out = await step(appeals_api, "escalateAppeal", id=gid("Appeal", "apq4"))
    assert out["errors"] == []
    assert out["appeal"]["assignedTo"]["handler"]["id"] == gid("PartyOrganization", target)


async def test_escalation_stops_at_the_top(appeals_api: Api) -> None:
    await step(appeals_api, "assignAppeal", id=gid("Appeal", "apq4"), to=gid("PartyOrganization", "org-st"))
    before = await stored(appeals_api, gid("Appeal", "apq4"))
    out = await step(appeals_api, "escalateAppeal", id=gid("Appeal", "apq4"))
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("id", "NO_ESCALATION")]
    assert await stored(appeals_api, gid("Appeal", "apq4")) == before


async def test_concurrent_steps_on_one_appeal_do_not_both_succeed(appeals_api: Api) -> None:
    made = await report(appeals_api)
    appeal_id = made["appeal"]["id"]
    outs = await asyncio.gather(*(step(appeals_api, "acceptAppeal", id=appeal_id) for _ in range(4)))
    won = [o for o in outs if not o["errors"]]
    lost = [o for o in outs if o["errors"]]
    assert len(won) == 1, outs
    assert all(o["errors"][0]["code"] == "INVALID_TRANSITION" for o in lost)
    final = await stored(appeals_api, appeal_id)
    assert final["status"] == "ACCEPTED"
    assert len(final["history"]) == 2  # one accept, not four


async def test_due_defaults_from_the_settings_table(store: GraphStore) -> None:
    await store.write(city_without_appeals())
    async with open_api(store, appeal_due_days={"PARKING": 2}) as api:
        out = await report(api, category="PARKING", reportedOn="2026-03-01")
        assert out["appeal"]["due"] == "2026-03-03"
        out = await report(api, category="PARKING", reportedOn="2026-03-01", difficult=True)
        assert out["appeal"]["due"] == "2026-03-05"  # difficult: doubled
        out = await report(api, category="SANITATION", reportedOn="2026-03-01")
        assert out["appeal"]["due"] == "2026-03-16"  # not in the table: 15 days
        out = await report(api, category="PARKING", reportedOn="2026-03-01", due="2026-04-01")
        assert out["appeal"]["due"] == "2026-04-01"


async def test_description_is_revealed_only_to_who_may_see_personal_information(store: GraphStore) -> None:
    await store.write(city_without_appeals())
    await store.write(STORED)
    query = '{ node(id: "AP1") { ... on Appeal { description } } }'.replace("AP1", gid("Appeal", "apq1"))
    async with open_api(store) as api:
        assert (await api.q(query))["node"]["description"] is None
    async with open_api(store, reveal_pii=True) as api:
        assert (await api.q(query))["node"]["description"] == "楼顶漏水三天了"


async def test_hold_roundtable(appeals_api: Api) -> None:
    mutation = f"""mutation($i: HoldRoundtableInput!) {{ holdRoundtable(input: $i) {{
        activity {{ id title kind on heldBy {{ id }} heldIn {{ id }} discussed {{ nodes {{ id }} }}
                    attendees {{ nodes {{ id }} }} }} {ERR} }} }}"""
    data = {
        "title": "停车难圆桌会",
        "on": day(0),
        "heldBy": gid("PartyOrganization", "org-c1"),
        "heldIn": gid("Community", "c1"),
        "appeals": [gid("Appeal", "apq4"), gid("Appeal", "apq2")],
        "attendees": [gid("PartyMember", "pm2"), gid("AllianceMember", "am2")],
    }
    out = (await appeals_api.q(mutation, {"i": data}))["holdRoundtable"]
    assert out["errors"] == []
    act = out["activity"]
    assert (act["kind"], act["on"], act["heldBy"]["id"], act["heldIn"]["id"]) == (
        "ROUNDTABLE",
        day(0),
        gid("PartyOrganization", "org-c1"),
        gid("Community", "c1"),
    )
    assert [n["id"] for n in act["discussed"]["nodes"]] == [gid("Appeal", "apq2"), gid("Appeal", "apq4")]
    assert [n["id"] for n in act["attendees"]["nodes"]] == [gid("AllianceMember", "am2"), gid("PartyMember", "pm2")]
    bad = dict(data, appeals=[gid("Appeal", "apq4"), gid("Appeal", "ap-none")])
    out = (await appeals_api.q(mutation, {"i": bad}))["holdRoundtable"]
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("appeals[1]", "NOT_FOUND")]
    count = (await appeals_api.q("{ activities { totalCount } }"))["activities"]["totalCount"]
    assert count == 2  # actq1 and the first roundtable; the refused one wrote nothing


def ids(connection: dict[str, Any]) -> list[str]:
    return [n["localId"] for n in connection["nodes"]]


async def test_every_relationship_walks_both_ways(appeals_api: Api) -> None:
    q = """{
      apq1: node(id: "%(apq1)s") { ... on Appeal { raisedBy { id } concerns { id } assignedTo { handler { id } since }
                                                 discussedIn { nodes { localId } } } }
      apq2: node(id: "%(apq2)s") { ... on Appeal { raisedBy { id } concerns { id } assignedTo { since } } }
      hh1: node(id: "%(hh1)s") { ... on Household { raisedAppeals { nodes { localId } }
                                                    appeals { nodes { localId } } } }
      pm2: node(id: "%(pm2)s") { ... on PartyMember { raisedAppeals { nodes { localId } } } }
      pm1: node(id: "%(pm1)s") { ... on PartyMember { assignedAppeals { edges { since node { localId } } }
                                                      activitiesAttended { nodes { localId } } } }
      am1: node(id: "%(am1)s") { ... on AllianceMember { assignedAppeals { nodes { localId } }
                                                         activitiesAttended { nodes { localId } } } }
      org: node(id: "%(org)s") { ... on PartyOrganization { assignedAppeals { nodes { localId } } } }
      al1: node(id: "%(al1)s") { ... on Alliance { assignedAppeals { nodes { localId } }
                                                   activitiesHeld { nodes { localId } } } }
      b3: node(id: "%(b3)s") { ... on Building { appeals { nodes { localId } } } }
      g3: node(id: "%(g3)s") { ... on Grid { appeals { nodes { localId } } } }
      c1: node(id: "%(c1)s") { ... on Community { appeals { nodes { localId } } activities { nodes { localId } }
                                                  appealsWithin { nodes { localId } } } }
      st1: node(id: "%(st1)s") { ... on Street { appealsWithin(orderBy: {field: ID}) { nodes { localId } } } }
      actq1: node(id: "%(actq1)s") { ... on Activity { discussed { nodes { localId } } attendees { nodes { localId } }
                                                     heldBy { id } heldIn { id } } }
    }"""
    for key, value in {
        "apq1": gid("Appeal", "apq1"),
        "apq2": gid("Appeal", "apq2"),
        "hh1": gid("Household", "hh1"),
        "pm1": gid("PartyMember", "pm1"),
        "pm2": gid("PartyMember", "pm2"),
        "am1": gid("AllianceMember", "am1"),
        "org": gid("PartyOrganization", "org-c1"),
        "al1": gid("Alliance", "al1"),
        "b3": gid("Building", "b3"),
        "g3": gid("Grid", "g3"),
        "c1": gid("Community", "c1"),
        "st1": gid("Street", "st1"),
        "actq1": gid("Activity", "actq1"),
    }.items():
        q = q.replace(f"%({key})s", value)
    d = await appeals_api.q(q)
    assert d["apq1"]["raisedBy"]["id"] == gid("Household", "hh1")
    assert d["apq1"]["concerns"]["id"] == gid("Household", "hh1")
    assert d["apq1"]["assignedTo"] == {"handler": {"id": gid("AllianceMember", "am1")}, "since": day(-28)}
    assert ids(d["apq1"]["discussedIn"]) == ["actq1"]
    assert d["apq2"] == {
        "raisedBy": {"id": gid("PartyMember", "pm2")},
        "concerns": {"id": gid("Building", "b3")},
        "assignedTo": None,
    }
    assert ids(d["hh1"]["raisedAppeals"]) == ["apq1"] and ids(d["hh1"]["appeals"]) == ["apq1"]
    assert ids(d["pm2"]["raisedAppeals"]) == ["apq2"]
    assert [(e["node"]["localId"], e["since"]) for e in d["pm1"]["assignedAppeals"]["edges"]] == [("apq5", day(-39))]
    assert ids(d["pm1"]["activitiesAttended"]) == ["actq1"]
    assert ids(d["am1"]["assignedAppeals"]) == ["apq1"] and ids(d["am1"]["activitiesAttended"]) == ["actq1"]
    assert ids(d["org"]["assignedAppeals"]) == ["apq3"]
    assert ids(d["al1"]["assignedAppeals"]) == [] and ids(d["al1"]["activitiesHeld"]) == ["actq1"]
    assert ids(d["b3"]["appeals"]) == ["apq2"] and ids(d["g3"]["appeals"]) == ["apq3"]
    assert ids(d["c1"]["appeals"]) == ["apq4"] and ids(d["c1"]["activities"]) == ["actq1"]
    assert ids(d["c1"]["appealsWithin"]) == ["apq4", "apq1", "apq7", "apq2"]  # by due day
    assert ids(d["st1"]["appealsWithin"]) == ["apq1", "apq2", "apq3", "apq4", "apq6", "apq7"]
    assert ids(d["actq1"]["discussed"]) == ["apq1", "apq4"] and ids(d["actq1"]["attendees"]) == ["am1", "pm1"]
    assert (d["actq1"]["heldBy"]["id"], d["actq1"]["heldIn"]["id"]) == (gid("Alliance", "al1"), gid("Community", "c1"))


LIST = "query($f: AppealFilter, $o: AppealOrder) { appeals(filter: $f, orderBy: $o) { totalCount nodes { localId } } }"


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (None, ["apq3", "apq4", "apq1", "apq6", "apq5", "apq7", "apq2"]),
        ({"status": ["ASSIGNED", "REPORTED"]}, ["apq1", "apq5", "apq2"]),
        ({"category": ["PARKING"]}, ["apq4"]),
        ({"overdue": True}, ["apq4", "apq1", "apq5"]),
        ({"overdue": True, "asOf": day(-6)}, ["apq4"]),
        ({"overdue": True, "status": ["ASSIGNED", "CLOSED"]}, ["apq1", "apq5"]),
        ({"overdue": False}, ["apq3", "apq6", "apq7", "apq2"]),
        ({"within": gid("Community", "c1")}, ["apq4", "apq1", "apq7", "apq2"]),
        ({"within": gid("Household", "hh1")}, ["apq1"]),
        ({"within": gid("Community", "c1"), "overdue": True}, ["apq4", "apq1"]),
        ({"assignedTo": gid("AllianceMember", "am1")}, ["apq1"]),
        ({"assignedTo": gid("PartyMember", "pm1"), "overdue": True}, ["apq5"]),
        ({"reportedFrom": day(-30), "reportedTo": day(-8)}, ["apq4", "apq1", "apq6", "apq7"]),
        ({"reportedTo": day(-40)}, ["apq3", "apq5"]),
    ],
)
async def test_the_appeals_connection_filters_in_the_store(
    appeals_api: Api, flt: dict[str, Any] | None, expected: list[str]
) -> None:
    out = (await appeals_api.q(LIST, {"f": flt}))["appeals"]
    assert ids(out) == expected
    assert out["totalCount"] == len(expected)


async def test_the_appeals_connection_orders_and_pages(appeals_api: Api) -> None:
    out = await appeals_api.q(LIST, {"o": {"field": "REPORTED_ON", "direction": "DESC"}})
    assert ids(out["appeals"]) == ["apq2", "apq7", "apq6", "apq4", "apq1", "apq5", "apq3"]
    page = "query($a: String) { appeals(first: 3, after: $a) { nodes { localId } pageInfo { endCursor hasNextPage } } }"
    seen: list[str] = []
    after = None
    while True:
        got = (await appeals_api.q(page, {"a": after}))["appeals"]
        seen += ids(got)
        if not got["pageInfo"]["hasNextPage"]:
            break
        after = got["pageInfo"]["endCursor"]
    assert seen == ["apq3", "apq4", "apq1", "apq6", "apq5", "apq7", "apq2"]
    last = await appeals_api.q("{ appeals(last: 2) { nodes { localId } } }")
    assert ids(last["appeals"]) == ["apq7", "apq2"]


async def test_overdue_field(appeals_api: Api) -> None:
    q = "query($id: ID!, $d: Date) { a: node(id: $id) { ... on Appeal { overdue now: overdue(asOf: $d) } } }"
    out = (await appeals_api.q(q, {"id": gid("Appeal", "apq1"), "d": day(-6)}))["a"]
    assert out == {"overdue": True, "now": False}


async def test_the_history_names_the_token_subject(store: GraphStore) -> None:
    import jwt

    secret = "s3cret-for-tests-only-0123456789abcdef"
    claims = {
        "sub": "u-2002",
        "name": "李网格",
        "role": "ADMIN",
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    }
    token = jwt.encode(claims, secret, algorithm="HS256")
    await store.write(city_without_appeals())
    async with open_api(store, jwt_secret=secret) as api:
        api.client.headers["Authorization"] = f"Bearer {token}"
        made = await report(api)
        out = await step(api, "acceptAppeal", id=made["appeal"]["id"])
    assert [h["actor"] for h in out["appeal"]["history"]] == ["u-2002", "u-2002"]
