"""The walk of a nested selection on the Neo4j store, in one statement (:mod:`loaders.walk`).

A mixin of :class:`~loaders.stores.neo4j_store.Neo4jStore`; the statement is
:func:`loaders.stores.cypher_reads.walk`.
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any

from graph_schema import Node, Relationship
from loaders.scope import Scope
from loaders.store import Direction, Edge
from loaders.stores import cypher, cypher_reads
from loaders.walk import CompactWalked, RootedWalk, Row, Walked, WalkLayer, collector_paused

_NO_LIMIT = 2**31 - 1


class Neo4jWalk:
    """Answers :func:`loaders.walk.walk` in one round trip.

    The edges are built with the cycle collector paused (a synchronous loop, no await inside):
    the walk's answer arrives as one record, and building its objects (five per edge, 6,155
    edges for a community's households) with the collector on ran it over the whole young
    answer again and again: 89 against 36 ms of CPU for that walk, measured in one process."""

    _read: Callable[..., Awaitable[list[Any]]]

    async def walk(self, ids: Sequence[str], layers: Sequence[WalkLayer], *, scope: Scope | None = None) -> Walked:
        if not layers:
            return []
        params, names, record = await self._walk_answer(ids, layers, scope)
        answer = record["layers"]
        paused = gc.isenabled()
        if paused:  # see the class docstring
            gc.disable()
        try:
            out = self._edges(layers, names, answer)
        finally:
            if paused:
                gc.enable()
        top = out[0]  # an id that matched no node has its entry too, empty
        out[0] = {node_id: top.get(node_id, []) for node_id in params["ids"]}
        return out

    async def walk_compact(
        self, ids: Sequence[str], layers: Sequence[WalkLayer], *, scope: Scope | None = None
    ) -> CompactWalked:
        """:meth:`walk`'s statement, its answer as (id, label, properties) rows
        (:func:`loaders.walk.walk_compact`)."""
        if not layers:
            return []
        params, names, record = await self._walk_answer(ids, layers, scope, rels=False)
        with collector_paused():  # see the class docstring
            out = self._rows(names, record["layers"])
        top = out[0]
        out[0] = {node_id: top.get(node_id, []) for node_id in params["ids"]}
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
        """The root ``root_id`` (of ``label``, in ``scope``) and the compact walk down from it, in
        one statement (:func:`loaders.walk.walk_compact_from`)."""
        if not layers:
            raise ValueError("walk_compact_from: give at least one layer to walk")
        wanted = sorted(p for p in props if p != "id")
        root = {"id": root_id, "root_label": label, "root_props": wanted}
        _params, names, record = await self._walk_answer([], layers, scope, rels=False, root=root)
        found = record["root"]
        if not found:
            return None, [{} for _ in layers]
        with collector_paused():  # see the class docstring
            out = self._rows(names, record["layers"])
        out[0] = {root_id: out[0].get(root_id, [])}
        values = {k: v for k, v in zip(wanted, found[0], strict=True) if v is not None}
        return (root_id, label, values), out

    @staticmethod
    def _rows(names: list[list[str] | None], answer: list[Any]) -> CompactWalked:
        out: CompactWalked = []
        for wanted, rows in zip(names, answer, strict=True):
            by_id: dict[str, list[Row]] = {}
            if wanted is None:
                for node_id, found in rows:
                    by_id[node_id] = [
                        (other, label, {k: v for k, v in values.items() if k != "id"}) for other, label, values in found
                    ]
            else:
                for node_id, found in rows:
                    by_id[node_id] = [
                        (other, label, {k: v for k, v in zip(wanted, values, strict=True) if v is not None})
                        for other, label, values in found
                    ]
            out.append(by_id)
        return out

    async def _walk_answer(
        self,
        ids: Sequence[str],
        layers: Sequence[WalkLayer],
        scope: Scope | None,
        *,
        rels: bool = True,
        root: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], list[list[str] | None], Any]:
        params: dict[str, Any] = {"ids": list(dict.fromkeys(ids))} if root is None else dict(root)
        cond = cypher.in_scope("n", scope, params)
        root_cond = cypher.in_scope("a", scope, params) if root is not None else None
        inside = cypher.parent_inside("a", scope, params)
        shapes: list[tuple[str, bool, bool]] = []
        names: list[list[str] | None] = []
        for i, layer in enumerate(layers):
            params[f"labels{i}"] = list(layer.labels) if layer.labels else None
            params[f"limit{i}"] = _NO_LIMIT if layer.limit is None else layer.limit
            wanted = None if layer.props is None else sorted(p for p in layer.props if p != "id")
            if wanted is not None:
                params[f"props{i}"] = wanted
            names.append(wanted)
            shapes.append((layer.rel_type, layer.direction is Direction.OUT, wanted is not None))
        statement = cypher_reads.walk(
            shapes, cond, rels=rels, inside=inside, rooted=root is not None, root_cond=root_cond
        )
        (record,) = await self._read(statement, **params)
        return params, names, record

    @staticmethod
    def _edges(layers: Sequence[WalkLayer], names: list[list[str] | None], answer: list[Any]) -> Walked:
        out: Walked = []
        for layer, wanted, rows in zip(layers, names, answer, strict=True):
            rtype, outgoing = layer.rel_type, layer.direction is Direction.OUT
            by_id: dict[str, list[Edge]] = {}
            for node_id, found in rows:
                edges = []
                for rel_props, other, label, values in found:
                    start, end = (node_id, other) if outgoing else (other, node_id)
                    if wanted is None:
                        props = {k: v for k, v in values.items() if k != "id"}
                    else:
                        props = {k: v for k, v in zip(wanted, values, strict=True) if v is not None}
                    edges.append(Edge(Relationship(rtype, start, end, rel_props), Node(label, other, props)))
                by_id[node_id] = edges
            out.append(by_id)
        return out
