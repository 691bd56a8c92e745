"""``appealStats`` over GraphQL, on both stores, with figures worked out by hand.

The street is 澄江街道 (``tests.cities.EAST``: c1 = g1 {b1: hh1, hh2; b2: hh3} + g2 {b3: hh4};
c2 = g3 {b4: hh5, hh6}; pm1 the vanguard; am1, am2 units of al1, which SERVES c1 and st1) with
four appeals in March 2024 and a roundtable::

    id  concerns  reported  response     status    resolved  due    handler          review
    q1  hh1 (b1)  03-01     acc. 03-01   CLOSED    03-03     03-10  pm1 (vanguard)   SATISFIED
    q2  b2        03-05     acc. 03-08   ASSIGNED  -         03-15  am1 (unit)       -
    q3  hh5 (b4)  03-10     acc. 03-10   RESOLVED  03-20     03-15  org-c1           BASICALLY_SATISFIED
    q4  g2        03-12     rej. 03-12   REJECTED  -         -      -                -
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph_schema import Node, Relationship, WriteBatch
from loaders.store import GraphStore
from tests.api.conftest import Api, gid, open_api
from tests.cities import EAST

pytestmark = pytest.mark.asyncio


def appeal(i: str, status: str, reported: str, **props: Any) -> Node:
    dates = {k: f"2024-{v}" if k.endswith("_on") or k == "due" else v for k, v in props.items()}
    return Node(
        "Appeal",
        i,
        {
            "title": f"诉求 {i}",
            "category": "SANITATION",
            "source": "HOTLINE",
            "status": status,
            "reported_on": f"2024-{reported}",
            **dates,
        },
    )


APPEALS = WriteBatch(
    (
        appeal(
            "q1",
            "CLOSED",
            "03-01",
            accepted_on="03-01",
            resolved_on="03-03",
            closed_on="03-04",
            due="03-10",
            satisfaction="SATISFIED",
        ),
        appeal("q2", "ASSIGNED", "03-05", accepted_on="03-08", due="03-15"),
        appeal(
            "q3",
            "RESOLVED",
            "03-10",
            accepted_on="03-10",
            resolved_on="03-20",
            due="03-15",
            satisfaction="BASICALLY_SATISFIED",
        ),
        appeal("q4", "REJECTED", "03-12", rejected_on="03-12"),
        Node("Activity", "rt1", {"title": "东门圆桌会议", "kind": "ROUNDTABLE", "on": "2024-03-14"}),
    ),
    (
        Relationship("CONCERNS", "q1", "hh1"),
        Relationship("RAISED_BY", "q1", "hh1"),
        Relationship("CONCERNS", "q2", "b2"),
        Relationship("CONCERNS", "q3", "hh5"),
        Relationship("CONCERNS", "q4", "g2"),
        Relationship("ASSIGNED_TO", "q1", "pm1", {"since": "2024-03-01"}),
        Relationship("ASSIGNED_TO", "q2", "am1", {"since": "2024-03-08"}),
        Relationship("ASSIGNED_TO", "q3", "org-c1", {"since": "2024-03-10"}),
        Relationship("DISCUSSED", "rt1", "q3"),
        Relationship("HELD_BY", "rt1", "org-c1"),
        Relationship("HELD_IN", "rt1", "c1"),
    ),
)


@pytest.fixture
async def api(store: GraphStore) -> AsyncIterator[Api]:
    await store.write(EAST.batch())
    await store.write(APPEALS)
    async with open_api(store) as client:
        yield client


STATS = """
query($area: ID, $by: AreaLevel, $asOf: Date) {
  appealStats(area: $area, from: "2024-03-01", to: "2024-03-31", asOf: $asOf, by: $by) {
    area { localId label }
    from to asOf respondWithinDays
    received
    responded { count rate }
    resolved { count rate }
    onTime { count rate }
    satisfied { count reviewed rate }
    overdue open withVanguardHelp by
    breakdown(orderBy: AREA_ID) { area { localId } received resolved { count } overdue open }
    trend { month received resolved { count } }
    timeToResolve { resolved medianDays p90Days }
    timeToResolveByHandlerKind { group resolved medianDays }
    handlers { localId kind name assigned resolved { count rate } overdue medianDays }
    unitReach { localId structuralHouseholds measuredHouseholds assigned resolved }
    roundtable { discussed { resolved medianDays } others { resolved medianDays } faster }
    details
  }
}
"""


async def test_the_rates_of_the_street_worked_by_hand(api: Api) -> None:
    r = (await api.q(STATS))["appealStats"]
    assert r["area"] == {"localId": None, "label": "City"}
    assert (r["from"], r["to"], r["asOf"], r["respondWithinDays"]) == ("2024-03-01", "2024-03-31", "2024-03-31", 1)
    received = 4  # q1..q4
    assert r["received"] == received
    assert r["responded"] == {"count": 3, "rate": 3 / received}  # q2 was accepted after 3 days
    assert r["resolved"] == {"count": 2, "rate": 2 / received}  # q1, q3
    assert r["onTime"] == {"count": 1, "rate": 1 / received}  # q3 resolved 03-20, due 03-15
    assert r["satisfied"] == {"count": 2, "reviewed": 2, "rate": 1.0}
    assert (r["overdue"], r["open"], r["withVanguardHelp"]) == (1, 1, 1)  # q2; q1 by pm1
    assert r["trend"] == [{"month": "2024-03", "received": 4, "resolved": {"count": 2}}]
    assert r["timeToResolve"] == {"resolved": 2, "medianDays": 6.0, "p90Days": 10.0}  # 2 and 10 days
    assert {t["group"]: t["medianDays"] for t in r["timeToResolveByHandlerKind"]} == {
        "vanguard": 2.0,
        "organization": 10.0,
        "unit": None,
        "none": None,
    }
    # worst first: am1 resolved none of its one appeal; org-c1 took 10 days, pm1 two
    assert [(h["localId"], h["kind"], h["resolved"]["count"]) for h in r["handlers"]] == [
        ("am1", "unit", 0),
        ("org-c1", "organization", 1),
        ("pm1", "vanguard", 1),
    ]
    assert r["handlers"][0]["name"] == "澄江物业公司" and r["handlers"][2]["name"] is None
    assert r["handlers"][0]["overdue"] == 1
    # al1 serves the street: both units reach its six households; am1 was assigned q2 and resolved nothing
    assert {
        u["localId"]: (u["structuralHouseholds"], u["measuredHouseholds"], u["assigned"]) for u in r["unitReach"]
    } == {
        "am1": (6, 0, 1),
        "am2": (6, 0, 0),
    }
    assert r["roundtable"] == {
        "discussed": {"resolved": 1, "medianDays": 10.0},
        "others": {"resolved": 1, "medianDays": 2.0},
        "faster": False,
    }
    assert r["details"]["received"] == 4 and r["details"]["on_time"] == {"count": 1, "rate": 0.25}


async def test_a_community_by_grid_and_by_building(api: Api) -> None:
    c1 = (await api.q(STATS, {"area": gid("Community", "c1")}))["appealStats"]
    assert (c1["received"], c1["resolved"]["count"], c1["overdue"], c1["by"]) == (3, 1, 1, "Grid")
    assert [
        (row["area"]["localId"], row["received"], row["resolved"]["count"], row["overdue"]) for row in c1["breakdown"]
    ] == [
        ("g1", 2, 1, 1),
        ("g2", 1, 0, 0),
    ]
    by_building = (await api.q(STATS, {"area": gid("Community", "c1"), "by": "BUILDING"}))["appealStats"]
    assert [(row["area"]["localId"], row["open"], row["overdue"]) for row in by_building["breakdown"]] == [
        ("b1", 0, 0),
        ("b2", 1, 1),
        ("b3", 0, 0),
    ]
    # as of 03-10 q2 was not yet due, and q3 (reported that day) was not yet resolved
    early = (await api.q(STATS, {"asOf": "2024-03-10"}))["appealStats"]
    assert (early["overdue"], early["resolved"]["count"]) == (0, 1)


async def test_worst_first_and_only_areas_with_appeals(api: Api) -> None:
    query = """{ appealStats(from: "2024-03-01", to: "2024-03-31", by: BUILDING) {
      worst: breakdown(first: 1, orderBy: MOST_OVERDUE) { area { localId } overdue }
      some: breakdown(withAppealsOnly: true, orderBy: AREA_ID) { area { localId } }
      lowest: breakdown(orderBy: LOWEST_RESOLVED, withAppealsOnly: true) { area { localId } resolved { rate } }
    } }"""
    r = (await api.q(query))["appealStats"]
    assert r["worst"] == [{"area": {"localId": "b2"}, "overdue": 1}]
    assert [row["area"]["localId"] for row in r["some"]] == ["b1", "b2", "b4"]
    assert [(row["area"]["localId"], row["resolved"]["rate"]) for row in r["lowest"]] == [
        ("b2", 0.0),
        ("b1", 1.0),
        ("b4", 1.0),
    ]


async def test_bad_arguments_are_refused(api: Api) -> None:
    errors = await api.errors('{ appealStats(from: "2024-03-31", to: "2024-03-01") { received } }')
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT" and "after it ends" in errors[0]["message"]
    grid = gid("Grid", "g1")
    errors = await api.errors(
        f'{{ appealStats(area: "{grid}", from: "2024-03-01", to: "2024-03-31", by: COMMUNITY) {{ received }} }}'
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    errors = await api.errors("{ appealStats(respondWithinDays: -1) { received } }")
    assert "respondWithinDays" in errors[0]["message"]
    household = gid("Household", "hh1")
    errors = await api.errors(f'{{ appealStats(area: "{household}") {{ received }} }}')
    assert errors[0]["extensions"]["code"] == "WRONG_TYPE"
