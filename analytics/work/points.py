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
from typing import Any

import numpy as np
from numpy.typing import NDArray

from analytics._common import JsonResult, node_data, parse_date, require_area
from analytics.areas import AreaIndex
from analytics.work.index import Earned, WorkIndex, months

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
    """The members' rows and, aligned with them, their points per source and per month."""

    detail: list[MemberPoints]
    sources: tuple[str, ...]
    source_count: NDArray[np.int64]
    source_total: NDArray[np.int64]
    months: tuple[str, ...]
    month_total: NDArray[np.int64]


def _member_totals(w: WorkIndex, area: str | None, start: dt.date, end: dt.date) -> _Totals:
    """:func:`member_points` of every member of the area with an EARNED in the period, summed with numpy.

    The EARNED columns are cut to the period and the area's members, then summed per member,
    per (member, source), per (member, month) and per (member, year) with ``bincount``; a key
    is shown when the member has an EARNED under it (even of 0 points), as :func:`member_points` does.
    """
    cols = w.earned_columns
    none = np.zeros((0, 0), dtype=np.int64)
    if len(cols) == 0:
        return _Totals([], (), none, none, (), none)
    ids = cols.member_ids
    keep = (cols.day >= start.toordinal()) & (cols.day <= end.toordinal())
    if area is not None:
        here = np.fromiter((w.lives_in(m, area) for m in ids), dtype=bool, count=len(ids))
        keep &= here[cols.member]
    member, points, days = cols.member[keep], cols.points[keep], cols.day[keep]
    if member.size == 0:
        return _Totals([], (), none, none, (), none)
    periods = months(start, end)
    firsts = np.asarray([lo.toordinal() for _, lo, _ in periods], dtype=np.int64)
    month = np.searchsorted(firsts, days, side="right") - 1
    labels = [m for m, _, _ in periods]
    years = sorted({m[:4] for m in labels})
    year_of_month = np.asarray([years.index(m[:4]) for m in labels], dtype=np.int64)
    n = len(ids)

    def tally(key: NDArray[np.int64], width: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        flat = member * width + key
        size = n * width
        count = np.bincount(flat, minlength=size).reshape(n, width)
        total = np.bincount(flat, weights=points, minlength=size).reshape(n, width)
        return count, np.rint(total).astype(np.int64)

    sources = cols.sources
    order = sorted(range(len(sources)), key=lambda i: sources[i])
    src_count, src_total = tally(cols.source[keep], len(sources))
    month_count, month_total = tally(month, len(labels))
    year_count, year_total = tally(year_of_month[month], len(years))
    present = np.flatnonzero(np.bincount(member, minlength=n))
    totals = month_total.sum(axis=1)[present].tolist()
    rows = [m[present].tolist() for m in (src_count, src_total, month_count, month_total, year_count, year_total)]
    branch = w.member_branch
    out: list[MemberPoints] = []
    for j, i in enumerate(present.tolist()):
        sc, st, mc, mt, yc, yt = (r[j] for r in rows)
        out.append(
            MemberPoints(
                ids[i],
                branch.get(ids[i]),
                totals[j],
                {sources[k]: st[k] for k in order if sc[k]},
                {labels[k]: mt[k] for k in range(len(labels)) if mc[k]},
                {years[k]: yt[k] for k in range(len(years)) if yc[k]},
            )
        )
    return _Totals(out, sources, src_count[present], src_total[present], tuple(labels), month_total[present])


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
    names = sorted(range(len(t.sources)), key=lambda k: t.sources[k])

    def summed(count: NDArray[np.int64], total: NDArray[np.int64]) -> dict[str, int]:
        c, n = count.sum(axis=0).tolist(), total.sum(axis=0).tolist()
        return {t.sources[k]: n[k] for k in names if c[k]}

    by_source = summed(t.source_count, t.source_total)
    by_month: dict[str, int] = {m: 0 for m, _, _ in months(start, end)}
    if t.months:
        for m, n in zip(t.months, t.month_total.sum(axis=0).tolist(), strict=True):
            by_month[m] += n
    groups: dict[str | None, list[int]] = {}
    for i in order:
        groups.setdefault(t.detail[i].branch, []).append(i)
    boards: list[BranchBoard] = []
    for branch, rows in groups.items():
        group = [t.detail[i] for i in rows]
        boards.append(
            BranchBoard(
                branch=branch,
                name=w.names.get(branch) if branch is not None else None,
                members=len(group),
                points=sum(p.points for p in group),
                by_source=summed(t.source_count[rows], t.source_total[rows]),
                leaders=tuple(group[:top]),
            )
        )
    boards.sort(key=lambda b: (-b.points, b.branch or ""))
    return PointsReport(
        area=area,
        label=label,
        name=idx.name(area),
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        points=sum(p.points for p in detail),
        members=len(detail),
        by_source=dict(sorted(by_source.items())),
        by_month=by_month,
        branches=tuple(boards),
        members_detail=tuple(detail),
    )


__all__ = ["LEADERBOARD_TOP", "BranchBoard", "MemberPoints", "PointsReport", "member_points", "points_stats"]
