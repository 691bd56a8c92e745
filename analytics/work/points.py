"""Points (积分): what party members earned, per month and year, and leaderboards per branch.

Definitions (docs/design.md 7.15), for an area and the period ``[date_from, date_to]``:

- A member's points are the sum of the ``points`` of their EARNED relationships with ``on`` in
  the period; the members of an area are those who LIVE_IN a household under it (the city:
  every party member).  Per month and per calendar year (the year's part inside the period).
- A point's **source** is what it was earned for: an ActivityKind value (``MONTHLY_CONTACT``,
  ``VOLUNTEER_SERVICE``, ...) for an activity, ``SecretaryProject`` or ``Appeal``.
- A member's **branch** is the PartyOrganization they are MEMBER_OF (an in-service member's is
  their workplace's).  The leaderboard of a branch ranks its members of the area with points
  by points (most first, then by id), each with their points per source.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from itertools import compress
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from analytics._common import JsonResult, node_data, parse_date, require_area, to_jsonable
from analytics.areas import AreaIndex
from analytics.work.index import Earned, WorkIndex, months
from analytics.work.quiet import collector_paused

LEADERBOARD_TOP = 10
"""Members shown on a branch's leaderboard by default."""


@dataclass(frozen=True, slots=True)
class MemberPoints(JsonResult):
    """One member's points over the period."""

    member: str
    branch: str | None
    points: int
    by_source: dict[str, int]
    by_month: dict[str, int]
    by_year: dict[str, int]


@dataclass(frozen=True, slots=True)
class BranchBoard(JsonResult):
    """One branch: its members' points, and the top of them."""

    branch: str | None
    name: str | None
    members: int
    """Members of the branch (living in the area) with points in the period."""
    points: int
    by_source: dict[str, int]
    leaders: MemberTable
    """The first ``top`` of them, most points first (rows of the report's table: see :class:`MemberTable`)."""

    @collector_paused
    def to_dict(self) -> dict[str, Any]:
        out = {f.name: to_jsonable(getattr(self, f.name)) for f in fields(self) if f.name != "leaders"}
        out["leaders"] = self.leaders.json_rows()
        return out


class MemberTable(Sequence[MemberPoints]):
    """The members' points as columns, most points first, then by id: a :class:`MemberPoints`
    is made only for a row asked for (``table[i]``, a slice, :meth:`page`, iteration).

    A slice is a table over views of the same arrays (no copy).  Equal to another table with the
    same rows, and to a sequence of the same :class:`MemberPoints`.

    >>> from analytics.projection import tiny_work
    >>> t = points_stats(tiny_work(), date_from="2026-10-01", date_to="2026-12-31").members_detail
    >>> len(t), t[0].member, t[0].points, [m.member for m in t.page(1, 2)]
    (5, 'm3', 14, ['i3', 'v1'])
    >>> t.json_rows()[-1] == t[-1].to_dict()
    True
    >>> t[-1].by_source, t[-1].by_month
    ({'BRANCH_MEETING': 1}, {'2026-12': 1})
    """

    __slots__ = ("_branch", "_counts", "_ids", "_keys", "_origin", "_points", "_totals")

    def __init__(
        self,
        ids: Sequence[str],
        branch: Sequence[str | None],
        points: NDArray[np.int64],
        keys: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
        counts: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
        totals: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    ) -> None:
        self._ids = ids
        self._branch = branch
        self._points = points
        self._keys = keys
        """Names of the columns of the source, month and year matrices."""
        self._counts = counts
        """Per row and key: how many EARNED (a key is shown when its count is not 0)."""
        self._totals = totals
        """Per row and key: their points."""
        self._origin: tuple[MemberTable, int] = (self, 0)
        """The table this one is a slice of, and where in it this one starts."""

    @classmethod
    def empty(cls) -> MemberTable:
        none = np.zeros((0, 0), dtype=np.int64)
        return cls([], [], np.zeros(0, dtype=np.int64), ((), (), ()), (none, none, none), (none, none, none))

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, i: int) -> MemberPoints: ...

    @overload
    def __getitem__(self, i: slice) -> MemberTable: ...

    def __getitem__(self, i: int | slice) -> MemberPoints | MemberTable:
        if isinstance(i, slice):
            lo, _, step = i.indices(len(self))
            part = MemberTable(
                self._ids[i],
                self._branch[i],
                self._points[i],
                self._keys,
                (self._counts[0][i], self._counts[1][i], self._counts[2][i]),
                (self._totals[0][i], self._totals[1][i], self._totals[2][i]),
            )
            if step == 1:
                root, at = self._origin
                part._origin = (root, at + lo)
            return part
        if not -len(self) <= i < len(self):
            raise IndexError(f"row {i} of a table of {len(self)} members")
        return self.row(i % len(self))

    @property
    def points_column(self) -> NDArray[np.int64]:
        """Each row's points (read-only view)."""
        view = self._points.view()
        view.flags.writeable = False
        return view

    def row(self, i: int) -> MemberPoints:
        """The ``i``-th member (0: most points)."""
        (names, labels, years), (sc, mc, yc), (st, mt, yt) = self._keys, self._counts, self._totals
        return MemberPoints(
            self._ids[i],
            self._branch[i],
            int(self._points[i]),
            _pairs(names, sc[i].tolist(), st[i].tolist()),
            _pairs(labels, mc[i].tolist(), mt[i].tolist()),
            _pairs(years, yc[i].tolist(), yt[i].tolist()),
        )

    def take(self, rows: NDArray[np.int64]) -> MemberTable:
        """A table of the rows ``rows`` (positions in this one), in that order (the columns copied)."""
        picked = rows.tolist()
        return MemberTable(
            [self._ids[i] for i in picked],
            [self._branch[i] for i in picked],
            self._points[rows],
            self._keys,
            (self._counts[0][rows], self._counts[1][rows], self._counts[2][rows]),
            (self._totals[0][rows], self._totals[1][rows], self._totals[2][rows]),
        )

    def page(self, offset: int, limit: int | None) -> MemberTable:
        """``limit`` rows (all the rest for None) from ``offset``."""
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError(f"a page starts at 0 or later and has 0 rows or more, got offset {offset}, limit {limit}")
        return self[offset : None if limit is None else offset + limit]

    def _chunks(self) -> Iterator[tuple[int, list[Any]]]:
        """The rows' columns as Python lists, ``_CHUNK`` rows at a time (one conversion per chunk)."""
        for lo in range(0, len(self), _CHUNK):
            hi = min(lo + _CHUNK, len(self))
            yield lo, [m[lo:hi].tolist() for m in (*self._counts, *self._totals, self._points)]

    def __iter__(self) -> Iterator[MemberPoints]:
        (names, labels, years), ids, branch = self._keys, self._ids, self._branch
        for lo, (sc, mc, yc, st, mt, yt, pts) in self._chunks():
            for j in range(len(pts)):
                i = lo + j
                yield MemberPoints(
                    ids[i],
                    branch[i],
                    pts[j],
                    _pairs(names, sc[j], st[j]),
                    _pairs(labels, mc[j], mt[j]),
                    _pairs(years, yc[j], yt[j]),
                )

    @collector_paused
    def json_rows(self) -> list[dict[str, Any]]:
        """The rows as :meth:`MemberPoints.to_dict` makes them, without the objects."""
        (names, labels, years), ids, branch = self._keys, self._ids, self._branch
        out: list[dict[str, Any]] = []
        for lo, (sc, mc, yc, st, mt, yt, pts) in self._chunks():
            out.extend(
                {
                    "member": ids[lo + j],
                    "branch": branch[lo + j],
                    "points": pts[j],
                    "by_source": _pairs(names, sc[j], st[j]),
                    "by_month": _pairs(labels, mc[j], mt[j]),
                    "by_year": _pairs(years, yc[j], yt[j]),
                }
                for j in range(len(pts))
            )
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MemberTable):
            if len(self) != len(other):
                return False
            if self._keys == other._keys:
                return (
                    list(self._ids) == list(other._ids)
                    and list(self._branch) == list(other._branch)
                    and all(
                        np.array_equal(a, b)
                        for a, b in zip(self._counts + self._totals, other._counts + other._totals, strict=True)
                    )
                )
            return list(self) == list(other)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"MemberTable({len(self)} members)"


_BOARD_FIELDS = tuple(f for f in fields(BranchBoard) if f.name != "leaders")

_TABLES = ("branches", "members_detail")
"""The report's fields holding tables (made JSON by :meth:`MemberTable.json_rows`)."""

_CHUNK = 4096
"""Rows converted to Python lists at a time when a whole table is read."""


@dataclass(frozen=True, slots=True)
class PointsReport(JsonResult):
    """Points of an area over a period.

    JSON: ``{area, label, name, date_from, date_to, points, members, by_source, by_month,
    branches: [...], members_detail: [...]}``.
    """

    area: str | None
    label: str
    name: str | None
    date_from: str
    date_to: str
    points: int
    members: int
    """Members of the area with points in the period."""
    by_source: dict[str, int]
    by_month: dict[str, int]
    branches: tuple[BranchBoard, ...]
    """Most points first, then by id."""
    members_detail: MemberTable
    """Most points first, then by id: every member with points, or the page asked for
    (``members_offset``, ``members_limit`` of :func:`points_stats`)."""

    @collector_paused
    def to_dict(self) -> dict[str, Any]:
        """The JSON figures, the members' rows made from the columns (the collector paused meanwhile:
        see :mod:`analytics.work.quiet`)."""
        out = {f.name: to_jsonable(getattr(self, f.name)) for f in fields(self) if f.name not in _TABLES}
        # the boards' leaders are slices of one table: its JSON rows made once, then cut per board
        rows: dict[int, list[dict[str, Any]]] = {}
        boards = []
        for b in self.branches:
            board = {f.name: to_jsonable(getattr(b, f.name)) for f in _BOARD_FIELDS}
            root, at = b.leaders._origin
            if id(root) not in rows:
                rows[id(root)] = root.json_rows()
            board["leaders"] = rows[id(root)][at : at + len(b.leaders)]
            boards.append(board)
        out["branches"] = boards
        out["members_detail"] = self.members_detail.json_rows()
        return out


def _add(into: dict[str, int], key: str, n: int) -> None:
    into[key] = into.get(key, 0) + n


@functools.lru_cache(maxsize=8192)
def _month_year(day: dt.date) -> tuple[str, str]:
    """``(YYYY-MM, YYYY)`` of a day, made once per distinct day (a million EARNED share a few hundred)."""
    return day.strftime("%Y-%m"), str(day.year)


def member_points(member: str, earned: list[Earned], branch: str | None, start: dt.date, end: dt.date) -> MemberPoints:
    """Sum one member's EARNED inside ``[start, end]``.

    >>> from analytics.projection import tiny_work
    >>> w = WorkIndex.build(tiny_work())
    >>> mine = [e for e in w.earned if e.member == "v1"]
    >>> p = member_points("v1", mine, "o_b1", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    >>> p.points, p.by_source
    (13, {'BRANCH_MEETING': 1, 'MONTHLY_CONTACT': 2, 'SecretaryProject': 10})
    >>> p.by_month, p.by_year
    ({'2026-06': 10, '2026-10': 2, '2026-12': 1}, {'2026': 13})
    """
    by_source: dict[str, int] = {}
    by_month: dict[str, int] = {}
    by_year: dict[str, int] = {}
    total = 0
    for e in earned:
        if e.on is None or not start <= e.on <= end:
            continue
        total += e.points
        month, year = _month_year(e.on)
        _add(by_source, e.source, e.points)
        _add(by_month, month, e.points)
        _add(by_year, year, e.points)
    return MemberPoints(member, branch, total, dict(sorted(by_source.items())), dict(sorted(by_month.items())), by_year)


@dataclass(frozen=True, slots=True)
class _Totals:
    """The members' table and the EARNED kept, with each kept row's branch (for the boards)."""

    table: MemberTable
    """One row per member of the area with an EARNED in the period, most points first, then by id."""
    sources: tuple[str, ...]
    """Source names, sorted (the codes of ``source``)."""
    source: NDArray[np.int64]
    points: NDArray[np.int64]
    month: NDArray[np.int64]
    month_labels: tuple[str, ...]
    branch: NDArray[np.int64]
    """Per kept EARNED, the code of its member's branch in ``branches``."""
    branches: tuple[str | None, ...]
    member_branch: NDArray[np.int64]
    """Per row of ``table``, the code of its branch."""


def _pairs(keys: tuple[str, ...], count: list[int], total: list[int]) -> dict[str, int]:
    """``{key: total}`` for the keys with a count (in C: no per-key bytecode)."""
    return dict(compress(zip(keys, total, strict=True), count))


def _member_totals(w: WorkIndex, area: str | None, start: dt.date, end: dt.date) -> _Totals:
    """:func:`member_points` of every member of the area with an EARNED in the period, summed with numpy.

    The EARNED columns are cut to the period and the area's members, then summed per member,
    per (member, source), per (member, month) and per (member, year) with ``bincount``; a key
    is shown when the member has an EARNED under it (even of 0 points), as :func:`member_points` does.
    The members' rows stay columns (:class:`MemberTable`), ordered with ``lexsort``.
    """
    cols = w.earned_columns
    empty = np.zeros(0, dtype=np.int64)
    if len(cols) == 0:
        return _Totals(MemberTable.empty(), (), empty, empty, empty, (), empty, (), empty)
    ids = cols.member_ids
    keep = (cols.day >= start.toordinal()) & (cols.day <= end.toordinal())
    if area is not None:
        here = np.fromiter((w.lives_in(m, area) for m in ids), dtype=bool, count=len(ids))
        keep &= here[cols.member]
    member, points, days = cols.member[keep], cols.points[keep], cols.day[keep]
    if member.size == 0:
        return _Totals(MemberTable.empty(), (), empty, empty, empty, (), empty, (), empty)
    periods = months(start, end)
    firsts = np.asarray([lo.toordinal() for _, lo, _ in periods], dtype=np.int64)
    month = np.searchsorted(firsts, days, side="right") - 1
    labels = tuple(m for m, _, _ in periods)
    years = tuple(sorted({m[:4] for m in labels}))
    year_of_month = np.asarray([years.index(m[:4]) for m in labels], dtype=np.int64)
    # sources recoded in name order, so that each member's sources come out sorted
    names = tuple(sorted(cols.sources))
    recode = np.asarray([names.index(s) for s in cols.sources], dtype=np.int64)
    source = recode[cols.source[keep]]
    n = len(ids)

    def tally(key: NDArray[np.int64], width: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        flat = member * width + key
        size = n * width
        count = np.bincount(flat, minlength=size).reshape(n, width)
        total = np.bincount(flat, weights=points, minlength=size).reshape(n, width)
        return count, np.rint(total).astype(np.int64)

    src_count, src_total = tally(source, len(names))
    month_count, month_total = tally(month, len(labels))
    year_count, year_total = tally(year_of_month[month], len(years))
    present = np.flatnonzero(np.bincount(member, minlength=n))
    totals = month_total.sum(axis=1)
    # most points first, then by id
    present_ids = [ids[i] for i in present.tolist()]
    order = present[np.lexsort((np.asarray(present_ids), -totals[present]))]
    branch_of = w.member_branch
    branches: dict[str | None, int] = {}
    member_branch = np.asarray([branches.setdefault(branch_of.get(m), len(branches)) for m in ids], dtype=np.int64)
    codes = tuple(branches)
    rows = order.tolist()
    row_branch = member_branch[order]
    table = MemberTable(
        [ids[i] for i in rows],
        [codes[c] for c in row_branch.tolist()],
        totals[order],
        (names, labels, years),
        (src_count[order], month_count[order], year_count[order]),
        (src_total[order], month_total[order], year_total[order]),
    )
    return _Totals(table, names, source, points, month, labels, member_branch[member], codes, row_branch)


@collector_paused
def points_stats(
    G: Any,
    area: str | None = None,
    *,
    date_from: dt.date | str,
    date_to: dt.date | str,
    top: int = LEADERBOARD_TOP,
    index: AreaIndex | None = None,
    work: WorkIndex | None = None,
    members_offset: int = 0,
    members_limit: int | None = None,
    branches_limit: int | None = None,
) -> PointsReport:
    """Points per member and month, and leaderboards per branch, of an area (None: the city).

    ``members_detail`` is every member with points (``members`` of them), or the page of
    ``members_limit`` rows from ``members_offset``; ``branches`` every branch with points, or
    the first ``branches_limit`` (the API asks for what it shows).

    Examples
    --------
    >>> from analytics.projection import tiny_work
    >>> r = points_stats(tiny_work(), date_from="2026-10-01", date_to="2026-12-31")
    >>> r.points, r.members, r.by_month
    (27, 5, {'2026-10': 15, '2026-11': 9, '2026-12': 3})
    >>> for b in r.branches:
    ...     print(b.branch, b.points, [(m.member, m.points) for m in b.leaders])
    o_g1 14 [('m3', 14)]
    o_ext 7 [('i3', 7)]
    o_b1 4 [('v1', 3), ('m1', 1)]
    o_u2 2 [('i2', 2)]
    """
    start, end = parse_date(date_from), parse_date(date_to)
    if start > end:
        raise ValueError(f"the period starts on {start} after it ends on {end}")
    if top < 0:
        raise ValueError(f"top must be 0 or more, got {top}")
    if members_offset < 0 or (members_limit is not None and members_limit < 0):
        raise ValueError(
            f"members_offset and members_limit must be 0 or more, got {members_offset} and {members_limit}"
        )
    if branches_limit is not None and branches_limit < 0:
        raise ValueError(f"branches_limit must be 0 or more, got {branches_limit}")
    idx = index or (work.index if work is not None else AreaIndex.build(G))
    label = require_area(node_data(G), area)
    w = work or WorkIndex.build(G, idx)
    t = _member_totals(w, area, start, end)
    detail = t.table
    width, nb = len(t.sources), len(t.branches)

    def by_key(key: NDArray[np.int64], size: int) -> tuple[list[int], list[int]]:
        """EARNED kept per ``key`` (codes below ``size``): how many, and their points."""
        count = np.bincount(key, minlength=size)
        total = np.rint(np.bincount(key, weights=t.points, minlength=size)).astype(np.int64)
        return count.tolist(), total.tolist()

    count, total = by_key(t.source, width)
    by_source = _pairs(t.sources, count, total)
    by_month: dict[str, int] = {m: 0 for m, _, _ in months(start, end)}
    for m, n in zip(t.month_labels, by_key(t.month, len(t.month_labels))[1], strict=True):
        by_month[m] += n
    # per branch: its members (a group-by of the members' rows), its points and sources (of the EARNED rows)
    count, total = by_key(t.branch * width + t.source, nb * width)
    members = np.bincount(t.member_branch, minlength=nb).tolist()
    sums = np.bincount(t.member_branch, weights=detail.points_column, minlength=nb)
    branch_points = np.rint(sums).astype(np.int64).tolist()
    # leaders: the table's rows grouped by branch (stable: each group keeps the table's order), the first top of
    # each, taken into one table whose slices are the boards' leaders (no object per member)
    grouped = np.argsort(t.member_branch, kind="stable")
    starts = np.zeros(nb, dtype=np.int64)
    np.cumsum(members[:-1], out=starts[1:])
    rank = np.arange(len(grouped)) - starts[t.member_branch[grouped]]
    leading = detail.take(grouped[rank < top])
    shown = np.minimum(members, top)
    ends = np.cumsum(shown).tolist()
    firsts = (np.cumsum(shown) - shown).tolist()
    boards = [
        BranchBoard(
            branch=branch,
            name=w.names.get(branch) if branch is not None else None,
            members=members[k],
            points=branch_points[k],
            by_source=_pairs(t.sources, count[k * width : (k + 1) * width], total[k * width : (k + 1) * width]),
            leaders=leading[firsts[k] : ends[k]],
        )
        for k, branch in enumerate(t.branches)
        if members[k]
    ]
    boards.sort(key=lambda b: (-b.points, b.branch or ""))
    return PointsReport(
        area=area,
        label=label,
        name=idx.name(area),
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        points=int(detail.points_column.sum()),
        members=len(detail),
        by_source=by_source,
        by_month=by_month,
        branches=tuple(boards[:branches_limit]),
        members_detail=detail.page(members_offset, members_limit),
    )


__all__ = [
    "LEADERBOARD_TOP",
    "BranchBoard",
    "MemberPoints",
    "MemberTable",
    "PointsReport",
    "member_points",
    "points_stats",
]
