"""The monthly-work analyses (contact, registration, activities, points) give the same figures on
both stores and on the CLI's narrower ``work`` projection, agree with counts straight from the
generated records, and find the generator's planted problems on the ``demo`` preset."""

from __future__ import annotations

from typing import Any

import pytest

import analytics as A
from loaders.store import GraphStore
from loaders.synthetic import City
from service.commands.analysis import PROJECTIONS
from tests.contract.test_analytics_contract import COMMUNITY, demo_city, load, oracle_projection

pytestmark = pytest.mark.asyncio

PERIOD = {"date_from": "2025-11-01", "date_to": "2026-10-31"}


@pytest.fixture(scope="module")
def city() -> City:
    return demo_city()


def figures(G: Any) -> dict[str, Any]:
    s = A.AnalyticsSession(G)
    kw: dict[str, Any] = {"index": s.index, "work": s.work, **PERIOD}
    return {
        "contact": A.monthly_contact(G, linkage=s.linkage, **kw).to_dict(),
        "contact of a community": A.monthly_contact(G, COMMUNITY, by="Building", **kw).to_dict(),
        "registration": A.registration(G, **kw).to_dict(),
        "registration of a community": A.registration(G, COMMUNITY, **kw).to_dict(),
        "activities": A.activity_stats(G, **kw).to_dict(),
        "points": A.points_stats(G, **kw).to_dict(),
        "plan option": A.registration_plan(G, linkage=s.linkage, **kw).to_dict(),
    }


async def test_both_stores_give_the_oracle_figures(store: GraphStore, city: City) -> None:
    await load(store, city)
    expected = figures(oracle_projection(city))
    assert expected["activities"]["total"]["activities"] > 0 and expected["points"]["points"] > 0
    assert figures(await store.project()) == expected
    labels, types = PROJECTIONS["work"]
    assert figures(await store.project(labels=labels, rel_types=types)) == expected


async def test_headline_counts_from_the_records(store: GraphStore, city: City) -> None:
    await load(store, city)
    G = await store.project()
    lo, hi = PERIOD["date_from"], PERIOD["date_to"]
    acts = {n.id for n in city.nodes if n.label == "Activity" and lo <= str(n.properties["on"])[:10] <= hi}
    a = A.activity_stats(G, **PERIOD)
    assert a.total.activities == len(acts)
    assert a.total.households_served == len(
        {r.end for r in city.relationships if r.type == "SERVED" and r.start in acts}
    )
    points = sum(
        int(r.properties["points"])
        for r in city.relationships
        if r.type == "EARNED" and lo <= str(r.properties["on"])[:10] <= hi
    )
    assert A.points_stats(G, **PERIOD).points == points  # the city counts every member, housed or not
    members_with_home = {r.start for r in city.relationships if r.type == "LIVES_IN"}
    in_service = [n.id for n in city.nodes if n.label == "PartyMember" and n.properties.get("kind") == "IN_SERVICE"]
    r = A.registration(G, **PERIOD)
    assert r.in_service == len([m for m in in_service if m in members_with_home])
    assert r.reported.count <= len({x.start for x in city.relationships if x.type == "REPORTED_TO"})


async def test_the_planted_problems_are_found(city: City) -> None:
    G = oracle_projection(city)
    s = A.AnalyticsSession(G)
    kw: dict[str, Any] = {"index": s.index, "work": s.work, **PERIOD}
    lapsed = set(city.planted["lapsed_vanguards"].split(","))
    contact = A.monthly_contact(G, linkage=s.linkage, **kw)
    assert lapsed <= set(contact.lapsed_vanguards)
    # the planted ones lapsed in the last two months (September and October 2026)
    detail = {v.vanguard: v for v in contact.vanguards_detail}
    assert all([m.in_contact for m in detail[v].months[-2:]] == [False, False] for v in lapsed)

    # the planted unit: of its in-service members living in the city, only the first reported home
    planted = next(u for u in A.registration(G, **kw).units if u.unit == city.planted["unregistered_unit"])
    assert planted.kind == "unit" and planted.in_service >= 2 and planted.reported.count == 1
    assert planted.reported.rate is not None and planted.reported.rate <= 0.5

    acts = A.activity_stats(G, **kw)
    assert city.planted["stalled_project"] in acts.stalled_projects
    row = next(p for p in acts.projects if p.project == city.planted["stalled_project"])
    assert (row.stage, row.events) == ("LED", 0)
