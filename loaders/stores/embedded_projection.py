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

from collections.abc import Callable
from typing import Any

import networkx as nx

from loaders.projection_delta import Delta, advance_all

PENDING_ROWS = 200_000
"""Rows (nodes and relationships, written or deleted) the kept projection may trail by before
it is dropped and built again when next asked for."""


class KeptProjection:
    """A projection at version ``base``, and the writes since it, up to version ``version``."""

    __slots__ = ("base", "graph", "pending", "rows", "version")

    def __init__(self, version: int, graph: nx.MultiDiGraph) -> None:
        self.base = self.version = version
        self.graph = graph
        self.pending: list[Delta] = []
        self.rows = 0

    def follow(self, before: int, after: int, delta: Delta) -> bool:
        """Note the write that took the store from ``before`` to ``after``; False when it cannot
        be followed (kept at another version, or too far behind): the caller drops it."""
        if self.version != before:
            return False
        self.rows += _count(delta)
        if self.rows > PENDING_ROWS:
            return False
        self.pending.append(delta)
        self.version = after
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
        return self.graph


def _count(delta: Delta) -> int:
    """Rows a write changed (nodes and relationships, written or deleted)."""
    return len(delta.nodes) + len(delta.relationships) + len(delta.deleted_relationships) + len(delta.deleted_nodes)
