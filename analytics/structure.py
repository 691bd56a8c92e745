"""Structure completeness: is every grid and building organised, every community in an alliance?

Definitions (docs/design.md "Analytics definitions", made exact here):

- A grid *has a branch* when a PartyOrganization of level GRID_BRANCH, GRID_GROUP or
  BUILDING_GROUP GOVERNS it (网格党支部 or 党小组, "every grid gets a party branch or party
  group"; a grid-level group is GRID_GROUP, BUILDING_GROUP governing a grid is older data).
  Grids governed by a group and no branch are counted as ``grids_with_group_only``.
- A building *has a group* when a PartyOrganization of level BUILDING_GROUP GOVERNS it.
- A community *has an alliance* when an Alliance SERVES it or the street it is PART_OF.
- Grid size: a grid's norm is its own ``target_households`` when set, else ``grid_norm``
  (300).  A grid is *off norm* when its household count lies outside
  ``[norm * (1 - tolerance), norm * (1 + tolerance)]`` (default 150..450).  Grids whose
  ``target_households`` differs from ``grid_norm`` are listed as well.
- Star spread: per street, the ``star`` of every *branch* under the street (the "双强双优"
  campaign rates branches, never party groups nor street committees): every GRID_BRANCH and
  UNIT_BRANCH, and a COMMUNITY_COMMITTEE that is rated (a community-level branch; the
  contract does not tell one from a community committee, which is not rated, so an unrated
  one counts as a committee).  Under the street: the organization GOVERNS an area within the
  street, or, governing nothing itself, REPORTS_TO (transitively) one that does.  ``null``
  counts the unrated branches.  The star is the one the projection shows: the final
  assessment's result when the branch has assessments (docs/design.md 7.13).
  With an ``area`` below a street, only the street of the area is reported, counting the
  organizations under the area.
- Villages: the communities of kind VILLAGE (村) among the scope's communities; the others
  (kind COMMUNITY or none) are urban communities.
- The fourth level (党员中心户/先锋驿站): a VanguardStation *has a group* when it is ATTACHED_TO a
  PartyOrganization of level BUILDING_GROUP or GRID_GROUP (stations are set by the party
  groups, 根据党小组划分).  Stations are those LOCATED_IN a building of the scope.
- Rates are over the areas of the scope (None when there are none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analytics._common import JsonResult, name_of, node_data, nodes_by_label, pred, rate, require_area, succ
from analytics.areas import AreaIndex
from graph_schema import CommunityKind, Label, OrgLevel, RelType, Star
from graph_schema.contract import GRID_HOUSEHOLDS_NORM, GRID_SIZE_TOLERANCE, check_norm

_GOVERNS = RelType.GOVERNS.value
_REPORTS_TO = RelType.REPORTS_TO.value
_SERVES = RelType.SERVES.value
_ORG = Label.PARTY_ORGANIZATION.value
_GRID_LEVELS = frozenset({OrgLevel.GRID_BRANCH.value, OrgLevel.GRID_GROUP.value, OrgLevel.BUILDING_GROUP.value})
_GROUP_LEVELS = frozenset({OrgLevel.GRID_GROUP.value, OrgLevel.BUILDING_GROUP.value})
_ATTACHED_TO = RelType.ATTACHED_TO.value
_LOCATED_IN = RelType.LOCATED_IN.value
_STATION = Label.VANGUARD_STATION.value
_VILLAGE = CommunityKind.VILLAGE.value
NULL_STAR = "null"
_BRANCH_LEVELS = frozenset({OrgLevel.GRID_BRANCH.value, OrgLevel.UNIT_BRANCH.value})
"""Levels the campaign always rates; a COMMUNITY_COMMITTEE counts only when it is rated."""
_RATED_WHEN_STARRED = frozenset({OrgLevel.COMMUNITY_COMMITTEE.value})


def is_rated_branch(props: dict[str, Any]) -> bool:
    """Whether an organization counts in the star spread (see the module docstring).

    >>> is_rated_branch({"level": "GRID_BRANCH"}), is_rated_branch({"level": "BUILDING_GROUP", "star": "QUALIFIED"})
    (True, False)
    >>> committee = {"level": "COMMUNITY_COMMITTEE"}
    >>> is_rated_branch(committee), is_rated_branch({**committee, "star": "EXCELLENT"})
    (False, True)
    >>> is_rated_branch({"level": "UNIT_BRANCH", "external": True})
    False
    """
    if props.get("external"):
        return False  # a branch outside the city is rated where it belongs, not in this campaign
    level = props.get("level")
    return level in _BRANCH_LEVELS or (level in _RATED_WHEN_STARRED and props.get("star") is not None)


def organization_areas(G: Any, index: AreaIndex) -> dict[str, frozenset[str]]:
    """Each PartyOrganization's areas: those it GOVERNS, else (transitively) its REPORTS_TO parent's.

    >>> from analytics.projection import tiny_city
    >>> G = tiny_city()
    >>> homes = organization_areas(G, AreaIndex.build(G))
    >>> sorted(homes["o_g1"]), sorted(homes["o_u2"])
    (['g1'], ['c1'])
    """
    nodes = node_data(G)
    out = succ(G)
    orgs = nodes_by_label(G).get(_ORG, [])
    own: dict[str, frozenset[str]] = {}
    parent: dict[str, str] = {}
    for o in orgs:
        areas = []
        for t, keys in out[o].items():
            if _GOVERNS in keys and index.label(t) is not None:
                areas.append(t)
            if _REPORTS_TO in keys and nodes[t].get("label") == _ORG and t != o:
                parent.setdefault(o, t)
        own[o] = frozenset(areas)
    homes: dict[str, frozenset[str]] = {}
    for o in orgs:
        path: list[str] = []
        on_path: set[str] = set()
        cur = o
        while cur not in homes:
            if own[cur]:
                homes[cur] = own[cur]
                break
            up = parent.get(cur)
            if up is None or cur in on_path:
                homes[cur] = frozenset()
                break
            path.append(cur)
            on_path.add(cur)
            cur = up
        for c in path:
            homes[c] = homes[cur]
    return homes


@dataclass(frozen=True, slots=True)
class GridSize(JsonResult):
    id: str
    name: str | None
    households: int
    target: int
    deviation: float
    """``households / target - 1``."""
    custom_target: bool


@dataclass(frozen=True, slots=True)
class StarSpread(JsonResult):
    street: str
    name: str | None
    organizations: int
    """The branches counted (the name is kept from when every organization was)."""
    counts: dict[str, int]
    """Per ``Star`` value, and ``null`` for unrated branches."""


@dataclass(frozen=True, slots=True)
class StructureReport(JsonResult):
    """Structure completeness of an area (None: the city)."""

    area: str | None
    label: str
    name: str | None
    grids: int
    grids_with_branch: int
    grids_with_branch_rate: float | None
    buildings: int
    buildings_with_group: int
    buildings_with_group_rate: float | None
    communities: int
    communities_with_alliance: int
    communities_with_alliance_rate: float | None
    grid_norm: int
    tolerance: float
    grids_off_norm: tuple[GridSize, ...]
    """Sorted by id."""
    grids_with_custom_target: tuple[GridSize, ...]
    grids_without_branch: tuple[str, ...]
    communities_without_alliance: tuple[str, ...]
    star_spread: tuple[StarSpread, ...]
    villages: int = 0
    """Communities of kind VILLAGE (村) among ``communities``."""
    grids_with_group_only: int = 0
    """Grids governed by a party group (GRID_GROUP, or BUILDING_GROUP) but no GRID_BRANCH."""
    stations: int = 0
    """Vanguard stations located in the scope's buildings."""
    stations_with_group: int = 0
    stations_with_group_rate: float | None = None
    stations_without_group: tuple[str, ...] = ()
    """Stations ATTACHED_TO no party group, sorted by id."""


def _target(value: Any, default: int) -> tuple[int, bool]:
    try:
        t = int(value)
    except (TypeError, ValueError):
        return default, False
    return (t, t != default) if t > 0 else (default, False)


def structure(
    G: Any,
    area: str | None = None,
    *,
    grid_norm: int = GRID_HOUSEHOLDS_NORM,
    tolerance: float = GRID_SIZE_TOLERANCE,
    index: AreaIndex | None = None,
) -> StructureReport:
    """Branch, group and alliance completeness, grid sizes and star spread of an area.

    Parameters
    ----------
    grid_norm : int
        Households per grid (about 300: 每300户左右为1个网格).
    tolerance : float
        Relative deviation from a grid's norm still considered normal.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> r = structure(tiny_city(), tolerance=0.99)
    >>> r.grids_with_branch_rate, r.buildings_with_group_rate, r.communities_with_alliance_rate
    (0.3333333333333333, 0.25, 0.5)
    >>> [g.id for g in r.grids_off_norm], r.star_spread[0].counts["EXCELLENT"], r.star_spread[0].counts["null"]
    (['g1', 'g2', 'g3'], 1, 0)
    >>> r.star_spread[0].organizations  # o_c1, o_g1, o_u2: not the street committee nor the building group
    3
    >>> r.villages, r.grids_with_group_only, r.stations, r.stations_without_group
    (0, 0, 0, ())
    """
    check_norm("grid_norm", grid_norm)
    check_norm("tolerance", tolerance)
    nodes = node_data(G)
    label = require_area(nodes, area)
    idx = index or AreaIndex.build(G)
    into = pred(G)

    def governed(a: str, levels: frozenset[str]) -> bool:
        return any(
            _GOVERNS in keys and nodes[o].get("label") == _ORG and nodes[o].get("level") in levels
            for o, keys in into[a].items()
        )

    grids = idx.areas_under(area, Label.GRID.value)
    with_branch = [g for g in grids if governed(g, _GRID_LEVELS)]
    buildings = idx.areas_under(area, Label.BUILDING.value)
    with_group = sum(1 for b in buildings if governed(b, frozenset({OrgLevel.BUILDING_GROUP.value})))
    group_only = sum(1 for g in with_branch if not governed(g, frozenset({OrgLevel.GRID_BRANCH.value})))
    out = succ(G)
    stations = sorted(
        {
            s
            for b in buildings
            for s, keys in into[b].items()
            if _LOCATED_IN in keys and nodes[s].get("label") == _STATION
        }
    )
    attached = [
        s
        for s in stations
        if any(
            _ATTACHED_TO in keys and nodes[o].get("label") == _ORG and nodes[o].get("level") in _GROUP_LEVELS
            for o, keys in out[s].items()
        )
    ]
    attached_set = set(attached)
    communities = idx.areas_under(area, Label.COMMUNITY.value)
    villages = sum(1 for c in communities if nodes[c].get("kind") == _VILLAGE)
    served: set[str] = set()
    for a in (*communities, *idx.areas_under(area, Label.STREET.value), *{idx.path(c).street for c in communities}):
        if a is not None and any(_SERVES in keys for keys in into[a].values()):
            served.add(a)
    with_alliance = [c for c in communities if c in served or any(up in served for up in idx.ancestors(c))]

    sizes: list[GridSize] = []
    for g in grids:
        target, custom = _target(nodes[g].get("target_households"), grid_norm)
        n = idx.household_count(g)
        sizes.append(GridSize(g, idx.name(g), n, target, n / target - 1, custom))
    off = tuple(s for s in sizes if not target_ok(s.households, s.target, tolerance))

    branch_set, alliance_set = set(with_branch), set(with_alliance)
    homes = organization_areas(G, idx)
    streets = idx.areas_under(area, Label.STREET.value)
    if area is not None and label != Label.STREET.value:
        street = idx.path(area).street
        streets = [street] if street is not None else []
    counts: dict[str, dict[str, int]] = {s: {**{v.value: 0 for v in Star}, NULL_STAR: 0} for s in streets}
    for o, areas in homes.items():
        if not is_rated_branch(nodes[o]):
            continue
        inside = [a for a in areas if idx.within(a, area)]
        for s in {idx.path(a).street for a in inside}:
            if s in counts:
                star = nodes[o].get("star")
                key = NULL_STAR if star is None else str(star)
                counts[s][key] = counts[s].get(key, 0) + 1
    spread = tuple(StarSpread(s, idx.name(s), sum(counts[s].values()), counts[s]) for s in streets)
    return StructureReport(
        area=area,
        label=label,
        name=name_of(nodes[area]) if area is not None else None,
        grids=len(grids),
        grids_with_branch=len(with_branch),
        grids_with_branch_rate=rate(len(with_branch), len(grids)),
        buildings=len(buildings),
        buildings_with_group=with_group,
        buildings_with_group_rate=rate(with_group, len(buildings)),
        communities=len(communities),
        communities_with_alliance=len(with_alliance),
        communities_with_alliance_rate=rate(len(with_alliance), len(communities)),
        grid_norm=grid_norm,
        tolerance=tolerance,
        grids_off_norm=off,
        grids_with_custom_target=tuple(s for s in sizes if s.custom_target),
        grids_without_branch=tuple(g for g in grids if g not in branch_set),
        communities_without_alliance=tuple(c for c in communities if c not in alliance_set),
        star_spread=spread,
        villages=villages,
        grids_with_group_only=group_only,
        stations=len(stations),
        stations_with_group=len(attached),
        stations_with_group_rate=rate(len(attached), len(stations)),
        stations_without_group=tuple(s for s in stations if s not in attached_set),
    )


def target_ok(households: int, target: int, tolerance: float) -> bool:
    """Whether a grid of ``households`` is within ``tolerance`` of its ``target``.

    >>> target_ok(150, 300, 0.5), target_ok(149, 300, 0.5), target_ok(451, 300, 0.5)
    (True, False, False)
    """
    return target * (1 - tolerance) <= households <= target * (1 + tolerance)
