"""Linkage coverage (党员联户 "1+10+N"): who is linked by a vanguard member, and who is not.

Definitions (docs/design.md "Analytics definitions", made exact here):

- A *vanguard* is a PartyMember whose ``vanguard`` property is ``True``.
- A household is *covered* when some vanguard has a LINKS relationship to it.  LINKS from
  members who are not vanguards do not count.
- Member coverage is over the *non-vanguard* party members: one is covered when some
  vanguard LINKS them.  An area's members are those who LIVE_IN one of its households; the
  city's are all non-vanguard PartyMember nodes, residence known or not, so the city total
  can exceed the sum over its streets.
- *Active* coverage as of a date ``D``: a covered household with a VISITED relationship
  ``on`` a day in ``[D - 30 days, D]`` (31 days, both ends included) from a vanguard who
  LINKS it.  VISITED goes to households only, so active coverage is about households.
- A rate is ``covered / total``, None when the total is 0.
- *Vanguard load*: a vanguard's linked party members (any, vanguards included) and linked
  households.  Overloaded: members above ``overload_factor * members_norm`` or households
  above ``overload_factor * households_norm``.  Idle: no LINKS at all.  A vanguard belongs
  to an area when they LIVE_IN a household under it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from analytics._common import JsonResult, Ratio, node_data, parse_date, rate, require_area, string_list, succ
from analytics.areas import AreaIndex, breakdown_level
from graph_schema import Label, RelType
from graph_schema.contract import HOUSEHOLDS_NORM, MEMBERS_NORM, OVERLOAD_FACTOR, check_norm

ACTIVE_WINDOW_DAYS = 31
"""The active-coverage window: the 31 days up to and including ``as_of``."""

_LINKS = RelType.LINKS.value
_VISITED = RelType.VISITED.value
_HOUSEHOLD = Label.HOUSEHOLD.value
_MEMBER = Label.PARTY_MEMBER.value


class Linkage:
    """Who links whom: every vanguard's LINKS, computed once per graph.

    A snapshot of one projection, like :class:`analytics.areas.AreaIndex`: it memoises the
    per-area counts (per index) and the active households (per date), so that a second
    :func:`coverage` call on the same graph, for any area, costs only its breakdown rows.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> link = Linkage.build(tiny_city())
    >>> link.vanguards, sorted(link.covered_households), sorted(link.covered_members)
    (('v1', 'v2'), ['h2', 'h3', 'h5'], ['m1'])
    >>> sorted(link.active_households(tiny_city(), "2026-11-02"))
    ['h2']
    >>> sorted(link.active_households(tiny_city(), "2026-11-03"))
    []
    """

    __slots__ = (
        "_active",
        "_active_counts",
        "_counts",
        "covered_households",
        "covered_members",
        "households",
        "members",
        "non_vanguards",
        "vanguards",
    )

    def __init__(
        self,
        vanguards: Sequence[str],
        households: Mapping[str, frozenset[str]],
        members: Mapping[str, frozenset[str]],
        non_vanguards: frozenset[str],
    ) -> None:
        self.vanguards: tuple[str, ...] = tuple(vanguards)
        """Vanguard member ids, sorted."""
        self.households: Mapping[str, frozenset[str]] = households
        """Vanguard id → the households it LINKS."""
        self.members: Mapping[str, frozenset[str]] = members
        """Vanguard id → the party members it LINKS (vanguards included)."""
        self.non_vanguards: frozenset[str] = non_vanguards
        """Every PartyMember that is not a vanguard."""
        self.covered_households: frozenset[str] = frozenset().union(*households.values())
        self.covered_members: frozenset[str] = frozenset().union(*members.values()) & non_vanguards
        self._counts: tuple[AreaIndex, dict[str, dict[str, int]]] | None = None
        self._active: dict[str, frozenset[str]] = {}
        self._active_counts: dict[tuple[int, str], tuple[AreaIndex, dict[str, int]]] = {}

    @classmethod
    def build(cls, G: Any, party_members: Sequence[str] | None = None) -> Linkage:
        """Scan the vanguards' outgoing LINKS (O(vanguards' relationships)); ``party_members``: the
        PartyMember ids of ``G`` in graph order when already known (``AreaIndex.nodes_by_label``),
        which saves a pass over every node.

        >>> from analytics.projection import tiny_city
        >>> from analytics._common import nodes_by_label
        >>> G = tiny_city()
        >>> a, b = Linkage.build(G), Linkage.build(G, nodes_by_label(G).get("PartyMember", []))
        >>> parts = ("vanguards", "households", "members", "non_vanguards")
        >>> [getattr(a, p) for p in parts] == [getattr(b, p) for p in parts]
        True
        """
        nodes = node_data(G)
        out = succ(G)
        vanguards: list[str] = []
        others: list[str] = []
        if party_members is None:
            party_members = [n for n, data in nodes.items() if data.get("label") == _MEMBER]
        for n in party_members:
            (vanguards if nodes[n].get("vanguard") is True else others).append(n)
        vanguards.sort()
        households: dict[str, frozenset[str]] = {}
        members: dict[str, frozenset[str]] = {}
        for v in vanguards:
            hs: list[str] = []
            ms: list[str] = []
            for target, keys in out[v].items():
                if _LINKS in keys:
                    label = nodes[target].get("label")
                    if label == _HOUSEHOLD:
                        hs.append(target)
                    elif label == _MEMBER:
                        ms.append(target)
            households[v] = frozenset(hs)
            members[v] = frozenset(ms)
        return cls(vanguards, households, members, frozenset(others))

    def counts(self, index: AreaIndex) -> dict[str, dict[str, int]]:
        """Per-area counts (``households``, ``members``, ``members_covered``), memoised per index."""
        if self._counts is not None and self._counts[0] is index:
            return self._counts[1]
        members_total: dict[str, int] = {}
        members_covered: dict[str, int] = {}
        covered_m = self.covered_members
        for m in self.non_vanguards:
            b = index.member_building(m)
            if b is not None:
                members_total[b] = members_total.get(b, 0) + 1
                if m in covered_m:
                    members_covered[b] = members_covered.get(b, 0) + 1
        out = {
            "households": index.rollup(index.count_by_building(self.covered_households)),
            "members": index.rollup(members_total),
            "members_covered": index.rollup(members_covered),
        }
        self._counts = (index, out)
        return out

    def active_counts(self, G: Any, index: AreaIndex, as_of: dt.date | str) -> dict[str, int]:
        """Actively covered households per area as of a date, memoised per index and date."""
        key = (id(index), parse_date(as_of).isoformat())
        known = self._active_counts.get(key)
        if known is not None and known[0] is index:
            return known[1]
        if len(self._active_counts) > 16:
            self._active_counts.clear()
        rolled = index.rollup(index.count_by_building(self.active_households(G, as_of)))
        self._active_counts[key] = (index, rolled)
        return rolled

    def active_households(self, G: Any, as_of: dt.date | str) -> frozenset[str]:
        """Covered households VISITED within the window ending ``as_of`` by a vanguard that LINKS them.

        Memoised per date (the linkage is a snapshot of ``G``, like the index).
        """
        day = parse_date(as_of)
        known = self._active.get(day.isoformat())
        if known is not None:
            return known
        lo = (day - dt.timedelta(days=ACTIVE_WINDOW_DAYS - 1)).isoformat()
        hi = day.isoformat()
        out = succ(G)
        active: set[str] = set()
        for v, hs in self.households.items():
            adj = out[v]
            for h in hs:
                if h in active:
                    continue
                for data in adj[h].values():
                    if data.get("type") == _VISITED and lo <= str(data.get("on", ""))[:10] <= hi:
                        active.add(h)
                        break
        if len(self._active) > 16:
            self._active.clear()
        self._active[hi] = frozenset(active)
        return self._active[hi]


# --- results -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActiveCoverage(JsonResult):
    """Households actively covered as of ``as_of`` (window ``window_start`` … ``as_of``)."""

    as_of: str
    window_start: str
    households: int
    rate: float | None
    """Over all households of the area."""
    share_of_covered: float | None
    """Over the covered households of the area."""


@dataclass(frozen=True, slots=True)
class AreaCoverage(JsonResult):
    """Coverage of one area (a breakdown row)."""

    area: str
    label: str
    name: str | None
    households: Ratio
    members: Ratio
    active: ActiveCoverage | None


@dataclass(frozen=True, slots=True)
class CoverageReport(JsonResult):
    """Coverage of an area (``area`` None: the city) and of the areas one level (or ``by``) below.

    JSON: ``{area, label, name, households: {total, covered, rate}, members: {total, covered,
    rate}, active: {as_of, window_start, households, rate, share_of_covered} | null, by,
    breakdown: [{area, label, name, households, members, active}]}``.
    """

    area: str | None
    label: str
    name: str | None
    households: Ratio
    members: Ratio
    active: ActiveCoverage | None
    by: str | None
    breakdown: tuple[AreaCoverage, ...]


@dataclass(frozen=True, slots=True)
class VanguardLoad(JsonResult):
    """One vanguard's links against the norms, and where the vanguard lives."""

    id: str
    members: int
    households: int
    status: Literal["idle", "ok", "overloaded"]
    building: str | None = None
    grid: str | None = None


@dataclass(frozen=True, slots=True)
class LoadReport(JsonResult):
    """Vanguard load in an area: averages, the overloaded and the idle (sorted by id)."""

    area: str | None
    members_norm: int
    households_norm: int
    overload_factor: float
    vanguards: int
    linked_members: int
    linked_households: int
    mean_members: float | None
    mean_households: float | None
    overloaded: tuple[VanguardLoad, ...]
    idle: tuple[VanguardLoad, ...]
    loads: tuple[VanguardLoad, ...]
    """Every vanguard of the area when asked for (``include_all=True``), else empty."""


@dataclass(frozen=True, slots=True)
class UncoveredHousehold(JsonResult):
    id: str
    building: str | None
    grid: str | None
    size: int | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UncoveredReport(JsonResult):
    """Households under ``area`` that no vanguard LINKS, sorted by grid, building and id."""

    area: str | None
    total: int
    """How many are uncovered (all of them, even when ``households`` is truncated)."""
    households: tuple[UncoveredHousehold, ...]
    truncated: bool


# --- functions -----------------------------------------------------------------------


def coverage(
    G: Any,
    area: str | None = None,
    *,
    as_of: dt.date | str | None = None,
    by: str | None = None,
    breakdown: bool = True,
    index: AreaIndex | None = None,
    linkage: Linkage | None = None,
) -> CoverageReport:
    """Household and member linkage coverage of an area, and of the areas below it.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A store projection.
    area : str, optional
        A Street, Community, Grid or Building id; None for the whole city.
    as_of : date or ISO str, optional
        Adds active coverage over the 31 days up to ``as_of``; None leaves ``active`` null.
    by : str, optional
        The breakdown level (an area label below ``area``); default one level down.
    breakdown : bool
        False skips the per-area rows.
    index, linkage : optional
        Prebuilt :class:`AreaIndex` / :class:`Linkage` of ``G`` (built when None).

    Returns
    -------
    CoverageReport

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> r = coverage(tiny_city(), as_of="2026-10-31")
    >>> r.households, r.members
    (Ratio(total=8, covered=3, rate=0.375), Ratio(total=3, covered=1, rate=0.3333333333333333))
    >>> r.active.households, r.by, [row.area for row in r.breakdown]
    (1, 'Street', ['st1'])
    >>> g1 = coverage(tiny_city(), "g1").to_dict()
    >>> g1["households"], g1["members"]
    ({'total': 3, 'covered': 2, 'rate': 0.6666666666666666}, {'total': 2, 'covered': 1, 'rate': 0.5})
    >>> [(row["area"], row["households"]["covered"]) for row in g1["breakdown"]]
    [('b1', 1), ('b2', 1)]
    """
    label = require_area(node_data(G), area)
    idx = index or AreaIndex.build(G)
    link = linkage or Linkage.build(G)
    level = breakdown_level(label, by, breakdown)
    active_set = link.active_households(G, as_of) if as_of is not None else None
    window = None
    if as_of is not None:
        day = parse_date(as_of)
        window = (day.isoformat(), (day - dt.timedelta(days=ACTIVE_WINDOW_DAYS - 1)).isoformat())

    counts = link.counts(idx)
    covered_h, members_total, members_covered = counts["households"], counts["members"], counts["members_covered"]
    active_h = link.active_counts(G, idx, as_of) if as_of is not None else {}

    def active_of(a: str | None, total: int, covered: int) -> ActiveCoverage | None:
        if window is None or active_set is None:
            return None
        n = len(active_set) if a is None else active_h.get(a, 0)
        return ActiveCoverage(window[0], window[1], n, rate(n, total), rate(n, covered))

    def row(a: str) -> AreaCoverage:
        total, covered = idx.household_count(a), covered_h.get(a, 0)
        return AreaCoverage(
            area=a,
            label=str(idx.label(a)),
            name=idx.name(a),
            households=Ratio.of(covered, total),
            members=Ratio.of(members_covered.get(a, 0), members_total.get(a, 0)),
            active=active_of(a, total, covered),
        )

    if area is None:
        hh = Ratio.of(len(link.covered_households), idx.household_count())
        mem = Ratio.of(len(link.covered_members), len(link.non_vanguards))
        top_active = active_of(None, hh.total, hh.covered)
    else:
        top = row(area)
        hh, mem, top_active = top.households, top.members, top.active
    rows = tuple(row(a) for a in idx.areas_under(area, level)) if level is not None else ()
    return CoverageReport(area, label, idx.name(area), hh, mem, top_active, level, rows)


def vanguard_load(
    G: Any,
    area: str | None = None,
    *,
    members_norm: int = MEMBERS_NORM,
    households_norm: int = HOUSEHOLDS_NORM,
    overload_factor: float = OVERLOAD_FACTOR,
    include_all: bool = False,
    index: AreaIndex | None = None,
    linkage: Linkage | None = None,
) -> LoadReport:
    """Linked members and households per vanguard against the 1+10+N norms.

    Parameters
    ----------
    members_norm, households_norm : int
        The norms (about 10 members; N households, 15 by default: the article's average is
        12.5).
    overload_factor : float
        Overloaded above this multiple of either norm.
    include_all : bool
        Also list every vanguard's load in ``loads``.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> r = vanguard_load(tiny_city(), households_norm=1, overload_factor=1.5)
    >>> r.vanguards, r.mean_households, [v.id for v in r.overloaded], r.idle
    (2, 1.5, ['v1'], ())
    """
    check_norm("members_norm", members_norm)
    check_norm("households_norm", households_norm)
    check_norm("overload_factor", overload_factor)
    require_area(node_data(G), area)
    idx = index or AreaIndex.build(G)
    link = linkage or Linkage.build(G)
    over_m = overload_factor * members_norm
    over_h = overload_factor * households_norm
    loads: list[VanguardLoad] = []
    for v in link.vanguards:
        b = idx.member_building(v)
        if area is not None and (b is None or not idx.within(b, area)):
            continue
        nm, nh = len(link.members[v]), len(link.households[v])
        status: Literal["idle", "ok", "overloaded"] = (
            "idle" if nm + nh == 0 else "overloaded" if nm > over_m or nh > over_h else "ok"
        )
        loads.append(VanguardLoad(v, nm, nh, status, b, idx.path(b).grid if b is not None else None))
    total_m = sum(x.members for x in loads)
    total_h = sum(x.households for x in loads)
    return LoadReport(
        area=area,
        members_norm=members_norm,
        households_norm=households_norm,
        overload_factor=overload_factor,
        vanguards=len(loads),
        linked_members=total_m,
        linked_households=total_h,
        mean_members=rate(total_m, len(loads)),
        mean_households=rate(total_h, len(loads)),
        overloaded=tuple(x for x in loads if x.status == "overloaded"),
        idle=tuple(x for x in loads if x.status == "idle"),
        loads=tuple(loads) if include_all else (),
    )


def uncovered_households(
    G: Any,
    area: str | None = None,
    *,
    limit: int | None = None,
    index: AreaIndex | None = None,
    linkage: Linkage | None = None,
) -> UncoveredReport:
    """The households under ``area`` that no vanguard LINKS (at most ``limit`` listed).

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> r = uncovered_households(tiny_city(), "c2", limit=1)
    >>> r.total, r.truncated, r.households[0]
    (2, True, UncoveredHousehold(id='h6', building='b4', grid='g3', size=1, tags=('ELDERLY_ALONE',)))
    """
    nodes = node_data(G)
    require_area(nodes, area)
    idx = index or AreaIndex.build(G)
    link = linkage or Linkage.build(G)
    covered = link.covered_households
    rows: list[tuple[str, str, str]] = []
    grid_of: dict[str | None, str] = {None: ""}
    for h in idx.households(area):
        if h not in covered:
            b = idx.building_of(h)
            if b is not None and b not in grid_of:
                grid_of[b] = idx.path(b).grid or ""
            rows.append((grid_of[b], b or "", h))
    rows.sort()
    shown = rows if limit is None else rows[: max(limit, 0)]
    out: list[UncoveredHousehold] = []
    for grid, building, h in shown:
        data = nodes[h]
        size = data.get("size")
        out.append(
            UncoveredHousehold(
                h,
                building or None,
                grid or None,
                int(size) if size is not None else None,
                string_list(data.get("tags")),
            )
        )
    return UncoveredReport(area, len(rows), tuple(out), len(shown) < len(rows))
