"""The activities' and visits' relationships as rows, collected while a store builds its projection.

Monthly contact and the activities analysis read every Activity's HELD_BY, HELD_IN, SERVED,
ADVANCES and who ATTENDED it, and the vanguards' VISITED.  Read back from the finished
projection, that is a walk over each activity's edges in and out (among them every EARNED of
its participants) and over each vanguard's (among them theirs): about a second of CPU on
``jiangyin`` with a year of activity, scattered in memory.  The store's projection builder
holds each relationship in hand, so it appends those of these types to plain lists on the way
(:class:`WorkRows`, the way :mod:`loaders.earned_rows` collects the EARNED) and keeps them on
the projection's ``kept_with`` under :data:`KEY` (``{KEY: (rows, writes)}``), which
:mod:`loaders.projection_delta` carries over writes like any kept value.  The analysis
(``analytics.work.rows``) brings them up to date over the writes and reads its parts from
them; the store never interprets them (every relationship of these types, whatever its ends'
labels; the VISITED's ``on`` as stored).
"""

from __future__ import annotations

from typing import Any, Final

import networkx as nx

from graph_schema import RelType

KEY: Final = "work_rows"
"""The name the rows are kept under in a projection's ``kept_with`` (read by ``analytics.work.rows``)."""

TYPES: Final = frozenset(
    t.value
    for t in (RelType.HELD_BY, RelType.HELD_IN, RelType.SERVED, RelType.ADVANCES, RelType.ATTENDED, RelType.VISITED)
)
"""The relationship types collected (a store checks a relationship's type against it)."""

VISITED: Final = RelType.VISITED.value


class WorkRows:
    """Every relationship of :data:`TYPES` of a projection, one row each, by type: ``start[type]``
    and ``end[type]`` (lists in step), and for VISITED ``visited_on`` (its ``on`` as stored,
    None when absent) in step with them.  Rows are in the order the store met them.

    >>> rows = WorkRows()
    >>> rows.add("HELD_BY", "a1", "o1", {})
    >>> rows.add("VISITED", "v1", "h1", {"on": "2026-10-01"})
    >>> rows.add("ATTENDED", "m1", "a1", {})
    >>> rows.start["HELD_BY"], rows.end["ATTENDED"], rows.start["VISITED"], rows.visited_on, len(rows)
    (['a1'], ['a1'], ['v1'], ['2026-10-01'], 3)
    """

    __slots__ = ("_append", "end", "start", "visited_on")

    def __init__(self) -> None:
        self.start: dict[str, list[str]] = {t: [] for t in sorted(TYPES)}
        self.end: dict[str, list[str]] = {t: [] for t in sorted(TYPES)}
        self.visited_on: list[Any] = []
        self._append = {t: (self.start[t].append, self.end[t].append) for t in TYPES}

    def add(self, rtype: str, start: str, end: str, props: dict[str, Any]) -> None:
        """One relationship of type ``rtype`` (one of :data:`TYPES`) from ``start`` to ``end`` with ``props``."""
        to_start, to_end = self._append[rtype]
        to_start(start)
        to_end(end)
        if rtype == VISITED:
            self.visited_on.append(props.get("on"))

    def __len__(self) -> int:
        return sum(len(s) for s in self.start.values())


def keep_work_rows(g: nx.MultiDiGraph, rows: WorkRows) -> None:
    """Keep ``rows`` with the projection ``g`` they were collected from (up to date: no writes since)."""
    g.kept_with = {**(getattr(g, "kept_with", None) or {}), KEY: (rows, ())}


__all__ = ["KEY", "TYPES", "WorkRows", "keep_work_rows"]
