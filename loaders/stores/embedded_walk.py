"""The compact walk of a nested selection on the embedded store (:func:`loaders.walk.walk_compact`).

A mixin of :class:`~loaders.stores.embedded.EmbeddedStore`: the same answer as one
``neighbours`` call per layer (the order, the per-node limit, the scope on every layer), read
straight from the in-memory graph into (id, label, properties) rows, without a Relationship,
Node or Edge object per row.  The properties are the stored dict itself (never changed in
place: a write replaces it), so nothing is copied; the caller reads only what it was asked for.
The walk runs without an await, so no write can land between two of its layers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from loaders.scope import Scope
from loaders.store import Direction
from loaders.walk import CompactWalked, Row, WalkLayer


class EmbeddedWalk:
    """Answers :func:`loaders.walk.walk_compact` from the store's graph."""

    _g: Any
    _admits: Callable[[Scope | None], Callable[[str], bool] | None]

    async def walk_compact(
        self, ids: Sequence[str], layers: Sequence[WalkLayer], *, scope: Scope | None = None
    ) -> CompactWalked:
        admits = self._admits(scope)
        nodes = self._g._node
        out: CompactWalked = []
        frontier = list(dict.fromkeys(ids))
        for layer in layers:
            adjacency = self._g._succ if layer.direction is Direction.OUT else self._g._pred
            wanted = set(layer.labels) if layer.labels else None
            rel_type, limit = layer.rel_type, layer.limit
            by_id: dict[str, list[Row]] = {}
            following: dict[str, None] = {}
            for node_id in frontier:
                found: list[tuple[str, str, dict[str, Any]]] = []
                adj = adjacency.get(node_id)
                if adj:
                    for other, keyed in adj.items():
                        for attrs in keyed.values():
                            if attrs["type"] != rel_type:
                                continue
                            data = nodes[other]
                            if (wanted is None or data["label"] in wanted) and (admits is None or admits(other)):
                                found.append((other, str(attrs["p"].get("on", "")), data))
                found.sort(key=_by_id_then_on)
                if limit is not None:
                    del found[limit:]
                rows = [(other, data["label"], data["p"]) for other, _on, data in found]
                by_id[node_id] = rows
                for row in rows:
                    following[row[0]] = None
            out.append(by_id)
            frontier = list(following)
        return out


def _by_id_then_on(item: tuple[str, str, Any]) -> tuple[str, str]:
    return item[0], item[1]
