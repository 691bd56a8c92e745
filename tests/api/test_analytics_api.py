"""Analytics over GraphQL, on both stores, with figures worked out by hand over 澄江街道 alone
(``tests.cities.EAST``, the shared city without its second street).

The street: six households (hh1, hh2 in b1; hh3 in b2; all of g1; hh4 in b3/g2; hh5, hh6 in
b4/g3), c1 = g1 + g2, c2 = g3.  The one vanguard pm1 (living in hh1) LINKS hh3, hh4 and the
member pm2 (living in hh2, c1); pm3 (hh5, c2) is linked by nobody.  pm1 VISITED hh3 on
2024-03-05 and 2024-04-02.  Alliance al1 SERVES c1 and the street; units am1 and am2 JOINED it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from loaders.store import GraphStore
from tests.api.conftest import Api, gid, open_api
from tests.cities import EAST

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def api(store: GraphStore) -> AsyncIterator[Api]:
    """The API over 澄江街道 alone."""
    await store.write(EAST.batch())
    async with open_api(store) as client:
        yield client


COVERAGE = """
query($area: ID, $asOf: Date) {
  coverage(area: $area, asOf: $asOf) {
    area { localId label name }
    households { total covered rate }
    members { total covered rate }
    active { asOf windowStart households }
    breakdown { area { localId } households { total covered } members { total covered } }
    load { vanguards linkedMembers linkedHouseholds idle { localId } overloaded { localId } }
    uncoveredHouseholds
  }
}
"""


async def test_coverage_of_the_city_and_of_a_community(api: Api) -> None:
    city = (await api.q(COVERAGE))["coverage"]
    assert city["area"] == {"localId": None, "label": "City", "name": None}
    assert city["households"] == {"total": 6, "covered": 2, "rate": pytest.approx(2 / 6)}
    assert city["members"] == {"total": 2, "covered": 1, "rate": 0.5}
    assert city["active"] is None
    assert city["uncoveredHouseholds"] == 4
    assert city["load"]["vanguards"] == 1
    assert city["load"]["linkedMembers"] == 1 and city["load"]["linkedHouseholds"] == 2

    c1 = (await api.q(COVERAGE, {"area": gid("Community", "c1"), "asOf": "2024-04-10"}))["coverage"]
    assert c1["area"]["name"] == "东门社区"
    assert c1["households"] == {"total": 4, "covered": 2, "rate": 0.5}
    assert c1["members"] == {"total": 1, "covered": 1, "rate": 1.0}
    # window 2024-03-11 .. 2024-04-10: the 2024-04-02 visit to hh3 counts
    assert c1["active"] == {"asOf": "2024-04-10", "windowStart": "2024-03-11", "households": 1}
    assert {b["area"]["localId"]: b["households"] for b in c1["breakdown"]} == {
        "g1": {"total": 3, "covered": 1},
        "g2": {"total": 1, "covered": 1},
    }
    lapsed = (await api.q(COVERAGE, {"area": gid("Community", "c1"), "asOf": "2024-05-10"}))["coverage"]
    assert lapsed["active"]["households"] == 0


async def test_coverage_by_a_chosen_level_and_where_vanguards_live(api: Api) -> None:
    data = await api.q(
        """query($c1: ID) {
          c1: coverage(area: $c1, by: BUILDING, householdsNorm: 0) {
            breakdown { area { localId label } households { total covered } }
            load { overloaded { localId building grid } }
          }
        }""",
        {"c1": gid("Community", "c1")},
    )
    c1 = data["c1"]
    assert {b["area"]["localId"]: b["households"] for b in c1["breakdown"]} == {
        "b1": {"total": 2, "covered": 0},
        "b2": {"total": 1, "covered": 1},
        "b3": {"total": 1, "covered": 1},
    }
    assert {b["area"]["label"] for b in c1["breakdown"]} == {"Building"}
    pm1 = {"localId": "pm1", "building": gid("Building", "b1"), "grid": gid("Grid", "g1")}
    assert c1["load"]["overloaded"] == [pm1]
    errors = await api.errors(
        "query($c1: ID) { coverage(area: $c1, by: STREET) { households { total } } }", {"c1": gid("Community", "c1")}
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT" and "below" in errors[0]["message"]


async def test_the_worst_areas_of_a_breakdown_first(api: Api) -> None:
    data = await api.q(
        """{ worst: coverage(by: BUILDING) { breakdown(orderBy: LOWEST_RATE, first: 3) { area { localId } } }
             most: coverage(by: BUILDING) { breakdown(orderBy: MOST_UNCOVERED) {
               area { localId } households { total covered } } }
             none: coverage(by: BUILDING) { breakdown(first: 0) { area { localId } } } }"""
    )
    assert [b["area"]["localId"] for b in data["worst"]["breakdown"]] == ["b1", "b4", "b2"]
    uncovered = [
        (b["area"]["localId"], b["households"]["total"] - b["households"]["covered"]) for b in data["most"]["breakdown"]
    ]
    assert uncovered == [("b1", 2), ("b4", 2), ("b2", 0), ("b3", 0)]
    assert data["none"]["breakdown"] == []
    errors = await api.errors("{ coverage { breakdown(first: -1) { area { localId } } } }")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_reach_structure_brokerage_and_plan(api: Api) -> None:
    data = await api.q(
        """{
          allianceReach { households { total covered } units { localId households } resources { resource units } }
          structure { grids gridsWithBranchRate buildings buildingsWithGroupRate communities
                      communitiesWithAllianceRate }
          brokerage(top: 3, k: 16) { brokers { label } articulationPoints { label } }
          coveragePlan { before { covered } after { covered total } assigned sameBuilding unassigned withoutGrid
                         assignments { household vanguard sameBuilding }
                         grids { grid { localId } before { covered total } after { covered } assigned
                                 spareCapacity leftUncovered vanguardsNeeded } }
        }"""
    )
    reach = data["allianceReach"]
    assert reach["households"] == {"total": 6, "covered": 6}
    assert sorted((u["localId"], u["households"]) for u in reach["units"]) == [("am1", 6), ("am2", 6)]
    assert {r["resource"]: r["units"] for r in reach["resources"]}["FUNDING"] == 1
    s = data["structure"]
    assert (s["grids"], s["buildings"], s["communities"]) == (3, 4, 2)
    assert s["gridsWithBranchRate"] == pytest.approx(1 / 3)
    assert s["buildingsWithGroupRate"] == 0.25
    assert s["communitiesWithAllianceRate"] == 1.0
    assert data["brokerage"]["brokers"], "the organization graph has brokers"
    plan = data["coveragePlan"]
    # pm1 never takes its own home hh1; hh2 shares its building; g3 has no vanguard
    assert plan["before"]["covered"] == 2 and plan["after"] == {"covered": 3, "total": 6}
    assert plan["assigned"] == 1 and plan["sameBuilding"] == 1 and plan["unassigned"] == 3
    assert plan["assignments"] == [
        {"household": gid("Household", "hh2"), "vanguard": gid("PartyMember", "pm1"), "sameBuilding": True}
    ]
    # per grid: g1 keeps hh1 (pm1's own home) uncovered; g3 has no vanguard at all
    grids = {g["grid"]["localId"]: g for g in plan["grids"]}
    assert list(grids) == ["g1", "g2", "g3"] and plan["withoutGrid"] == 0
    figures = {
        k: [
            g["before"]["total"],
            g["before"]["covered"],
            g["after"]["covered"],
            g["assigned"],
            g["spareCapacity"],
            g["leftUncovered"],
            g["vanguardsNeeded"],
        ]
        for k, g in grids.items()
    }
    assert figures == {"g1": [3, 1, 2, 1, 13, 1, 1], "g2": [1, 1, 1, 0, 0, 0, 0], "g3": [2, 0, 0, 0, 0, 2, 1]}


async def test_an_empty_expansion_says_why(api: Api) -> None:
    data = await api.q(
        """{ all: allianceReach(k: 2) { expansion { gain } expansionEmptyBecause }
             legal: allianceReach(k: 2, resource: LEGAL_AID) { expansion { gain } expansionEmptyBecause }
             none: allianceReach { expansionEmptyBecause } }"""
    )
    assert data["all"] == {"expansion": [], "expansionEmptyBecause": "ALL_REACHED"}  # al1 serves the street
    assert data["legal"] == {"expansion": [], "expansionEmptyBecause": "NO_UNIT_OFFERS_RESOURCE"}
    assert data["none"] == {"expansionEmptyBecause": None}


async def test_a_write_through_the_api_is_seen_by_the_next_analysis(api: Api) -> None:
    before = (await api.q(COVERAGE))["coverage"]["households"]["covered"]
    linked = await api.q(
        """mutation($input: LinkInput!) { link(input: $input) { errors { code message } } }""",
        {"input": {"type": "LINKS", "from": gid("PartyMember", "pm1"), "to": gid("Household", "hh6")}},
    )
    assert linked["link"]["errors"] == []
    after = (await api.q(COVERAGE))["coverage"]["households"]["covered"]
    assert after == before + 1


async def test_bad_areas_are_client_errors(api: Api) -> None:
    errors = await api.errors(COVERAGE, {"area": gid("Household", "hh1")})
    assert "area" in errors[0]["message"]
    errors = await api.errors(COVERAGE, {"area": gid("Community", "nowhere")})
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    errors = await api.errors("{ allianceReach(k: 1000) { households { total } } }")
    assert "k must be between 0 and 100" in errors[0]["message"]
