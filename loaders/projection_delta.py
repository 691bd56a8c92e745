"""A kept analytics projection carried forward over one committed write, instead of rebuilt.

A projection (docs/design.md 2.5) is frozen and may be read at that moment by analyses on
worker threads or in forked children, so a write never changes it: :func:`advance` makes a
**new** frozen graph that shares every part the write did not touch with the old one.  The
outer dicts (nodes, successors, predecessors) are copied shallowly (a few milliseconds at
city scale, in C); the inner dicts of the nodes and pairs the write touched are copied before
they change.  The result equals what the store would build from scratch at the new data
version (the contract tests compare them after random write sequences), including the
``star`` of assessed branches (:mod:`loaders.assessment_stars`).

The embedded store folds the rows it committed under its write lock (:func:`advance_all`);
the service's :class:`~loaders.projection_cache.ProjectionCache` folds the writes its own
process makes through a Neo4j store on a worker thread (:class:`Fold`, one write at a time,
each made into stored rows against the state the ones before it left).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph_schema.assessments import final_star
from graph_schema.contract import Label, RelType
from graph_schema.privacy import without_pii

_AS, _ORG = Label.ASSESSMENT.value, Label.PARTY_ORGANIZATION.value
_ASSESSES = RelType.ASSESSES.value


def _uncached(name: str) -> property:
    view: Any = getattr(nx.MultiDiGraph, name)
    return property(view.func, doc=view.__doc__)


class FollowedProjection(nx.MultiDiGraph):  # type: ignore[misc]
    """A projection made by :func:`advance`: a ``MultiDiGraph`` whose edge and degree views are
    made on each use instead of kept on the graph.

    A kept view refers back to its graph, a cycle that only the cycle collector frees, and the
    embedded store's writes freeze every object alive (``gc.freeze``, for fast bulk loads): a
    superseded projection in such a cycle would never be freed (tens of MB per write at city
    scale).  Without the cycle, the last reference going frees it at once.
    """

    edges = _uncached("edges")
    out_edges = _uncached("out_edges")
    in_edges = _uncached("in_edges")
    degree = _uncached("degree")
    in_degree = _uncached("in_degree")
    out_degree = _uncached("out_degree")


class NeedsRebuild(Exception):
    """The write cannot be carried forward from what the projection holds (a branch's own
    ``star`` is needed and only the store has it): build the projection again."""


@dataclass(slots=True)
class Delta:
    """One committed write, as stored: what the projection must follow.

    ``nodes`` are ``(id, label, properties)`` with the node's whole stored properties after the
    write (a patch already merged); ``relationships`` are ``(start, key, end, type,
    properties)``; ``deleted_relationships`` are ``(start, key, end)``; ``deleted_nodes`` lose
    their relationships with them.  Deletions apply first, as in both stores.
    """

    nodes: Sequence[tuple[str, str, Mapping[str, Any]]] = ()
    relationships: Sequence[tuple[str, str, str, str, Mapping[str, Any]]] = ()
    deleted_relationships: Sequence[tuple[str, str, str]] = ()
    deleted_nodes: Sequence[str] = ()
    touched_orgs: set[str] = field(default_factory=set)


def advance(old: nx.MultiDiGraph, delta: Delta, given_star: Callable[[str], Any] | None = None) -> nx.MultiDiGraph:
    """``old`` with ``delta`` applied, as a new frozen projection; ``old`` is left as it was.

    ``given_star(org)`` is the ``star`` stored on a branch (before its assessments override
    it); without it, a write that needs it raises :class:`NeedsRebuild`.

    >>> from analytics import ProjectionBuilder
    >>> g = nx.freeze(ProjectionBuilder().node("Community", "a", name="A").graph)
    >>> grid = Delta(nodes=[("b", "Grid", {"name": "B"})], relationships=[("b", "PART_OF", "a", "PART_OF", {})])
    >>> new = advance(g, grid)
    >>> sorted(new.nodes), sorted(g.nodes), new.has_edge("b", "a", "PART_OF"), nx.is_frozen(new)
    (['a', 'b'], ['a'], True, True)
    >>> gone = advance(new, Delta(deleted_nodes=["a"]))
    >>> sorted(gone.nodes), gone.number_of_edges(), new.number_of_edges()
    (['b'], 0, 1)
    """
    return advance_all(old, (delta,), given_star)


def advance_all(
    old: nx.MultiDiGraph, deltas: Sequence[Delta], given_star: Callable[[str], Any] | None = None
) -> nx.MultiDiGraph:
    """``old`` with ``deltas`` applied in their order, as one new frozen projection: the outer
    dicts are copied once for all of them (a store that defers following its writes folds them
    here when an analysis asks, so N writes cost one copy, not N).  The result is the one
    :func:`advance` gives applied to each in turn; ``given_star(org)`` must give a branch's own
    star as of the last of them.

    >>> from analytics import ProjectionBuilder
    >>> g = nx.freeze(ProjectionBuilder().node("Community", "a", name="A").graph)
    >>> part_of = ("b", "PART_OF", "a", "PART_OF", {})
    >>> writes = [Delta(nodes=[("b", "Grid", {"name": "B"})]), Delta(relationships=[part_of]),
    ...           Delta(nodes=[("b", "Grid", {"name": "B2"})])]
    >>> new = advance_all(g, writes)
    >>> new.nodes["b"]["name"], new.has_edge("b", "a", "PART_OF"), sorted(g.nodes)
    ('B2', True, ['a'])
    """
    fold = Fold(old)
    for delta in deltas:
        fold.apply(delta)
    return fold.finish(given_star)


class Fold:
    """:func:`advance_all` one write at a time: :meth:`apply` each, then :meth:`finish` once.

    Between two writes it reads like a projection at the state after the last one applied
    (``_node`` and ``_succ``, what :func:`loaders.projection_cache.batch_delta` reads), so a
    write whose stored rows depend on that state (a patch merged into a node) is made into its
    :class:`Delta` just before it is applied.  ``old`` is never changed.

    >>> from analytics import ProjectionBuilder
    >>> g = nx.freeze(ProjectionBuilder().node("Community", "a", name="A").graph)
    >>> fold = Fold(g)
    >>> fold.apply(Delta(nodes=[("b", "Grid", {"name": "B"})]))
    >>> fold._node["b"]["name"], "b" in g
    ('B', False)
    >>> sorted(fold.finish().nodes)
    ['a', 'b']
    """

    def __init__(self, old: nx.MultiDiGraph) -> None:
        self.old = old
        self._node: dict[str, dict[str, Any]] = dict(old._node)
        self._succ: dict[str, dict[str, dict[str, Any]]] = dict(old._succ)
        self._pred: dict[str, dict[str, dict[str, Any]]] = dict(old._pred)
        self._own_succ: set[str] = set()
        self._own_pred: set[str] = set()
        self._orgs: set[str] = set()
        self._written: dict[str, Mapping[str, Any]] = {}
        self.deltas: list[Delta] = []

    def _succ_of(self, n: str) -> dict[str, dict[str, Any]]:
        if n not in self._own_succ:
            self._succ[n] = dict(self._succ[n])
            self._own_succ.add(n)
        return self._succ[n]

    def _pred_of(self, n: str) -> dict[str, dict[str, Any]]:
        if n not in self._own_pred:
            self._pred[n] = dict(self._pred[n])
            self._own_pred.add(n)
        return self._pred[n]

    def _note(self, start: str, end: str, rtype: str) -> None:
        """A change to ``start -rtype-> end`` that may move a branch's star."""
        if rtype == _ASSESSES and self._node.get(end, {}).get("label") == _ORG:
            self._orgs.add(end)

    def apply(self, delta: Delta) -> None:
        """Apply one write (deletions first, as in both stores)."""
        node, succ, pred = self._node, self._succ, self._pred
        succ_of, pred_of, note = self._succ_of, self._pred_of, self._note
        self.deltas.append(delta)
        self._orgs |= delta.touched_orgs
        for start, key, end in delta.deleted_relationships:
            keyed = succ.get(start, {}).get(end)
            if keyed is None or key not in keyed:
                continue
            note(start, end, keyed[key].get("type", ""))
            rest = {k: v for k, v in keyed.items() if k != key}
            if rest:
                succ_of(start)[end] = rest
                pred_of(end)[start] = rest
            else:
                del succ_of(start)[end]
                del pred_of(end)[start]
        for n in dict.fromkeys(delta.deleted_nodes):
            if n not in node:
                continue
            if node[n].get("label") == _AS:  # its branches fall back on their other assessments
                for end, keyed in succ[n].items():
                    for a in keyed.values():
                        note(n, end, a.get("type", ""))
            for other in succ[n]:
                if other != n:
                    del pred_of(other)[n]
            for other in pred[n]:
                if other != n:
                    del succ_of(other)[n]
            del node[n], succ[n], pred[n]
            self._own_succ.discard(n)
            self._own_pred.discard(n)
            self._orgs.discard(n)
        for n, label, props in delta.nodes:
            node[n] = {"label": label, **without_pii(label, props)}
            if n not in succ:
                succ[n] = {}
                pred[n] = {}
                self._own_succ.add(n)
                self._own_pred.add(n)
            if label == _ORG:
                self._orgs.add(n)
            elif label == _AS:
                for end, keyed in succ[n].items():
                    for a in keyed.values():
                        note(n, end, a.get("type", ""))
        for start, key, end, rtype, props in delta.relationships:
            s = succ_of(start)
            keyed = dict(s.get(end, {}))
            keyed[key] = {"type": rtype, **props}
            s[end] = keyed
            pred_of(end)[start] = keyed
            note(start, end, rtype)
        for n in delta.deleted_nodes:
            self._written.pop(n, None)
        self._written.update((n, props) for n, label, props in delta.nodes if label == _ORG)

    def finish(self, given_star: Callable[[str], Any] | None = None) -> nx.MultiDiGraph:
        """The new frozen projection, the branches' stars worked out once from the final state
        (``given_star(org)``: a branch's own star as of the last write; without it, a write
        that needs it raises :class:`NeedsRebuild`).  Call once."""
        node, pred, written = self._node, self._pred, self._written
        for org in self._orgs:
            if org not in node:
                continue
            found = [
                node[a]
                for a, keyed in pred[org].items()
                if node[a].get("label") == _AS and any(e.get("type") == _ASSESSES for e in keyed.values())
            ]
            if org in written:
                given = written[org].get("star")
            elif given_star is not None:
                given = given_star(org)
            else:
                given = _given_unknown
            star = final_star(found, given)
            if star is _given_unknown:
                raise NeedsRebuild(f"the given star of {org}")
            if node[org].get("star") != star:
                data = dict(node[org])
                if star is None:
                    data.pop("star", None)
                else:
                    data["star"] = star
                node[org] = data
        out = FollowedProjection()
        out.graph.update(self.old.graph)
        out._node = node
        out._succ = out._adj = self._succ
        out._pred = pred
        carrier: Any = self.old
        for delta in self.deltas:  # each write appended in turn, as advance would one by one
            step = _Carrier()
            _carry_kept(carrier, step, delta)
            carrier = step
        if getattr(carrier, "kept_with", None):
            out.kept_with = carrier.kept_with
        nx.freeze(out)
        return out


class _Carrier:
    """Holds what :func:`_carry_kept` hands on between two of the writes :func:`advance_all` folds."""

    kept_with: Any = None


KEPT_WRITES = 64
"""How many writes a value kept with a projection may trail by (:func:`_carry_kept`)."""

KEPT_ROWS = 50_000
"""How many written rows (nodes and relationships, written or deleted) it may trail by."""


def _carry_kept(old: nx.MultiDiGraph, new: nx.MultiDiGraph, delta: Delta) -> None:
    """Carry what analytics keep with ``old`` over to ``new``, with the write between them.

    An analysis may keep a value it derived from a projection on the projection's
    ``kept_with`` attribute (``{name: (value, writes)}``: the value and the :class:`Delta` of
    each write made since the projection it was derived from, in order; e.g. the monthly
    work's EARNED columns, :mod:`analytics.work.kept`).  The new projection gets each value with
    this write appended, so the analysis brings it up to date from the writes instead of
    deriving it again; a value trailing by more than :data:`KEPT_WRITES` writes or
    :data:`KEPT_ROWS` rows is dropped (derived again when next asked for).
    """
    kept = getattr(old, "kept_with", None)
    if not kept:
        return
    rows = _rows(delta)
    carried: dict[str, tuple[Any, tuple[Delta, ...]]] = {}
    for name, (value, writes) in dict(kept).items():
        if len(writes) < KEPT_WRITES and rows + sum(_rows(d) for d in writes) <= KEPT_ROWS:
            carried[name] = (value, (*writes, delta))
    if carried:
        new.kept_with = carried


def _rows(d: Delta) -> int:
    return len(d.nodes) + len(d.relationships) + len(d.deleted_relationships) + len(d.deleted_nodes)


_given_unknown: Any = object()
"""Stands for a branch's own star where only the store knows it."""
