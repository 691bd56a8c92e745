"""The parts of a :class:`~analytics.work.index.WorkIndex`, each read in one pass over its edges.

Each reader takes the projection's adjacency (``nodes``, ``out``, ``into`` as
:mod:`analytics._common` gives them) and the :class:`Scan` of its nodes, walks only the edges
its part needs and returns plain dicts, lists and (for the EARNED) numpy columns:

- :func:`read_activities`: every Activity's HELD_BY, HELD_IN, SERVED, ADVANCES and who
  ATTENDED it (the activities' own edges);
- :func:`read_visits`: the vanguards' VISITED (the vanguards' outgoing edges);
- :func:`read_branches`: who is MEMBER_OF which organization (the organizations' incoming edges);
- :func:`read_registrations`: REPORTED_TO (the communities' incoming edges), the in-service
  members' workplaces (their branch's BRANCH_OF) and the ASSIGNED_TO (the appeals' outgoing edges);
- :func:`read_earned`: every EARNED as columns (the party members' outgoing edges);
- :func:`read_projects`: every SecretaryProject with LED_BY, LEADS and HELD_IN.

Which analysis needs which part is said in :class:`~analytics.work.index.WorkIndex`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from analytics._common import name_of
from analytics.areas import AreaIndex
from graph_schema import Label, RelType
from graph_schema.contract import MemberKind

_ACTIVITY = Label.ACTIVITY.value
_PROJECT = Label.SECRETARY_PROJECT.value
_APPEAL = Label.APPEAL.value
_MEMBER = Label.PARTY_MEMBER.value
_ORG = Label.PARTY_ORGANIZATION.value
_ALLIANCE = Label.ALLIANCE.value
_UNIT = Label.ALLIANCE_MEMBER.value
_COMMUNITY = Label.COMMUNITY.value
_HELD_BY, _HELD_IN, _ATTENDED = RelType.HELD_BY.value, RelType.HELD_IN.value, RelType.ATTENDED.value
_SERVED, _ADVANCES, _VISITED = RelType.SERVED.value, RelType.ADVANCES.value, RelType.VISITED.value
_REPORTED_TO, _MEMBER_OF, _BRANCH_OF = RelType.REPORTED_TO.value, RelType.MEMBER_OF.value, RelType.BRANCH_OF.value
_EARNED, _LED_BY, _LEADS = RelType.EARNED.value, RelType.LED_BY.value, RelType.LEADS.value
_ASSIGNED_TO, _CONCERNS = RelType.ASSIGNED_TO.value, RelType.CONCERNS.value
_IN_SERVICE = MemberKind.IN_SERVICE.value
NOT_EARNED = frozenset(t.value for t in RelType if t is not RelType.EARNED)
"""Edge keys that are not an EARNED (a key that is a type's name is that type: ``graph_schema.rel_key``)."""

NO_DAY = -1
"""The day ordinal of an EARNED without a readable ``on`` (before every period)."""


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


def day_reader() -> Callable[[Any], dt.date | None]:
    """:func:`day` with a cache of its own for the values it has seen (a reader's loop reads a
    few hundred distinct days a hundred thousand times: one dict lookup each, not a call).

    >>> read = day_reader()
    >>> read("2026-10-03"), read("2026-10-03"), read(None), read("soon")
    (datetime.date(2026, 10, 3), datetime.date(2026, 10, 3), None, None)
    """
    seen: dict[Any, dt.date | None] = {}
    lookup = seen.get
    missing = object()

    def read(value: Any) -> dt.date | None:
        try:
            got = lookup(value, missing)
        except TypeError:  # not hashable
            return day(value)
        if got is missing:
            got = seen[value] = day(value)
        return got  # type: ignore[return-value]

    return read


@functools.lru_cache(maxsize=8192)
def _iso_day(text: str) -> dt.date | None:
    """An ISO day, parsed once per distinct string (a year of activity has a few hundred days)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def attr_int(value: Any) -> int | None:
    """An integer property (None when absent or not a number).

    >>> attr_int("7"), attr_int(True), attr_int("x")
    (7, None, None)
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(slots=True)
class Scan:
    """The nodes the monthly work involves, found in one pass over the projection's nodes."""

    members: list[str] = field(default_factory=list)
    member_set: set[str] = field(default_factory=set)
    activities: list[str] = field(default_factory=list)
    """Activity ids, sorted."""
    projects: list[str] = field(default_factory=list)
    """SecretaryProject ids, sorted."""
    organizations: list[str] = field(default_factory=list)
    communities: list[str] = field(default_factory=list)
    appeals: list[str] = field(default_factory=list)
    vanguards: list[str] = field(default_factory=list)
    in_service: list[str] = field(default_factory=list)
    """Party members of kind IN_SERVICE, sorted."""
    names: dict[str, str | None] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def scan(nodes: Mapping[str, Mapping[str, Any]]) -> Scan:
    """Sort the projection's nodes by the role they play in the monthly work."""
    s = Scan()
    for n, data in nodes.items():
        label = data.get("label")
        if label == _MEMBER:
            s.members.append(n)
            if data.get("vanguard") is True:
                s.vanguards.append(n)
            if data.get("kind") == _IN_SERVICE:
                s.in_service.append(n)
        elif label == _ACTIVITY:
            s.activities.append(n)
        elif label == _PROJECT:
            s.projects.append(n)
        elif label == _APPEAL:
            s.appeals.append(n)
        elif label == _COMMUNITY:
            s.communities.append(n)
        elif label in (_ORG, _ALLIANCE, _UNIT):
            s.names[n] = name_of(data)
            s.labels[n] = str(label)
            if label == _ORG:
                s.organizations.append(n)
                s.kinds[n] = "EXTERNAL" if data.get("external") is True else str(data.get("level") or "")
    return _finished(s)


def scan_grouped(nodes: Mapping[str, Mapping[str, Any]], by_label: Mapping[str, list[str]]) -> Scan:
    """:func:`scan` from the node ids already grouped by label (``AreaIndex.nodes_by_label``): only
    the labels the monthly work involves are visited, not the city's households and buildings.
    The same scan (its mappings may list the organizations, alliances and units in another order).

    >>> from analytics.projection import tiny_work
    >>> from analytics._common import nodes_by_label
    >>> G = tiny_work()
    >>> scan_grouped(G._node, nodes_by_label(G)) == scan(G._node)
    True
    """
    s = Scan()
    for n in by_label.get(_MEMBER, ()):
        data = nodes[n]
        s.members.append(n)
        if data.get("vanguard") is True:
            s.vanguards.append(n)
        if data.get("kind") == _IN_SERVICE:
            s.in_service.append(n)
    s.activities = sorted(by_label.get(_ACTIVITY, ()))
    s.projects = sorted(by_label.get(_PROJECT, ()))
    s.appeals = list(by_label.get(_APPEAL, ()))
    s.communities = list(by_label.get(_COMMUNITY, ()))
    for label in (_ORG, _ALLIANCE, _UNIT):
        for n in by_label.get(label, ()):
            data = nodes[n]
            s.names[n] = name_of(data)
            s.labels[n] = label
            if label == _ORG:
                s.organizations.append(n)
                s.kinds[n] = "EXTERNAL" if data.get("external") is True else str(data.get("level") or "")
    return _finished(s)


def _finished(s: Scan) -> Scan:
    """``s`` with its member set, its lists sorted and the labels of its activities and projects."""
    s.member_set = set(s.members)
    s.activities.sort()
    s.projects.sort()
    s.in_service.sort()
    for a in s.activities:
        s.labels[a] = _ACTIVITY
    for p in s.projects:
        s.labels[p] = _PROJECT
    return s


class Activity(NamedTuple):
    """One activity as the analyses read it (a named tuple: a year of activity makes 51,020 of
    them, and a tuple is made in a fifth of the time a frozen dataclass takes)."""

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


def read_activities(nodes: Any, out: Any, into: Any, s: Scan) -> list[Activity]:
    """Every activity with its holder, place, households served, project and participants, by id."""
    rows: list[Activity] = []
    members, labels = s.member_set, s.labels
    on_day = day_reader()
    for a in s.activities:
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
        came = [source for source, keys in into[a].items() if _ATTENDED in keys]
        people = [m for m in came if m in members]
        firms = [u for u in came if labels.get(u) == _UNIT] if len(people) < len(came) else []
        hl = nodes[holder].get("label") if holder is not None and holder in nodes else None
        people.sort()
        firms.sort()
        served.sort()
        rows.append(
            Activity(
                a,
                str(data.get("kind") or ""),
                on_day(data.get("on")),
                holder,
                None if hl is None else str(hl),
                place,
                tuple(people),
                tuple(firms),
                tuple(served),
                project,
            )
        )
    return rows


def read_visits(out: Any, s: Scan) -> dict[str, list[tuple[str, dt.date]]]:
    """Vanguard → their VISITED ``(household, day)`` with a readable day, in the projection's order."""
    visits: dict[str, list[tuple[str, dt.date]]] = {}
    on_day = day_reader()
    for v in s.vanguards:
        mine: list[tuple[str, dt.date]] = []
        for target, keys in out[v].items():
            for key, rel in keys.items():
                if rel.get("type", key) == _VISITED:
                    on = on_day(rel.get("on"))
                    if on is not None:
                        mine.append((target, on))
        if mine:
            visits[v] = mine
    return visits


def read_service(nodes: Any, out: Any, s: Scan) -> dict[str, list[tuple[dt.date | None, str | None]]]:
    """In-service member → ``(on, place)`` of each activity they ATTENDED (the in-service members' edges)."""
    held: dict[str, tuple[dt.date | None, str | None]] = {}
    service: dict[str, list[tuple[dt.date | None, str | None]]] = {}
    for m in s.in_service:
        mine: list[tuple[dt.date | None, str | None]] = []
        for target, keys in out[m].items():
            if _ATTENDED not in keys or nodes.get(target, {}).get("label") != _ACTIVITY:
                continue
            where = held.get(target)
            if where is None:
                place = next((t for t, ks in out[target].items() if _HELD_IN in ks), None)
                where = held[target] = (day(nodes[target].get("on")), place)
            mine.append(where)
        if mine:
            service[m] = mine
    return service


def read_branches(into: Any, s: Scan) -> dict[str, str]:
    """Party member → the organization they are MEMBER_OF."""
    branch: dict[str, str] = {}
    members = s.member_set
    for org in s.organizations:
        for source, keys in into[org].items():
            if _MEMBER_OF in keys and source in members:
                branch[source] = org
    return branch


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    """An appeal ASSIGNED_TO a party member: since when, and the area it lies in."""

    appeal: str
    since: dt.date | None
    anchor: str | None


def read_reported(into: Any, s: Scan) -> dict[str, frozenset[str]]:
    """Party member → the communities they are REPORTED_TO."""
    reported: dict[str, set[str]] = {}
    members = s.member_set
    for c in s.communities:
        for source, keys in into[c].items():
            if _REPORTED_TO in keys and source in members:
                reported.setdefault(source, set()).add(c)
    return {m: frozenset(cs) for m, cs in reported.items()}


def read_assignments(nodes: Any, out: Any, s: Scan, idx: AreaIndex) -> dict[str, list[AssignmentRow]]:
    """Party member → the appeals ASSIGNED_TO them, each with its ``since`` and the area it lies in."""
    assignments: dict[str, list[AssignmentRow]] = {}
    members = s.member_set
    for appeal in s.appeals:
        edges = out[appeal]
        anchor: str | None = None
        placed = False
        for target, keys in edges.items():
            rel = keys.get(_ASSIGNED_TO)
            if rel is None or target not in members:
                continue
            if not placed:
                concerns = next((t for t, ks in edges.items() if _CONCERNS in ks), None)
                if concerns is not None:
                    anchor = idx.building_of(concerns) if idx.label(concerns) is None else concerns
                placed = True
            since = day(rel.get("since")) or day(nodes[appeal].get("reported_on"))
            assignments.setdefault(target, []).append(AssignmentRow(appeal, since, anchor))
    return assignments


def read_workplaces(out: Any, s: Scan, branch: Mapping[str, str]) -> dict[str, tuple[str | None, str | None, bool]]:
    """In-service member → ``(branch, unit, external)``: their branch, the unit it is BRANCH_OF, outside the city."""
    unit_of: dict[str, str | None] = {}
    places: dict[str, tuple[str | None, str | None, bool]] = {}
    for m in s.in_service:
        b = branch.get(m)
        unit = None
        if b is not None:
            if b not in unit_of:
                unit_of[b] = next((t for t, keys in out[b].items() if _BRANCH_OF in keys), None)
            unit = unit_of[b]
        places[m] = (b, unit, b is not None and s.kinds.get(b) == "EXTERNAL")
    return places


@dataclass(frozen=True, slots=True)
class EarnedColumns:
    """Every EARNED, one row each, as columns (the points analysis sums them with numpy).

    ``member`` and ``source`` index ``member_ids`` and ``sources``; ``day`` is the date's
    ordinal (:data:`NO_DAY` when unreadable).
    """

    member_ids: tuple[str, ...]
    sources: tuple[str, ...]
    member: NDArray[np.int64]
    source: NDArray[np.int64]
    points: NDArray[np.int64]
    day: NDArray[np.int64]
    target: tuple[str, ...]
    reason: tuple[str | None, ...]

    def __len__(self) -> int:
        return len(self.target)


def read_earned(nodes: Any, out: Any, s: Scan) -> EarnedColumns:
    """Every EARNED (the party members' outgoing edges), its source the target's kind or label."""
    return read_earned_of(nodes, out, s.members)


def read_earned_of(nodes: Any, out: Any, party_members: Iterable[str]) -> EarnedColumns:
    """The EARNED of ``party_members`` (ids of PartyMember nodes), as :func:`read_earned` reads them."""
    member_ids: list[str] = []
    member_col: list[int] = []
    source_col: list[int] = []
    points_col: list[int] = []
    day_col: list[int] = []
    targets: list[str] = []
    reasons: list[str | None] = []
    source_code: dict[str, int] = {}
    target_source: dict[str, int] = {}
    day_memo: dict[Any, int] = {}
    not_earned = NOT_EARNED
    for m in party_members:
        i = -1
        for target, keys in out[m].items():
            for key, rel in keys.items():
                # the key is the type for every type but VISITED and EARNED (``rel_key``): the
                # member's ATTENDED, LIVES_IN, MEMBER_OF ... are passed over without reading them
                if key in not_earned or rel.get("type", key) != _EARNED:
                    continue
                if i < 0:
                    i = len(member_ids)
                    member_ids.append(m)
                code = target_source.get(target)
                if code is None:
                    tdata = nodes.get(target, {})
                    label = str(tdata.get("label") or "")
                    src = str(tdata.get("kind") or _ACTIVITY) if label == _ACTIVITY else label
                    code = target_source[target] = source_code.setdefault(src, len(source_code))
                on = rel.get("on")
                ordinal = day_memo.get(on) if isinstance(on, str) else None
                if ordinal is None:
                    d = day(on)
                    ordinal = NO_DAY if d is None else d.toordinal()
                    if isinstance(on, str):
                        day_memo[on] = ordinal
                reason = rel.get("reason")
                member_col.append(i)
                source_col.append(code)
                points = rel.get("points")
                points_col.append(points if points.__class__ is int else (attr_int(points) or 0))
                day_col.append(ordinal)
                targets.append(target)
                reasons.append(None if reason is None else str(reason))
    return EarnedColumns(
        member_ids=tuple(member_ids),
        sources=tuple(source_code),
        member=np.asarray(member_col, dtype=np.int64),
        source=np.asarray(source_col, dtype=np.int64),
        points=np.asarray(points_col, dtype=np.int64),
        day=np.asarray(day_col, dtype=np.int64),
        target=tuple(targets),
        reason=tuple(reasons),
    )


__all__ = [
    "NOT_EARNED",
    "NO_DAY",
    "Activity",
    "AssignmentRow",
    "EarnedColumns",
    "Scan",
    "attr_int",
    "day",
    "read_activities",
    "read_assignments",
    "read_branches",
    "read_earned",
    "read_earned_of",
    "read_reported",
    "read_service",
    "read_visits",
    "read_workplaces",
    "scan",
    "scan_grouped",
]
