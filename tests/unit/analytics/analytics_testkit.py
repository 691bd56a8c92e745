"""Random projection-shaped cities and brute-force oracles for the analytics tests.

The oracles are deliberately naive and share no code with ``analytics``: they loop over
``G.edges(keys=True, data=True)`` and use networkx reachability on a PART_OF-only graph.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

import networkx as nx

from analytics.projection import ProjectionBuilder

KINDS = ("FUNDING", "VOLUNTEERS", "LEGAL_AID")
LEVELS = ("STREET_COMMITTEE", "COMMUNITY_COMMITTEE", "GRID_BRANCH", "BUILDING_GROUP", "UNIT_BRANCH")
STARS = ("DEMONSTRATION", "EXCELLENT", "QUALIFIED", "UNQUALIFIED", None)
DAY0 = dt.date(2026, 9, 1)


def random_city(seed: int, size: int = 3) -> Any:
    """A contract-valid random city: every child has one PART_OF parent of the right label.

    Includes the awkward cases: households in no building, a building in no grid, members
    without residence, non-vanguards that LINK, visits without links, empty areas.
    """
    rnd = random.Random(seed)
    b = ProjectionBuilder()
    streets = [f"st{i}" for i in range(rnd.randint(1, 2))]
    communities: list[str] = []
    grids: list[str] = []
    buildings: list[str] = []
    households: list[str] = []
    for s in streets:
        b.node("Street", s, name=s)
        for _ in range(rnd.randint(1, size)):
            c = f"c{len(communities)}"
            communities.append(c)
            b.node("Community", c, name=c).rel("PART_OF", c, s)
            for _ in range(rnd.randint(0, size)):
                g = f"g{len(grids)}"
                grids.append(g)
                b.node("Grid", g, name=g, target_households=rnd.choice([300, 300, 4, 6])).rel("PART_OF", g, c)
                for _ in range(rnd.randint(0, size)):
                    bd = f"b{len(buildings)}"
                    buildings.append(bd)
                    b.node("Building", bd, name=bd, kind="BUILDING").rel("PART_OF", bd, g)
                    for _ in range(rnd.randint(0, size + 1)):
                        h = f"h{len(households)}"
                        households.append(h)
                        tags = ["ELDERLY_ALONE"] if rnd.random() < 0.2 else []
                        b.node("Household", h, size=rnd.randint(1, 5), tags=tags).rel("PART_OF", h, bd)
    # a building in no grid and households in no building
    if rnd.random() < 0.5:
        buildings.append("b_orphan")
        b.node("Building", "b_orphan", name="orphan", kind="COURTYARD")
        households.append("h_in_orphan")
        b.node("Household", "h_in_orphan", size=1, tags=[]).rel("PART_OF", "h_in_orphan", "b_orphan")
    if rnd.random() < 0.5:
        households.append("h_loose")
        b.node("Household", "h_loose", size=2, tags=[])
    members = [f"pm{i}" for i in range(rnd.randint(0, 4 * size))]
    for m in members:
        b.node("PartyMember", m, kind="RESIDENT", vanguard=rnd.random() < 0.4)
        if households and rnd.random() < 0.85:
            b.rel("LIVES_IN", m, rnd.choice(households))
    for m in members:
        for h in rnd.sample(households, min(len(households), rnd.randint(0, 4))):
            b.rel("LINKS", m, h, since="2025-01-01")
            if rnd.random() < 0.6:
                b.rel("VISITED", m, h, on=(DAY0 + dt.timedelta(days=rnd.randint(0, 90))).isoformat())
        for other in rnd.sample(members, min(len(members), rnd.randint(0, 3))):
            if other != m:
                b.rel("LINKS", m, other, since="2025-01-01")
        if households and rnd.random() < 0.3:
            b.rel("VISITED", m, rnd.choice(households), on=(DAY0 + dt.timedelta(days=rnd.randint(0, 90))).isoformat())
    areas = streets + communities
    alliances = [f"al{i}" for i in range(rnd.randint(0, size))]
    units = [f"u{i}" for i in range(rnd.randint(0, 2 * size))]
    for a in alliances:
        b.node("Alliance", a, name=a, theme="t")
        for x in rnd.sample(areas, min(len(areas), rnd.randint(0, 2))):
            b.rel("SERVES", a, x)
    for u in units:
        b.node(
            "AllianceMember",
            u,
            name=u,
            kind=rnd.choice(["ENTERPRISE", "PROPERTY_COMPANY"]),
            resources=rnd.sample(KINDS, rnd.randint(0, 2)),
        )
        for a in rnd.sample(alliances, min(len(alliances), rnd.randint(0, 2))):
            b.rel("JOINED", u, a, since="2024-01-01")
        for bd in rnd.sample(buildings, min(len(buildings), rnd.randint(0, 2))):
            b.rel("MANAGES", u, bd)
    orgs = [f"o{i}" for i in range(rnd.randint(0, 3 * size))]
    all_areas = streets + communities + grids + buildings
    for i, o in enumerate(orgs):
        b.node("PartyOrganization", o, name=o, level=rnd.choice(LEVELS), star=rnd.choice(STARS))
        if all_areas and rnd.random() < 0.7:
            b.rel("GOVERNS", o, rnd.choice(all_areas))
        if i > 0 and rnd.random() < 0.7:
            b.rel("REPORTS_TO", o, orgs[rnd.randrange(i)])
        if units and rnd.random() < 0.2:
            b.rel("BRANCH_OF", o, rnd.choice(units))
    for a in alliances:
        if orgs and rnd.random() < 0.7:
            b.rel("LED_BY", a, rnd.choice(orgs))
    return b.graph


# --- brute force ---------------------------------------------------------------------


def label(G: Any, n: str) -> str:
    return str(G.nodes[n].get("label"))


def edges_of(G: Any, rel_type: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [(u, v, d) for u, v, _k, d in G.edges(keys=True, data=True) if d.get("type") == rel_type]


def containers(G: Any) -> dict[str, set[str]]:
    """Node → every area above it through PART_OF (itself included for areas)."""
    P = nx.DiGraph()
    P.add_nodes_from(G.nodes)
    P.add_edges_from((u, v) for u, v, _ in edges_of(G, "PART_OF"))
    out = {}
    for n in G.nodes:
        up = nx.descendants(P, n)
        if label(G, n) in ("Street", "Community", "Grid", "Building"):
            up.add(n)
        out[n] = up
    return out


def nodes_with(G: Any, lab: str) -> list[str]:
    return sorted(n for n in G.nodes if label(G, n) == lab)


def areas(G: Any) -> list[str]:
    return sorted(n for n in G.nodes if label(G, n) in ("Street", "Community", "Grid", "Building"))


def is_vanguard(G: Any, n: str) -> bool:
    return label(G, n) == "PartyMember" and G.nodes[n].get("vanguard") is True


def brute_coverage(G: Any, as_of: dt.date) -> dict[str | None, dict[str, int]]:
    """Per area (None: city): households total/covered/active, members total/covered."""
    up = containers(G)
    links = {(u, v) for u, v, _ in edges_of(G, "LINKS") if is_vanguard(G, u)}
    covered = {v for u, v in links if label(G, v) == "Household"}
    lo = as_of - dt.timedelta(days=30)
    active = {
        v for u, v, d in edges_of(G, "VISITED") if (u, v) in links and lo <= dt.date.fromisoformat(d["on"]) <= as_of
    }
    homes: dict[str, str] = {}
    for u, v, _ in edges_of(G, "LIVES_IN"):
        homes.setdefault(u, v)
    others = [m for m in nodes_with(G, "PartyMember") if not is_vanguard(G, m)]
    covered_m = {v for u, v in links if v in others}
    households = nodes_with(G, "Household")
    out: dict[str | None, dict[str, int]] = {}
    for x in [None, *areas(G)]:
        hs = [h for h in households if x is None or x in up[h]]
        ms = [m for m in others if x is None or (m in homes and x in up[homes[m]])]
        out[x] = {
            "total": len(hs),
            "covered": sum(1 for h in hs if h in covered),
            "active": sum(1 for h in hs if h in covered and h in active),
            "members": len(ms),
            "members_covered": sum(1 for m in ms if m in covered_m),
        }
    return out


def brute_reach_sets(G: Any) -> dict[str, set[str]]:
    """Unit → the households it reaches."""
    up = containers(G)
    households = nodes_with(G, "Household")
    joined: dict[str, set[str]] = {}
    for u, v, _ in edges_of(G, "JOINED"):
        joined.setdefault(u, set()).add(v)
    serves: dict[str, set[str]] = {}
    for a, x, _ in edges_of(G, "SERVES"):
        serves.setdefault(a, set()).add(x)
    manages: dict[str, set[str]] = {}
    for u, bd, _ in edges_of(G, "MANAGES"):
        manages.setdefault(u, set()).add(bd)
    out = {}
    for u in nodes_with(G, "AllianceMember"):
        targets = set(manages.get(u, set()))
        for a in joined.get(u, set()):
            targets |= serves.get(a, set())
        out[u] = {h for h in households if up[h] & targets}
    return out


def resources_of(G: Any, u: str) -> list[str]:
    return list(G.nodes[u].get("resources") or [])


def union(sets: Iterable[set[str]]) -> set[str]:
    out: set[str] = set()
    for s in sets:
        out |= s
    return out
