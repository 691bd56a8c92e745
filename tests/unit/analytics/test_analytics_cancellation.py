"""The long analyses stop when their ``should_stop`` says so, between steps, and not otherwise."""

from __future__ import annotations

import networkx as nx
import pytest

import analytics as A
from analytics import Cancelled, brokerage, coverage_plan, sampled_betweenness, tiny_city


class StopAfter:
    """A ``should_stop`` that says stop from its ``n``-th question on, and counts the questions."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked >= self.n


def test_betweenness_is_asked_every_batch_and_stops_there() -> None:
    H = nx.connected_watts_strogatz_graph(300, 4, 0.1, seed=1)
    never = StopAfter(10**9)
    full = sampled_betweenness(H, 256, seed=2, batch=64, should_stop=never)
    assert never.asked == 4  # 256 sources, 64 a batch
    assert full == sampled_betweenness(H, 256, seed=2, batch=64)  # asking changes nothing
    stop = StopAfter(2)
    with pytest.raises(Cancelled):
        sampled_betweenness(H, 256, seed=2, batch=64, should_stop=stop)
    assert stop.asked == 2  # stopped at the second batch, the other two never ran


def test_brokerage_and_the_plan_stop() -> None:
    G = tiny_city()
    with pytest.raises(Cancelled):
        brokerage(G, k=None, should_stop=lambda: True)
    with pytest.raises(Cancelled):
        coverage_plan(G, households_norm=3, should_stop=lambda: True)
    never = StopAfter(10**9)
    assert coverage_plan(G, households_norm=3, should_stop=never) == coverage_plan(G, households_norm=3)
    assert never.asked >= 1
    assert brokerage(G, k=None, should_stop=lambda: False) == brokerage(G, k=None)


def test_norms_out_of_range_are_refused_by_the_analytics() -> None:
    G = tiny_city()
    with pytest.raises(ValueError, match="members norm must be between 0 and 100, got 1000"):
        A.vanguard_load(G, members_norm=1000)
    with pytest.raises(ValueError, match=r"tolerance must be between 0 and 10, got -0\.5"):
        A.structure(G, tolerance=-0.5)
