"""The coverage plan's flow with the vanguards of a building merged and the cross-building edges
through one pool (:func:`analytics.plan._solve_grid`) against the network with one node per
vanguard and an edge per vanguard and building (the implementation before, kept here as the
reference): the same value and cost on random grids, every vanguard within its spare, every
home cap kept; the same plan figures on random cities, the registration plan's included (which
vanguard takes which household may differ among answers of equal cost, and so may
``vanguards_used``); and the pairing of the pool's units across buildings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from unittest.mock import patch

import networkx as nx
import pytest
from analytics_testkit import DAY0, nodes_with
from hypothesis import given, settings
from hypothesis import strategies as st
from test_analytics_work import with_random_work

from analytics import AnalyticsSession, plan
from analytics.plan import _pair_across, coverage_plan
from analytics.work.registration import registration_plan


def per_vanguard(
    spare: Mapping[str, int],
    vanguard_building: Mapping[str, str],
    own_home: Mapping[str, str],
    demand: Mapping[str, int],
    near: int,
    far: int,
) -> dict[str, dict[str, int]]:
    """The flow with one node per vanguard (``_solve_grid`` as it was)."""
    D = nx.DiGraph()
    for v, cap in spare.items():
        D.add_edge("s", ("v", v), capacity=cap, weight=0)
        for b, n in demand.items():
            if vanguard_building[v] != b:
                D.add_edge(("v", v), ("b", b), capacity=min(cap, n), weight=far)
            elif v in own_home:
                if n > 1:
                    D.add_edge(("v", v), ("home", own_home[v]), capacity=min(cap, n - 1), weight=near)
                    D.add_edge(("home", own_home[v]), ("b", b), capacity=n - 1, weight=0)
            else:
                D.add_edge(("v", v), ("b", b), capacity=min(cap, n), weight=near)
    for b, n in demand.items():
        D.add_edge(("b", b), "t", capacity=n, weight=0)
    if "s" not in D or "t" not in D:
        return {}
    flow = nx.max_flow_min_cost(D, "s", "t")
    out: dict[str, dict[str, int]] = {}
    for v in spare:
        into: dict[str, int] = {}
        for (kind, target), f in flow[("v", v)].items():
            if f:
                b = vanguard_building[v] if kind == "home" else target
                into[b] = into.get(b, 0) + f
        out[v] = into
    return out


def value_and_cost(flow: Mapping[str, Mapping[str, int]], building: Mapping[str, str]) -> tuple[int, int]:
    same = sum(n for v, into in flow.items() for b, n in into.items() if b == building[v])
    cross = sum(n for v, into in flow.items() for b, n in into.items() if b != building[v])
    return same + cross, same * 1 + cross * 3


@st.composite
def grids(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, str], dict[str, str], dict[str, int]]:
    buildings = [f"b{i}" for i in range(draw(st.integers(1, 5)))]
    demand = {b: n for b in buildings if (n := draw(st.integers(0, 6)))}
    spare: dict[str, int] = {}
    building: dict[str, str] = {}
    home: dict[str, str] = {}
    for i in range(draw(st.integers(1, 9))):
        v = f"v{i}"
        spare[v] = draw(st.integers(1, 5))
        building[v] = draw(st.sampled_from([*buildings, "elsewhere"]))
        if building[v] in demand and draw(st.booleans()):  # their own home is among the uncovered: shared by some
            home[v] = f"{building[v]}-h{draw(st.integers(0, 1))}"
    return spare, building, home, demand


@settings(max_examples=400, deadline=None)
@given(grid=grids())
def test_the_pooled_flow_has_the_value_and_cost_of_one_node_per_vanguard(
    grid: tuple[dict[str, int], dict[str, str], dict[str, str], dict[str, int]],
) -> None:
    spare, building, home, demand = grid
    got = plan._solve_grid(spare, building, home, demand, 1, 3)
    want = per_vanguard(spare, building, home, demand, 1, 3)
    assert value_and_cost(got, building) == value_and_cost(want, building)
    for v, into in got.items():
        assert sum(into.values()) <= spare[v], v
        assert all(n > 0 and b in demand for b, n in into.items()), v
    for b, n in demand.items():
        assert sum(into.get(b, 0) for into in got.values()) <= n, b
    for h in set(home.values()):
        sharing = [v for v in home if home[v] == h]
        b = building[sharing[0]]
        assert sum(got[v].get(b, 0) for v in sharing if v in got) <= demand[b] - 1, h  # never their own home


@settings(max_examples=300, deadline=None)
@given(
    supply=st.dictionaries(st.sampled_from("abcde"), st.integers(0, 6), max_size=5),
    demand=st.dictionaries(st.sampled_from("abcde"), st.integers(0, 6), max_size=5),
)
def test_units_are_paired_across_buildings_exactly_when_they_can_be(
    supply: dict[str, int], demand: dict[str, int]
) -> None:
    total = sum(supply.values())
    possible = total == sum(demand.values()) and all(
        supply.get(k, 0) + demand.get(k, 0) <= total for k in {*supply, *demand}
    )
    if not possible:
        with pytest.raises(RuntimeError, match="no pairing across buildings"):
            _pair_across(supply, demand)
        return
    pairs = _pair_across(supply, demand)
    assert all(a != b and n > 0 for (a, b), n in pairs.items())
    for k in {*supply, *demand}:
        assert sum(n for (a, _), n in pairs.items() if a == k) == supply.get(k, 0), k
        assert sum(n for (_, b), n in pairs.items() if b == k) == demand.get(k, 0), k


def figures(p: Any) -> Any:
    d = p.to_dict()
    for key in ("assignments", "unassigned", "vanguards_used"):
        d.pop(key)
    return d


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), norm=st.integers(1, 6), capacity=st.integers(0, 4))
def test_plans_figures_equal_with_the_flow_of_one_node_per_vanguard(seed: int, norm: int, capacity: int) -> None:
    G = with_random_work(seed)
    s = AnalyticsSession(G)
    lo, hi = DAY0, DAY0 + dt.timedelta(days=150)
    for area in [None, *nodes_with(G, "Community")[:2]]:
        kw: dict[str, Any] = {"index": s.index, "linkage": s.linkage}
        reg: dict[str, Any] = {"date_from": lo, "date_to": hi, "work": s.work, "candidate_capacity": capacity}
        pooled = coverage_plan(G, area, households_norm=norm, **kw)
        pooled_reg = registration_plan(G, area, households_norm=norm, **kw, **reg)
        with patch.object(plan, "_solve_grid", per_vanguard):
            before = coverage_plan(G, area, households_norm=norm, **kw)
            before_reg = registration_plan(G, area, households_norm=norm, **kw, **reg)
        assert figures(pooled) == figures(before), area
        assert len(pooled.assignments) == len({a.household for a in pooled.assignments})
        assert {a.household for a in pooled.assignments} <= set(s.index.households(area))
        assert figures(pooled_reg.with_candidates) == figures(before_reg.with_candidates), area
        assert pooled_reg.extra_households == before_reg.extra_households, area
