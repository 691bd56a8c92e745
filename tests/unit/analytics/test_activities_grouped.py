"""Activities bucketed by month in one pass equal the months counted one at a time.

For each holder and the whole area, the months of :func:`~analytics.work.activities.activity_stats`
must be what filtering the activities month by month and counting their distinct households,
residents, members and units gives.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from analytics_testkit import DAY0, nodes_with
from hypothesis import given, settings
from hypothesis import strategies as st
from test_analytics_work import with_random_work

from analytics import AnalyticsSession
from analytics._common import months
from analytics.work.activities import activity_stats


def counted(acts: list[Any], sizes: dict[str, int]) -> tuple[int, int, int, int, int]:
    households = {h for a in acts for h in a.served}
    return (
        len(acts),
        len(households),
        sum(sizes.get(h, 0) for h in households),
        len({m for a in acts for m in a.members}),
        len({u for a in acts for u in a.units}),
    )


def row(s: Any) -> tuple[int, int, int, int, int]:
    return (s.activities, s.households_served, s.residents_served, s.members_taking_part, s.units_taking_part)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), start=st.integers(0, 120), length=st.integers(0, 100))
def test_months_bucketed_in_one_pass_equal_months_counted_one_by_one(seed: int, start: int, length: int) -> None:
    G = with_random_work(seed)
    for n, d in G.nodes(data=True):
        if d.get("label") == "Household":
            d["size"] = 1 + len(n) % 4
    s = AnalyticsSession(G)
    lo, hi = DAY0 + dt.timedelta(days=start), DAY0 + dt.timedelta(days=start + length)
    sizes = {n: int(d["size"]) for n, d in G.nodes(data=True) if d.get("label") == "Household"}
    for area in [None, *nodes_with(G, "Community")[:2]]:
        r = activity_stats(G, area, date_from=lo, date_to=hi, index=s.index, work=s.work)
        acts = list(s.work.activities_in(area, lo, hi))
        spans = months(lo, hi)
        want = [counted([a for a in acts if m_lo <= a.on <= m_hi], sizes) for _, m_lo, m_hi in spans]
        assert [row(m.served) for m in r.months] == want
        assert row(r.total) == counted(acts, sizes)
        for h in r.holders:
            mine = [a for a in acts if a.holder == h.holder]
            assert row(h.served) == counted(mine, sizes)
            assert [row(m.served) for m in h.months] == [
                counted([a for a in mine if m_lo <= a.on <= m_hi], sizes) for _, m_lo, m_hi in spans
            ]
            assert sum(h.by_kind.values()) == h.served.activities
