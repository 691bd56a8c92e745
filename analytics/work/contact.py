"""Monthly contact (月联): did each vanguard meet the members they link, and visit their households?

Definitions (docs/design.md 7.15), for an area and the period ``[date_from, date_to]`` cut into
calendar months (the first and last clipped to the period):

- The vanguards of an area are the PartyMembers with ``vanguard`` true who LIVE_IN a household
  under it (the city: every vanguard) and LINK someone (a vanguard without LINKS is *idle*,
  counted apart, as in the vanguard load).
- A vanguard **met** their linked members in a month when an Activity of kind
  ``MONTHLY_CONTACT`` with ``on`` in that month is HELD_BY them and ATTENDED by at least one
  party member they LINK.
- They **visited** in a month when they have a VISITED ``on`` a day of it to a household they
  LINK; **visited all** when every household they LINK was visited in it (a vanguard who links
  no household visits none, and never all).
- **In contact** in a month: met or visited.  **Lapsed**: two consecutive months of the period
  with neither (the planted ``lapsed_vanguards`` of the generator are such vanguards).
- Per area: the share of its vanguards in contact in the last month of the period, beside the
  active coverage as of ``date_to`` (:func:`analytics.coverage.coverage`: linked households
  VISITED by their vanguard in the 31 days up to it).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analytics._common import JsonResult, Ratio, node_data, parse_date, rate, require_area
from analytics.areas import AreaIndex, breakdown_level
from analytics.coverage import ACTIVE_WINDOW_DAYS, Linkage
from analytics.work.index import MONTHLY_CONTACT, WorkIndex, months
from analytics.work.quiet import QuietJson, collector_paused


@dataclass(frozen=True, slots=True)
class ContactMonth(JsonResult):
    """One vanguard in one month."""

    month: str
    met: bool
    households_visited: int
    visited_all: bool
    in_contact: bool


@dataclass(frozen=True, slots=True)
class VanguardContact(JsonResult):
    """One vanguard over the period, month by month (oldest first)."""

    vanguard: str
    building: str | None
    linked_members: int
    linked_households: int
    months: tuple[ContactMonth, ...]
    months_in_contact: int
    lapsed: bool
    lapsed_from: str | None
    """The first month of the first two consecutive months with neither meeting nor visit."""


@dataclass(frozen=True, slots=True)
class MonthContact(JsonResult):
    """All the area's vanguards in one month."""

    month: str
    vanguards: int
    met: int
    visited: int
    visited_all: int
    in_contact: Ratio


@dataclass(frozen=True, slots=True)
class AreaContact(JsonResult):
    """One area: the share of its vanguards in contact in the last month, beside active coverage."""

    area: str
    label: str
    name: str | None
    vanguards: int
    in_contact: Ratio
    lapsed: int
    active_coverage: Ratio
    """Households VISITED by their vanguard in the 31 days up to ``date_to``, over the area's households."""


@dataclass(frozen=True, slots=True)
class ContactReport(QuietJson):
    """Monthly contact of an area over a period.

    JSON: ``{area, label, name, date_from, date_to, vanguards, idle, in_contact: {total, covered,
    rate}, lapsed, active_coverage, by, months: [...], breakdown: [...], lapsed_vanguards: [...],
    vanguards_detail: [...]}``.
    """

    area: str | None
    label: str
    name: str | None
    date_from: str
    date_to: str
    vanguards: int
    idle: int
    in_contact: Ratio
    """Vanguards in contact in the last month of the period."""
    lapsed: int
    active_coverage: Ratio
    by: str | None
    months: tuple[MonthContact, ...]
    breakdown: tuple[AreaContact, ...]
    lapsed_vanguards: tuple[str, ...]
    """Ids of the lapsed vanguards, sorted."""
    vanguards_detail: tuple[VanguardContact, ...]
    """Every vanguard of the area, lapsed first, then fewest months in contact, then by id."""


def vanguard_contact(
    vanguard: str,
    work: WorkIndex,
    linkage: Linkage,
    periods: Sequence[tuple[str, dt.date, dt.date]],
    month_of: Callable[[dt.date], int | None] | None = None,
    made: dict[tuple[Any, ...], ContactMonth] | None = None,
) -> VanguardContact:
    """One vanguard's contact month by month over ``periods`` (as :func:`analytics.work.index.months` gives;
    ``month_of``: :func:`month_finder` of them, and ``made``: the month rows made so far, both shared
    between vanguards: a row is immutable, and most vanguards' months are one of a few hundred rows).

    >>> from analytics.projection import tiny_work
    >>> G = tiny_work(); w = WorkIndex.build(G); link = Linkage.build(G)
    >>> c = vanguard_contact("v1", w, link, months(dt.date(2026, 10, 1), dt.date(2026, 12, 31)))
    >>> [(m.month, m.met, m.households_visited, m.in_contact) for m in c.months]
    [('2026-10', True, 1, True), ('2026-11', False, 0, False), ('2026-12', False, 1, True)]
    >>> c.lapsed
    False
    """
    linked_members = linkage.members.get(vanguard, frozenset())
    linked_households = linkage.households.get(vanguard, frozenset())
    find = month_of or month_finder(periods)
    made = {} if made is None else made
    met: set[int] = set()
    for a in work.by_holder.get(vanguard, ()):
        if a.kind == MONTHLY_CONTACT and a.on is not None and any(m in linked_members for m in a.members):
            i = find(a.on)
            if i is not None:
                met.add(i)
    seen_in: dict[int, set[str]] = {}
    for h, on in work.visits.get(vanguard, ()):
        if h in linked_households:
            i = find(on)
            if i is not None:
                seen_in.setdefault(i, set()).add(h)
    rows: list[ContactMonth] = []
    lapsed_from: str | None = None
    previous_out: str | None = None
    nobody: set[str] = set()
    for i, (month, _lo, _hi) in enumerate(periods):
        seen = seen_in.get(i, nobody)
        contact = i in met or bool(seen)
        key = (month, i in met, len(seen), bool(linked_households) and seen >= linked_households, contact)
        row = made.get(key)
        if row is None:
            row = made[key] = ContactMonth(*key)
        rows.append(row)
        if contact:
            previous_out = None
        else:
            if previous_out is not None and lapsed_from is None:
                lapsed_from = previous_out
            previous_out = month
    return VanguardContact(
        vanguard=vanguard,
        building=work.index.member_building(vanguard),
        linked_members=len(linked_members),
        linked_households=len(linked_households),
        months=tuple(rows),
        months_in_contact=sum(r.in_contact for r in rows),
        lapsed=lapsed_from is not None,
        lapsed_from=lapsed_from,
    )


def month_finder(periods: Sequence[tuple[str, dt.date, dt.date]]) -> Callable[[dt.date], int | None]:
    """The index of the period a day falls in (None: in none), each distinct day looked up once.

    >>> find = month_finder(months(dt.date(2026, 10, 15), dt.date(2026, 12, 10)))
    >>> [find(dt.date(2026, m, d)) for m, d in ((10, 14), (10, 15), (11, 30), (12, 11))]
    [None, 0, 1, None]
    """
    starts = [lo for _, lo, _ in periods]
    ends = [hi for _, _, hi in periods]
    seen: dict[dt.date, int | None] = {}

    def find(d: dt.date) -> int | None:
        try:
            return seen[d]
        except KeyError:
            i = bisect_right(starts, d) - 1
            found = seen[d] = i if i >= 0 and d <= ends[i] else None
            return found

    return find


def active_households(work: WorkIndex, linkage: Linkage, as_of: dt.date) -> frozenset[str]:
    """The households actively covered as of ``as_of`` (section 7.2: VISITED by a vanguard that LINKS
    them in the :data:`~analytics.coverage.ACTIVE_WINDOW_DAYS` days up to it), from the visits part
    contact reads anyway: what :meth:`Linkage.active_households` finds walking the vanguards' edges.

    >>> from analytics.projection import tiny_work
    >>> G = tiny_work(); link = Linkage.build(G); day = dt.date(2026, 12, 31)
    >>> active_households(WorkIndex.build(G), link, day) == link.active_households(G, day)
    True
    """
    lo = as_of - dt.timedelta(days=ACTIVE_WINDOW_DAYS - 1)
    active: set[str] = set()
    for v, visits in work.visits.items():
        linked = linkage.households.get(v)
        if linked:
            active.update(h for h, on in visits if lo <= on <= as_of and h in linked)
    return frozenset(active)


def _active(idx: AreaIndex, active: frozenset[str], per_area: Mapping[str, int], area: str | None) -> Ratio:
    if area is None:
        return Ratio.of(len(active), idx.household_count())
    return Ratio.of(per_area.get(area, 0), idx.household_count(area))


@collector_paused
def monthly_contact(
    G: Any,
    area: str | None = None,
    *,
    date_from: dt.date | str,
    date_to: dt.date | str,
    by: str | None = None,
    breakdown: bool = True,
    index: AreaIndex | None = None,
    linkage: Linkage | None = None,
    work: WorkIndex | None = None,
) -> ContactReport:
    """Monthly contact of the vanguards of an area (None: the city) over ``[date_from, date_to]``.

    Parameters
    ----------
    by : str, optional
        Break down by this area level (below the area); default one level down.
    breakdown : bool
        False: no breakdown rows.

    Examples
    --------
    >>> from analytics.projection import tiny_work
    >>> r = monthly_contact(tiny_work(), date_from="2026-10-01", date_to="2026-12-31")
    >>> r.vanguards, r.in_contact.covered, r.lapsed_vanguards, r.active_coverage.covered
    (3, 2, ('v3',), 1)
    >>> [(m.month, m.met, m.visited, m.in_contact.covered) for m in r.months]
    [('2026-10', 1, 2, 2), ('2026-11', 0, 0, 0), ('2026-12', 1, 1, 2)]
    >>> [(a.area, a.vanguards, a.in_contact.covered, a.lapsed) for a in r.breakdown]
    [('st1', 3, 2, 1)]
    """
    start, end = parse_date(date_from), parse_date(date_to)
    if start > end:
        raise ValueError(f"the period starts on {start} after it ends on {end}")
    idx = index or (work.index if work is not None else AreaIndex.build(G))
    label = require_area(node_data(G), area)
    link = linkage or Linkage.build(G)
    w = work or WorkIndex.build(G, idx)
    periods = months(start, end)
    chosen = [v for v in link.vanguards if w.lives_in(v, area)]
    idle = [v for v in chosen if not link.members.get(v) and not link.households.get(v)]
    active = [v for v in chosen if link.members.get(v) or link.households.get(v)]
    find = month_finder(periods)
    made: dict[tuple[Any, ...], ContactMonth] = {}
    detail = [vanguard_contact(v, w, link, periods, find, made) for v in active]
    month_rows = tuple(
        MonthContact(
            month=m,
            vanguards=len(detail),
            met=sum(d.months[i].met for d in detail),
            visited=sum(d.months[i].households_visited > 0 for d in detail),
            visited_all=sum(d.months[i].visited_all for d in detail),
            in_contact=Ratio.of(sum(d.months[i].in_contact for d in detail), len(detail)),
        )
        for i, (m, _, _) in enumerate(periods)
    )
    level = breakdown_level(label, by, breakdown)
    actively = active_households(w, link, end)
    active_per_area = idx.rollup(idx.count_by_building(actively)) if area is not None or level is not None else {}
    rows: list[AreaContact] = []
    if level is not None:
        per_area: dict[str, list[int]] = {}
        for d in detail:
            b = d.building
            if b is None:
                continue
            for a in (b, *idx.ancestors(b)):
                if idx.label(a) == level:
                    tally = per_area.setdefault(a, [0, 0, 0])
                    tally[0] += 1
                    tally[1] += d.months[-1].in_contact
                    tally[2] += d.lapsed
        for a in idx.areas_under(area, level):
            n, inc, lap = per_area.get(a, (0, 0, 0))
            rows.append(
                AreaContact(a, level, idx.name(a), n, Ratio.of(inc, n), lap, _active(idx, actively, active_per_area, a))
            )
    detail.sort(key=lambda d: (not d.lapsed, d.months_in_contact, d.vanguard))
    last = month_rows[-1].in_contact if month_rows else Ratio.of(0, 0)
    return ContactReport(
        area=area,
        label=label,
        name=idx.name(area),
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        vanguards=len(active),
        idle=len(idle),
        in_contact=last,
        lapsed=sum(d.lapsed for d in detail),
        active_coverage=_active(idx, actively, active_per_area, area),
        by=level,
        months=month_rows,
        breakdown=tuple(rows),
        lapsed_vanguards=tuple(sorted(d.vanguard for d in detail if d.lapsed)),
        vanguards_detail=tuple(detail),
    )


def contact_rates(report: ContactReport) -> Mapping[str, float | None]:
    """Month → the share of vanguards in contact in it.

    >>> from analytics.projection import tiny_work
    >>> contact_rates(monthly_contact(tiny_work(), date_from="2026-11-01", date_to="2026-11-30"))
    {'2026-11': 0.0}
    """
    return {m.month: rate(m.in_contact.covered, m.in_contact.total) for m in report.months}


__all__ = [
    "AreaContact",
    "ContactMonth",
    "ContactReport",
    "MonthContact",
    "VanguardContact",
    "active_households",
    "contact_rates",
    "month_finder",
    "monthly_contact",
    "vanguard_contact",
]
