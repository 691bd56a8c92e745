"""The reads of the embedded store: nodes, neighbours, listings, counts, search and walks.

A mixin of :class:`~loaders.stores.embedded.EmbeddedStore`, answered from its in-memory graph
(node ``n`` has attributes ``label`` and ``p``, its properties; an edge has attributes ``type``
and ``p``).  The scope and filter walks it uses are :mod:`~loaders.stores.embedded_scopes`.
"""

from __future__ import annotations

import bisect
from collections.abc import AsyncIterator, Collection, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from typing import Any

from graph_schema import Node, Relationship
from loaders.cursors import check_order_field, decode_cursor, encode_cursor
from loaders.scope import Scope
from loaders.store import Direction, Edge, NodeFilter, Order, Page
from loaders.stores.embedded_scopes import EmbeddedScopes
from loaders.stores.embedded_text import folded_name


def _only(data: dict[str, Any], names: tuple[str, ...] | None) -> dict[str, Any]:
    """A node's properties as a read returns them: all (the stored dict, never changed in place:
    a write replaces it), or a copy of only ``names`` (``GraphStore`` ``props=``)."""
    props: dict[str, Any] = data["p"]
    if names is None:
        return props
    return {k: props[k] for k in names if k in props}


def _folded(data: dict[str, Any]) -> str:
    return folded_name(data["p"])


class EmbeddedReads(EmbeddedScopes):
    """The read methods of the embedded store (its graph and caches are the store's)."""

    _sorted: dict[tuple[str, str], list[tuple[Any, str]]]

    def _node(self, node_id: str) -> Node | None:
        data = self._g._node.get(node_id)
        if data is None:
            return None
        return Node(data["label"], node_id, data["p"])

    async def get_nodes(self, ids: Sequence[str], *, scope: Scope | None = None) -> list[Node | None]:
        admits = self._admits(scope)
        if admits is None:
            return [self._node(i) for i in ids]
        return [self._node(i) if admits(i) else None for i in ids]

    def _edges(self, node_id: str, rel_type: str, direction: Direction) -> Iterator[tuple[str, dict[str, Any]]]:
        adj = (self._g._succ if direction is Direction.OUT else self._g._pred).get(node_id)
        if not adj:
            return
        for other, keyed in adj.items():
            for attrs in keyed.values():
                if attrs["type"] == rel_type:
                    yield other, attrs

    async def neighbours(
        self,
        ids: Sequence[str],
        rel_type: str,
        direction: Direction,
        *,
        labels: Sequence[str] | None = None,
        limit: int | None = None,
        scope: Scope | None = None,
        props: Collection[str] | None = None,
    ) -> list[list[Edge]]:
        wanted = set(labels) if labels else None
        names = None if props is None else tuple(props)
        admits = self._admits(scope)
        nodes = self._g._node
        out: list[list[Edge]] = []
        for node_id in ids:
            found = sorted(
                (
                    (other, attrs)
                    for other, attrs in self._edges(node_id, rel_type, direction)
                    if (wanted is None or nodes[other]["label"] in wanted) and (admits is None or admits(other))
                ),
                key=lambda pair: (pair[0], str(pair[1]["p"].get("on", ""))),
            )
            if limit is not None:
                found = found[:limit]
            edges = []
            for other, attrs in found:
                start, end = (node_id, other) if direction is Direction.OUT else (other, node_id)
                data = nodes[other]
                edges.append(
                    Edge(Relationship(rel_type, start, end, attrs["p"]), Node(data["label"], other, _only(data, names)))
                )
            out.append(edges)
        return out

    async def count_neighbours(
        self,
        ids: Sequence[str],
        rel_type: str,
        direction: Direction,
        *,
        labels: Sequence[str] | None = None,
        scope: Scope | None = None,
    ) -> list[int]:
        wanted = set(labels) if labels else None
        admits = self._admits(scope)
        nodes = self._g._node
        return [
            sum(
                1
                for other, _ in self._edges(node_id, rel_type, direction)
                if (wanted is None or nodes[other]["label"] in wanted) and (admits is None or admits(other))
            )
            for node_id in ids
        ]

    def _sorted_keys(self, label: str, field: str) -> list[tuple[Any, str]]:
        cached = self._sorted.get((label, field))
        if cached is None:
            nodes = self._g._node
            if field == "id":
                cached = sorted((i, i) for i in self._by_label.get(label, {}))
            else:
                cached = sorted((str(nodes[i]["p"].get(field, "")), i) for i in self._by_label.get(label, {}))
            self._sorted[(label, field)] = cached
        return cached

    async def list_nodes(
        self,
        label: str,
        *,
        filter: NodeFilter | None = None,
        order: Order | None = None,
        first: int = 50,
        after: str | None = None,
        backward: bool = False,
        scope: Scope | None = None,
        props: Collection[str] | None = None,
    ) -> Page:
        order = order or Order()
        check_order_field(order.field)
        names = None if props is None else tuple(props)
        keys = self._sorted_keys(label, order.field)
        filtered = filter is not None and filter.has_conditions()
        if filter is not None and order.field == "id" and self._by_name(label, filter, scope):
            return self._named_page(label, filter, order.descending, first, after, backward, scope, names)
        if filtered or scope is not None:
            allowed = set(self._filtered(label, filter if filtered else None, scope))
            if len(allowed) * 8 < len(keys):  # few matches: sort them rather than scan the sorted list
                nodes = self._g._node
                field = order.field
                keys = sorted((i if field == "id" else str(nodes[i]["p"].get(field, "")), i) for i in allowed)
            else:
                keys = [k for k in keys if k[1] in allowed]
        position = 0 if not backward else len(keys)
        if after is not None:
            value, node_id = decode_cursor(after)
            mark = (str(value), node_id)
            if order.descending:
                # display order is the ascending list reversed
                position = len(keys) - (bisect.bisect_right(keys, mark) if backward else bisect.bisect_left(keys, mark))
            else:
                position = bisect.bisect_left(keys, mark) if backward else bisect.bisect_right(keys, mark)
        if order.descending:
            keys = keys[::-1]
        if backward:
            start = max(0, position - first)
            chosen = keys[start:position]
            has_more = start > 0
        else:
            chosen = keys[position : position + first]
            has_more = position + first < len(keys)
        nodes = self._g._node
        return Page(
            nodes=[Node(nodes[i]["label"], i, _only(nodes[i], names)) for _, i in chosen],
            cursors=[encode_cursor(v, i) for v, i in chosen],
            has_more=has_more,
        )

    def _named_page(
        self,
        label: str,
        flt: NodeFilter,
        descending: bool,
        first: int,
        after: str | None,
        backward: bool,
        scope: Scope | None,
        names: tuple[str, ...] | None,
    ) -> Page:
        """A page in id order of a listing whose filter starts from its name: the name index's
        matches walked from the cursor only as far as the page (and one more) needs, each tested
        for the scope and the filter's other conditions; the same page as the sorted list gives."""
        mark = None
        if after is not None:
            value, node_id = decode_cursor(after)
            mark = (str(value), node_id)
        up = descending == backward  # walking ascending ids: forwards in ascending order, or back in descending
        text = flt.name_contains or ""
        walk = (
            self._names.ascending(label, text, mark[0] if mark else None)
            if up
            else (self._names.descending(label, text, mark[0] if mark else None))
        )
        admits = self._admits(scope)
        rest = replace(flt, name_contains=None)
        check = rest.has_conditions()
        found: list[str] = []
        for i in walk:
            if mark is not None and ((i, i) <= mark if up else (i, i) >= mark):
                continue
            if (admits is None or admits(i)) and (not check or self._matches(i, rest)):
                found.append(i)
                if len(found) > first:
                    break
        chosen = found[:first]
        if backward:
            chosen.reverse()
        nodes = self._g._node
        return Page(
            nodes=[Node(nodes[i]["label"], i, _only(nodes[i], names)) for i in chosen],
            cursors=[encode_cursor(i, i) for i in chosen],
            has_more=len(found) > first,
        )

    async def count_nodes(self, label: str, *, filter: NodeFilter | None = None, scope: Scope | None = None) -> int:
        if filter is None and scope is None:
            return len(self._by_label.get(label, {}))
        return sum(1 for _ in self._filtered(label, filter, scope))

    async def search(
        self, text: str, *, labels: Sequence[str] | None = None, limit: int = 20, scope: Scope | None = None
    ) -> list[Node]:
        needle = text.casefold()
        if not needle:
            return []
        nodes = self._g._node
        hits: list[tuple[int, str, str]] = []
        for label in labels or list(self._by_label):
            if scope is not None and self._narrow(label, scope):  # its few nodes, tested
                for i in self._scoped_members(label, scope):
                    if needle in _folded(nodes[i]):
                        name = str(nodes[i]["p"].get("name", ""))
                        hits.append((len(name), name, i))
            elif scope is None:  # in search order: the first ``limit`` hits, no more read
                hits += self._names.ranked(label, text, limit)
            else:
                members = self._scoped_members(label, scope)
                ranked = (r for r in self._names.in_rank_order(label, text) if r[2] in members)
                hits += islice(ranked, limit)
        hits.sort()
        return [Node(nodes[i]["label"], i, nodes[i]["p"]) for _, _, i in hits[:limit]]

    async def ancestors(
        self, ids: Sequence[str], rel_type: str, *, max_depth: int = 10, scope: Scope | None = None
    ) -> list[list[Node]]:
        admits = self._admits(scope)
        out = []
        for node_id in ids:
            chain: list[Node] = []
            current = node_id
            seen = {node_id}
            for _ in range(max_depth):
                parent = next((other for other, _ in self._edges(current, rel_type, Direction.OUT)), None)
                if parent is None or parent in seen:
                    break
                seen.add(parent)
                node = self._node(parent)
                if node is None:
                    break
                if admits is None or admits(parent):
                    chain.append(node)
                current = parent
            out.append(chain)
        return out

    async def descendants(
        self,
        ids: Sequence[str],
        rel_type: str,
        *,
        max_depth: int,
        labels: Sequence[str] | None = None,
        scope: Scope | None = None,
    ) -> list[list[tuple[Node, int]]]:
        wanted = set(labels) if labels else None
        admits = self._admits(scope)
        out = []
        for node_id in ids:
            found: list[tuple[Node, int]] = []
            seen = {node_id}
            frontier = [node_id]
            for depth in range(1, max_depth + 1):
                nxt = []
                for current in frontier:
                    for child in sorted(o for o, _ in self._edges(current, rel_type, Direction.IN)):
                        if child in seen:
                            continue
                        seen.add(child)
                        nxt.append(child)
                        node = self._node(child)
                        if (
                            node is not None
                            and (wanted is None or node.label in wanted)
                            and (admits is None or admits(child))
                        ):
                            found.append((node, depth))
                frontier = nxt
                if not frontier:
                    break
            out.append(found)
        return out

    async def scan_nodes(
        self, labels: Sequence[str] | None = None, *, batch_size: int = 10_000
    ) -> AsyncIterator[list[Node]]:
        nodes = self._g._node
        wanted = set(labels) if labels else None
        ids = sorted(i for i, d in nodes.items() if wanted is None or d["label"] in wanted)
        for at in range(0, len(ids), batch_size):
            yield [Node(nodes[i]["label"], i, nodes[i]["p"]) for i in ids[at : at + batch_size]]

    async def scan_relationships(
        self, types: Sequence[str] | None = None, *, batch_size: int = 10_000
    ) -> AsyncIterator[list[Relationship]]:
        wanted = set(types) if types else None
        succ = self._g._succ
        batch: list[Relationship] = []
        for start in sorted(succ):
            rows = sorted(
                (a["type"], end, key, a["p"])
                for end, keyed in succ[start].items()
                for key, a in keyed.items()
                if wanted is None or a["type"] in wanted
            )
            batch += [Relationship(t, start, end, p) for t, end, _, p in rows]
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch
