"""The EARNED relationships as columns, collected while a store builds its projection.

Points (``analytics.work.points``) sum every EARNED of a city (433,900 on ``jiangyin`` with
a year of activity).  Reading them back from the finished projection walks every party
member's outgoing edges (0.7 s CPU there); the store's projection builder already holds each
relationship in hand, so it appends the EARNED ones to plain lists on the way
(:class:`EarnedRows`, a few tens of milliseconds) and keeps them on the projection's
``kept_with`` under :data:`KEY` (``{KEY: (rows, writes)}``), which
:mod:`loaders.projection_delta` carries over writes like any kept value.  The analysis
(``analytics.work.kept``) turns them into its columns and brings them up to date over the
writes; the store never interprets them (no source, no dates: the values as stored).
"""

from __future__ import annotations

from array import array
from typing import Any, Final

import networkx as nx

from graph_schema import RelType

KEY: Final = "earned_rows"
"""The name the rows are kept under in a projection's ``kept_with`` (read by ``analytics.work.kept``)."""

EARNED: Final = RelType.EARNED.value


class EarnedRows:
    """Every EARNED of a projection, one row per relationship, rows of one start together:
        ``members`` (each start once, in the order met) with ``counts`` (how many rows each has,
        consecutive); per row ``target`` (its end) and ``target_code`` (its index in ``targets``,
        the distinct ends in the order met), ``on_code`` (the index of its ``on`` property in
        ``on_values``, the distinct values as stored, None when absent), and its ``points`` and
        ``reason`` properties as stored (None when absent).  The codes are made here because each
        end and each ``on`` are in the processor's cache right now; done afterwards from the
        finished lists, the same look-ups cost several times more.  The codes are ``array("q")``
    (machine integers, read by numpy without a copy).

        >>> rows = EarnedRows()
        >>> rows.add("m1", "a1", {"points": 3, "on": "2026-10-01"})
        >>> rows.add("m1", "a2", {"points": 2, "reason": "x"})
        >>> rows.add("m2", "a1", {"on": "2026-10-01"})
        >>> rows.members, rows.counts, rows.target, rows.targets, rows.target_code.tolist()
        (['m1', 'm2'], [2, 1], ['a1', 'a2', 'a1'], ['a1', 'a2'], [0, 1, 0])
        >>> rows.on_values, rows.on_code.tolist(), rows.points, rows.reason
        (['2026-10-01', None], [0, 1, 0], [3, 2, None], [None, 'x', None])
    """

    __slots__ = (
        "_last",
        "_on_index",
        "_target_index",
        "counts",
        "members",
        "on_code",
        "on_values",
        "points",
        "reason",
        "target",
        "target_code",
        "targets",
    )

    def __init__(self) -> None:
        self.members: list[str] = []
        self.counts: list[int] = []
        self.target: list[str] = []
        self.targets: list[str] = []
        self.target_code = array("q")
        self.on_values: list[Any] = []
        self.on_code = array("q")
        self.points: list[Any] = []
        self.reason: list[Any] = []
        self._last: str | None = None
        self._target_index: dict[str, int] = {}
        self._on_index: dict[Any, int] = {}

    def add(self, start: str, end: str, props: dict[str, Any]) -> None:
        """One EARNED from ``start`` to ``end`` with ``props`` (a start's rows added one after the other)."""
        if start != self._last:
            self.members.append(start)
            self.counts.append(1)
            self._last = start
        else:
            self.counts[-1] += 1
        self.target.append(end)
        code = self._target_index.get(end)
        if code is None:
            code = self._target_index[end] = len(self.targets)
            self.targets.append(end)
        self.target_code.append(code)
        on = props.get("on")
        try:
            code = self._on_index[on]
        except KeyError:
            code = self._on_index[on] = len(self.on_values)
            self.on_values.append(on)
        except TypeError:  # a value that is not hashable (not a date): one entry of its own
            code = len(self.on_values)
            self.on_values.append(on)
        self.on_code.append(code)
        self.points.append(props.get("points"))
        self.reason.append(props.get("reason"))

    def __len__(self) -> int:
        return len(self.target)


def keep_rows(g: nx.MultiDiGraph, rows: EarnedRows) -> None:
    """Keep ``rows`` with the projection ``g`` they were collected from (up to date: no writes since)."""
    g.kept_with = {**(getattr(g, "kept_with", None) or {}), KEY: (rows, ())}


__all__ = ["EARNED", "KEY", "EarnedRows", "keep_rows"]
