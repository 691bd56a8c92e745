"""The same data gives the same analytics answers on both stores.

Every test loads the ``demo`` preset into the store (the ``store`` fixture: the embedded
store and a real Neo4j), projects it, and compares with an *oracle*: the projection built in
memory from the generator's records (nodes with their label and non-PII properties, edges
keyed by ``graph_schema.rel_key``), which involves no store at all.  Key figures are also
counted straight from the records, without :mod:`analytics`, and the narrower projections the
CLI asks for (``service.commands.analysis.PROJECTIONS``) must give the answers of the whole
graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest

import analytics as A
from analytics.assessment import assessment_report
from bench import sparse_baseline as sparse
from graph_schema import rel_key
from graph_schema.privacy import without_pii
from loaders.assessment_stars import apply_final_stars
from loaders.formats.batches import write_batches
from loaders.store import GraphStore
from loaders.synthetic import City, generate
from service.commands.analysis import ANALYSES, PROJECTIONS

pytestmark = pytest.mark.asyncio

AS_OF = "2026-10-31"
COMMUNITY = "c-0101"
GRID = "g-0103-01"
CHUNK = 20_000


def demo_city() -> City:
    """The demo preset (deterministic: same records every time)."""
    return generate("demo", 0)


def oracle_projection(city: City) -> Any:
    """The projection a store should return for ``city``, built from its records in memory."""
    G = nx.MultiDiGraph()
    for n in city.nodes:
        G.add_node(n.id, label=n.label, **without_pii(n.label, dict(n.properties)))
    for r in city.relationships:
        props = dict(r.properties)
        G.add_edge(r.start, r.end, key=rel_key(r.type, props), type=r.type, **props)
    apply_final_stars(G)  # a branch shows its final assessment's result, as the stores' projections do
    return G


async def load(store: GraphStore, city: City) -> None:
    """Write ``city`` in chunks of 20,000 records, nodes first (an appeal with its ASSIGNED_TO)."""
    for batch in write_batches(city.nodes, city.relationships, CHUNK):
        await store.write(batch)


def analyses(G: Any) -> dict[str, Callable[[], Any]]:
    """Every analysis of the package, on ``G``, as JSON-ready dicts (or plain values)."""
    return {
        "coverage": lambda: A.coverage(G, as_of=AS_OF).to_dict(),
        "coverage by grid": lambda: A.coverage(G, as_of=AS_OF, by="Grid").to_dict(),
        "coverage of a community": lambda: A.coverage(G, COMMUNITY, as_of=AS_OF, by="Building").to_dict(),
        "vanguard load": lambda: A.vanguard_load(G, include_all=True).to_dict(),
        "uncovered households": lambda: A.uncovered_households(G).to_dict(),
        "reach": lambda: A.reach(G, by="Grid").to_dict(),
        "reach of a grid": lambda: A.reach(G, GRID).to_dict(),
        "reach overlap": lambda: A.reach_overlap(G).to_dict(),
        "unreached LEGAL_AID": lambda: A.unreached_households(G, resource="LEGAL_AID").to_dict(),
        "expansion": lambda: A.expansion_plan(G, 20, resource="LEGAL_AID").to_dict(),
        "expansion of a community": lambda: A.expansion_plan(G, 20, area=COMMUNITY, resource="HEALTH").to_dict(),
        "structure": lambda: A.structure(G).to_dict(),
        "structure of a community": lambda: A.structure(G, COMMUNITY).to_dict(),
        "brokerage": lambda: A.brokerage(G, k=None).to_dict(),
        "brokerage of a community": lambda: A.brokerage(G, COMMUNITY, k=None).to_dict(),
        "coverage plan": lambda: A.coverage_plan(G).to_dict(),
        "coverage plan of a grid": lambda: A.coverage_plan(G, GRID).to_dict(),
        "sparse coverage": lambda: sparse.coverage(sparse.SparseProjection.from_graph(G), as_of=AS_OF).to_dict(),
        "sparse reach": lambda: sparse.reach(sparse.SparseProjection.from_graph(G)).to_dict(),
        "appeals by grid": lambda: A.appeal_stats(G, date_from="2025-11-01", date_to=AS_OF, by="Grid").to_dict(),
        "workers": lambda: A.workers_report(G, include_all=True).to_dict(),
        "workers of a grid": lambda: A.workers_report(G, GRID).to_dict(),
        "assessment": lambda: assessment_report(G, as_of=AS_OF).to_dict(),
        "assessment of a community": lambda: assessment_report(G, COMMUNITY, round="2026-1").to_dict(),
        "monthly contact": lambda: A.monthly_contact(G, **_YEAR).to_dict(),
        "registration": lambda: A.registration(G, **_YEAR).to_dict(),
        "registration plan of a community": lambda: A.registration_plan(G, COMMUNITY, **_YEAR).to_dict(),
        "activities": lambda: A.activity_stats(G, **_YEAR).to_dict(),
        "points of a community": lambda: A.points_stats(G, COMMUNITY, **_YEAR).to_dict(),
    }


_YEAR = {"date_from": "2025-11-01", "date_to": AS_OF}
"""The twelve months of monthly work up to the generator's reference date."""


def differences(G: Any, expected: dict[str, Any], names: list[str] | None = None) -> list[str]:
    """The analyses of ``G`` whose answers differ from ``expected`` (by name)."""
    got = analyses(G)
    wrong = []
    for name in names or list(expected):
        value = got[name]()
        if value != expected[name]:
            wrong.append(f"{name}: {value!r:.300} != {expected[name]!r:.300}")
    return wrong


@pytest.fixture(scope="module")
def city() -> City:
    return demo_city()


@pytest.fixture(scope="module")
def expected(city: City) -> dict[str, Any]:
    """Every analysis on the oracle projection."""
    G = oracle_projection(city)
    return {name: run() for name, run in analyses(G).items()}


async def test_the_projection_is_the_records(store: GraphStore, city: City) -> None:
    await load(store, city)
    G = await store.project()
    oracle = oracle_projection(city)
    assert dict(G.nodes(data=True)) == dict(oracle.nodes(data=True))
    got = sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in G.edges(keys=True, data=True))
    want = sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in oracle.edges(keys=True, data=True))
    assert got == want


async def test_every_analysis_gives_the_oracle_answer(store: GraphStore, city: City, expected: dict[str, Any]) -> None:
    await load(store, city)
    G = await store.project()
    assert differences(G, expected) == []


async def test_the_cli_projections_give_the_whole_graph_answers(
    store: GraphStore, city: City, expected: dict[str, Any]
) -> None:
    await load(store, city)
    families = {
        "coverage": [
            "coverage",
            "coverage by grid",
            "coverage of a community",
            "vanguard load",
            "uncovered households",
            "coverage plan",
            "coverage plan of a grid",
            "sparse coverage",
        ],
        "reach": [
            "reach",
            "reach of a grid",
            "reach overlap",
            "unreached LEGAL_AID",
            "expansion",
            "expansion of a community",
            "sparse reach",
        ],
        "structure": ["structure", "structure of a community"],
        "brokerage": ["brokerage", "brokerage of a community"],
        "appeals": ["appeals by grid"],
        "workers": ["workers", "workers of a grid"],
        "assessment": ["assessment", "assessment of a community"],
        "work": [
            "monthly contact",
            "registration",
            "registration plan of a community",
            "activities",
            "points of a community",
        ],
    }
    assert set(families) == set(PROJECTIONS) == set(ANALYSES.values())
    for family, names in families.items():
        labels, types = PROJECTIONS[family]
        G = await store.project(labels=labels, rel_types=types)
        assert differences(G, expected, names) == [], family


async def test_key_figures_counted_from_the_records(store: GraphStore, city: City) -> None:
    """Coverage, reach and structure figures counted from the records, no analytics code involved."""
    await load(store, city)
    G = await store.project()
    label = {n.id: n.label for n in city.nodes}
    props = {n.id: n.properties for n in city.nodes}
    rels: dict[str, list[tuple[str, str]]] = {}
    for r in city.relationships:
        rels.setdefault(r.type, []).append((r.start, r.end))
    parent = dict(rels["PART_OF"])

    def chain(node: str) -> list[str]:
        out = [node]
        while out[-1] in parent:
            out.append(parent[out[-1]])
        return out

    households = [n for n, lab in label.items() if lab == "Household"]
    vanguards = {n for n, lab in label.items() if lab == "PartyMember" and props[n].get("vanguard") is True}
    others = {n for n, lab in label.items() if lab == "PartyMember" and n not in vanguards}
    linked = {(s, e) for s, e in rels["LINKS"] if s in vanguards}
    covered_h = {e for _, e in linked if label[e] == "Household"}
    covered_m = {e for _, e in linked if e in others}
    report = A.coverage(G)
    assert report.households.to_dict() == {
        "total": len(households),
        "covered": len(covered_h),
        "rate": len(covered_h) / len(households),
    }
    assert (report.members.total, report.members.covered) == (len(others), len(covered_m))

    serves: dict[str, set[str]] = {}
    for a, area in rels["SERVES"]:
        serves.setdefault(a, set()).add(area)
    reached: dict[str, set[str]] = {}
    for unit, alliance in rels["JOINED"]:
        areas = serves.get(alliance, set())
        reached.setdefault(unit, set()).update(h for h in households if areas & set(chain(h)))
    for unit, building in rels["MANAGES"]:
        reached.setdefault(unit, set()).update(h for h in households if parent.get(h) == building)
    by_unit = {u: len(hs) for u, hs in reached.items() if hs}
    assert {u["id"]: u["households"] for u in A.reach(G).to_dict()["units"]} == by_unit

    grids = [n for n, lab in label.items() if lab == "Grid"]
    branch = {
        g
        for o, g in rels["GOVERNS"]
        if props[o].get("level") in ("GRID_BRANCH", "GRID_GROUP", "BUILDING_GROUP") and g in grids
    }
    st = A.structure(G)
    assert (st.grids, st.grids_with_branch) == (len(grids), len(set(branch)))
