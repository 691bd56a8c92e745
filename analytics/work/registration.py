"""Registration (三报到): in-service members who report to the community they live in, and serve there.

Definitions (docs/design.md 7.15, the issue's), for an area and the period ``[date_from, date_to]``:

- **in service**: party members of kind ``IN_SERVICE`` who LIVE_IN a household under the area.
- **reported**: those with a REPORTED_TO the community they live in (a registration at another
  community does not count); rate over in service.
- **served**: reported ones who ATTENDED an activity with ``on`` in the period HELD_IN that
  community or an area under it, or were ASSIGNED_TO an appeal lying there (what it CONCERNS
  is the community or under it) with the assignment's ``since`` in the period (the appeal's
  ``reported_on`` when ``since`` is missing); rate over reported.
- Per community (of the in-service members' homes) the same three; per workplace unit (the
  AllianceMember their branch is BRANCH_OF, or the branch itself when it lies outside the
  city or belongs to no unit) how many of its in-service members living in the area reported
  home.  The *unregistered* are the in-service members of the area who did not report, by id
  (the projection carries no personal fields; the API hides those outside the viewer's scope).

The coverage-plan option (:func:`registration_plan`) offers *candidate vanguards*: registered
in-service members who are not vanguards, LINK nobody and served in the period (they already
give time at home), each with the capacity ``candidate_capacity`` (default a third of the
households norm: they work).  It runs :func:`analytics.plan.coverage_plan` with and without them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analytics._common import JsonResult, node_data, parse_date, rate, require_area
from analytics.areas import AreaIndex
from analytics.coverage import Linkage
from analytics.plan import CoveragePlan, coverage_plan
from analytics.work.index import WorkIndex
from analytics.work.quiet import QuietJson, collector_paused
from graph_schema.contract import HOUSEHOLDS_NORM, check_norm

CANDIDATE_CAPACITY = HOUSEHOLDS_NORM // 3
"""Households a candidate vanguard (an in-service member) is offered at most: a third of N."""


@dataclass(frozen=True, slots=True)
class Share(JsonResult):
    """How many, and the rate over the step before (None when that is 0)."""

    count: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class CommunityRegistration(JsonResult):
    """One community: its in-service residents, how many reported to it, how many served in it."""

    community: str
    name: str | None
    in_service: int
    reported: Share
    served: Share


@dataclass(frozen=True, slots=True)
class UnitRegistration(JsonResult):
    """One workplace: how many of its in-service members living in the area reported home."""

    unit: str | None
    """The AllianceMember (or, ``kind`` ``branch``, the branch); None for members of no branch."""
    kind: str
    """``unit`` (an alliance member unit), ``external`` (a branch outside the city), ``branch`` (a
    branch of no unit) or ``none``."""
    name: str | None
    in_service: int
    reported: Share


@dataclass(frozen=True, slots=True)
class Unregistered(JsonResult):
    """An in-service member who did not report to the community they live in."""

    member: str
    building: str | None
    community: str | None
    unit: str | None
    reported_elsewhere: bool


@dataclass(frozen=True, slots=True)
class RegistrationReport(QuietJson):
    """三报到 of an area over a period.

    JSON: ``{area, label, name, date_from, date_to, in_service, reported: {count, rate}, served:
    {count, rate}, communities: [...], units: [...], unregistered: [...]}``.
    """

    area: str | None
    label: str
    name: str | None
    date_from: str
    date_to: str
    in_service: int
    reported: Share
    served: Share
    communities: tuple[CommunityRegistration, ...]
    """By community id."""
    units: tuple[UnitRegistration, ...]
    """Lowest reported rate first, then most in-service members, then by id."""
    unregistered: tuple[Unregistered, ...]
    """By community, then member id."""


def _shares(in_service: int, reported: int, served: int) -> tuple[Share, Share]:
    return Share(reported, rate(reported, in_service)), Share(served, rate(served, reported))


def member_status(member: str, work: WorkIndex, start: dt.date, end: dt.date) -> tuple[str | None, bool, bool]:
    """An in-service member's community, whether they reported to it and whether they served there.

    >>> from analytics.projection import tiny_work
    >>> w = WorkIndex.build(tiny_work())
    >>> [member_status(m, w, dt.date(2026, 10, 1), dt.date(2026, 12, 31)) for m in w.in_service]
    [('c2', False, False), ('c1', True, True), ('c1', True, False)]
    """
    community = work.community_of(member)
    reported = community is not None and community in work.reported.get(member, ())
    if not reported or community is None:
        return community, False, False
    idx = work.index
    served = any(
        on is not None and start <= on <= end and place is not None and idx.within(place, community)
        for on, place in work.service.get(member, ())
    ) or any(
        x.since is not None and start <= x.since <= end and x.anchor is not None and idx.within(x.anchor, community)
        for x in work.assignments.get(member, ())
    )
    return community, True, served


def _unit_of(work: WorkIndex, member: str) -> tuple[str | None, str]:
    place = work.workplace.get(member)
    if place is None or place.branch is None:
        return None, "none"
    if place.unit is not None:
        return place.unit, "unit"
    return place.branch, "external" if place.external else "branch"


@collector_paused
def registration(
    G: Any,
    area: str | None = None,
    *,
    date_from: dt.date | str,
    date_to: dt.date | str,
    index: AreaIndex | None = None,
    work: WorkIndex | None = None,
) -> RegistrationReport:
    """三报到 of an area (None: the city) over ``[date_from, date_to]``.

    Examples
    --------
    >>> from analytics.projection import tiny_work
    >>> r = registration(tiny_work(), date_from="2026-10-01", date_to="2026-12-31")
    >>> r.in_service, r.reported, r.served
    (3, Share(count=2, rate=0.6666666666666666), Share(count=1, rate=0.5))
    >>> [(c.community, c.in_service, c.reported.count, c.served.count) for c in r.communities]
    [('c1', 2, 2, 1), ('c2', 1, 0, 0)]
    >>> [(u.unit, u.kind, u.in_service, u.reported.count) for u in r.units]
    [('u2', 'unit', 2, 1), ('o_ext', 'external', 1, 1)]
    >>> [(u.member, u.community, u.reported_elsewhere) for u in r.unregistered]
    [('i1', 'c2', True)]
    """
    start, end = parse_date(date_from), parse_date(date_to)
    if start > end:
        raise ValueError(f"the period starts on {start} after it ends on {end}")
    idx = index or (work.index if work is not None else AreaIndex.build(G))
    label = require_area(node_data(G), area)
    w = work or WorkIndex.build(G, idx)
    totals = [0, 0, 0]
    communities: dict[str, list[int]] = {}
    units: dict[tuple[str | None, str], list[int]] = {}
    unregistered: list[Unregistered] = []
    for m in w.in_service:
        if not w.lives_in(m, area):
            continue
        community, reported, served = member_status(m, w, start, end)
        counts = (1, int(reported), int(served))
        for i, c in enumerate(counts):
            totals[i] += c
        if community is not None:
            row = communities.setdefault(community, [0, 0, 0])
            for i, c in enumerate(counts):
                row[i] += c
        unit = _unit_of(w, m)
        urow = units.setdefault(unit, [0, 0])
        urow[0] += 1
        urow[1] += int(reported)
        if not reported:
            unregistered.append(Unregistered(m, idx.member_building(m), community, unit[0], bool(w.reported.get(m))))
    reported_share, served_share = _shares(*totals)
    unit_rows = [
        UnitRegistration(u, kind, w.names.get(u) if u is not None else None, n, Share(r, rate(r, n)))
        for (u, kind), (n, r) in units.items()
    ]
    unit_rows.sort(key=lambda u: (u.reported.rate if u.reported.rate is not None else 2.0, -u.in_service, u.unit or ""))
    unregistered.sort(key=lambda u: (u.community or "", u.member))
    return RegistrationReport(
        area=area,
        label=label,
        name=idx.name(area),
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        in_service=totals[0],
        reported=reported_share,
        served=served_share,
        communities=tuple(
            CommunityRegistration(c, idx.name(c), n, *_shares(n, r, s)) for c, (n, r, s) in sorted(communities.items())
        ),
        units=tuple(unit_rows),
        unregistered=tuple(unregistered),
    )


def candidate_vanguards(
    G: Any,
    area: str | None = None,
    *,
    date_from: dt.date | str,
    date_to: dt.date | str,
    work: WorkIndex | None = None,
    linkage: Linkage | None = None,
) -> tuple[str, ...]:
    """Registered in-service members of the area who served in the period, are no vanguard and LINK nobody.

    >>> from analytics.projection import tiny_work
    >>> candidate_vanguards(tiny_work(), date_from="2026-10-01", date_to="2026-12-31")
    ('i2',)
    """
    start, end = parse_date(date_from), parse_date(date_to)
    w = work or WorkIndex.build(G)
    link = linkage or Linkage.build(G)
    out = []
    vanguards = w.vanguards  # a set made per read of the property
    for m in w.in_service:
        if m in vanguards or link.households.get(m) or link.members.get(m) or not w.lives_in(m, area):
            continue
        _, reported, served = member_status(m, w, start, end)
        if reported and served:
            out.append(m)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class RegistrationPlan(QuietJson):
    """The coverage plan with registered in-service members offered as candidate vanguards, beside the plan without."""

    area: str | None
    candidate_capacity: int
    candidates: tuple[str, ...]
    without: CoveragePlan
    with_candidates: CoveragePlan
    extra_households: int
    """Households the plan covers more with the candidates."""
    candidates_used: int


@collector_paused
def registration_plan(
    G: Any,
    area: str | None = None,
    *,
    date_from: dt.date | str,
    date_to: dt.date | str,
    households_norm: int = HOUSEHOLDS_NORM,
    candidate_capacity: int = CANDIDATE_CAPACITY,
    index: AreaIndex | None = None,
    linkage: Linkage | None = None,
    work: WorkIndex | None = None,
) -> RegistrationPlan:
    """The coverage plan of an area with and without the candidate vanguards.

    Each candidate joins the plan as a vanguard with no LINKS and capacity
    ``candidate_capacity`` (the existing vanguards keep ``households_norm`` minus their LINKS).

    >>> from analytics.projection import tiny_work
    >>> p = registration_plan(tiny_work(), date_from="2026-10-01", date_to="2026-12-31")
    >>> p.candidates, p.without.after.covered, p.with_candidates.after.covered, p.extra_households
    (('i2',), 5, 6, 1)
    """
    check_norm("households_norm", households_norm)
    if candidate_capacity < 0:
        raise ValueError(f"candidate_capacity must be 0 or more, got {candidate_capacity}")
    idx = index or AreaIndex.build(G)
    link = linkage or Linkage.build(G)
    w = work or WorkIndex.build(G, idx)
    candidates = candidate_vanguards(G, area, date_from=date_from, date_to=date_to, work=w, linkage=link)
    without = coverage_plan(G, area, households_norm=households_norm, index=idx, linkage=link)
    empty: frozenset[str] = frozenset()
    households: Mapping[str, frozenset[str]] = {**link.households, **{c: empty for c in candidates}}
    members: Mapping[str, frozenset[str]] = {**link.members, **{c: empty for c in candidates}}
    widened = Linkage(sorted({*link.vanguards, *candidates}), households, members, link.non_vanguards - set(candidates))
    caps = {c: candidate_capacity for c in candidates}
    with_c = coverage_plan(G, area, households_norm=households_norm, capacity=caps, index=idx, linkage=widened)
    chosen = set(candidates)
    return RegistrationPlan(
        area=area,
        candidate_capacity=candidate_capacity,
        candidates=candidates,
        without=without,
        with_candidates=with_c,
        extra_households=with_c.after.covered - without.after.covered,
        candidates_used=len({a.vanguard for a in with_c.assignments if a.vanguard in chosen}),
    )


__all__ = [
    "CANDIDATE_CAPACITY",
    "CommunityRegistration",
    "RegistrationPlan",
    "RegistrationReport",
    "Share",
    "UnitRegistration",
    "Unregistered",
    "candidate_vanguards",
    "member_status",
    "registration",
    "registration_plan",
]
