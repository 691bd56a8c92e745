"""Property tests: the analytics against brute-force recomputation on random cities."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import networkx as nx
from analytics_testkit import (
    KINDS,
    areas,
    brute_coverage,
    brute_reach_sets,
    nodes_with,
    random_city,
    resources_of,
    union,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import (
    AreaIndex,
    Linkage,
    ReachModel,
    coverage,
    coverage_plan,
    expansion_plan,
    lazy_greedy,
    naive_greedy,
    reach,
    reach_overlap,
    split_weights,
    uncovered_households,
    unreached_households,
)
from analytics.brokerage import organization_graph, sampled_betweenness
from bench import sparse_baseline as sparse

SETTINGS = settings(max_examples=40, deadline=None)
seeds = st.integers(min_value=0, max_value=2**31 - 1)
sizes = st.integers(min_value=1, max_value=3)
days = st.dates(min_value=dt.date(2026, 9, 1), max_value=dt.date(2026, 12, 15))


def _report_for(G: Any, area: str | None, as_of: dt.date, index: AreaIndex, linkage: Linkage) -> Any:
    return coverage(G, area, as_of=as_of, index=index, linkage=linkage)


@SETTINGS
@given(seeds, sizes, days)
def test_coverage_matches_brute_force(seed: int, size: int, as_of: dt.date) -> None:
    G = random_city(seed, size)
    expected = brute_coverage(G, as_of)
    idx, link = AreaIndex.build(G), Linkage.build(G)
    for area in [None, *areas(G)]:
        r = _report_for(G, area, as_of, idx, link)
        e = expected[area]
        assert (r.households.total, r.households.covered) == (e["total"], e["covered"]), area
        assert (r.members.total, r.members.covered) == (e["members"], e["members_covered"]), area
        assert r.active is not None and r.active.households == e["active"], area
        for row in r.breakdown:
            assert row.households.covered == expected[row.area]["covered"]
            assert row.members.total == expected[row.area]["members"]
    uncovered = uncovered_households(G, index=idx, linkage=link)
    assert uncovered.total == expected[None]["total"] - expected[None]["covered"]


@SETTINGS
@given(seeds, sizes)
def test_reach_matches_brute_force(seed: int, size: int) -> None:
    G = random_city(seed, size)
    sets = brute_reach_sets(G)
    idx = AreaIndex.build(G)
    model = ReachModel.build(G, idx)
    households = set(nodes_with(G, "Household"))
    for area in [None, *areas(G)]:
        scope = households if area is None else set(idx.households(area))
        r = reach(G, area, index=idx, model=model)
        assert r.households.reached == len(union(sets.values()) & scope)
        assert {u.id: u.households for u in r.units} == {u: len(s & scope) for u, s in sets.items() if s & scope}
        for res in r.resources:
            offering = [u for u in sets if res.resource in resources_of(G, u)]
            assert res.households.reached == len(union(sets[u] for u in offering) & scope), res.resource
            assert res.units == sum(1 for u in offering if sets[u] & scope)
        for kind in (None, *KINDS):
            offering = [u for u in sets if kind is None or kind in resources_of(G, u)]
            missing = scope - union(sets[u] for u in offering)
            gap = unreached_households(G, area, resource=kind, index=idx, model=model)
            assert set(gap.households) == missing and gap.unreached == len(missing)
    pairs = reach_overlap(G, top=4, index=idx, model=model).pairs
    for p in pairs:
        a, b = sets[p.first], sets[p.second]
        assert (p.both, p.either) == (len(a & b), len(a | b))


@SETTINGS
@given(seeds, sizes, days)
def test_sparse_formulation_agrees(seed: int, size: int, as_of: dt.date) -> None:
    G = random_city(seed, size)
    s = sparse.SparseProjection.from_graph(G)
    idx, link = AreaIndex.build(G), Linkage.build(G)
    model = ReachModel.build(G, idx)
    for area in [None, *areas(G)]:
        assert sparse.coverage(s, area, as_of=as_of) == coverage(G, area, as_of=as_of, index=idx, linkage=link)
        assert sparse.reach(s, area) == reach(G, area, index=idx, model=model)
    assert sparse.coverage(s, by="Grid") == coverage(G, by="Grid", index=idx, linkage=link)
    assert sparse.reach(s, by="Building") == reach(G, by="Building", index=idx, model=model)


def test_the_sparse_baseline_examples() -> None:
    """The doctests of the bench's scipy baseline (``bench/`` is not among pytest's doctest paths)."""
    import doctest

    assert doctest.testmod(sparse).failed == 0


weights_st = st.dictionaries(st.integers(0, 15), st.integers(0, 9), max_size=16)
sets_st = st.lists(st.frozensets(st.integers(0, 15), max_size=6), max_size=12)


@settings(max_examples=150, deadline=None)
@given(sets_st, weights_st, st.integers(0, 6))
def test_lazy_greedy_agrees_with_naive(sets: list[frozenset[int]], weights: dict[int, int], k: int) -> None:
    lazy, naive = lazy_greedy(sets, weights, k), naive_greedy(sets, weights, k)
    assert lazy == naive
    if naive:
        # the first pick is the best single set, and gains never grow (submodularity)
        best = max(sum(weights.get(e, 0) for e in s) for s in sets)
        assert naive[0].gain == best
        assert all(a.gain >= b.gain > 0 for a, b in itertools.pairwise(naive))


@SETTINGS
@given(seeds, sizes, st.sampled_from([None, *KINDS]), st.integers(1, 4))
def test_expansion_naive_and_lazy_agree_and_gains_are_real(seed: int, size: int, kind: str | None, k: int) -> None:
    G = random_city(seed, size)
    idx = AreaIndex.build(G)
    model = ReachModel.build(G, idx)
    lazy = expansion_plan(G, k, resource=kind, index=idx, model=model)
    naive = expansion_plan(G, k, resource=kind, lazy=False, index=idx, model=model)
    assert lazy.steps == naive.steps
    # apply the steps to the graph and recount: the reach really grows by the gains
    H = G.copy()
    for step in lazy.steps:
        if step.action == "SERVE":
            assert step.area is not None
            H.add_edge(step.alliance, step.area, key="SERVES", type="SERVES")
        else:
            assert step.unit is not None
            H.add_edge(step.unit, step.alliance, key="JOINED", type="JOINED")
    after = reach(H, breakdown=False)
    reached = (
        after.households.reached
        if kind is None
        else next(r for r in after.resources if r.resource == kind).households.reached
    )
    assert reached == lazy.reached_after
    assert lazy.reached_after == lazy.reached_before + sum(s.gain for s in lazy.steps)


@SETTINGS
@given(seeds, sizes, st.integers(1, 4))
def test_plan_respects_capacity_grid_and_prefers_building(seed: int, size: int, norm: int) -> None:
    G = random_city(seed, size)
    idx, link = AreaIndex.build(G), Linkage.build(G)
    plan = coverage_plan(G, households_norm=norm, index=idx, linkage=link)
    used: dict[str, int] = {}
    seen: set[str] = set()
    for a in plan.assignments:
        assert a.household not in link.covered_households and a.household not in seen
        seen.add(a.household)
        home = idx.residence(a.vanguard)
        assert home is not None and home != a.household
        assert idx.path(a.household).grid == idx.path(home).grid == a.grid
        assert a.same_building == (idx.building_of(a.household) == idx.building_of(home))
        used[a.vanguard] = used.get(a.vanguard, 0) + 1
    for v, n in used.items():
        assert n <= norm - len(link.households[v])
    assert set(plan.unassigned) | seen == {h.id for h in uncovered_households(G, index=idx, linkage=link).households}
    # the per-grid rows add up to the plan, and each row counts its grid's households
    assert sum(r.assigned for r in plan.grids) == plan.assigned
    assert sum(r.left_uncovered for r in plan.grids) + plan.without_grid == len(plan.unassigned)
    for r in plan.grids:
        hs = [h for h in idx.households() if idx.path(h).grid == r.grid]
        assert r.households == len(hs)
        assert r.covered_before == sum(1 for h in hs if h in link.covered_households)
        assert r.covered_after == r.covered_before + sum(1 for a in plan.assignments if a.grid == r.grid)
        assert r.left_uncovered == sum(1 for h in plan.unassigned if idx.path(h).grid == r.grid)
        assert r.vanguards_needed * norm >= r.left_uncovered > (r.vanguards_needed - 1) * norm or r.left_uncovered == 0
    # optimal: same count and cost as a household-level min-cost max-flow (independent network)
    D = nx.DiGraph()
    for v in link.vanguards:
        home = idx.residence(v)
        cap = norm - len(link.households[v])
        if home is None or cap <= 0 or idx.building_of(home) is None or idx.path(home).grid is None:
            continue
        D.add_edge("s", v, capacity=cap, weight=0)
        for h in idx.households(idx.path(home).grid):
            if h not in link.covered_households and h != home:
                same = idx.building_of(h) == idx.building_of(home)
                D.add_edge(v, ("h", h), capacity=1, weight=1 if same else 3)
                D.add_edge(("h", h), "t", capacity=1, weight=0)
    if "s" in D and "t" in D:
        flow = nx.max_flow_min_cost(D, "s", "t")
        assert plan.assigned == sum(flow["s"].values())
        assert plan.cost == nx.cost_of_flow(D, flow)
    else:
        assert plan.assigned == 0


@SETTINGS
@given(seeds, sizes)
def test_articulation_splits_match_removal(seed: int, size: int) -> None:
    G = random_city(seed, size)
    H = organization_graph(G)
    splits = split_weights(H)
    assert set(splits) == set(nx.articulation_points(H))
    for v, pieces in splits.items():
        K = H.subgraph(nx.node_connected_component(H, v) - {v})
        expected = sorted(
            (sum(H.nodes[x]["households"] for x in c), len(c), sum(1 for x in c if H.nodes[x]["anchor"]))
            for c in nx.connected_components(K)
        )
        assert sorted(pieces) == expected


@SETTINGS
@given(seeds, sizes, st.integers(1, 12), st.integers(0, 1000))
def test_sampled_betweenness_matches_networkx(seed: int, size: int, k: int, sample_seed: int) -> None:
    H = organization_graph(random_city(seed, size))
    for kk in (k, None):
        mine = sampled_betweenness(H, kk, sample_seed, batch=5)
        ref = nx.betweenness_centrality(H, k=min(kk, len(H)) if kk else None, seed=sample_seed)
        for v in H:
            both_nan = math.isnan(mine[v]) and math.isnan(ref[v])
            assert both_nan or abs(mine[v] - ref[v]) < 1e-9, v
