"""Brokerage: which organizations and units hold the structure together.

The *organization graph* (docs/design.md: run brokerage on the organization level, not on
households) is an undirected simple graph of

- nodes: PartyOrganization, AllianceMember, Alliance, Street, Community and Grid.  Buildings,
  households, members and vanguard stations are dropped; the lowest area is the grid, which
  carries the number of its households as ``households``;
- edges: REPORTS_TO, GOVERNS, BRANCH_OF, LED_BY, SERVES, JOINED, MANAGES and PART_OF between
  those nodes; a relationship to a Building (a BUILDING_GROUP's GOVERNS, a property
  company's MANAGES) is attached to the building's grid.

Why grids: buildings are ten times as many nodes (betweenness is O(k * edges)) while adding
no organizational alternative paths except through BUILDING_GROUPs and MANAGES, which the
grid keeps.

Articulation points are the nodes whose removal disconnects their connected component.
For an articulation point ``v``:

- ``households_disconnected``: the households of the grids that have a path to a Street
  (the top of the governance network: the city's structure; with an ``area``, the area
  itself) and lose every such path once
  ``v`` is removed; when ``v`` is itself a grid connected to a street, its own households
  count too.  (Streets are not linked to one another, so the organization graph is
  naturally one component per street or group of streets; a unit bridging two streets is
  an articulation point that disconnects nobody.)
- ``households_unreached``: the households (of the scope) reached by some unit today and by
  none once ``v`` is removed (see :mod:`analytics.reach`).  Non-zero only for units (their
  JOINED and MANAGES go) and alliances (their members' JOINED to it and its SERVES go).
  Linkage coverage is not affected by removing an organization (LINKS join members and
  households, which the organization graph does not contain), so no "uncovered" count.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from analytics._common import JsonResult, checkpoint, name_of, node_data, nodes_by_label, require_area, succ
from analytics.areas import AreaIndex
from analytics.reach import ReachModel
from analytics.structure import organization_areas
from graph_schema import Label, RelType

_KEEP = (
    Label.PARTY_ORGANIZATION.value,
    Label.ALLIANCE_MEMBER.value,
    Label.ALLIANCE.value,
    Label.STREET.value,
    Label.COMMUNITY.value,
    Label.GRID.value,
)
_TYPES = frozenset(
    t.value
    for t in (
        RelType.REPORTS_TO,
        RelType.GOVERNS,
        RelType.BRANCH_OF,
        RelType.LED_BY,
        RelType.SERVES,
        RelType.JOINED,
        RelType.MANAGES,
        RelType.PART_OF,
    )
)


def organization_graph(G: Any, area: str | None = None, *, index: AreaIndex | None = None) -> Any:
    """The undirected organization graph of ``G`` (see the module docstring), optionally of one area.

    With an ``area`` (Street, Community or Grid) the graph is induced on: the areas within it;
    the organizations whose areas (see :func:`analytics.structure.organization_areas`) lie
    within it; the alliances serving an area within it or above it, or led by one of those
    organizations; the units that joined those alliances, manage a building within it, or
    have one of those organizations as their branch.

    Node attributes: ``label``, ``name``, ``households`` (a grid's households, else 0) and
    ``anchor`` (the top of the structure: the streets, or ``area`` itself).

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> H = organization_graph(tiny_city())
    >>> H.number_of_nodes(), H.number_of_edges(), H.nodes["g1"]["households"]
    (14, 18, 3)
    >>> sorted(organization_graph(tiny_city(), "c2"))
    ['c2', 'g3', 'u2']
    """
    nodes = node_data(G)
    label = require_area(nodes, area)
    if label == Label.BUILDING.value:
        raise ValueError("the organization graph stops at grids: ask for the building's grid")
    idx = index or AreaIndex.build(G)
    out = succ(G)
    by_label = nodes_by_label(G)
    keep = {n for lab in _KEEP for n in by_label.get(lab, ())}

    def lift(n: str) -> str | None:
        if n in keep:
            return n
        if idx.label(n) == Label.BUILDING.value:
            return idx.path(n).grid
        return None

    H = nx.Graph()
    for n in sorted(keep):
        data = nodes[n]
        households = idx.household_count(n) if data.get("label") == Label.GRID.value else 0
        label_n = data.get("label")
        H.add_node(n, label=label_n, name=name_of(data), households=households, anchor=label_n == Label.STREET.value)
    # In a canonical order (not the set's, nor the store's edge order), so that betweenness sums
    # its floats in the same order for the same graph, whichever store projected it.
    for u in sorted(keep):
        for v, keys in sorted(out[u].items()):
            if any(k in _TYPES for k in keys):
                w = lift(v)
                if w is not None and w != u:
                    H.add_edge(u, w)
    if area is None:
        return H
    homes = organization_areas(G, idx)
    inside: set[str] = {n for n in keep if idx.label(n) is not None and idx.within(n, area)}
    orgs = {o for o, areas in homes.items() if any(idx.within(a, area) for a in areas)}
    above = set(idx.ancestors(area))
    alliances: set[str] = set()
    for a in by_label.get(Label.ALLIANCE.value, ()):
        for t, keys in out[a].items():
            served = RelType.SERVES.value in keys and (t in inside or t in above)
            led = RelType.LED_BY.value in keys and t in orgs
            if served or led:
                alliances.add(a)
                break
    units: set[str] = set()
    for u in by_label.get(Label.ALLIANCE_MEMBER.value, ()):
        for t, keys in out[u].items():
            if (RelType.JOINED.value in keys and t in alliances) or (
                RelType.MANAGES.value in keys and (g := lift(t)) is not None and g in inside
            ):
                units.add(u)
                break
    for o in orgs:
        for t, keys in out[o].items():
            if RelType.BRANCH_OF.value in keys and t in keep:
                units.add(t)
    sub = H.subgraph(inside | orgs | alliances | units).copy()
    nx.set_node_attributes(sub, {n: n == area for n in sub}, "anchor")
    return sub


@dataclass(frozen=True, slots=True)
class Broker(JsonResult):
    id: str
    label: str
    name: str | None
    betweenness: float
    degree: int


@dataclass(frozen=True, slots=True)
class ArticulationPoint(JsonResult):
    id: str
    label: str
    name: str | None
    pieces: int
    """Connected pieces its component falls into without it."""
    households_disconnected: int
    households_unreached: int


@dataclass(frozen=True, slots=True)
class BrokerageReport(JsonResult):
    area: str | None
    nodes: int
    edges: int
    components: int
    households: int
    """Households on the graph's grids."""
    k: int | None
    """Betweenness sample size (None: exact)."""
    seed: int
    brokers: tuple[Broker, ...]
    """Top nodes by betweenness (normalized), then id."""
    articulation_points: tuple[ArticulationPoint, ...]
    """Most households disconnected first, then most unreached, then id."""


def sampled_betweenness(
    H: Any, k: int | None = None, seed: int = 0, *, batch: int = 64, should_stop: Callable[[], bool] | None = None
) -> dict[Any, float]:
    """Normalized (sampled) betweenness of an undirected unweighted graph, vectorised Brandes.

    The same numbers as ``networkx.betweenness_centrality(H, k=k, seed=seed)`` (networkx 3.6
    normalisation, endpoints excluded, the same sampled sources), computed ``batch`` sources
    at a time as level-synchronous breadth-first searches with sparse matrix products.
    ``should_stop`` is asked before each batch (:func:`analytics.checkpoint`).

    Examples
    --------
    >>> H = nx.karate_club_graph()
    >>> mine, ref = sampled_betweenness(H, 10, seed=3), nx.betweenness_centrality(H, k=10, seed=3)
    >>> max(abs(mine[v] - ref[v]) for v in H) < 1e-12
    True
    """
    nodes = list(H.nodes())
    n = len(nodes)
    if k is not None and k >= n:
        k = None
    sources = nodes if k is None else random.Random(seed).sample(nodes, k)
    result = dict.fromkeys(nodes, 0.0)
    if n == 0:
        return result
    pos = {v: i for i, v in enumerate(nodes)}
    A = nx.to_scipy_sparse_array(H, nodelist=nodes, weight=None, format="csr", dtype=np.float64)
    A.data[:] = 1.0
    total = np.zeros(n)
    for start in range(0, len(sources), batch):
        checkpoint(should_stop)
        src = np.array([pos[s] for s in sources[start : start + batch]], dtype=np.int64)
        cols = np.arange(len(src))
        sigma = np.zeros((n, len(src)))
        sigma[src, cols] = 1.0
        seen = sigma > 0
        frontier = sigma.copy()
        levels = [seen.copy()]
        while True:
            reached = A @ frontier
            reached[seen] = 0.0
            new = reached > 0
            if not new.any():
                break
            seen |= new
            sigma[new] = reached[new]
            frontier = np.where(new, reached, 0.0)
            levels.append(new)
        delta = np.zeros_like(sigma)
        safe = np.where(sigma > 0, sigma, 1.0)
        for d in range(len(levels) - 1, 0, -1):
            coeff = np.where(levels[d], (1.0 + delta) / safe, 0.0)
            delta += np.where(levels[d - 1], sigma * (A @ coeff), 0.0)
        delta[levels[0]] = 0.0
        total += delta.sum(axis=1)
    N = n - 1
    if N < 2:
        return result
    if k is None:
        scale = np.full(n, 1.0 / (N * (N - 1)))
    else:
        scale = np.full(n, 1.0 / (k * (N - 1)))
        scale[[pos[s] for s in sources]] = 1.0 / ((k - 1) * (N - 1)) if k > 1 else math.nan
    values = total * scale
    return {v: float(values[i]) for i, v in enumerate(nodes)}


Piece = tuple[int, int, int]
"""A connected piece: (households, nodes, anchors) summed over its nodes."""


def split_weights(H: Any, weight: str = "households", anchor: str = "anchor") -> dict[Any, list[Piece]]:
    """For every articulation point, the pieces its connected component falls into without it.

    Each piece is ``(sum of weight, node count, number of anchor nodes)``.  One depth-first
    search (Hopcroft-Tarjan low points, iterative), O(nodes + edges).

    >>> H = nx.path_graph(4)
    >>> nx.set_node_attributes(H, {0: 5, 1: 0, 2: 0, 3: 7}, "households")
    >>> nx.set_node_attributes(H, {0: True}, "anchor")
    >>> split_weights(H)
    {2: [(7, 1, 0), (5, 2, 1)], 1: [(7, 2, 0), (5, 1, 1)]}
    """
    own: dict[Any, Piece] = {
        n: (int(d.get(weight, 0) or 0), 1, 1 if d.get(anchor) else 0) for n, d in H.nodes(data=True)
    }
    disc: dict[Any, int] = {}
    low: dict[Any, int] = {}
    sub: dict[Any, list[int]] = {}
    out: dict[Any, list[Piece]] = {}
    counter = 0

    def piece(n: Any) -> Piece:
        a, b, c = sub[n]
        return (a, b, c)

    for root in H:
        if root in disc:
            continue
        disc[root] = low[root] = counter
        counter += 1
        sub[root] = list(own[root])
        cut_children: dict[Any, list[Any]] = {}
        root_children: list[Any] = []
        stack: list[tuple[Any, Any, Any]] = [(root, None, iter(H[root]))]
        while stack:
            v, parent, it = stack[-1]
            advanced = False
            for x in it:
                if x == parent:
                    continue
                if x in disc:
                    low[v] = min(low[v], disc[x])
                    continue
                disc[x] = low[x] = counter
                counter += 1
                sub[x] = list(own[x])
                stack.append((x, v, iter(H[x])))
                advanced = True
                break
            if advanced:
                continue
            stack.pop()
            if parent is None:
                continue
            low[parent] = min(low[parent], low[v])
            for i in range(3):
                sub[parent][i] += sub[v][i]
            if parent == root:
                root_children.append(v)
            elif low[v] >= disc[parent]:
                cut_children.setdefault(parent, []).append(v)
        total = piece(root)
        for v, kids in cut_children.items():
            pieces = [piece(c) for c in kids]
            rest = tuple(total[i] - own[v][i] - sum(p[i] for p in pieces) for i in range(3))
            out[v] = [*pieces, (rest[0], rest[1], rest[2])]
        if len(root_children) > 1:
            out[root] = [piece(c) for c in root_children]
    return out


class _SoleReach:
    """How many units reach each building, to count what removing one unit or alliance loses."""

    def __init__(self, model: ReachModel, area: str | None) -> None:
        self.model = model
        idx = model.index
        per_area: dict[str, int] = {}
        for u in model.units:
            for a in model.atoms[u]:
                per_area[a] = per_area.get(a, 0) + 1
        self.scope = set(idx.buildings(area))
        self.count = {b: per_area.get(b, 0) + sum(per_area.get(a, 0) for a in idx.ancestors(b)) for b in self.scope}

    def lost(self, drops: dict[str, int]) -> int:
        """Households of the scope reached today and by none once ``drops[b]`` units stop reaching ``b``."""
        idx = self.model.index
        return sum(
            idx.household_count(b)
            for b, n in drops.items()
            if b in self.scope and self.count[b] > 0 and self.count[b] - n <= 0
        )

    def without_unit(self, unit: str) -> int:
        return self.lost(dict.fromkeys(self.model.index.buildings_in(self.model.atoms[unit]), 1))

    def without_alliance(self, alliance: str) -> int:
        m, idx = self.model, self.model.index
        drops: dict[str, int] = {}
        for u in m.members_of.get(alliance, ()):
            served: Iterable[str] = (x for a in m.joined[u] if a != alliance for x in m.serves[a])
            after = idx.buildings_in(idx.antichain([*served, *m.manages[u]]))
            for b in idx.buildings_in(m.atoms[u]) - after:
                drops[b] = drops.get(b, 0) + 1
        return self.lost(drops)


def brokerage(
    G: Any,
    area: str | None = None,
    *,
    top: int = 10,
    k: int | None = 256,
    seed: int = 0,
    engine: Literal["sparse", "networkx"] = "sparse",
    index: AreaIndex | None = None,
    model: ReachModel | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> BrokerageReport:
    """Top brokers (sampled betweenness) and articulation points of the organization graph.

    Parameters
    ----------
    top : int
        How many brokers to list.
    k : int, optional
        Betweenness sample size (source nodes); None or at least the node count: exact.
    seed : int
        Sampling seed (same seed, same answer).
    engine : {"sparse", "networkx"}
        ``sparse``: :func:`sampled_betweenness` (vectorised; same numbers);
        ``networkx``: ``networkx.betweenness_centrality`` (the oracle; ~100x slower at city
        scale).
    should_stop : callable, optional
        Asked between steps (every 64 sampled sources); when it returns True the analysis
        raises :class:`analytics.Cancelled`.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> r = brokerage(tiny_city(), top=2, k=None)
    >>> [(b.id, round(b.betweenness, 3)) for b in r.brokers]
    [('c1', 0.391), ('o_c1', 0.391)]
    >>> [(p.id, p.households_disconnected, p.households_unreached) for p in r.articulation_points][:3]
    [('c1', 3, 0), ('al1', 0, 6)]
    """
    idx = index or AreaIndex.build(G)
    H = organization_graph(G, area, index=idx)
    checkpoint(should_stop)
    n = H.number_of_nodes()
    sample = None if k is None or k >= n else k
    if engine == "networkx":
        between: dict[str, float] = nx.betweenness_centrality(H, k=sample, seed=seed, normalized=True) if n else {}
    else:
        between = sampled_betweenness(H, sample, seed, should_stop=should_stop)
    checkpoint(should_stop)
    ranked = sorted(H, key=lambda x: (-round(between.get(x, 0.0), 12), x))[: max(top, 0)]
    brokers = tuple(
        Broker(x, str(H.nodes[x]["label"]), H.nodes[x]["name"], float(between.get(x, 0.0)), int(H.degree[x]))
        for x in ranked
    )
    splits = split_weights(H)
    m = model or ReachModel.build(G, idx)
    sole = _SoleReach(m, area)
    points: list[ArticulationPoint] = []
    for v, pieces in splits.items():
        data = H.nodes[v]
        anchored = any(p[2] for p in pieces) or bool(data["anchor"])
        cut_off = sum(p[0] for p in pieces if not p[2]) + int(data["households"]) if anchored else 0
        lost = 0
        if data["label"] == Label.ALLIANCE_MEMBER.value:
            lost = sole.without_unit(v)
        elif data["label"] == Label.ALLIANCE.value:
            lost = sole.without_alliance(v)
        points.append(ArticulationPoint(v, str(data["label"]), data["name"], len(pieces), cut_off, lost))
    points.sort(key=lambda p: (-p.households_disconnected, -p.households_unreached, p.id))
    return BrokerageReport(
        area,
        n,
        H.number_of_edges(),
        nx.number_connected_components(H) if n else 0,
        sum(int(d) for _, d in H.nodes(data="households")),
        sample,
        seed,
        brokers,
        tuple(points),
    )
