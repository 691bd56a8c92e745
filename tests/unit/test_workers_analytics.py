"""The workers analysis, worked by hand: grids without a worker, instructor load against the norm,
property companies no instructor guides, and the norm's range."""

from __future__ import annotations

import pytest

from analytics.projection import ProjectionBuilder, tiny_city
from analytics.workers import tiny_workers, workers_report
from graph_schema import NotFoundError


def _instructor(b: ProjectionBuilder, wid: str, orgs: list[str], *, full_time: bool = False, area: str = "st1") -> None:
    b.node("Worker", wid, role="INSTRUCTOR", full_time=full_time)
    b.rel("WORKS_IN", wid, area)
    for org in orgs:
        b.rel("GUIDES", wid, org)


def test_load_scenario_worked_by_hand() -> None:
    """Three instructors with 0, 4 and 13 organizations: at norm 6 and factor 2 the line is 12, so
    13 is overloaded, 4 is ok and 0 is idle; the mean is 17 / 3."""
    b = ProjectionBuilder()
    b.graph = tiny_city()
    orgs = [f"o{i}" for i in range(13)]
    b.nodes("PartyOrganization", *orgs, level="GRID_BRANCH")
    _instructor(b, "i-idle", [])
    _instructor(b, "i-ok", orgs[:4])
    _instructor(b, "i-busy", orgs, full_time=True)
    r = workers_report(b.graph, include_all=True)
    assert [(x.id, x.organizations, x.status) for x in r.loads] == [
        ("i-busy", 13, "overloaded"),
        ("i-idle", 0, "idle"),
        ("i-ok", 4, "ok"),
    ]
    assert r.mean_organizations == pytest.approx(17 / 3)
    assert r.guided_organizations == 13  # distinct: i-ok's four are also i-busy's
    # exactly at the line is not over it: 12 organizations at norm 6, factor 2
    r2 = workers_report(b.graph, instructor_norm=6, overload_factor=13 / 6)
    assert [x.id for x in r2.overloaded] == []
    r3 = workers_report(b.graph, instructor_norm=2, overload_factor=1.5)  # line 3: 4 and 13 are over
    assert [x.id for x in r3.overloaded] == ["i-busy", "i-ok"]


def test_an_instructor_counts_where_it_works_only() -> None:
    b = ProjectionBuilder()
    b.graph = tiny_city()
    _instructor(b, "i-c2", ["o_c1"], area="c2")
    assert workers_report(b.graph, "c1").instructors == 0
    assert workers_report(b.graph, "c2").instructors == 1
    assert workers_report(b.graph, "st1").instructors == 1


def test_a_grid_staffed_only_part_time_has_a_worker_but_is_counted_apart() -> None:
    r = workers_report(tiny_workers())
    assert r.grids_with_worker == 2 and r.part_time_only == 1
    assert [(g.id, g.community, g.households) for g in r.workerless_grids] == [("g3", "c2", 2)]


def test_a_property_company_guided_through_its_branch_counts_as_guided() -> None:
    b = ProjectionBuilder()
    b.graph = tiny_workers()
    _instructor(b, "i3", ["o_u3"])
    r = workers_report(b.graph)
    assert r.unguided_property_companies == ()
    # a building head "guiding" it does not count: only instructors do
    b2 = ProjectionBuilder()
    b2.graph = tiny_workers()
    b2.rel("GUIDES", "bh1", "u3")
    assert [u.id for u in workers_report(b2.graph).unguided_property_companies] == ["u3"]


def test_bad_norms_and_areas_are_refused() -> None:
    G = tiny_workers()
    with pytest.raises(ValueError, match="instructor norm must be between 0 and 1000, got -1"):
        workers_report(G, instructor_norm=-1)
    with pytest.raises(ValueError, match="overload factor must be between 1 and 100"):
        workers_report(G, overload_factor=0.5)
    with pytest.raises(NotFoundError):
        workers_report(G, "nowhere")
    with pytest.raises(ValueError, match="not an area"):
        workers_report(G, "i1")
