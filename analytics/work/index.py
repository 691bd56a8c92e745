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
import gc
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from analytics._common import months, node_data, pred, succ
from analytics.areas import AreaIndex
from analytics.work import readers as R
from analytics.work.kept import earned_columns
from analytics.work.readers import Activity, EarnedColumns, day
from analytics.work.readers import AssignmentRow as Assignment
from analytics.work.rows import activities_of_rows, current_rows, visits_of_rows
from graph_schema import RelType
from graph_schema.contract import ActivityKind

_LED_BY, _LEADS, _HELD_IN = RelType.LED_BY.value, RelType.LEADS.value, RelType.HELD_IN.value

_UNREAD: Any = object()
"""Stands for the store's rows not looked for yet (:meth:`WorkIndex._rows`)."""

MONTHLY_CONTACT = ActivityKind.MONTHLY_CONTACT.value
"""The ``kind`` of a vanguard's monthly meeting with the members they link (月联)."""


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


def _earned_order(e: Earned) -> tuple[Any, ...]:
    """Every field of an EARNED row: equal rows are the only ties."""
    return (e.member, e.on or dt.date.min, e.target, e.source, e.points, e.reason is not None, e.reason or "")


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


WorkPart = Literal["activities", "visits", "branches", "registrations", "earned", "projects"]
"""The parts of a :class:`WorkIndex`, each read on first use (with the node scan they all share):
``activities`` (activities, by holder, by participant), ``visits`` (the vanguards' VISITED),
``branches`` (MEMBER_OF), ``registrations`` (REPORTED_TO, workplaces, ASSIGNED_TO), ``earned``
(every EARNED, as columns) and ``projects`` (secretary projects, with the activities that advance them)."""

WORK_PARTS: tuple[WorkPart, ...] = ("activities", "visits", "branches", "registrations", "earned", "projects")

NEEDS: dict[str, tuple[WorkPart, ...]] = {
    "contact": ("activities", "visits"),
    "registration": ("branches", "registrations"),
    "activities": ("activities", "projects"),
    "points": ("branches", "earned"),
}
"""The parts each monthly-work analysis reads (the bench and the tests use it)."""


class WorkIndex:
    """The monthly work of one projection, read part by part on first use (a snapshot, like :class:`AreaIndex`).

    ``WorkIndex.build(G)`` reads nothing yet: each attribute reads the part it belongs to the
    first time it is asked for (:data:`NEEDS` says which parts each analysis touches), in one
    pass over that part's relationships, and keeps it.  So monthly contact never reads the
    EARNED, nor points the activities.  Reading is safe from several threads at once: a part
    is read by one thread while the others wait.

    Examples
    --------
    >>> from analytics.projection import tiny_work
    >>> G = tiny_work()
    >>> w = WorkIndex.build(G, AreaIndex.build(G))
    >>> w.built
    ()
    >>> [a.id for a in w.activities][:3], w.in_service
    (['c_v1_10', 'c_v1_11', 'c_v2_12'], ('i1', 'i2', 'i3'))
    >>> w.built
    ('activities',)
    >>> w.workplace["i1"], w.reported["i2"]
    (Workplace(branch='o_u2', unit='u2', external=False), frozenset({'c1'}))
    >>> w.ensure().built
    ('activities', 'visits', 'branches', 'registrations', 'earned', 'projects')
    """

    __slots__ = (
        "_activities",
        "_assignments",
        "_attended",
        "_built",
        "_by_holder",
        "_earned",
        "_earned_rows",
        "_events",
        "_graph",
        "_lock",
        "_member_branch",
        "_projects",
        "_reported",
        "_scan",
        "_service",
        "_visits",
        "_work_rows",
        "_workplace",
        "index",
    )

    def __init__(self, G: Any, index: AreaIndex) -> None:
        self._graph = G
        self.index = index
        self._lock = threading.RLock()
        self._built: set[WorkPart] = set()
        self._scan: R.Scan | None = None
        self._activities: tuple[Activity, ...] = ()
        self._by_holder: dict[str, list[Activity]] = {}
        self._attended: dict[str, list[Activity]] | None = None
        self._service: dict[str, list[tuple[dt.date | None, str | None]]] = {}
        self._events: dict[str, list[Activity]] = {}
        self._visits: dict[str, list[tuple[str, dt.date]]] = {}
        self._member_branch: dict[str, str] = {}
        self._reported: dict[str, frozenset[str]] = {}
        self._workplace: dict[str, Workplace] = {}
        self._assignments: dict[str, list[Assignment]] = {}
        self._earned: EarnedColumns | None = None
        self._earned_rows: tuple[Earned, ...] | None = None
        self._projects: tuple[Project, ...] = ()
        self._work_rows: Any = _UNREAD

    @classmethod
    def build(cls, G: Any, index: AreaIndex | None = None) -> WorkIndex:
        """The work index of ``G`` (nothing is read until an attribute is asked for)."""
        return cls(G, index or AreaIndex.build(G))

    def ensure(self, *parts: WorkPart) -> WorkIndex:
        """Read ``parts`` now (all of them when none is named), e.g. on a worker thread; returns the index."""
        for part in parts or WORK_PARTS:
            if part not in WORK_PARTS:
                raise ValueError(f"a work index reads {', '.join(WORK_PARTS)}, not {part!r}")
            self._need(part)
        return self

    @property
    def built(self) -> tuple[WorkPart, ...]:
        """The parts read so far, in the order of :data:`WORK_PARTS`."""
        return tuple(p for p in WORK_PARTS if p in self._built)

    # --- reading ---------------------------------------------------------------------------

    def _need(self, part: WorkPart) -> None:
        if part in self._built:
            return
        with self._lock:
            if part in self._built:
                return
            if part == "projects":
                self._need("activities")
            elif part == "registrations":
                self._need("branches")
            # the cycle collector is paused while a part is read: a year of activity is a
            # million small objects, none in a cycle, and each full collection would rescan them
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                getattr(self, f"_read_{part}")()
            finally:
                if was_enabled:
                    gc.enable()
            self._built.add(part)

    def _nodes(self) -> R.Scan:
        if self._scan is None:
            grouped = self.index.nodes_by_label  # the area index's grouping: one pass over the nodes fewer
            self._scan = R.scan_grouped(node_data(self._graph), grouped) if grouped else R.scan(node_data(self._graph))
        return self._scan

    def _rows(self) -> Any | None:
        """The activities' and visits' rows the store kept with the projection, up to date (None: read the edges)."""
        if self._work_rows is _UNREAD:
            G = self._graph
            self._work_rows = current_rows(G, succ(G), pred(G))
        return self._work_rows

    def _read_activities(self) -> None:
        G = self._graph
        rows = self._rows()
        if rows is None:
            acts = R.read_activities(node_data(G), succ(G), pred(G), self._nodes())
        else:
            acts = activities_of_rows(node_data(G), rows, self._nodes())
        for act in acts:
            if act.holder is not None:
                self._by_holder.setdefault(act.holder, []).append(act)
            if act.project is not None:
                self._events.setdefault(act.project, []).append(act)
        self._activities = tuple(acts)

    def _read_visits(self) -> None:
        rows = self._rows()
        self._visits = (
            R.read_visits(succ(self._graph), self._nodes()) if rows is None else visits_of_rows(rows, self._nodes())
        )

    def _read_branches(self) -> None:
        self._member_branch = R.read_branches(pred(self._graph), self._nodes())

    def _read_registrations(self) -> None:
        G, s = self._graph, self._nodes()
        self._reported = R.read_reported(pred(G), s)
        places = R.read_workplaces(succ(G), s, self._member_branch)
        self._workplace = {m: Workplace(*p) for m, p in places.items()}
        self._assignments = R.read_assignments(node_data(G), succ(G), s, self.index)
        self._service = R.read_service(node_data(G), succ(G), s)

    def _read_earned(self) -> None:
        # kept with the projection (read once per projection, brought up to date over writes)
        G = self._graph
        self._earned = earned_columns(G, node_data(G), succ(G), self._nodes)

    def _read_projects(self) -> None:
        G = self._graph
        nodes, out, into = node_data(G), succ(G), pred(G)
        projects: list[Project] = []
        for p in self._nodes().projects:
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
                    review_score=R.attr_int(data.get("review_score")),
                    led_by=led_by,
                    leaders=tuple(leaders),
                    place=place,
                    events=tuple(sorted(a.id for a in self._events.get(p, ()))),
                )
            )
        self._projects = tuple(projects)

    # --- the parts -------------------------------------------------------------------------

    @property
    def names(self) -> dict[str, str | None]:
        """Names of organizations, alliances and units (never of party members)."""
        return self._nodes().names

    @property
    def labels(self) -> dict[str, str]:
        """Label of each organization, alliance, unit, activity and project."""
        return self._nodes().labels

    @property
    def kinds(self) -> dict[str, str]:
        """Organization → its level (with ``EXTERNAL`` for a branch outside the city)."""
        return self._nodes().kinds

    @property
    def in_service(self) -> tuple[str, ...]:
        """Party members of kind IN_SERVICE, sorted."""
        return tuple(self._nodes().in_service)

    @property
    def vanguards(self) -> frozenset[str]:
        """Party members with ``vanguard`` true."""
        return frozenset(self._nodes().vanguards)

    @property
    def activities(self) -> tuple[Activity, ...]:
        """Every Activity node, sorted by id (part ``activities``)."""
        self._need("activities")
        return self._activities

    @property
    def by_holder(self) -> dict[str, list[Activity]]:
        """Holder → the activities HELD_BY it, by id (part ``activities``)."""
        self._need("activities")
        return self._by_holder

    @property
    def attended(self) -> dict[str, list[Activity]]:
        """Party member → the activities they ATTENDED, by id (part ``activities``; the map is made on first use)."""
        if self._attended is None:
            acts = self.activities
            with self._lock:
                if self._attended is None:
                    attended: dict[str, list[Activity]] = {}
                    for act in acts:
                        for m in act.members:
                            attended.setdefault(m, []).append(act)
                    self._attended = attended
        return self._attended

    @property
    def service(self) -> dict[str, list[tuple[dt.date | None, str | None]]]:
        """In-service member → ``(on, place)`` of each activity they ATTENDED (part ``registrations``).

        What registration reads instead of :attr:`attended`: only the in-service members' own
        relationships, so that it needs no ``activities`` part.
        """
        self._need("registrations")
        return self._service

    @property
    def visits(self) -> dict[str, list[tuple[str, dt.date]]]:
        """Vanguard → their VISITED ``(household, day)`` (part ``visits``)."""
        self._need("visits")
        return self._visits

    @property
    def member_branch(self) -> dict[str, str]:
        """Party member → the organization they are MEMBER_OF (part ``branches``)."""
        self._need("branches")
        return self._member_branch

    @property
    def reported(self) -> dict[str, frozenset[str]]:
        """Party member → the communities they are REPORTED_TO (part ``registrations``)."""
        self._need("registrations")
        return self._reported

    @property
    def workplace(self) -> dict[str, Workplace]:
        """In-service member → their workplace (part ``registrations``)."""
        self._need("registrations")
        return self._workplace

    @property
    def assignments(self) -> dict[str, list[Assignment]]:
        """Party member → the appeals ASSIGNED_TO them (part ``registrations``)."""
        self._need("registrations")
        return self._assignments

    @property
    def earned_columns(self) -> EarnedColumns:
        """Every EARNED as columns (part ``earned``): what :func:`~analytics.work.points.points_stats` sums."""
        self._need("earned")
        assert self._earned is not None
        return self._earned

    @property
    def earned(self) -> tuple[Earned, ...]:
        """Every EARNED as rows, by member, day and target (part ``earned``; the rows are made on first use)."""
        if self._earned_rows is None:
            cols = self.earned_columns
            members, sources = cols.member_ids, cols.sources
            rows = [
                Earned(
                    member=members[m],
                    target=t,
                    source=sources[s],
                    points=int(p),
                    on=None if d == R.NO_DAY else dt.date.fromordinal(d),
                    reason=r,
                )
                for m, t, s, p, d, r in zip(
                    cols.member.tolist(),
                    cols.target,
                    cols.source.tolist(),
                    cols.points.tolist(),
                    cols.day.tolist(),
                    cols.reason,
                    strict=True,
                )
            ]
            # a total order: the same rows come out the same whatever order the columns hold them in
            rows.sort(key=_earned_order)
            self._earned_rows = tuple(rows)
        return self._earned_rows

    @property
    def projects(self) -> tuple[Project, ...]:
        """Every SecretaryProject, by id (part ``projects``)."""
        self._need("projects")
        return self._projects

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
        """The activities that ADVANCES ``project`` (part ``activities``)."""
        self._need("activities")
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


__all__ = [
    "MONTHLY_CONTACT",
    "NEEDS",
    "WORK_PARTS",
    "Activity",
    "Assignment",
    "Earned",
    "Project",
    "WorkIndex",
    "WorkPart",
    "Workplace",
    "day",
    "months",
]
