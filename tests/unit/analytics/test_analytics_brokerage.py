"""Brokerage on the tiny city (analytics.projection.tiny_city).

Its organization graph (grids the lowest areas; o_b1's GOVERNS b1 and u2's MANAGES b4
lifted to g1 and g3):

    o_st - st1, o_c1          st1 - c1, c2          c1 - g1, g2, o_c1, al1
    o_c1 - o_g1, o_u2, al1    o_g1 - g1             o_b1 - o_g1, g1
    al1 - u1                  c2 - g3               g3 - u2          u2 - o_u2

14 nodes, 18 edges.  The cycle st1-c2-g3-u2-o_u2-o_c1-c1 keeps c2, g3 and u2 from being
cut points.  Cut points: c1 (g2 with its 3 households hangs on it) and al1 (u1 hangs on
it; u1 reaches c1's 6 households only through al1).
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from analytics import ProjectionBuilder, brokerage, organization_graph, split_weights, tiny_city


def test_organization_graph() -> None:
    H = organization_graph(tiny_city())
    assert (H.number_of_nodes(), H.number_of_edges()) == (14, 18)
    assert H.has_edge("o_b1", "g1") and H.has_edge("u2", "g3") and not any(H.nodes[n]["label"] == "Building" for n in H)
    assert [H.nodes[g]["households"] for g in ("g1", "g2", "g3")] == [3, 3, 2]
    assert set(organization_graph(tiny_city(), "c2")) == {"c2", "g3", "u2"}
    # al1 serves c1, above g1, so it and its unit u1 belong to g1's graph too
    assert set(organization_graph(tiny_city(), "g1")) == {"g1", "o_g1", "o_b1", "al1", "u1"}


def test_articulation_points() -> None:
    r = brokerage(tiny_city(), k=None)
    assert [(p.id, p.pieces, p.households_disconnected, p.households_unreached) for p in r.articulation_points] == [
        ("c1", 2, 3, 0),
        ("al1", 2, 0, 6),
    ]
    assert (r.nodes, r.edges, r.components, r.households) == (14, 18, 1, 8)
    json.dumps(r.to_dict())


def test_betweenness_engines_agree() -> None:
    exact = brokerage(tiny_city(), k=None, top=14)
    oracle = brokerage(tiny_city(), k=None, top=14, engine="networkx")
    assert [b.id for b in exact.brokers] == [b.id for b in oracle.brokers]
    for mine, ref in zip(exact.brokers, oracle.brokers, strict=True):
        assert abs(mine.betweenness - ref.betweenness) < 1e-12
    ref = nx.betweenness_centrality(organization_graph(tiny_city()))
    assert abs(exact.brokers[0].betweenness - ref[exact.brokers[0].id]) < 1e-12
    sampled = brokerage(tiny_city(), k=5, seed=7, top=3)
    again = brokerage(tiny_city(), k=5, seed=7, top=3, engine="networkx")
    assert sampled.k == 5 and [b.id for b in sampled.brokers] == [b.id for b in again.brokers]


def test_split_weights_star() -> None:
    H = nx.star_graph(3)  # centre 0, leaves 1..3
    nx.set_node_attributes(H, {0: 1, 1: 2, 2: 3, 3: 4}, "households")
    nx.set_node_attributes(H, {3: True}, "anchor")
    assert split_weights(H) == {0: [(2, 1, 0), (3, 1, 0), (4, 1, 1)]}


def _two_streets(bridge: bool) -> Any:
    b = ProjectionBuilder()
    for s in ("S1", "S2"):
        b.node("Street", s).node("Community", f"{s}c").node("Grid", f"{s}g").node("Building", f"{s}b", kind="BUILDING")
        b.part_of(s, f"{s}c").part_of(f"{s}c", f"{s}g").part_of(f"{s}g", f"{s}b")
        b.node("Household", f"{s}h").part_of(f"{s}b", f"{s}h")
    b.node("AllianceMember", "U", kind="PROPERTY_COMPANY", resources=[]).rel("MANAGES", "U", "S1b")
    if bridge:
        b.rel("MANAGES", "U", "S2b")
    return b.graph


def test_disconnected_means_cut_off_from_every_street() -> None:
    # S1 - S1c - S1g - U - S2g - S2c - S2: U bridges two streets' structures but disconnects
    # nobody (each side keeps its street); S1c does not either: S1g reaches S2 through U
    bridged = {p.id: p for p in brokerage(_two_streets(True), k=None).articulation_points}
    assert (bridged["U"].pieces, bridged["U"].households_disconnected) == (2, 0)
    assert bridged["S1c"].households_disconnected == 0
    # without the bridge, S1c is the only way from S1g (1 household) to a street
    alone = {p.id: p for p in brokerage(_two_streets(False), k=None).articulation_points}
    assert alone["S1c"].households_disconnected == 1 and alone["S1g"].households_disconnected == 1
    assert "U" not in alone  # a leaf
