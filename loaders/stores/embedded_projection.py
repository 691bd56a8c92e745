"""The embedded store's kept projection follows its committed writes (docs/design.md 2.5).

The first analysis after the store opens builds the projection from the in-memory graph
(seconds at city scale); after that, the store keeps it and the writes since, as the rows each
committed (:class:`~loaders.projection_delta.Delta`), and does **not** copy anything per write:
when an analysis next asks for the projection, :meth:`KeptProjection.fold` applies every
pending write at once with :func:`~loaders.projection_delta.advance_all` (the outer dicts
copied once for all of them), so N writes between two analyses cost one copy, not N.  The
figures are those of a projection built from scratch at the newest version (the contract tests
compare them).  Pending writes beyond :data:`PENDING_ROWS` rows (an import) drop what is kept:
building it again costs less than following them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import networkx as nx

from loaders.projection_delta import Delta, advance_all

_COUNTED = itertools.count(1)
"""Numbers for what analyses count in a projection: one per build, and one per fold that takes
in a write other than a rename (:func:`loaders.projection_cache.renames_only`)."""

PENDING_ROWS = 200_000
"""Rows (nodes and relationships, written or deleted) the kept projection may trail by before
it is dropped and built again when next asked for."""


class KeptProjection:
    """A projection at version ``base``, and the writes since it, up to version ``version``."""

    __slots__ = ("base", "counted", "counts_change", "graph", "pending", "rows", "version")

    def __init__(self, version: int, graph: nx.MultiDiGraph) -> None:
        self.base = self.version = version
        self.graph = graph
        self.pending: list[Delta] = []
        self.rows = 0
        self.counted = next(_COUNTED)
        """What analyses count in :attr:`graph`, as a number: the same for two graphs between
        which only renames came (their figures are the same, only labels differ)."""
        self.counts_change = False
        """Whether a pending write may change what analyses count (not a rename only)."""

    def follow(self, before: int, after: int, delta: Delta, *, renames_only: bool = False) -> bool:
        """Note the write that took the store from ``before`` to ``after`` (``renames_only``: it
        set only names of nodes that exist); False when it cannot be followed (kept at another
        version, or too far behind): the caller drops it."""
        if self.version != before:
            return False
        self.rows += _count(delta)
        if self.rows > PENDING_ROWS:
            return False
        self.pending.append(delta)
        self.version = after
        self.counts_change = self.counts_change or not renames_only
        return True

    def fold(self, given_star: Callable[[str], Any]) -> nx.MultiDiGraph:
        """The projection at :attr:`version`, the pending writes applied (once; kept after).
        ``given_star(org)``: a branch's own star as the store holds it now."""
        pending = list(self.pending)
        if pending:
            target = self.version
            self.graph = advance_all(self.graph, pending, given_star)
            del self.pending[: len(pending)]  # only once folded: a failure leaves them pending
            self.rows = sum(_count(d) for d in self.pending)
            self.base = target
            if self.counts_change:
                self.counted = next(_COUNTED)
            self.counts_change = bool(self.pending)  # a write noted while folding: counted as a change
        return self.graph


def _count(delta: Delta) -> int:
    """Rows a write changed (nodes and relationships, written or deleted)."""
    return len(delta.nodes) + len(delta.relationships) + len(delta.deleted_relationships) + len(delta.deleted_nodes)
