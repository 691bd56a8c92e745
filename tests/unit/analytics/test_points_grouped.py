"""Points summed with numpy group-bys (per member, source, month, year and branch) equal the
report made member by member with :func:`~analytics.work.points.member_points` over the EARNED rows;
the members' table (:class:`~analytics.work.points.MemberTable`) gives the same rows whole, by
index, by page and as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from analytics_testkit import DAY0, nodes_with
from hypothesis import given, settings
from hypothesis import strategies as st
from test_analytics_work import with_random_work

from analytics import AnalyticsSession
from analytics._common import to_jsonable
from analytics.work.points import BranchBoard, MemberPoints, member_points, points_stats


def by_hand(s: AnalyticsSession, area: str | None, lo: dt.date, hi: dt.date, top: int) -> dict[str, Any]:
    """The report's members, totals and boards, one member and one branch at a time."""
    w = s.work
    mine: dict[str, list[Any]] = {}
    for e in w.earned:
        if e.on is not None and lo <= e.on <= hi and w.lives_in(e.member, area):
            mine.setdefault(e.member, []).append(e)
    detail = [member_points(m, rows, w.member_branch.get(m), lo, hi) for m, rows in mine.items()]
    detail.sort(key=lambda p: (-p.points, p.member))
    groups: dict[str | None, list[MemberPoints]] = {}
    for p in detail:
        groups.setdefault(p.branch, []).append(p)
    boards = []
    for branch, group in groups.items():
        sources: dict[str, int] = {}
        for p in group:
            for k, n in p.by_source.items():
                sources[k] = sources.get(k, 0) + n
        name = w.names.get(branch) if branch is not None else None
        total = sum(p.points for p in group)
        boards.append(BranchBoard(branch, name, len(group), total, dict(sorted(sources.items())), tuple(group[:top])))
    boards.sort(key=lambda b: (-b.points, b.branch or ""))
    by_source: dict[str, int] = {}
    by_month: dict[str, int] = {}
    for p in detail:
        for k, n in p.by_source.items():
            by_source[k] = by_source.get(k, 0) + n
        for k, n in p.by_month.items():
            by_month[k] = by_month.get(k, 0) + n
    return {
        "detail": tuple(detail),
        "boards": tuple(boards),
        "by_source": dict(sorted(by_source.items())),
        "by_month": {m: n for m, n in by_month.items() if n},
        "points": sum(p.points for p in detail),
    }


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    start=st.integers(0, 120),
    length=st.integers(0, 100),
    top=st.integers(0, 3),
    zeros=st.integers(0, 4),
)
def test_points_grouped_with_numpy_equal_member_by_member(
    seed: int, start: int, length: int, top: int, zeros: int
) -> None:
    G = with_random_work(seed)
    for i, (_, _, d) in enumerate(e for e in G.edges(data=True) if e[2]["type"] == "EARNED"):
        if zeros and i % (zeros + 1) == 0:
            d["points"] = 0  # an EARNED of 0 points still shows its month and source
    s = AnalyticsSession(G)
    lo, hi = DAY0 + dt.timedelta(days=start), DAY0 + dt.timedelta(days=start + length)
    for area in [None, *nodes_with(G, "Community")[:2], *nodes_with(G, "Building")[:1]]:
        r = points_stats(G, area, date_from=lo, date_to=hi, top=top, index=s.index, work=s.work)
        want = by_hand(s, area, lo, hi, top)
        table = r.members_detail
        assert len(table) == len(want["detail"]) == r.members, area
        assert tuple(table) == want["detail"], area  # every row, made from the columns
        assert [table[i] for i in range(-len(table), 0)] == list(want["detail"]), area
        assert table.json_rows() == [p.to_dict() for p in want["detail"]], area
        assert r.to_dict()["members_detail"] == [p.to_dict() for p in want["detail"]], area
        assert r.to_dict()["branches"] == [to_jsonable(b) for b in want["boards"]], area
        assert [b.to_dict() for b in r.branches] == [to_jsonable(b) for b in want["boards"]], area
        for offset, limit in [(0, 0), (0, 1), (1, 2), (len(table) // 2, None), (len(table), 3), (len(table) + 5, 1)]:
            end = None if limit is None else offset + limit
            assert tuple(table.page(offset, limit)) == want["detail"][offset:end], (area, offset, limit)
            page = points_stats(
                G, area, date_from=lo, date_to=hi, top=top, index=s.index, work=s.work,
                members_offset=offset, members_limit=limit,
            )  # fmt: skip
            assert page.members_detail == want["detail"][offset:end], (area, offset, limit)
            assert (page.members, page.points, page.branches) == (r.members, r.points, r.branches), area
        for boards in (0, 1, 2, None):
            cut = points_stats(
                G, area, date_from=lo, date_to=hi, top=top, index=s.index, work=s.work, branches_limit=boards
            )
            assert cut.branches == r.branches[:boards], (area, boards)
            assert (cut.members, cut.points, cut.by_source) == (r.members, r.points, r.by_source), (area, boards)
        assert r.branches == want["boards"], area
        assert r.by_source == want["by_source"], area
        assert {m: n for m, n in r.by_month.items() if n} == want["by_month"], area
        assert r.points == want["points"] == sum(r.by_month.values()), area


def test_a_page_out_of_range_is_refused_with_its_reason() -> None:
    G = with_random_work(3)
    with pytest.raises(ValueError, match="members_offset and members_limit must be 0 or more, got -1 and None"):
        points_stats(G, date_from=DAY0, date_to=DAY0 + dt.timedelta(days=30), members_offset=-1)
    table = points_stats(G, date_from=DAY0, date_to=DAY0 + dt.timedelta(days=300)).members_detail
    assert len(table) > 0
    with pytest.raises(IndexError, match=f"row {len(table)} of a table of {len(table)} members"):
        table[len(table)]
