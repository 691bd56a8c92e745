"""A scipy.sparse formulation of linkage coverage and resource reach: the analytics bench's baseline.

Same definitions and same result types as :func:`analytics.coverage.coverage` and
:func:`analytics.reach.reach`; the test suite checks that they agree on random graphs
(``tests/unit/analytics/test_analytics_properties.py``) and on both stores' projections
(``tests/contract/test_analytics_contract.py``), and ``bench/analytics_bench.py`` times
both.  It lives here, not in :mod:`analytics`, because it is not faster where it would be
used (measured on the ``jiangyin`` preset, 365k nodes): building its matrices takes 1.6 s
against 0.8 s for the ``AreaIndex`` and ``Linkage`` that every other analysis needs anyway;
from a projection it is 3-4x slower than networkx; with everything prebuilt, coverage takes
0.05 s against 0.28 s but reach 0.18 s against 0.08 s.  The
projection is converted once into index arrays and sparse matrices
(:meth:`SparseProjection.from_graph`, one pass over the edges); the measures are then a few
sparse products:

- ``A`` (areas × households): ``A[x, h] = 1`` when household ``h`` is under area ``x``;
  ``D`` (areas × buildings) likewise for buildings, ``W`` (areas × areas) for areas;
- ``L`` (members × households) and ``Lm`` (members × members): LINKS; ``P`` (households ×
  members): LIVES_IN; ``vanguard``: the vanguard indicator over members;
- covered households ``= L.T @ vanguard > 0``; per area ``A @ covered``;
- active households: ``(L ∘ V_window).T @ vanguard > 0`` with ``V_window`` the VISITED
  pairs inside the window (``∘``: elementwise product);
- ``J`` (units × alliances): JOINED, ``S`` (alliances × areas): SERVES, ``M`` (units ×
  buildings): MANAGES; unit reach at building granularity ``R = (J @ S @ D + M) > 0``;
  households per unit ``R @ w`` with ``w`` the households per building; per resource kind
  ``(K @ R > 0) @ w`` with ``K`` (kinds × units) the resource offer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from analytics._common import CITY, Ratio, name_of, node_data, parse_date, string_list
from analytics.areas import breakdown_level
from analytics.coverage import ACTIVE_WINDOW_DAYS, ActiveCoverage, AreaCoverage, CoverageReport
from analytics.reach import AreaReach, Reached, ReachReport, ResourceReach, UnitReach
from graph_schema import Label, NotFoundError, RelType, ResourceKind

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_AREA_LABELS = (Label.STREET.value, Label.COMMUNITY.value, Label.GRID.value, Label.BUILDING.value)


def _csr(rows: list[int], cols: list[int], shape: tuple[int, int]) -> Any:
    """A 0/1 CSR matrix with ones at (rows, cols) (duplicates collapse to 1)."""
    data = np.ones(len(rows), dtype=np.int64)
    m = sp.csr_matrix((data, (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))), shape=shape)
    m.data[:] = 1
    return m


def _vec(x: Any) -> IntArray:
    return np.asarray(x, dtype=np.int64).ravel()


class SparseProjection:
    """Index arrays and sparse matrices of one projection.

    Examples
    --------
    >>> from analytics.projection import tiny_city
    >>> s = SparseProjection.from_graph(tiny_city())
    >>> s.A.shape, s.D.shape, int(s.L.nnz), int(s.R.nnz)
    ((10, 8), (10, 4), 3, 4)
    """

    def __init__(self) -> None:
        self.areas: list[str] = []
        self.area_label: list[str] = []
        self.area_name: list[str | None] = []
        self.area_pos: dict[str, int] = {}
        self.households: list[str] = []
        self.members: list[str] = []
        self.vanguard: BoolArray = np.zeros(0, dtype=np.bool_)
        self.units: list[str] = []
        self.unit_info: list[tuple[str | None, str | None, tuple[str, ...]]] = []
        self.alliances: list[str] = []
        self.buildings: IntArray = np.zeros(0, dtype=np.int64)
        self.A: Any = None
        self.D: Any = None
        self.W: Any = None
        self.L: Any = None
        self.Lm: Any = None
        self.P: Any = None
        self.visit_member: IntArray = np.zeros(0, dtype=np.int64)
        self.visit_household: IntArray = np.zeros(0, dtype=np.int64)
        self.visit_day: IntArray = np.zeros(0, dtype=np.int64)
        self.J: Any = None
        self.S: Any = None
        self.M: Any = None
        self.R: Any = None
        self.w: IntArray = np.zeros(0, dtype=np.int64)
        self.kinds: list[str] = []
        self.K: Any = None

    @classmethod
    def from_graph(cls, G: Any) -> SparseProjection:
        """Convert a projection: one pass over nodes, one over edges, then sparse products."""
        self = cls()
        nodes = node_data(G)
        pos: dict[str, int] = {}
        kind_of: dict[str, int] = {}
        by: dict[str, list[str]] = {}
        for n, data in nodes.items():
            by.setdefault(str(data.get("label")), []).append(n)
        # kinds: 0 area, 1 household, 2 member, 3 unit, 4 alliance
        for label in _AREA_LABELS:
            for n in by.get(label, ()):
                pos[n] = len(self.areas)
                kind_of[n] = 0
                self.areas.append(n)
                self.area_label.append(label)
                self.area_name.append(name_of(nodes[n]))
        self.area_pos = {a: i for i, a in enumerate(self.areas)}
        for code, label, target in (
            (1, Label.HOUSEHOLD.value, self.households),
            (2, Label.PARTY_MEMBER.value, self.members),
            (3, Label.ALLIANCE_MEMBER.value, self.units),
            (4, Label.ALLIANCE.value, self.alliances),
        ):
            for n in by.get(label, ()):
                pos[n] = len(target)
                kind_of[n] = code
                target.append(n)
        self.vanguard = np.array([nodes[m].get("vanguard") is True for m in self.members], dtype=np.bool_)
        for u in self.units:
            data = nodes[u]
            kind = data.get("kind")
            self.unit_info.append(
                (name_of(data), None if kind is None else str(kind), string_list(data.get("resources")))
            )
        n_area, n_h, n_m = len(self.areas), len(self.households), len(self.members)
        n_u, n_al = len(self.units), len(self.alliances)
        area_parent = np.full(n_area, -1, dtype=np.int64)
        hh_building = np.full(n_h, -1, dtype=np.int64)
        building_label = Label.BUILDING.value
        rows: dict[str, tuple[list[int], list[int]]] = {t: ([], []) for t in ("L", "Lm", "P", "J", "S", "M")}
        vm: list[int] = []
        vh: list[int] = []
        vd: list[int] = []
        part_of, links, lives_in, visited = (
            RelType.PART_OF.value,
            RelType.LINKS.value,
            RelType.LIVES_IN.value,
            RelType.VISITED.value,
        )
        joined, serves, manages = RelType.JOINED.value, RelType.SERVES.value, RelType.MANAGES.value
        for u, v, data in G.edges(data=True):
            t = data.get("type")
            ku, kv = kind_of.get(u), kind_of.get(v)
            if t == visited:
                if ku == 2 and kv == 1:
                    vm.append(pos[u])
                    vh.append(pos[v])
                    vd.append(parse_date(str(data.get("on"))).toordinal())
            elif t == part_of:
                if ku == 0 and kv == 0 and area_parent[pos[u]] < 0 and u != v:
                    area_parent[pos[u]] = pos[v]
                elif ku == 1 and kv == 0 and self.area_label[pos[v]] == building_label and hh_building[pos[u]] < 0:
                    hh_building[pos[u]] = pos[v]
            elif t == links:
                if ku == 2 and kv == 1:
                    rows["L"][0].append(pos[u])
                    rows["L"][1].append(pos[v])
                elif ku == 2 and kv == 2:
                    rows["Lm"][0].append(pos[u])
                    rows["Lm"][1].append(pos[v])
            elif t == lives_in:
                if ku == 2 and kv == 1:
                    rows["P"][0].append(pos[v])
                    rows["P"][1].append(pos[u])
            elif t == joined:
                if ku == 3 and kv == 4:
                    rows["J"][0].append(pos[u])
                    rows["J"][1].append(pos[v])
            elif t == serves:
                if ku == 4 and kv == 0:
                    rows["S"][0].append(pos[u])
                    rows["S"][1].append(pos[v])
            elif t == manages and ku == 3 and kv == 0 and self.area_label[pos[v]] == building_label:
                rows["M"][0].append(pos[u])
                rows["M"][1].append(pos[v])
        # a member lives in one household (the first seen)
        p_rows, p_cols = rows["P"]
        first: dict[int, int] = {}
        for h, m in zip(p_rows, p_cols, strict=True):
            first.setdefault(m, h)
        # W[y, x] = 1 when area y is x or under x (walk each area's chain, cycle-safe)
        w_rows: list[int] = []
        w_cols: list[int] = []
        for y in range(n_area):
            x, seen = y, set()
            while x >= 0 and x not in seen:
                seen.add(x)
                w_rows.append(x)
                w_cols.append(y)
                x = int(area_parent[x])
        self.W = _csr(w_rows, w_cols, (n_area, n_area))  # W[x, y]: y within x
        self.buildings = np.array([i for i, lab in enumerate(self.area_label) if lab == building_label], dtype=np.int64)
        col_of_building = np.full(n_area, -1, dtype=np.int64)
        col_of_building[self.buildings] = np.arange(len(self.buildings))
        self.D = self.W[:, self.buildings].tocsr()
        placed = np.flatnonzero(hh_building >= 0)
        Hb = _csr(list(col_of_building[hh_building[placed]]), list(placed), (len(self.buildings), n_h))
        self.A = (self.D @ Hb).tocsr()
        self.w = _vec(Hb.sum(axis=1))
        self.L = _csr(*rows["L"], (n_m, n_h))
        self.Lm = _csr(*rows["Lm"], (n_m, n_m))
        self.P = _csr(list(first.values()), list(first.keys()), (n_h, n_m))
        self.visit_member = np.asarray(vm, dtype=np.int64)
        self.visit_household = np.asarray(vh, dtype=np.int64)
        self.visit_day = np.asarray(vd, dtype=np.int64)
        self.J = _csr(*rows["J"], (n_u, n_al))
        self.S = _csr(*rows["S"], (n_al, n_area))
        m_rows, m_cols = rows["M"]
        self.M = _csr(m_rows, [int(col_of_building[c]) for c in m_cols], (n_u, len(self.buildings)))
        R = (self.J @ self.S @ self.D + self.M).tocsr()
        R.data[:] = 1
        self.R = R
        known = [r.value for r in ResourceKind]
        extra = sorted({r for info in self.unit_info for r in info[2]} - set(known))
        self.kinds = known + extra
        k_pos = {k: i for i, k in enumerate(self.kinds)}
        k_rows = [k_pos[r] for info in self.unit_info for r in dict.fromkeys(info[2])]
        k_cols = [u for u, info in enumerate(self.unit_info) for _ in dict.fromkeys(info[2])]
        self.K = _csr(k_rows, k_cols, (len(self.kinds), n_u))
        return self

    # --- helpers -------------------------------------------------------------------------
    def check(self, area: str | None) -> str:
        if area is None:
            return CITY
        if area not in self.area_pos:
            raise NotFoundError(f"{area!r} is not an area (Street, Community, Grid or Building) of this graph")
        return self.area_label[self.area_pos[area]]

    def areas_under(self, area: str | None, label: str) -> list[str]:
        if area is None:
            return sorted(a for a, lab in zip(self.areas, self.area_label, strict=True) if lab == label)
        row = self.W.getrow(self.area_pos[area])
        return sorted(self.areas[y] for y in row.indices if self.area_label[y] == label)


def coverage(
    s: SparseProjection,
    area: str | None = None,
    *,
    as_of: dt.date | str | None = None,
    by: str | None = None,
    breakdown: bool = True,
) -> CoverageReport:
    """:func:`analytics.coverage.coverage` in sparse products (same result).

    >>> from analytics.projection import tiny_city
    >>> from analytics import coverage as nx_coverage
    >>> G = tiny_city()
    >>> coverage(SparseProjection.from_graph(G), as_of="2026-10-31") == nx_coverage(G, as_of="2026-10-31")
    True
    """
    label = s.check(area)
    level = breakdown_level(label, by, breakdown)
    vanguard = s.vanguard.astype(np.int64)
    covered = _vec(s.L.T @ vanguard) > 0
    per_area_total = _vec(s.A.sum(axis=1))
    per_area_covered = _vec(s.A @ covered.astype(np.int64))
    others = ~s.vanguard
    covered_m = (_vec(s.Lm.T @ vanguard) > 0) & others
    members_per_area = _vec(s.A @ (s.P @ others.astype(np.int64)))
    covered_m_per_area = _vec(s.A @ (s.P @ covered_m.astype(np.int64)))
    active_per_area: IntArray | None = None
    active_total = 0
    window: tuple[str, str] | None = None
    if as_of is not None:
        day = parse_date(as_of)
        lo = day - dt.timedelta(days=ACTIVE_WINDOW_DAYS - 1)
        window = (day.isoformat(), lo.isoformat())
        keep = (s.visit_day >= lo.toordinal()) & (s.visit_day <= day.toordinal())
        V = _csr(list(s.visit_member[keep]), list(s.visit_household[keep]), s.L.shape)
        active = (_vec(s.L.multiply(V).T @ vanguard) > 0) & covered
        active_per_area = _vec(s.A @ active.astype(np.int64))
        active_total = int(active.sum())

    def active_of(n: int | None, total: int, cov: int) -> ActiveCoverage | None:
        if window is None or n is None:
            return None
        return ActiveCoverage(window[0], window[1], n, Ratio.of(n, total).rate, Ratio.of(n, cov).rate)

    def row(a: str) -> AreaCoverage:
        i = s.area_pos[a]
        total, cov = int(per_area_total[i]), int(per_area_covered[i])
        act = None if active_per_area is None else int(active_per_area[i])
        return AreaCoverage(
            a,
            s.area_label[i],
            s.area_name[i],
            Ratio.of(cov, total),
            Ratio.of(int(covered_m_per_area[i]), int(members_per_area[i])),
            active_of(act, total, cov),
        )

    if area is None:
        hh = Ratio.of(int(covered.sum()), len(s.households))
        mem = Ratio.of(int(covered_m.sum()), int(others.sum()))
        top_active = active_of(active_total if window is not None else None, hh.total, hh.covered)
        name = None
    else:
        top = row(area)
        hh, mem, top_active, name = top.households, top.members, top.active, top.name
    rows = tuple(row(a) for a in s.areas_under(area, level)) if level is not None else ()
    return CoverageReport(area, label, name, hh, mem, top_active, level, rows)


def reach(
    s: SparseProjection, area: str | None = None, *, by: str | None = None, breakdown: bool = True
) -> ReachReport:
    """:func:`analytics.reach.reach` in sparse products at building granularity (same result).

    >>> from analytics.projection import tiny_city
    >>> from analytics import reach as nx_reach
    >>> G = tiny_city()
    >>> reach(SparseProjection.from_graph(G), "c1") == nx_reach(G, "c1")
    True
    """
    label = s.check(area)
    level = breakdown_level(label, by, breakdown)
    if area is None:
        scope = np.ones(len(s.buildings), dtype=np.int64)
        total = len(s.households)
        name = None
    else:
        i = s.area_pos[area]
        scope = s.D.getrow(i).toarray().ravel().astype(np.int64)
        total = int(s.A.getrow(i).sum())
        name = s.area_name[i]
    weights = s.w * scope
    per_unit = _vec(s.R @ weights)
    any_b = (_vec(s.R.T @ np.ones(len(s.units), dtype=np.int64)) > 0).astype(np.int64)
    kind_b = s.K @ s.R
    kind_b.data[:] = 1
    per_kind = _vec(kind_b @ weights)
    units = sorted(
        (UnitReach(u, *s.unit_info[j], int(per_unit[j])) for j, u in enumerate(s.units) if per_unit[j] > 0),
        key=lambda x: (-x.households, x.id),
    )
    reaching = np.asarray(per_unit > 0, dtype=np.int64)
    units_per_kind = _vec(s.K @ reaching)
    resources = tuple(
        ResourceReach(kind, int(units_per_kind[k]), Reached.of(int(per_kind[k]), total))
        for k, kind in enumerate(s.kinds)
    )
    rows: list[AreaReach] = []
    if level is not None:
        any_area = _vec(s.D @ (any_b * s.w))
        kind_area = (s.D @ kind_b.multiply(s.w[np.newaxis, :]).T.tocsc()).toarray()
        for a in s.areas_under(area, level):
            i = s.area_pos[a]
            n_a = int(s.A.getrow(i).sum())
            rows.append(
                AreaReach(
                    a,
                    level,
                    s.area_name[i],
                    Reached.of(int(any_area[i]), n_a),
                    {kind: int(kind_area[i, k]) for k, kind in enumerate(s.kinds)},
                )
            )
    return ReachReport(
        area, label, name, Reached.of(int(any_b @ weights), total), tuple(units), resources, level, tuple(rows)
    )
