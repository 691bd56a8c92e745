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
from dataclasses import dataclass
from itertools import compress
from typing import Any

import numpy as np
from numpy.typing import NDArray

from analytics._common import JsonResult, node_data, parse_date, require_area
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
    leaders: tuple[MemberPoints, ...]


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
    members_detail: tuple[MemberPoints, ...]
    """Most points first, then by id."""


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
    """The members' rows and the EARNED kept, with each kept row's branch (for the boards)."""

    detail: list[MemberPoints]
    """Aligned with ``present``: one row per member of the area with an EARNED in the period."""
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
    """Per row of ``detail``, the code of its branch."""


def _pairs(keys: tuple[str, ...], count: list[int], total: list[int]) -> dict[str, int]:
    """``{key: total}`` for the keys with a count (in C: no per-key bytecode)."""
    return dict(compress(zip(keys, total, strict=True), count))


def _member_totals(w: WorkIndex, area: str | None, start: dt.date, end: dt.date) -> _Totals:
    """:func:`member_points` of every member of the area with an EARNED in the period, summed with numpy.

    The EARNED columns are cut to the period and the area's members, then summed per member,
    per (member, source), per (member, month) and per (member, year) with ``bincount``; a key
    is shown when the member has an EARNED under it (even of 0 points), as :func:`member_points` does.
    """
    cols = w.earned_columns
    empty = np.zeros(0, dtype=np.int64)
    if len(cols) == 0:
        return _Totals([], (), empty, empty, empty, (), empty, (), empty)
    ids = cols.member_ids
    keep = (cols.day >= start.toordinal()) & (cols.day <= end.toordinal())
    if area is not None:
        here = np.fromiter((w.lives_in(m, area) for m in ids), dtype=bool, count=len(ids))
        keep &= here[cols.member]
    member, points, days = cols.member[keep], cols.points[keep], cols.day[keep]
    if member.size == 0:
        return _Totals([], (), empty, empty, empty, (), empty, (), empty)
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
    totals = month_total.sum(axis=1)[present].tolist()
    rows = [m[present].tolist() for m in (src_count, src_total, month_count, month_total, year_count, year_total)]
    branch_of = w.member_branch
    branches: dict[str | None, int] = {}
    member_branch = np.asarray([branches.setdefault(branch_of.get(m), len(branches)) for m in ids], dtype=np.int64)
    out: list[MemberPoints] = []
    for j, i in enumerate(present.tolist()):
        sc, st, mc, mt, yc, yt = (r[j] for r in rows)
        out.append(
            MemberPoints(
                ids[i],
                branch_of.get(ids[i]),
                totals[j],
                _pairs(names, sc, st),
                _pairs(labels, mc, mt),
                _pairs(years, yc, yt),
            )
        )
    return _Totals(
        out,
        names,
        source,
        points,
        month,
        labels,
        member_branch[member],
        tuple(branches),
        member_branch[present],
    )


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
) -> PointsReport:
    """Points per member and month, and leaderboards per branch, of an area (None: the city).

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
    idx = index or (work.index if work is not None else AreaIndex.build(G))
    label = require_area(node_data(G), area)
    w = work or WorkIndex.build(G, idx)
    t = _member_totals(w, area, start, end)
    order = sorted(range(len(t.detail)), key=lambda i: (-t.detail[i].points, t.detail[i].member))
    detail = [t.detail[i] for i in order]
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
    sums = np.bincount(t.member_branch, weights=[p.points for p in t.detail], minlength=nb)
    branch_points = np.rint(sums).astype(np.int64).tolist()
    leaders: list[list[MemberPoints]] = [[] for _ in range(nb)]
    codes = t.member_branch.tolist()
    for i in order:
        group = leaders[codes[i]]
        if len(group) < top:
            group.append(t.detail[i])
    boards = [
        BranchBoard(
            branch=branch,
            name=w.names.get(branch) if branch is not None else None,
            members=members[k],
            points=branch_points[k],
            by_source=_pairs(t.sources, count[k * width : (k + 1) * width], total[k * width : (k + 1) * width]),
            leaders=tuple(leaders[k]),
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
        points=sum(p.points for p in detail),
        members=len(detail),
        by_source=by_source,
        by_month=by_month,
        branches=tuple(boards),
        members_detail=tuple(detail),
    )


__all__ = ["LEADERBOARD_TOP", "BranchBoard", "MemberPoints", "PointsReport", "member_points", "points_stats"]
