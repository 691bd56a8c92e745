"""The activities and the vanguards' visits read from the rows a store collected with its projection.

A store appends every HELD_BY, HELD_IN, SERVED, ADVANCES, ATTENDED and VISITED to plain lists
while it builds the projection (``loaders.work_rows.WorkRows``: ``start[type]`` and
``end[type]`` in step, and ``visited_on`` beside the VISITED) and keeps them on the
projection's ``kept_with`` under :data:`ROWS_KEY`, carried over writes with the writes since
(``{ROWS_KEY: (rows, writes)}``).  :func:`current_rows` brings them up to date over those
writes, exactly:

- the nodes *touched* by the writes are the ends of every relationship written or deleted
  (of any type: a deleted relationship names its key, not its type) and every node deleted
  (it takes its relationships with it); a node written without relationships changes no row
  (the rows hold no node property);
- every row with a touched end is dropped; then the rows of each touched node still in the
  projection are read again from its edges (all of its outgoing ones, and its incoming ones
  from nodes not touched, so no row is read twice).

The rows then equal those of a fresh read of the projection (:func:`rows_of`, as multisets;
the order differs, and nothing read from them depends on it: HELD_BY, HELD_IN and ADVANCES are
single by the contract, the rest is sorted or counted).  Past :data:`FOLLOW_AT_MOST` touched
nodes (an import) the rows are let go and the parts are read from the edges
(:func:`analytics.work.readers.read_activities`, :func:`~analytics.work.readers.read_visits`).

:func:`activities_of_rows` and :func:`visits_of_rows` read the ``activities`` and ``visits``
parts from the rows as those readers read them from the edges (a hypothesis test checks both
against a sweep over the edge list, ``tests/unit/analytics/test_work_rows.py``).  Pure: a
projection and its rows in, plain lists out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import compress
from typing import Any

from analytics.work.readers import Activity, Scan, day_reader
from graph_schema import Label, RelType

ROWS_KEY = "work_rows"
"""The name a store keeps the rows under in a projection's ``kept_with`` (``loaders.work_rows.KEY``)."""

_HELD_BY, _HELD_IN, _ATTENDED = RelType.HELD_BY.value, RelType.HELD_IN.value, RelType.ATTENDED.value
_SERVED, _ADVANCES, _VISITED = RelType.SERVED.value, RelType.ADVANCES.value, RelType.VISITED.value
_UNIT = Label.ALLIANCE_MEMBER.value
TYPES = frozenset({_HELD_BY, _HELD_IN, _SERVED, _ADVANCES, _ATTENDED, _VISITED})
"""The relationship types the rows hold (``loaders.work_rows.TYPES``)."""

FOLLOW_AT_MOST = 4096
"""Up to this many touched nodes (or an eighth of the rows, whichever is more), the rows follow the
writes; past it they are let go and the parts read from the edges."""


class Rows:
    """Rows of :data:`TYPES`, the shape of ``loaders.work_rows.WorkRows``: ``start[type]``,
    ``end[type]`` and ``visited_on`` (the VISITED's ``on`` as stored), lists in step."""

    __slots__ = ("end", "start", "visited_on")

    def __init__(self) -> None:
        self.start: dict[str, list[str]] = {t: [] for t in sorted(TYPES)}
        self.end: dict[str, list[str]] = {t: [] for t in sorted(TYPES)}
        self.visited_on: list[Any] = []

    def add(self, rtype: str, start: str, end: str, props: Mapping[str, Any]) -> None:
        """One relationship of type ``rtype`` from ``start`` to ``end`` with ``props``."""
        self.start[rtype].append(start)
        self.end[rtype].append(end)
        if rtype == _VISITED:
            self.visited_on.append(props.get("on"))

    def __len__(self) -> int:
        return sum(len(s) for s in self.start.values())


def rows_of(G: Any) -> Rows:
    """Every relationship of :data:`TYPES` of ``G``, read from its edges (what a store collects:
    for graphs no store built, and the reference of the tests).

    >>> from analytics.projection import tiny_work
    >>> r = rows_of(tiny_work())
    >>> len(r.start["HELD_BY"]) == len(r.end["HELD_BY"]), len(r.visited_on) == len(r.start["VISITED"])
    (True, True)
    """
    rows = Rows()
    for s, out in G._succ.items():
        _add_edges(rows, s, out, None)
    return rows


def _add_edges(rows: Rows, start: str, out: Mapping[str, Mapping[str, Any]], skip: set[str] | None) -> None:
    """The rows of ``start``'s outgoing edges ``out`` (ends in ``skip`` left out)."""
    for end, keyed in out.items():
        if skip is not None and end in skip:
            continue
        for key, rel in keyed.items():
            rtype = rel.get("type", key)
            if rtype in TYPES:
                rows.add(rtype, start, end, rel)


def touched(writes: Iterable[Any]) -> set[str]:
    """The nodes whose rows may differ after ``writes`` (``Delta``-shaped: ``nodes``,
    ``relationships``, ``deleted_relationships``, ``deleted_nodes``).

    >>> class Write:
    ...     nodes = [("a9", "Activity", {"kind": "VOLUNTEER_SERVICE"})]
    ...     relationships = [("m1", "ATTENDED", "a1", "ATTENDED", {}), ("m1", "LIVES_IN", "h1", "LIVES_IN", {})]
    ...     deleted_relationships = [("v1", "VISITED|2026-10-02", "h2")]
    ...     deleted_nodes = ["a2"]
    >>> sorted(touched([Write]))
    ['a1', 'a2', 'h2', 'm1', 'v1']
    """
    found: set[str] = set()
    for w in writes:
        found.update(w.deleted_nodes)
        for start, _key, end, rtype, _props in w.relationships:
            if rtype in TYPES:
                found.add(start)
                found.add(end)
        for start, key, end in w.deleted_relationships:
            if key.split("|", 1)[0] in TYPES:  # the key is the type, or the type and the day (VISITED)
                found.add(start)
                found.add(end)
    return found


def follow(rows: Any, writes: Iterable[Any], out: Any, into: Any) -> Rows | None:
    """``rows`` brought up to date over ``writes`` against the projection they led to (``out``,
    ``into``: its successors and predecessors); None when so many nodes were touched that
    reading the parts from the edges is cheaper."""
    hit = touched(writes)
    total = sum(len(s) for s in rows.start.values())
    if len(hit) > max(FOLLOW_AT_MOST, total // 8):
        return None
    new = Rows()
    for rtype in TYPES:
        starts, ends = rows.start[rtype], rows.end[rtype]
        keep = [s not in hit and e not in hit for s, e in zip(starts, ends, strict=True)] if hit else None
        if keep is None or all(keep):
            new.start[rtype] = list(starts)
            new.end[rtype] = list(ends)
            if rtype == _VISITED:
                new.visited_on = list(rows.visited_on)
            continue
        new.start[rtype] = list(compress(starts, keep))
        new.end[rtype] = list(compress(ends, keep))
        if rtype == _VISITED:
            new.visited_on = list(compress(rows.visited_on, keep))
    for n in sorted(hit):
        if n in out:
            _add_edges(new, n, out[n], None)
    for n in sorted(hit):
        for s, keyed in into.get(n, {}).items():
            if s not in hit:
                _add_edges(new, s, {n: keyed}, None)
    return new


def current_rows(G: Any, out: Any, into: Any) -> Any | None:
    """The rows kept with ``G``, brought up to date over the writes since (and kept so, when ``G``
    is frozen); None when none are kept or they could not be followed (then they are let go)."""
    entry = (getattr(G, "kept_with", None) or {}).get(ROWS_KEY)
    if entry is None:
        return None
    rows, writes = entry
    if not writes:
        return rows
    followed = follow(rows, writes, out, into)
    if getattr(G, "frozen", False):
        others = {k: v for k, v in G.kept_with.items() if k != ROWS_KEY}
        G.kept_with = others if followed is None else {**others, ROWS_KEY: (followed, ())}
    return followed


def activities_of_rows(nodes: Mapping[str, Any], rows: Any, s: Scan) -> list[Activity]:
    """Every activity of ``s`` with its holder, place, households served, project and participants,
    by id, from the rows: what :func:`~analytics.work.readers.read_activities` reads from the edges.

    >>> from analytics.projection import tiny_work
    >>> from analytics.work.readers import read_activities, scan
    >>> G = tiny_work(); s = scan(G._node)
    >>> activities_of_rows(G._node, rows_of(G), s) == read_activities(G._node, G._succ, G._pred, s)
    True
    """
    acts = s.activities
    position = {a: i for i, a in enumerate(acts)}.get
    n = len(acts)
    holder: list[str | None] = [None] * n
    place: list[str | None] = [None] * n
    project: list[str | None] = [None] * n
    for column, rtype in ((holder, _HELD_BY), (place, _HELD_IN), (project, _ADVANCES)):
        for a, t in zip(rows.start[rtype], rows.end[rtype], strict=True):
            i = position(a)
            if i is not None:
                column[i] = t
    served: dict[int, list[str]] = {}
    for a, h in zip(rows.start[_SERVED], rows.end[_SERVED], strict=True):
        i = position(a)
        if i is not None:
            got = served.get(i)
            if got is None:
                served[i] = [h]
            else:
                got.append(h)
    people: dict[int, list[str]] = {}
    firms: dict[int, list[str]] = {}
    members, labels = s.member_set, s.labels
    for m, a in zip(rows.start[_ATTENDED], rows.end[_ATTENDED], strict=True):
        i = position(a)
        if i is None:
            continue
        if m in members:
            into = people
        elif labels.get(m) == _UNIT:
            into = firms
        else:
            continue
        got = into.get(i)
        if got is None:
            into[i] = [m]
        else:
            got.append(m)
    on_day = day_reader()
    none: tuple[str, ...] = ()
    out: list[Activity] = []
    for i, a in enumerate(acts):
        data = nodes[a]
        h = holder[i]
        hl = nodes[h].get("label") if h is not None and h in nodes else None
        out.append(
            Activity(
                a,
                str(data.get("kind") or ""),
                on_day(data.get("on")),
                h,
                None if hl is None else str(hl),
                place[i],
                tuple(sorted(people[i])) if i in people else none,
                tuple(sorted(firms[i])) if i in firms else none,
                tuple(sorted(served[i])) if i in served else none,
                project[i],
            )
        )
    return out


def visits_of_rows(rows: Any, s: Scan) -> dict[str, list[tuple[str, dt.date]]]:
    """Vanguard → their VISITED ``(household, day)`` with a readable day, from the rows: what
    :func:`~analytics.work.readers.read_visits` reads from the edges (in the rows' order).

    >>> from analytics.projection import tiny_work
    >>> from analytics.work.readers import read_visits, scan
    >>> G = tiny_work(); s = scan(G._node)
    >>> visits_of_rows(rows_of(G), s) == read_visits(G._succ, s)
    True
    """
    vanguards = set(s.vanguards)
    visits: dict[str, list[tuple[str, dt.date]]] = {}
    on_day = day_reader()
    for v, h, on in zip(rows.start[_VISITED], rows.end[_VISITED], rows.visited_on, strict=True):
        if v in vanguards:
            d = on_day(on)
            if d is not None:
                got = visits.get(v)
                if got is None:
                    visits[v] = [(h, d)]
                else:
                    got.append((h, d))
    return visits


__all__ = [
    "FOLLOW_AT_MOST",
    "ROWS_KEY",
    "TYPES",
    "Rows",
    "activities_of_rows",
    "current_rows",
    "follow",
    "rows_of",
    "touched",
    "visits_of_rows",
]
