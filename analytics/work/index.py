"""The monthly work of a projection, read once: activities, visits, registrations, points, projects.

:class:`WorkIndex` reads every Activity with who held it (HELD_BY), where (HELD_IN), who
ATTENDED it, the households it SERVED and the SecretaryProject it ADVANCES; the vanguards'
VISITED; the in-service members (``kind`` ``IN_SERVICE``) with their REPORTED_TO and their
workplace (the branch they are MEMBER_OF and the unit that branch is BRANCH_OF); every EARNED;
every SecretaryProject with LED_BY, LEADS and HELD_IN; and who is ASSIGNED_TO which appeal.
An :class:`~analytics.session.AnalyticsSession` keeps it as ``session.work``.

Nothing personal is read: the projection carries no personal fields, and the results name
party members by id only.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from analytics._common import name_of, node_data, pred, succ
from analytics.areas import AreaIndex
from graph_schema import Label, RelType
from graph_schema.contract import ActivityKind, MemberKind

_ACTIVITY = Label.ACTIVITY.value
_PROJECT = Label.SECRETARY_PROJECT.value
_APPEAL = Label.APPEAL.value
_MEMBER = Label.PARTY_MEMBER.value
_ORG = Label.PARTY_ORGANIZATION.value
_ALLIANCE = Label.ALLIANCE.value
_UNIT = Label.ALLIANCE_MEMBER.value
_HELD_BY, _HELD_IN, _ATTENDED = RelType.HELD_BY.value, RelType.HELD_IN.value, RelType.ATTENDED.value
_SERVED, _ADVANCES, _VISITED = RelType.SERVED.value, RelType.ADVANCES.value, RelType.VISITED.value
_REPORTED_TO, _MEMBER_OF, _BRANCH_OF = RelType.REPORTED_TO.value, RelType.MEMBER_OF.value, RelType.BRANCH_OF.value
_EARNED, _LED_BY, _LEADS = RelType.EARNED.value, RelType.LED_BY.value, RelType.LEADS.value
_ASSIGNED_TO, _CONCERNS = RelType.ASSIGNED_TO.value, RelType.CONCERNS.value
_IN_SERVICE = MemberKind.IN_SERVICE.value

MONTHLY_CONTACT = ActivityKind.MONTHLY_CONTACT.value
"""The ``kind`` of a vanguard's monthly meeting with the members they link (月联)."""


def day(value: Any) -> dt.date | None:
    """A date property as a date (None when absent or unreadable).

    >>> day("2026-10-03"), day("2026-10-03T08:00:00"), day(None), day("soon")
    (datetime.date(2026, 10, 3), datetime.date(2026, 10, 3), None, None)
    """
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _iso_day(str(value)[:10])


@functools.lru_cache(maxsize=8192)
def _iso_day(text: str) -> dt.date | None:
    """An ISO day, parsed once per distinct string (a year of activity has a few hundred days)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def months(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The calendar months of ``[start, end]``, each clipped to it: ``(YYYY-MM, first day, last day)``.

    >>> [m for m, _, _ in months(dt.date(2026, 11, 20), dt.date(2027, 1, 5))]
    ['2026-11', '2026-12', '2027-01']
    >>> months(dt.date(2026, 11, 20), dt.date(2026, 11, 25))[0][1:]
    (datetime.date(2026, 11, 20), datetime.date(2026, 11, 25))
    """
    out: list[tuple[str, dt.date, dt.date]] = []
    first = start.replace(day=1)
    while first <= end:
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        out.append((first.strftime("%Y-%m"), max(first, start), min(nxt - dt.timedelta(days=1), end)))
        first = nxt
    return out


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity as the analyses read it."""

    id: str
    kind: str
    on: dt.date | None
    holder: str | None
    """What it is HELD_BY: a PartyOrganization, an Alliance or (a monthly contact) a PartyMember."""
    holder_label: str | None
    place: str | None
    """The area it is HELD_IN."""
    members: tuple[str, ...]
    """The party members who ATTENDED it, sorted."""
    units: tuple[str, ...]
    """The alliance member units that ATTENDED it, sorted."""
    served: tuple[str, ...]
    """The households it SERVED, sorted."""
    project: str | None
    """The SecretaryProject it ADVANCES."""


@dataclass(frozen=True, slots=True)
class Earned:
    """One EARNED: points a member earned on a day, and what for."""

    member: str
    target: str
    source: str
    """An ActivityKind value for an activity, ``SecretaryProject`` or ``Appeal``."""
    points: int
    on: dt.date | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Project:
    """One secretary project (书记项目)."""

    id: str
    title: str | None
    category: str
    stage: str
    proposed: dt.date | None
    led: dt.date | None
    started: dt.date | None
    reviewed: dt.date | None
    review_score: int | None
    led_by: str | None
    leaders: tuple[str, ...]
    place: str | None
    events: tuple[str, ...]
    """The activities that ADVANCES it, sorted."""


@dataclass(frozen=True, slots=True)
class Workplace:
    """Where an in-service member works: the branch they are MEMBER_OF and its unit."""

    branch: str | None
    unit: str | None
    """The AllianceMember the branch is BRANCH_OF; None for a branch outside the city or none."""
    external: bool


@dataclass(frozen=True, slots=True)
class Assignment:
    """An appeal ASSIGNED_TO a party member: since when, and the area it lies in."""

    appeal: str
    since: dt.date | None
    anchor: str | None


def _attr_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class WorkIndex:
    """The monthly work of one projection, read once (a snapshot, like :class:`AreaIndex`).

    Examples
    --------
    >>> from analytics.projection import tiny_work
    >>> G = tiny_work()
    >>> w = WorkIndex.build(G, AreaIndex.build(G))
    >>> [a.id for a in w.activities][:3], w.in_service
    (['c_v1_10', 'c_v1_11', 'c_v2_12'], ('i1', 'i2', 'i3'))
    >>> w.workplace["i1"], w.reported["i2"]
    (Workplace(branch='o_u2', unit='u2', external=False), frozenset({'c1'}))
    """

    __slots__ = (
        "_events",
        "activities",
        "assignments",
        "attended",
        "by_holder",
        "earned",
        "in_service",
        "index",
        "kinds",
        "labels",
        "member_branch",
        "names",
        "projects",
        "reported",
        "vanguards",
        "visits",
        "workplace",
    )

    def __init__(self, index: AreaIndex) -> None:
        self.index = index
        self.activities: tuple[Activity, ...] = ()
        self._events: dict[str, list[Activity]] = {}
        """Every Activity node, sorted by id."""
        self.by_holder: dict[str, list[Activity]] = {}
        self.attended: dict[str, list[Activity]] = {}
        """Party member → the activities they ATTENDED."""
        self.visits: dict[str, list[tuple[str, dt.date]]] = {}
        """Party member → their VISITED (household, day)."""
        self.in_service: tuple[str, ...] = ()
        """Party members of kind IN_SERVICE, sorted."""
        self.vanguards: frozenset[str] = frozenset()
        self.reported: dict[str, frozenset[str]] = {}
        """Party member → the communities they are REPORTED_TO."""
        self.member_branch: dict[str, str] = {}
        """Party member → the organization they are MEMBER_OF."""
        self.workplace: dict[str, Workplace] = {}
        """In-service member → their workplace."""
        self.earned: tuple[Earned, ...] = ()
        self.projects: tuple[Project, ...] = ()
        self.assignments: dict[str, list[Assignment]] = {}
        """Party member → the appeals ASSIGNED_TO them."""
        self.names: dict[str, str | None] = {}
        """Names of organizations, alliances and units (never of party members)."""
        self.labels: dict[str, str] = {}
        """Label of each organization, alliance, unit, activity, project and appeal read."""
        self.kinds: dict[str, str] = {}
        """Organization → its level (with ``EXTERNAL`` for a branch outside the city)."""

    @classmethod
    def build(cls, G: Any, index: AreaIndex | None = None) -> WorkIndex:
        """Read the projection (one pass over the labels the monthly work involves).

        The cycle collector is paused while the index is made (a city's year of activity is a
        million small objects, none of them in a cycle; each full collection would rescan the
        whole projection) and restored after.
        """
        idx = index or AreaIndex.build(G)
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._build(G, idx)
        finally:
            if was_enabled:
                gc.enable()

    @classmethod
    def _build(cls, G: Any, idx: AreaIndex) -> WorkIndex:
        self = cls(idx)
        nodes = node_data(G)
        out, into = succ(G), pred(G)
        members: list[str] = []
        activities: list[str] = []
        projects: list[str] = []
        for n, data in nodes.items():
            label = data.get("label")
            if label == _MEMBER:
                members.append(n)
            elif label == _ACTIVITY:
                activities.append(n)
            elif label == _PROJECT:
                projects.append(n)
            elif label in (_ORG, _ALLIANCE, _UNIT):
                self.names[n] = name_of(data)
                self.labels[n] = str(label)
                if label == _ORG:
                    self.kinds[n] = "EXTERNAL" if data.get("external") is True else str(data.get("level") or "")
        self._read_activities(sorted(activities), nodes, out, into)
        self._read_members(members, nodes, out, into)
        self._read_projects(sorted(projects), nodes, out, into)
        return self

    def _read_activities(self, ids: list[str], nodes: Any, out: Any, into: Any) -> None:
        acts: list[Activity] = []
        for a in ids:
            data = nodes[a]
            holder = place = project = None
            served: list[str] = []
            for target, keys in out[a].items():
                if _HELD_BY in keys:
                    holder = target
                if _HELD_IN in keys:
                    place = target
                if _SERVED in keys:
                    served.append(target)
                if _ADVANCES in keys:
                    project = target
            people: list[str] = []
            units: list[str] = []
            for source, keys in into[a].items():
                if _ATTENDED in keys:
                    label = nodes.get(source, {}).get("label")
                    if label == _MEMBER:
                        people.append(source)
                    elif label == _UNIT:
                        units.append(source)
            hl = nodes.get(holder, {}).get("label") if holder is not None else None
            act = Activity(
                id=a,
                kind=str(data.get("kind") or ""),
                on=day(data.get("on")),
                holder=holder,
                holder_label=None if hl is None else str(hl),
                place=place,
                members=tuple(sorted(people)),
                units=tuple(sorted(units)),
                served=tuple(sorted(served)),
                project=project,
            )
            acts.append(act)
            self.labels[a] = _ACTIVITY
            if holder is not None:
                self.by_holder.setdefault(holder, []).append(act)
            for m in act.members:
                self.attended.setdefault(m, []).append(act)
        self.activities = tuple(acts)

    def _read_members(self, ids: list[str], nodes: Any, out: Any, into: Any) -> None:
        idx = self.index
        in_service: list[str] = []
        vanguards: list[str] = []
        earned: list[Earned] = []
        branch_unit: dict[str, str] = {}
        for m in ids:
            data = nodes[m]
            if data.get("vanguard") is True:
                vanguards.append(m)
            if data.get("kind") == _IN_SERVICE:
                in_service.append(m)
            reported: list[str] = []
            for target, keys in out[m].items():
                if _MEMBER_OF in keys:
                    self.member_branch[m] = target
                if _REPORTED_TO in keys:
                    reported.append(target)
                for key, rel in keys.items():
                    kind = rel.get("type", key)
                    if kind == _VISITED:
                        on = day(rel.get("on"))
                        if on is not None:
                            self.visits.setdefault(m, []).append((target, on))
                    elif kind == _EARNED:
                        earned.append(self._earned(m, target, rel, nodes))
            if reported:
                self.reported[m] = frozenset(reported)
            for source, keys in into[m].items():
                rel = keys.get(_ASSIGNED_TO)
                if rel is not None and nodes.get(source, {}).get("label") == _APPEAL:
                    self.assignments.setdefault(m, []).append(self._assignment(source, rel, nodes, out, idx))
        for m in in_service:
            branch = self.member_branch.get(m)
            unit = None
            if branch is not None:
                if branch not in branch_unit:
                    branch_unit[branch] = next(
                        (t for t, keys in out[branch].items() if _BRANCH_OF in keys),
                        "",
                    )
                unit = branch_unit[branch] or None
            external = branch is not None and self.kinds.get(branch) == "EXTERNAL"
            self.workplace[m] = Workplace(branch, unit, external)
        self.in_service = tuple(sorted(in_service))
        self.vanguards = frozenset(vanguards)
        earned.sort(key=lambda e: (e.member, e.on or dt.date.min, e.target))
        self.earned = tuple(earned)

    def _earned(self, member: str, target: str, rel: Mapping[str, Any], nodes: Any) -> Earned:
        tdata = nodes.get(target, {})
        label = str(tdata.get("label") or "")
        source = str(tdata.get("kind") or _ACTIVITY) if label == _ACTIVITY else label
        reason = rel.get("reason")
        return Earned(
            member=member,
            target=target,
            source=source,
            points=_attr_int(rel.get("points")) or 0,
            on=day(rel.get("on")),
            reason=None if reason is None else str(reason),
        )

    @staticmethod
    def _assignment(appeal: str, rel: Mapping[str, Any], nodes: Any, out: Any, idx: AreaIndex) -> Assignment:
        concerns = next((t for t, keys in out[appeal].items() if _CONCERNS in keys), None)
        anchor = None
        if concerns is not None:
            anchor = idx.building_of(concerns) if idx.label(concerns) is None else concerns
        since = day(rel.get("since")) or day(nodes[appeal].get("reported_on"))
        return Assignment(appeal, since, anchor)

    def _read_projects(self, ids: list[str], nodes: Any, out: Any, into: Any) -> None:
        events: dict[str, list[str]] = {}
        for act in self.activities:
            if act.project is not None:
                events.setdefault(act.project, []).append(act.id)
                self._events.setdefault(act.project, []).append(act)
        projects: list[Project] = []
        for p in ids:
            data = nodes[p]
            led_by = place = None
            for target, keys in out[p].items():
                if _LED_BY in keys:
                    led_by = target
                if _HELD_IN in keys:
                    place = target
            leaders = sorted(s for s, keys in into[p].items() if _LEADS in keys)
            title = data.get("title")
            projects.append(
                Project(
                    id=p,
                    title=None if title is None else str(title),
                    category=str(data.get("category") or "OTHER"),
                    stage=str(data.get("stage") or "PROPOSED"),
                    proposed=day(data.get("proposed_on")),
                    led=day(data.get("led_on")),
                    started=day(data.get("started_on")),
                    reviewed=day(data.get("reviewed_on")),
                    review_score=_attr_int(data.get("review_score")),
                    led_by=led_by,
                    leaders=tuple(leaders),
                    place=place,
                    events=tuple(sorted(events.get(p, ()))),
                )
            )
            self.labels[p] = _PROJECT
        self.projects = tuple(projects)

    # --- lookups ---------------------------------------------------------------------------

    def in_area(self, place: str | None, area: str | None) -> bool:
        """Whether an area ``place`` (a HELD_IN) lies within ``area`` (everything is in the city)."""
        if area is None:
            return True
        return place is not None and self.index.within(place, area)

    def activities_in(self, area: str | None, start: dt.date, end: dt.date) -> Iterator[Activity]:
        """The activities HELD_IN ``area`` (or under it) with ``on`` in ``[start, end]``."""
        for a in self.activities:
            if a.on is not None and start <= a.on <= end and self.in_area(a.place, area):
                yield a

    def by_project(self, project: str) -> list[Activity]:
        """The activities that ADVANCES ``project``."""
        return list(self._events.get(project, ()))

    def lives_in(self, member: str, area: str | None) -> bool:
        """Whether a party member LIVES_IN a household under ``area`` (the city: every member)."""
        if area is None:
            return True
        b = self.index.member_building(member)
        return b is not None and self.index.within(b, area)

    def community_of(self, member: str) -> str | None:
        """The community a party member lives in (None when their residence is not placed)."""
        b = self.index.member_building(member)
        return None if b is None else self.index.path(b).community


__all__ = ["MONTHLY_CONTACT", "Activity", "Assignment", "Earned", "Project", "WorkIndex", "Workplace", "day", "months"]
