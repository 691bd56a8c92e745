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

The result holds the same rows as a fresh read, in another order (no figure depends on the
order: the points analysis sums them).  When too many members changed (an import), they are
read again in full.  This module is pure: a projection and the writes it was told of, in;
columns out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import compress
from typing import Any

import numpy as np

from analytics.work.readers import NOT_EARNED, EarnedColumns, Scan, read_earned, read_earned_of
from graph_schema import Label, RelType

_MEMBER, _EARNED = Label.PARTY_MEMBER.value, RelType.EARNED.value
KEY = "earned"
"""The name the columns are kept under in a projection's ``kept_with``."""

FOLLOW_AT_MOST = 0.125
"""Up to this share of the members with EARNED changed, the columns follow; past it, read in full."""


def kept(G: Any) -> tuple[EarnedColumns, tuple[Any, ...]] | None:
    """The columns kept with ``G`` and the writes made since they were read (None: nothing kept)."""
    entry = (getattr(G, "kept_with", None) or {}).get(KEY)
    return None if entry is None else (entry[0], tuple(entry[1]))


def keep(G: Any, columns: EarnedColumns) -> None:
    """Keep ``columns`` with ``G`` (up to date: no writes since), when ``G`` is frozen (``nx.freeze``,
    as every store's projection is): a graph that may still change in place keeps nothing."""
    if getattr(G, "frozen", False):
        G.kept_with = {**(getattr(G, "kept_with", None) or {}), KEY: (columns, ())}


def earned_columns(G: Any, nodes: Mapping[str, Any], out: Any, scan: Callable[[], Scan]) -> EarnedColumns:
    """Every EARNED of ``G`` as columns: the kept ones (brought up to date), or read and kept."""
    found = kept(G)
    if found is not None:
        columns, writes = found
        if writes:
            followed = follow(columns, writes, nodes, out)
            if followed is not None:
                keep(G, followed)
                return followed
        else:
            return columns
    columns = read_earned(nodes, out, scan())
    keep(G, columns)
    return columns


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


__all__ = ["FOLLOW_AT_MOST", "KEY", "changed_members", "earned_columns", "follow", "keep", "kept"]
