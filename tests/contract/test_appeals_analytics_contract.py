"""Appeals analytics give the same figures on both stores, and on the CLI's narrower projection.

The ``demo`` preset plus a year of stand-in appeals (``bench.appeal_records``: the generator's
own appeals come with issue 12's data part; these keep the test independent of them) is
written to the store; ``appeal_stats`` on the store's projection must equal ``appeal_stats`` on
the oracle projection built from the records in memory, and the headline counts must equal a
count straight from the records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import analytics as A
from bench.appeal_records import stand_in_appeals
from graph_schema.appeals import status_date_problems
from loaders.store import GraphStore
from loaders.synthetic import City
from service.commands.analysis import PROJECTIONS
from tests.contract.test_analytics_contract import COMMUNITY, demo_city, load, oracle_projection

pytestmark = pytest.mark.asyncio

END = dt.date(2026, 10, 31)
PERIOD = {"date_from": "2025-11-01", "date_to": "2026-10-31"}


@pytest.fixture(scope="module")
def city() -> City:
    base = demo_city()
    nodes, rels = stand_in_appeals(base.nodes, base.relationships, end=END, seed=3, per_household=1.0)
    return City(nodes=[*base.nodes, *nodes], relationships=[*base.relationships, *rels])


def figures(G: Any) -> dict[str, Any]:
    s = A.AnalyticsSession(G)
    return {
        "city by street": A.appeal_stats(G, **PERIOD, appeals=s.appeals, model=s.model).to_dict(),
        "city by grid": A.appeal_stats(G, **PERIOD, by="Grid", order="id", appeals=s.appeals).to_dict(),
        "community as of": A.appeal_stats(
            G, COMMUNITY, date_from="2026-03-01", date_to="2026-05-31", as_of="2026-07-01", by="Building"
        ).to_dict(),
    }


async def test_the_stand_in_appeals_are_valid(city: City) -> None:
    appeals = [n for n in city.nodes if n.label == "Appeal"]
    assert len(appeals) > 200
    assert [(n.id, p) for n in appeals if (p := status_date_problems(n.properties))] == []


async def test_both_stores_give_the_oracle_figures(store: GraphStore, city: City) -> None:
    await load(store, city)
    expected = figures(oracle_projection(city))
    assert expected["city by street"]["received"] > 0
    assert figures(await store.project()) == expected
    labels, types = PROJECTIONS["appeals"]
    assert figures(await store.project(labels=labels, rel_types=types)) == expected


async def test_headline_counts_from_the_records(store: GraphStore, city: City) -> None:
    await load(store, city)
    r = A.appeal_stats(await store.project(), **PERIOD)
    appeals = [n.properties for n in city.nodes if n.label == "Appeal"]
    received = [p for p in appeals if PERIOD["date_from"] <= str(p["reported_on"]) <= PERIOD["date_to"]]
    resolved = [p for p in received if p["status"] in ("RESOLVED", "CLOSED") and str(p["resolved_on"]) <= "2026-10-31"]
    reviewed = [p for p in received if p.get("satisfaction")]
    assert r.received == len(received)
    assert r.resolved.count == len(resolved)
    assert r.on_time.count == sum(1 for p in resolved if str(p["resolved_on"]) <= str(p["due"]))
    assert (r.satisfied.count, r.satisfied.reviewed) == (
        sum(1 for p in reviewed if p["satisfaction"] != "UNSATISFIED"),
        len(reviewed),
    )
    open_ = [p for p in appeals if p["status"] in ("REPORTED", "ACCEPTED", "ASSIGNED")]
    assert r.overdue == sum(1 for p in open_ if str(p["due"]) < "2026-10-31")
