"""The EARNED columns kept with the projection they were read from, and brought up to date over writes.

Reading every EARNED of a city (433,900 on ``jiangyin`` with a year of activity) is most of
what points cost; a projection is read by many sessions (the API keeps one per data version,
the CLI and the report one each), and a write changes only a few rows.  So the columns
(:class:`~analytics.work.readers.EarnedColumns`) are kept on the projection itself, in its
``kept_with`` attribute: ``{"earned": (columns, writes)}``.  A store that carries its
projection forward over a write (``loaders.projection_delta.advance``) carries this entry to
the new projection with the write appended to ``writes``; :func:`earned_columns` then brings
the columns up to date from those writes instead of reading them all again:

- the party members whose EARNED may have changed are the start of every relationship
  written or deleted (an EARNED's key is never a type's name), every node written or deleted,
  and every member with an EARNED to a node written or deleted (its ``kind``, hence the
  points' source, may have changed; a deleted node takes its relationships with it);
- their rows are dropped and read again from the new projection; the other rows stay.

A projection a store has just built keeps no columns yet, but the EARNED rows the store
collected while building it (``kept_with["earned_rows"]``, :data:`ROWS_KEY`, carried over writes
the same way): the first analysis makes its columns from them (:func:`columns_of_rows`, numpy
over codes the store made) instead of walking every member's edges, then follows the writes.

The result holds the same rows as a fresh read, in another order (no figure depends on the
order: the points analysis sums them).  When too many members changed (an import), they are
read again in full.  This module is pure: a projection and the writes it was told of, in;
columns out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import compress
from types import SimpleNamespace
from typing import Any

import numpy as np

from analytics.work.readers import (
    NO_DAY,
    NOT_EARNED,
    EarnedColumns,
    Scan,
    attr_int,
    day,
    read_earned,
    read_earned_of,
)
from graph_schema import Label, RelType

_MEMBER, _EARNED, _ACTIVITY = Label.PARTY_MEMBER.value, RelType.EARNED.value, Label.ACTIVITY.value
KEY = "earned"
"""The name the columns are kept under in a projection's ``kept_with``."""

FOLLOW_AT_MOST = 0.125
"""Up to this share of the members with EARNED changed, the columns follow; past it, read in full."""


ROWS_KEY = "earned_rows"
"""The name a store keeps the EARNED rows it collected while building the projection under
(``loaders.earned_rows.KEY``: ``member``, ``target``, ``points``, ``on``, ``reason``, lists in step,
the values as stored); :func:`earned_columns` makes its columns from them instead of walking
every member's edges."""


def kept(G: Any) -> tuple[EarnedColumns, tuple[Any, ...]] | None:
    """The columns kept with ``G`` and the writes made since they were read (None: nothing kept)."""
    entry = (getattr(G, "kept_with", None) or {}).get(KEY)
    return None if entry is None else (entry[0], tuple(entry[1]))


def keep(G: Any, columns: EarnedColumns) -> None:
    """Keep ``columns`` with ``G`` (up to date: no writes since), when ``G`` is frozen (``nx.freeze``,
    as every store's projection is): a graph that may still change in place keeps nothing."""
    if getattr(G, "frozen", False):
        # the store's rows, if any, are no longer needed: the columns say the same
        others = {k: v for k, v in (getattr(G, "kept_with", None) or {}).items() if k != ROWS_KEY}
        G.kept_with = {**others, KEY: (columns, ())}


def earned_columns(G: Any, nodes: Mapping[str, Any], out: Any, scan: Callable[[], Scan]) -> EarnedColumns:
    """Every EARNED of ``G`` as columns: the kept ones (brought up to date), or read and kept."""
    found = kept(G)
    if found is not None:
        columns, writes = found
        if not writes:
            return columns
        followed = _followed(G, columns, writes, nodes, out)
        if followed is not None:
            return followed
    stored = (getattr(G, "kept_with", None) or {}).get(ROWS_KEY)
    if stored is not None:
        rows, writes = stored
        followed = _followed(G, columns_of_rows(rows, nodes), writes, nodes, out)
        if followed is not None:
            return followed
    columns = read_earned(nodes, out, scan())
    keep(G, columns)
    return columns


def _followed(
    G: Any, columns: EarnedColumns, writes: Iterable[Any], nodes: Mapping[str, Any], out: Any
) -> EarnedColumns | None:
    """``columns`` brought up to date over ``writes`` and kept with ``G`` (None: they could not
    be followed, read them again)."""
    followed = follow(columns, writes, nodes, out) if writes else columns
    if followed is not None:
        keep(G, followed)
    return followed


def columns_of_rows(rows: Any, nodes: Mapping[str, Any]) -> EarnedColumns:
    """The columns of the EARNED rows a store collected while building the projection
    (``loaders.earned_rows.EarnedRows``: ``members`` with their row ``counts``; per row
    ``target`` with ``target_code`` into ``targets``, ``on_code`` into ``on_values``, and
    ``points`` and ``reason`` as stored), the same rows as
    :func:`~analytics.work.readers.read_earned` reads from the edges: the source is the target's
    kind or label and the day is parsed, each once per distinct value, then spread over the rows
    with numpy.  Rows that do not start at a party member are left out (the reader walks the
    members' edges only).

    >>> from analytics.projection import tiny_work
    >>> from analytics.work.readers import read_earned, scan
    >>> G = tiny_work()
    >>> rows = earned_rows_of(G)
    >>> a, b = columns_of_rows(rows, G._node), read_earned(G._node, G._succ, scan(G._node))
    >>> a.member_ids == b.member_ids and a.target == b.target and a.day.tolist() == b.day.tolist()
    True
    """
    members: list[str] = list(rows.members)
    counts: list[int] = list(rows.counts)
    target: list[str] = rows.target
    points: list[Any] = rows.points
    reason: list[Any] = rows.reason
    target_code = np.asarray(rows.target_code, dtype=np.int64)  # an array("q") from a store: no copy
    on_code = np.asarray(rows.on_code, dtype=np.int64)
    wanted = [nodes.get(m, {}).get("label") == _MEMBER for m in members]
    if not all(wanted):
        per_row = np.repeat(np.asarray(wanted, dtype=bool), np.asarray(counts, dtype=np.int64))
        keep_rows = per_row.tolist()
        target, points, reason = (list(compress(col, keep_rows)) for col in (target, points, reason))
        target_code, on_code = target_code[per_row], on_code[per_row]
        members, counts = list(compress(members, wanted)), list(compress(counts, wanted))
    # a member met in two runs is one member: both runs get the code of its first
    code: dict[str, int] = {}
    runs = [code.setdefault(m, len(code)) for m in members]
    member = np.repeat(np.asarray(runs, dtype=np.int64), np.asarray(counts, dtype=np.int64))
    source_code: dict[str, int] = {}
    source_of_target = np.zeros(len(rows.targets), dtype=np.int64)
    for i, t in enumerate(rows.targets):
        tdata = nodes.get(t, {})
        label = str(tdata.get("label") or "")
        src = str(tdata.get("kind") or _ACTIVITY) if label == _ACTIVITY else label
        source_of_target[i] = source_code.setdefault(src, len(source_code))
    day_of_value = np.asarray([_ordinal(v) for v in rows.on_values], dtype=np.int64)
    if set(map(type, points)) <= {int}:  # as stored: no bool, no text, no missing value
        points_col = np.asarray(points, dtype=np.int64)
    else:
        points_col = np.asarray([p if p.__class__ is int else (attr_int(p) or 0) for p in points], dtype=np.int64)
    # only the sources of the targets left keep a code, in the order they are first met
    used, source = np.unique(source_of_target[target_code], return_inverse=True)
    names = tuple(source_code)
    return EarnedColumns(
        member_ids=tuple(code),
        sources=tuple(names[i] for i in used.tolist()),
        member=member,
        source=source.astype(np.int64).reshape(-1),
        points=points_col,
        day=day_of_value[on_code] if len(on_code) else np.zeros(0, dtype=np.int64),
        target=tuple(target),
        reason=tuple(reason)
        if set(map(type, reason)) <= {str, type(None)}
        else tuple(r if r is None else str(r) for r in reason),
    )


def earned_rows_of(G: Any) -> Any:
    """The EARNED rows of ``G`` as a store collects them (the shape of ``loaders.earned_rows.EarnedRows``),
    from its edges: for tests and for graphs no store built."""
    rows = SimpleNamespace(
        members=[], counts=[], target=[], targets=[], target_code=[], on_values=[], on_code=[], points=[], reason=[]
    )
    target_index: dict[str, int] = {}
    for m, out in G._succ.items():
        n = 0
        for t, keys in out.items():
            for rel in keys.values():
                if rel.get("type") == _EARNED:
                    rows.target.append(t)
                    if t not in target_index:
                        target_index[t] = len(rows.targets)
                        rows.targets.append(t)
                    rows.target_code.append(target_index[t])
                    rows.on_code.append(len(rows.on_values))  # one value per row: no need to share
                    rows.on_values.append(rel.get("on"))
                    rows.points.append(rel.get("points"))
                    rows.reason.append(rel.get("reason"))
                    n += 1
        if n:
            rows.members.append(m)
            rows.counts.append(n)
    return rows


def _ordinal(on: Any) -> int:
    d = day(on)
    return NO_DAY if d is None else d.toordinal()


def changed_members(columns: EarnedColumns, writes: Iterable[Any]) -> set[str]:
    """The ids whose EARNED rows may differ after ``writes`` (``Delta``-shaped: ``nodes``,
    ``relationships``, ``deleted_relationships``, ``deleted_nodes``).

    >>> from analytics.projection import tiny_work
    >>> from analytics.work.readers import read_earned, scan
    >>> G = tiny_work()
    >>> cols = read_earned(G._node, G._succ, scan(G._node))
    >>> class Write:  # e3 patched (v1, m1 and m3 earned points for it), i2 earns, v1 moves house
    ...     nodes = [("e3", "Activity", {"kind": "VOLUNTEER_SERVICE"})]
    ...     relationships = [("i2", "EARNED|2026-11-02", "e2", "EARNED", {"points": 5})]
    ...     deleted_relationships = [("v1", "LIVES_IN", "h1")]
    ...     deleted_nodes = ["ap1"]
    >>> sorted(changed_members(cols, [Write]))
    ['ap1', 'e3', 'i2', 'i3', 'm1', 'm3', 'v1']
    """
    members: set[str] = set()
    targets: set[str] = set()
    for w in writes:
        for n, _label, _props in w.nodes:
            targets.add(n)
        targets.update(w.deleted_nodes)
        for start, _key, _end, rtype, _props in w.relationships:
            if rtype == _EARNED:
                members.add(start)
        for start, key, _end in w.deleted_relationships:
            if key not in NOT_EARNED:  # an EARNED (or a VISITED: read again for nothing)
                members.add(start)
    members |= targets
    if targets:
        ids = columns.member_ids
        codes = columns.member.tolist()
        members.update(ids[codes[i]] for i, t in enumerate(columns.target) if t in targets)
    return members


def follow(columns: EarnedColumns, writes: Iterable[Any], nodes: Mapping[str, Any], out: Any) -> EarnedColumns | None:
    """``columns`` brought up to date over ``writes`` against the projection they led to
    (``nodes``, ``out``: its node data and successors); None when so many members changed that
    reading every EARNED again is cheaper."""
    changed = changed_members(columns, writes)
    if len(changed) > max(64, FOLLOW_AT_MOST * len(columns.member_ids)):
        return None
    position = {m: i for i, m in enumerate(columns.member_ids)}
    gone = np.asarray(sorted(position[m] for m in changed if m in position), dtype=np.int64)
    stay = ~np.isin(columns.member, gone)
    again = read_earned_of(nodes, out, sorted(m for m in changed if nodes.get(m, {}).get("label") == _MEMBER))
    member_ids = list(columns.member_ids)
    sources = list(columns.sources)
    source_code = {s: i for i, s in enumerate(sources)}
    for m in again.member_ids:
        if m not in position:
            position[m] = len(member_ids)
            member_ids.append(m)
    for s in again.sources:
        if s not in source_code:
            source_code[s] = len(sources)
            sources.append(s)
    member_map = np.asarray([position[m] for m in again.member_ids], dtype=np.int64)
    source_map = np.asarray([source_code[s] for s in again.sources], dtype=np.int64)
    keep_rows = stay.tolist()
    member = np.concatenate([columns.member[stay], member_map[again.member] if len(again) else again.member])
    # only the members with rows keep an id (a member deleted, or who lost every EARNED, goes)
    used, member = np.unique(member, return_inverse=True)
    return EarnedColumns(
        member_ids=tuple(member_ids[i] for i in used.tolist()),
        sources=tuple(sources),
        member=member.astype(np.int64).reshape(-1),
        source=np.concatenate([columns.source[stay], source_map[again.source] if len(again) else again.source]),
        points=np.concatenate([columns.points[stay], again.points]),
        day=np.concatenate([columns.day[stay], again.day]),
        target=(*compress(columns.target, keep_rows), *again.target),
        reason=(*compress(columns.reason, keep_rows), *again.reason),
    )


__all__ = [
    "FOLLOW_AT_MOST",
    "KEY",
    "ROWS_KEY",
    "changed_members",
    "columns_of_rows",
    "earned_columns",
    "earned_rows_of",
    "follow",
    "keep",
    "kept",
]
