"""The monthly-work fields (monthlyContact, registrationStats, activityStats, pointsStats) over GraphQL,
on both stores, with figures worked out by hand.

On 澄江街道 (``tests.cities.EAST``: pm1 the vanguard in hh1/b1, LINKS pm2, hh3, hh4 and VISITED hh3
on 2024-03-05 and 2024-04-02; pm2 IN_SERVICE in hh2/b1/c1, MEMBER_OF org-g1, REPORTED_TO c1; pm3 in
hh5/c2; the roundtable act1 on 2026-03-18 HELD_BY al1 in c1, ATTENDED by pm1, pm2, am1) this adds,
for March and April 2026::

    w1  MONTHLY_CONTACT   03-05 HELD_BY pm1 in b1, ATTENDED by pm1 and pm2
    w2  VOLUNTEER_SERVICE 04-10 HELD_BY org-c1 in g2, ATTENDED by pm3 and am2, SERVED hh3 (2) and hh4 (4)
    pm1 VISITED hh4 04-20 (its visits to hh3 are of 2024)
    EARNED pm1 w1 2 (03-05), pm2 w1 2 (03-05), pm3 w2 5 (04-10) (and the shared city's pm1 ap3 5, 03-20)
    sp1 楼道整治 ENVIRONMENT, LED since 2025-10-01, LED_BY org-c1, HELD_IN c1, LEADS pm1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest

from graph_schema import Node, Relationship, WriteBatch
from loaders.store import GraphStore
from tests.api.conftest import Api, gid, open_api
from tests.cities import EAST

pytestmark = pytest.mark.asyncio

SECRET = "s3cret-for-tests-only-0123456789abcdef"

WORK = WriteBatch(
    (
        Node("Activity", "w1", {"title": "三月月联", "kind": "MONTHLY_CONTACT", "on": "2026-03-05"}),
        Node("Activity", "w2", {"title": "梅园义诊", "kind": "VOLUNTEER_SERVICE", "on": "2026-04-10"}),
        Node(
            "SecretaryProject",
            "sp1",
            {
                "title": "楼道整治",
                "category": "ENVIRONMENT",
                "stage": "LED",
                "proposed_on": "2025-09-01",
                "led_on": "2025-10-01",
            },
        ),
    ),
    (
        Relationship("HELD_BY", "w1", "pm1"),
        Relationship("HELD_IN", "w1", "b1"),
        Relationship("ATTENDED", "pm1", "w1"),
        Relationship("ATTENDED", "pm2", "w1"),
        Relationship("HELD_BY", "w2", "org-c1"),
        Relationship("HELD_IN", "w2", "g2"),
        Relationship("ATTENDED", "pm3", "w2"),
        Relationship("ATTENDED", "am2", "w2"),
        Relationship("SERVED", "w2", "hh3"),
        Relationship("SERVED", "w2", "hh4"),
        Relationship("VISITED", "pm1", "hh4", {"on": "2026-04-20"}),
        Relationship("EARNED", "pm1", "w1", {"points": 2, "on": "2026-03-05", "reason": "月联"}),
        Relationship("EARNED", "pm2", "w1", {"points": 2, "on": "2026-03-05", "reason": "月联"}),
        Relationship("EARNED", "pm3", "w2", {"points": 5, "on": "2026-04-10", "reason": "志愿服务"}),
        Relationship("LED_BY", "sp1", "org-c1"),
        Relationship("HELD_IN", "sp1", "c1"),
        Relationship("LEADS", "pm1", "sp1"),
    ),
)

PERIOD = 'from: "2026-03-01", to: "2026-04-30"'


@pytest.fixture
async def api(store: GraphStore) -> AsyncIterator[Api]:
    await store.write(EAST.batch())
    await store.write(WORK)
    async with open_api(store, jwt_secret=SECRET) as client:
        client.client.headers["Authorization"] = f"Bearer {token('ADMIN', None)}"
        yield client


def token(role: str, scope: str | None) -> str:
    claims: dict[str, Any] = {
        "sub": f"{role.lower()}-1",
        "role": role,
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    }
    if scope is not None:
        claims["scope"] = scope
    return jwt.encode(claims, SECRET, algorithm="HS256")


async def test_monthly_contact_by_hand(api: Api) -> None:
    r = (
        await api.q(
            "{ monthlyContact(" + PERIOD + ", by: COMMUNITY) { vanguards idle lapsed inContact { total covered rate }"
            " activeCoverage { total covered } months { month met visited visitedAll inContact { covered } }"
            " breakdown { area { localId } vanguards inContact { covered } activeCoverage { covered } }"
            " lapsedVanguards } }"
        )
    )["monthlyContact"]
    # pm1 alone: March met pm2 at w1; April visited hh4 (of hh3 and hh4: not all)
    assert (r["vanguards"], r["idle"], r["lapsed"]) == (1, 0, 0)
    assert r["inContact"] == {"total": 1, "covered": 1, "rate": 1.0}
    assert r["months"] == [
        {"month": "2026-03", "met": 1, "visited": 0, "visitedAll": 0, "inContact": {"covered": 1}},
        {"month": "2026-04", "met": 0, "visited": 1, "visitedAll": 0, "inContact": {"covered": 1}},
    ]
    # active on 04-30 (03-31..04-30): hh4, of six households; it is in c1
    assert r["activeCoverage"] == {"total": 6, "covered": 1}
    assert r["breakdown"] == [
        {"area": {"localId": "c2"}, "vanguards": 0, "inContact": {"covered": 0}, "activeCoverage": {"covered": 0}},
        {"area": {"localId": "c1"}, "vanguards": 1, "inContact": {"covered": 1}, "activeCoverage": {"covered": 1}},
    ]
    assert r["lapsedVanguards"] == []
    # May alone: nobody met or visited; one month is not two
    may = await api.q('{ monthlyContact(from: "2026-05-01", to: "2026-06-30") { lapsed lapsedVanguards } }')
    assert may["monthlyContact"] == {"lapsed": 1, "lapsedVanguards": [gid("PartyMember", "pm1")]}


async def test_registration_by_hand(api: Api) -> None:
    q = "{ registrationStats(" + PERIOD + ", withPlan: true) { inService reported { count rate } served { count rate }"
    q += " communities { community { localId } inService reported { count } served { count } }"
    q += " units { localId kind inService reported { count rate } } unregistered { member }"
    q += " plan { candidates candidatesUsed coveredToday extraHouseholds } } }"
    r = (await api.q(q))["registrationStats"]
    # pm2: in service, REPORTED_TO c1 where it lives, ATTENDED act1 (03-18, in c1) and w1 (03-05, in b1): served
    assert (r["inService"], r["reported"], r["served"]) == (1, {"count": 1, "rate": 1.0}, {"count": 1, "rate": 1.0})
    assert r["communities"] == [
        {"community": {"localId": "c1"}, "inService": 1, "reported": {"count": 1}, "served": {"count": 1}}
    ]
    assert r["units"] == [
        {"localId": "org-g1", "kind": "branch", "inService": 1, "reported": {"count": 1, "rate": 1.0}}
    ]
    assert r["unregistered"] == []
    # pm2 is the one candidate; pm1 covers hh3 and hh4 (2 of 6) and can take hh2 but not its own hh1, which
    # pm2 (same building) takes: one more household
    assert (r["plan"]["candidates"], r["plan"]["coveredToday"]) == (1, 2)
    assert (r["plan"]["extraHouseholds"], r["plan"]["candidatesUsed"]) == (1, 1)
    c2 = await api.q(
        "query($a: ID) { registrationStats(area: $a, " + PERIOD + ") { inService reported { count rate } } }",
        {"a": gid("Community", "c2")},
    )
    assert c2["registrationStats"] == {"inService": 0, "reported": {"count": 0, "rate": None}}


async def test_activities_by_hand(api: Api) -> None:
    q = "{ activityStats(" + PERIOD + ") { total { activities householdsServed residentsServed membersTakingPart"
    q += " unitsTakingPart } byKind { name count } months { month figures { activities } }"
    q += " holders { localId label figures { activities householdsServed } }"
    q += " projectsByStage { name count } stalledProjects } }"
    r = (await api.q(q))["activityStats"]
    # act1, w1, w2; served hh3 + hh4 (2 + 4 residents); pm1 pm2 pm3; am1 am2
    assert r["total"] == {
        "activities": 3,
        "householdsServed": 2,
        "residentsServed": 6,
        "membersTakingPart": 3,
        "unitsTakingPart": 2,
    }
    assert r["byKind"] == [
        {"name": "MONTHLY_CONTACT", "count": 1},
        {"name": "ROUNDTABLE", "count": 1},
        {"name": "VOLUNTEER_SERVICE", "count": 1},
    ]
    assert [m["figures"]["activities"] for m in r["months"]] == [2, 1]
    assert r["holders"] == [
        {"localId": "al1", "label": "Alliance", "figures": {"activities": 1, "householdsServed": 0}},
        {"localId": "org-c1", "label": "PartyOrganization", "figures": {"activities": 1, "householdsServed": 2}},
    ]
    # sp1 LED since 2025-10-01: 211 days on 04-30, past 90
    assert {"name": "LED", "count": 1} in r["projectsByStage"]
    assert r["stalledProjects"] == [gid("SecretaryProject", "sp1")]
    only = await api.q(
        "query($h: ID) { activityStats(" + PERIOD + ", holder: $h) { holders { localId } } }",
        {"h": gid("PartyOrganization", "org-c1")},
    )
    assert only["activityStats"]["holders"] == [{"localId": "org-c1"}]


async def test_points_by_hand(api: Api) -> None:
    q = "{ pointsStats(" + PERIOD + ") { points members bySource { name count } byMonth { name count }"
    q += " branches { branch points leaders { member points } } } }"
    r = (await api.q(q))["pointsStats"]
    # the shared city's pm1 EARNED 5 for handling ap3 on 2026-03-20; pm1 and pm2 2 each at w1 (03-05); pm3 5 at w2
    assert (r["points"], r["members"]) == (14, 3)
    assert r["bySource"] == [
        {"name": "Appeal", "count": 5},
        {"name": "MONTHLY_CONTACT", "count": 4},
        {"name": "VOLUNTEER_SERVICE", "count": 5},
    ]
    assert r["byMonth"] == [{"name": "2026-03", "count": 9}, {"name": "2026-04", "count": 5}]
    # org-g1: pm1 7, pm2 2; org-c1: pm3 5
    assert r["branches"] == [
        {
            "branch": gid("PartyOrganization", "org-g1"),
            "points": 9,
            "leaders": [
                {"member": gid("PartyMember", "pm1"), "points": 7},
                {"member": gid("PartyMember", "pm2"), "points": 2},
            ],
        },
        {
            "branch": gid("PartyOrganization", "org-c1"),
            "points": 5,
            "leaders": [{"member": gid("PartyMember", "pm3"), "points": 5}],
        },
    ]


async def test_points_members_by_page(api: Api) -> None:
    """membersDetail pages through the members (pm1 7, pm3 5, pm2 2); the analysis makes the rows
    of the pages selected, under every alias, in a fragment, with variables."""
    q = "query($n: Int, $o: Int!) { pointsStats(" + PERIOD + ") { members"
    q += " all: membersDetail { member points byMonth { name count } }"
    q += " ...P none: membersDetail(first: 0) { member } } }"
    q += " fragment P on PointsStats { page: membersDetail(first: $n, offset: $o) { member points } }"
    r = (await api.q(q, {"n": 1, "o": 1}))["pointsStats"]
    pm = [gid("PartyMember", m) for m in ("pm1", "pm3", "pm2")]
    assert r["members"] == 3
    assert [(m["member"], m["points"]) for m in r["all"]] == list(zip(pm, [7, 5, 2], strict=True))
    assert r["all"][0]["byMonth"] == [{"name": "2026-03", "count": 7}]
    assert r["page"] == [{"member": pm[1], "points": 5}]
    assert r["none"] == []
    r = await api.q(q.replace(" all: membersDetail { member points byMonth { name count } }", ""), {"n": 5, "o": 2})
    assert r["pointsStats"]["page"] == [{"member": pm[2], "points": 2}]
    r = await api.q(q.replace(" all: membersDetail { member points byMonth { name count } }", ""), {"n": 1, "o": 9})
    assert r["pointsStats"]["page"] == [] and r["pointsStats"]["members"] == 3
    # the boards: as many as the largest first asked, all when details (which holds them) is selected
    org_g1 = gid("PartyOrganization", "org-g1")
    one = "{ pointsStats(" + PERIOD + ") { top: branches(first: 1) { branch } none: branches(first: 0) { branch } } }"
    assert (await api.q(one))["pointsStats"] == {"top": [{"branch": org_g1}], "none": []}
    both = "{ pointsStats(" + PERIOD + ") { details branches(first: 1) { branch leaders { points } } } }"
    r = (await api.q(both))["pointsStats"]
    assert r["branches"] == [{"branch": org_g1, "leaders": [{"points": 7}, {"points": 2}]}]
    assert [b["branch"] for b in r["details"]["branches"]] == ["org-g1", "org-c1"]
    errors = await api.errors("{ pointsStats(" + PERIOD + ") { membersDetail(offset: -1) { member } } }")
    assert "offset must be 0 or more, got -1" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_scoped_viewers_and_bad_input(api: Api) -> None:
    api.client.headers["Authorization"] = f"Bearer {token('COMMUNITY', 'c2')}"
    r = await api.post(
        "query($a: ID) { registrationStats(area: $a, " + PERIOD + ") { inService } }", {"a": gid("Community", "c1")}
    )
    assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # the viewer of c2 gets c2 by default: no in-service member lives there; its points leave out c1's members
    own = await api.q(
        "{ registrationStats(" + PERIOD + ") { area { localId } inService } pointsStats(" + PERIOD + ") { points } }"
    )
    assert own["registrationStats"] == {"area": {"localId": "c2"}, "inService": 0}
    assert own["pointsStats"] == {"points": 5}
    errors = await api.errors('{ activityStats(from: "2026-05-01", to: "2026-04-01") { total { activities } } }')
    assert "starts on 2026-05-01 after it ends on 2026-04-01" in errors[0]["message"]
