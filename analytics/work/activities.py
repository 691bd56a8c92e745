"""Activities (活动) per organization and alliance, and secretary projects (书记项目).

Definitions (docs/design.md 7.15), for an area and the period ``[date_from, date_to]``:

- The activities of an area are the Activity nodes HELD_IN it or an area under it with ``on``
  in the period (the city: every activity with ``on`` in the period).
- Per holder (what an activity is HELD_BY: a PartyOrganization or an Alliance; monthly
  contacts, held by a vanguard, count in the totals only): **activities**, per month and per
  kind; **households served** (distinct households its activities SERVED), **residents
  served** (the sum of those households' ``size``); **members taking part** (distinct party
  members who ATTENDED) and **units taking part** (distinct alliance member units who ATTENDED).
- Secretary projects of the area are those HELD_IN it or under it, whatever their dates.
  Counted by ``stage`` (组织发起 → 党员领办 → 群众参与 → 居民评议) and ``category``; the resident
  review is the mean ``review_score`` of the REVIEWED ones.  A project is **stalled** when it
  is still ``PROPOSED`` or ``LED`` and entered that stage (``proposed_on``, ``led_on``) more
  than ``stalled_after_days`` (default 90) days before ``date_to`` (the planted
  ``stalled_project`` of the generator is one).
"""

from __future__ import annotations

import datetime as dt
import statistics
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter
from typing import Any

from analytics._common import JsonResult, node_data, parse_date, require_area
from analytics.areas import AreaIndex
from analytics.work.index import Activity, Project, WorkIndex, months
from analytics.work.quiet import QuietJson, collector_paused

STALLED_AFTER_DAYS = 90
"""A project still PROPOSED or LED this many days after it got there is stalled."""

PROJECT_STAGES: tuple[str, ...] = ("PROPOSED", "LED", "IN_PROGRESS", "REVIEWED")
"""The stages in order: 组织发起、党员领办、群众参与、居民评议."""

_HOLDER_LABELS = frozenset({"PartyOrganization", "Alliance"})
_SERVED, _MEMBERS, _UNITS, _KIND = attrgetter("served"), attrgetter("members"), attrgetter("units"), attrgetter("kind")


@dataclass(frozen=True, slots=True)
class Served(JsonResult):
    """What a group of activities did: how many, whom they served, who took part."""

    activities: int
    households_served: int
    residents_served: int
    members_taking_part: int
    units_taking_part: int


@dataclass(frozen=True, slots=True)
class MonthActivities(JsonResult):
    """One month (clipped to the period)."""

    month: str
    served: Served


@dataclass(frozen=True, slots=True)
class HolderActivities(JsonResult):
    """One organization or alliance over the period."""

    holder: str
    label: str
    name: str | None
    served: Served
    by_kind: dict[str, int]
    months: tuple[MonthActivities, ...]


@dataclass(frozen=True, slots=True)
class ProjectRow(JsonResult):
    """One secretary project."""

    project: str
    title: str | None
    category: str
    stage: str
    led_by: str | None
    leaders: int
    events: int
    events_in_period: int
    review_score: int | None
    since: str | None
    """The day it entered its current stage (None when unknown)."""
    days_in_stage: int | None
    stalled: bool


@dataclass(frozen=True, slots=True)
class CategoryProjects(JsonResult):
    """The projects of one category: how many at each stage, and their mean resident review."""

    category: str
    projects: int
    by_stage: dict[str, int]
    reviewed: int
    mean_review: float | None


@dataclass(frozen=True, slots=True)
class ActivityReport(QuietJson):
    """Activities and secretary projects of an area over a period.

    JSON: ``{area, label, name, date_from, date_to, total: {activities, households_served,
    residents_served, members_taking_part, units_taking_part}, by_kind, months: [...], holders:
    [...], projects: {by_stage, by_category: [...], mean_review, stalled: [...], rows: [...]}}``.
    """

    area: str | None
    label: str
    name: str | None
    date_from: str
    date_to: str
    total: Served
    by_kind: dict[str, int]
    months: tuple[MonthActivities, ...]
    holders: tuple[HolderActivities, ...]
    """Most activities first, then by id."""
    projects_by_stage: dict[str, int]
    projects_by_category: tuple[CategoryProjects, ...]
    mean_review: float | None
    stalled_projects: tuple[str, ...]
    projects: tuple[ProjectRow, ...]
    """Stalled first, then by stage, then by id."""


def served(acts: Iterable[Activity], sizes: dict[str, int]) -> Served:
    """Sum a group of activities.

    >>> from analytics.projection import tiny_work
    >>> w = WorkIndex.build(tiny_work())
    >>> served(w.by_holder["o_c1"], {"h1": 1, "h4": 2, "h5": 3})
    Served(activities=2, households_served=3, residents_served=6, members_taking_part=3, units_taking_part=1)
    """
    group = acts if isinstance(acts, list | tuple) else list(acts)
    # each set is made in C from the activities' tuples: no bytecode per activity
    households = set(chain.from_iterable(map(_SERVED, group)))
    members = set(chain.from_iterable(map(_MEMBERS, group)))
    units = set(chain.from_iterable(map(_UNITS, group)))
    residents = sum(map(sizes.get, households, repeat(0)))
    return Served(len(group), len(households), residents, len(members), len(units))


def _kinds(acts: Iterable[Activity]) -> dict[str, int]:
    return dict(sorted(Counter(map(_KIND, acts)).items()))


def _size(value: Any) -> int:
    try:
        return max(int(value), 0) if value is not None and not isinstance(value, bool) else 0
    except (TypeError, ValueError):
        return 0


def _stage_since(p: Project) -> dt.date | None:
    return {"PROPOSED": p.proposed, "LED": p.led, "IN_PROGRESS": p.started, "REVIEWED": p.reviewed}.get(p.stage)


def project_row(p: Project, work: WorkIndex, start: dt.date, end: dt.date, stalled_after_days: int) -> ProjectRow:
    """One project as of ``end``: its events, the days in its stage, whether it is stalled."""
    since = _stage_since(p)
    days = (end - since).days if since is not None else None
    in_period = 0
    by_id = {a.id: a for a in work.by_project(p.id)}
    for a in by_id.values():
        if a.on is not None and start <= a.on <= end:
            in_period += 1
    return ProjectRow(
        project=p.id,
        title=p.title,
        category=p.category,
        stage=p.stage,
        led_by=p.led_by,
        leaders=len(p.leaders),
        events=len(p.events),
        events_in_period=in_period,
        review_score=p.review_score,
        since=None if since is None else since.isoformat(),
        days_in_stage=days,
        stalled=p.stage in ("PROPOSED", "LED") and days is not None and days > stalled_after_days,
    )


@collector_paused
def activity_stats(
    G: Any,
    area: str | None = None,
    *,
    date_from: dt.date | str,
    date_to: dt.date | str,
    stalled_after_days: int = STALLED_AFTER_DAYS,
    index: AreaIndex | None = None,
    work: WorkIndex | None = None,
) -> ActivityReport:
    """Activities per organization and alliance, and secretary projects, of an area (None: the city).

    Examples
    --------
    >>> from analytics.projection import tiny_work
    >>> r = activity_stats(tiny_work(), date_from="2026-10-01", date_to="2026-12-31")
    >>> r.total.activities, r.total.households_served, r.total.members_taking_part
    (7, 5, 7)
    >>> [(h.holder, h.served.activities, h.served.households_served, h.served.members_taking_part) for h in r.holders]
    [('o_c1', 2, 3, 3), ('al1', 1, 3, 1), ('o_g1', 1, 0, 3)]
    >>> [(m.month, m.served.activities) for m in r.months]
    [('2026-10', 2), ('2026-11', 3), ('2026-12', 2)]
    >>> r.projects_by_stage, r.stalled_projects, r.mean_review
    ({'PROPOSED': 0, 'LED': 1, 'IN_PROGRESS': 1, 'REVIEWED': 1}, ('sp2',), 92.0)
    """
    start, end = parse_date(date_from), parse_date(date_to)
    if start > end:
        raise ValueError(f"the period starts on {start} after it ends on {end}")
    if stalled_after_days < 0:
        raise ValueError(f"stalled_after_days must be 0 or more, got {stalled_after_days}")
    idx = index or (work.index if work is not None else AreaIndex.build(G))
    label = require_area(node_data(G), area)
    w = work or WorkIndex.build(G, idx)
    nodes = node_data(G)
    acts = list(w.activities_in(area, start, end))
    households = set(chain.from_iterable(map(_SERVED, acts)))
    sizes = {h: _size(nodes[h].get("size")) for h in households if h in nodes}
    periods = months(start, end)
    firsts = [lo for _, lo, _ in periods]
    month_of: dict[dt.date, int] = {}
    for day in {a.on for a in acts}:
        if day is not None:
            month_of[day] = bisect_right(firsts, day) - 1

    def by_month(group: list[Activity]) -> tuple[MonthActivities, ...]:
        buckets: list[list[Activity]] = [[] for _ in periods]
        for a in group:  # every activity of the area has its day in the period
            if a.on is not None:
                buckets[month_of[a.on]].append(a)
        return tuple(MonthActivities(m, served(b, sizes)) for (m, _, _), b in zip(periods, buckets, strict=True))

    groups: dict[str, list[Activity]] = {}
    for a in acts:
        if a.holder is not None and a.holder_label in _HOLDER_LABELS:
            groups.setdefault(a.holder, []).append(a)
    holders = [
        HolderActivities(h, str(w.labels.get(h, "")), w.names.get(h), served(g, sizes), _kinds(g), by_month(g))
        for h, g in groups.items()
    ]
    holders.sort(key=lambda r: (-r.served.activities, r.holder))
    rows = [project_row(p, w, start, end, stalled_after_days) for p in w.projects if w.in_area(p.place, area)]
    rank = {s: i for i, s in enumerate(PROJECT_STAGES)}
    rows.sort(key=lambda r: (not r.stalled, rank.get(r.stage, len(rank)), r.project))
    by_stage = {s: sum(r.stage == s for r in rows) for s in PROJECT_STAGES}
    for r in rows:
        if r.stage not in by_stage:
            by_stage[r.stage] = by_stage.get(r.stage, 0) + 1
    categories: list[CategoryProjects] = []
    for cat in sorted({r.category for r in rows}):
        group = [r for r in rows if r.category == cat]
        scores = [r.review_score for r in group if r.stage == "REVIEWED" and r.review_score is not None]
        categories.append(
            CategoryProjects(
                category=cat,
                projects=len(group),
                by_stage={s: n for s in PROJECT_STAGES if (n := sum(r.stage == s for r in group))},
                reviewed=len(scores),
                mean_review=statistics.fmean(scores) if scores else None,
            )
        )
    all_scores = [r.review_score for r in rows if r.stage == "REVIEWED" and r.review_score is not None]
    return ActivityReport(
        area=area,
        label=label,
        name=idx.name(area),
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        total=served(acts, sizes),
        by_kind=_kinds(acts),
        months=by_month(acts),
        holders=tuple(holders),
        projects_by_stage=by_stage,
        projects_by_category=tuple(categories),
        mean_review=statistics.fmean(all_scores) if all_scores else None,
        stalled_projects=tuple(sorted(r.project for r in rows if r.stalled)),
        projects=tuple(rows),
    )


__all__ = [
    "PROJECT_STAGES",
    "STALLED_AFTER_DAYS",
    "ActivityReport",
    "CategoryProjects",
    "HolderActivities",
    "MonthActivities",
    "ProjectRow",
    "Served",
    "activity_stats",
    "project_row",
    "served",
]
