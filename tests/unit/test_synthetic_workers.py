"""The generator's workers and guidance stations, calibrated to the seed: 19 stations, 63 full-time
and 600+ part-time instructors, 32 property instructors for 16 property branches, one grid worker
a grid; the planted problems are what the analysis finds."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator

import pytest

from analytics.projection import ProjectionBuilder
from analytics.workers import workers_report
from graph_schema import PII_FIELDS, Label
from loaders.synthetic import City, generate
from loaders.synthetic.workers import SEED_FIGURES


def _graph(city: City) -> object:
    b = ProjectionBuilder()
    for n in city.nodes:
        hidden = PII_FIELDS[Label(n.label)]
        b.node(n.label, n.id, **{k: v for k, v in n.properties.items() if k not in hidden})
    for r in city.relationships:
        b.rel(r.type, r.start, r.end, **r.properties)
    return b.graph


def _instructors(city: City) -> Counter[tuple[bool, bool]]:
    """(full-time, sent to a property company) → instructors."""
    return Counter(
        (bool(n.properties.get("full_time")), n.id.startswith("w-p-"))
        for n in city.nodes
        if n.label == "Worker" and n.properties["role"] == "INSTRUCTOR"
    )


def _check_planted(city: City) -> None:
    r = workers_report(_graph(city))
    workerless = [g.id for g in r.workerless_grids]
    assert city.planted["workerless_grid"] in workerless
    assert [x.id for x in r.overloaded] == [city.planted["overloaded_instructor"]]
    assert city.planted["unguided_property_company"] in [u.id for u in r.unguided_property_companies]
    grids = sum(1 for n in city.nodes if n.label == "Grid")
    assert r.grids == grids and len(workerless) == max(1, round(0.01 * grids))


@pytest.fixture(scope="module")
def demo() -> City:
    return generate("demo")


def test_demo_is_scaled_by_its_communities(demo: City) -> None:
    counts = demo.label_counts()
    assert counts["GuidanceStation"] == 1  # 19 x 3 / 83, at least one
    assert _instructors(demo) == Counter({(False, False): 22, (True, False): 2, (False, True): 2})
    roles = Counter(n.properties["role"] for n in demo.nodes if n.label == "Worker")
    assert roles["GRID_WORKER"] == counts["Grid"] - 1
    assert roles["SOCIAL_WORKER"] == 6  # at least two a community
    _check_planted(demo)


def test_workers_who_are_members_carry_the_members_name(demo: City) -> None:
    names = {n.id: n.properties["name"] for n in demo.nodes if n.label in ("Worker", "PartyMember")}
    links = [r for r in demo.relationships if r.type == "IS_MEMBER"]
    assert links and all(names[r.start] == names[r.end] for r in links)
    assert len({r.end for r in links}) == len(links)  # one worker per member


@pytest.fixture(scope="module")
def jiangyin() -> Iterator[City]:
    city = generate("jiangyin")
    gc.freeze()
    try:
        yield city
    finally:
        gc.unfreeze()


@pytest.mark.slow
def test_jiangyin_matches_the_seed(jiangyin: City) -> None:
    counts = jiangyin.label_counts()
    assert counts["GuidanceStation"] == SEED_FIGURES["stations"] == 19
    instructors = _instructors(jiangyin)
    assert instructors[(True, False)] == 63
    assert instructors[(False, False)] == 610  # 600+
    assert instructors[(False, True)] == 32
    kind = {n.id: n.properties.get("kind") for n in jiangyin.nodes if n.label == "AllianceMember"}
    property_branches = sum(
        1 for r in jiangyin.relationships if r.type == "BRANCH_OF" and kind[r.end] == "PROPERTY_COMPANY"
    )
    assert property_branches == 16 and instructors[(False, True)] == 2 * property_branches
    served = Counter(r.end for r in jiangyin.relationships if r.type == "SERVES_AREA")
    assert set(served) == {n.id for n in jiangyin.nodes if n.label == "Street"}  # every street has a station
    grid_workers = Counter(r.end for r in jiangyin.relationships if r.type == "WORKS_IN" and r.start.startswith("w-g-"))
    assert max(grid_workers.values()) == 1  # at most one full-time grid worker a grid
    _check_planted(jiangyin)
    r = workers_report(_graph(jiangyin))
    assert r.mean_organizations is not None and r.mean_organizations < 6  # under the norm but for the planted one
