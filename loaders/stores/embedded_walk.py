"""The compact walk of a nested selection on the embedded store (:func:`loaders.walk.walk_compact`).

A mixin of :class:`~loaders.stores.embedded.EmbeddedStore`: the same answer as one
``neighbours`` call per layer (the order, the per-node limit, the scope on every layer), read
straight from the in-memory graph into (id, label, properties) rows, without a Relationship,
Node or Edge object per row.  The properties are the stored dict itself (never changed in
place: a write replaces it), so nothing is copied; the caller reads only what it was asked for.
The walk runs without an await, so no write can land between two of its layers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from loaders.scope import Scope
from loaders.store import Direction
from loaders.walk import CompactWalked, RootedWalk, Row, WalkLayer


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

    async def walk_compact_from(
        self,
        root_id: str,
        label: str,
        props: Collection[str],
        layers: Sequence[WalkLayer],
        *,
        scope: Scope | None = None,
    ) -> RootedWalk:
        """The root ``root_id`` (of ``label``, in ``scope``, as ``get_nodes`` finds it) and the
        compact walk down from it, in one synchronous stretch (:func:`loaders.walk.walk_compact_from`)."""
        if not layers:
            raise ValueError("walk_compact_from: give at least one layer to walk")
        data = self._g._node.get(root_id)
        admits = self._admits(scope)
        if data is None or data["label"] != label or (admits is not None and not admits(root_id)):
            return None, [{} for _ in layers]
        return (root_id, label, data["p"]), await self.walk_compact([root_id], layers, scope=scope)


def _by_id_then_on(item: tuple[str, str, Any]) -> tuple[str, str]:
    return item[0], item[1]
