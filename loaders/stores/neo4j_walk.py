"""The walk of a nested selection on the Neo4j store, in one statement (:mod:`loaders.walk`).

A mixin of :class:`~loaders.stores.neo4j_store.Neo4jStore`; the statements are
:func:`loaders.stores.cypher_reads.walk` (edges, for the DataLoaders) and
:func:`loaders.stores.cypher_walk.walk_compact` (rows, for a compiled read; optionally from a
root found in the same statement).
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any

from graph_schema import Node, Relationship
from loaders.scope import Scope
from loaders.store import Direction, Edge
from loaders.stores import cypher, cypher_reads, cypher_walk
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
        params, names, shapes = self._walk_params(ids, layers, scope)
        cond = cypher.in_scope("n", scope, params)
        inside = cypher.parent_inside("a", scope, params)
        plain = [(rtype, outgoing, projected) for rtype, outgoing, _one, projected in shapes]
        (record,) = await self._read(cypher_reads.walk(plain, cond, rels=True, inside=inside), **params)
        paused = gc.isenabled()
        if paused:  # see the class docstring
            gc.disable()
        try:
            out = self._edges(layers, names, record["layers"])
        finally:
            if paused:
                gc.enable()
        top = out[0]  # an id that matched no node has its entry too, empty
        out[0] = {node_id: top.get(node_id, []) for node_id in params["ids"]}
        return out

    async def walk_compact(
        self, ids: Sequence[str], layers: Sequence[WalkLayer], *, scope: Scope | None = None
    ) -> CompactWalked:
        """The walk as (id, label, properties) rows (:func:`loaders.walk.walk_compact`), in one
        statement (:func:`loaders.stores.cypher_walk.walk_compact`)."""
        if not layers:
            return []
        params, names, shapes = self._walk_params(ids, layers, scope)
        cond = cypher.in_scope("n", scope, params)
        inside = cypher.parent_inside("a", scope, params)
        (record,) = await self._read(cypher_walk.walk_compact(shapes, cond, inside=inside), **params)
        with collector_paused():  # see the class docstring
            out = self._rows(shapes, names, record["layers"])
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
        params, names, shapes = self._walk_params((), layers, scope)
        wanted = sorted(p for p in props if p != "id")
        params.update({"id": root_id, "root_label": cypher.label(label), "root_props": wanted})
        del params["ids"]
        cond = cypher.in_scope("n", scope, params)
        inside = cypher.parent_inside("a", scope, params)
        root_cond = cypher.in_scope("a", scope, params)
        statement = cypher_walk.walk_compact(shapes, cond, inside=inside, rooted=True, root_cond=root_cond)
        (record,) = await self._read(statement, **params)
        found = record["root"]
        if not found:
            return None, [{} for _ in layers]
        with collector_paused():  # see the class docstring
            out = self._rows(shapes, names, record["layers"])
        out[0] = {root_id: out[0].get(root_id, [])}
        values = {k: v for k, v in zip(wanted, found[0], strict=True) if v is not None}
        return (root_id, label, values), out

    @staticmethod
    def _walk_params(
        ids: Sequence[str], layers: Sequence[WalkLayer], scope: Scope | None
    ) -> tuple[dict[str, Any], list[list[str] | None], list[cypher_walk.CompactLayer]]:
        params: dict[str, Any] = {"ids": list(dict.fromkeys(ids))}
        shapes: list[cypher_walk.CompactLayer] = []
        names: list[list[str] | None] = []
        for i, layer in enumerate(layers):
            labels = list(layer.labels) if layer.labels else None
            params[f"labels{i}"] = labels
            params[f"limit{i}"] = _NO_LIMIT if layer.limit is None else layer.limit
            wanted = None if layer.props is None else sorted(p for p in layer.props if p != "id")
            if wanted is not None:
                params[f"props{i}"] = wanted
            names.append(wanted)
            one = labels[0] if labels is not None and len(labels) == 1 else None
            shapes.append(
                cypher_walk.CompactLayer(layer.rel_type, layer.direction is Direction.OUT, one, wanted is not None)
            )
        return params, names, shapes

    @staticmethod
    def _rows(
        shapes: list[cypher_walk.CompactLayer], names: list[list[str] | None], answer: list[Any]
    ) -> CompactWalked:
        """The parallel lists of :func:`~loaders.stores.cypher_walk.walk_compact` as rows."""
        out: CompactWalked = []
        for shape, wanted, found in zip(shapes, names, answer, strict=True):
            by_id: dict[str, list[Row]] = {}
            parents, idss, valss = found[0], found[1], found[2]
            labelss = found[3] if shape.label is None else [None] * len(parents)
            for parent, ids, vals, labels in zip(parents, idss, valss, labelss, strict=True):
                kinds = [shape.label] * len(ids) if labels is None else labels
                if wanted is None:
                    by_id[parent] = [
                        (other, kind, {k: v for k, v in props.items() if k != "id"})
                        for other, kind, props in zip(ids, kinds, vals, strict=True)
                    ]
                elif len(wanted) == 1:
                    (name,) = wanted
                    (column,) = vals
                    by_id[parent] = [
                        (other, kind, {} if v is None else {name: v})
                        for other, kind, v in zip(ids, kinds, column, strict=True)
                    ]
                else:
                    by_id[parent] = [
                        (other, kind, {k: v for k, v in zip(wanted, values, strict=True) if v is not None})
                        for other, kind, *values in zip(ids, kinds, *vals, strict=True)
                    ]
            out.append(by_id)
        return out

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
