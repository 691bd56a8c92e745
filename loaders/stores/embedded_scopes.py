"""Which nodes a scope or a filter admits in the embedded store: the walks of its areas.

A mixin of :class:`~loaders.stores.embedded.EmbeddedStore`: an area's PART_OF closure, the
nodes within it (through :data:`graph_schema.WITHIN_VIA`), a viewer's scope built from them,
and the property and ``linked`` conditions of a :class:`~loaders.store.NodeFilter`.  The walks
are kept until the next write (the store bumps ``_version`` and clears ``_closures``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from typing import Any

import networkx as nx

from graph_schema import WITHIN_VIA
from graph_schema.contract import WITHIN_THROUGH
from loaders.scope import Scope
from loaders.store import NodeFilter
from loaders.stores.embedded_text import NameIndex

_WITHIN_VIA = {label.value: rel for label, rel in WITHIN_VIA.items()}
_WITHIN_THROUGH = {label.value: (rel.value, target.value) for label, (rel, target) in WITHIN_THROUGH.items()}


def _props_match(props: dict[str, Any], flt: NodeFilter) -> bool:
    """The property conditions of ``flt`` (``equals``, ``one_of``, ``ranges``) on ``props``."""
    for key, want in flt.equals.items():
        have = props.get(key)
        if isinstance(have, list) and not isinstance(want, list):
            if want not in have:
                return False
        elif have != want:
            return False
    for key, allowed in flt.one_of.items():
        if props.get(key) not in allowed:
            return False
    for key, (low, high) in flt.ranges.items():
        have = props.get(key)
        if have is None or (low is not None and have < low) or (high is not None and have >= high):
            return False
    return True


class EmbeddedScopes:
    """The scope and filter walks of the embedded store (its graph and caches are the store's)."""

    _g: nx.MultiDiGraph
    _by_label: dict[str, dict[str, None]]
    _closures: dict[str, frozenset[str]]
    _names: NameIndex
    _within: dict[tuple[str, str], tuple[int, frozenset[str]]]
    _insides: dict[str, tuple[int, dict[str, frozenset[str]], frozenset[str]]]
    _version: int

    def _inside(self, root: str) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
        """The nodes inside an area (its PART_OF closure, what WITHIN_VIA attaches to it and what
        WITHIN_THROUGH attaches to those), by label and all together; kept until the next write."""
        kept = self._insides.get(root)
        if kept is not None and kept[0] == self._version:
            return kept[1], kept[2]
        closure = self._closure(root)
        by_label = {label: frozenset(self._within_candidates(label, closure)) for label in _WITHIN_VIA}
        for label, (rel, target) in _WITHIN_THROUGH.items():
            by_label[label] = frozenset(self._pointing_to(by_label[target], rel, label))
        everything = frozenset().union(*by_label.values())
        if len(self._insides) > 256:
            self._insides.clear()
        self._insides[root] = (self._version, by_label, everything)
        return by_label, everything

    def _admits(self, scope: Scope | None) -> Callable[[str], bool] | None:
        """Membership in ``scope`` (None: no scope, everything is admitted)."""
        if scope is None:
            return None
        inside = self._inside(scope.root)[1] if scope.root is not None else frozenset()
        listed = scope.listed
        return lambda node_id: node_id in inside or node_id in listed

    def _scoped_members(self, label: str, scope: Scope) -> set[str]:
        """The nodes of ``label`` in ``scope``."""
        members = self._by_label.get(label, {})
        found = set(self._inside(scope.root)[0].get(label, ())) if scope.root is not None else set()
        found.update(i for i in scope.listed if i in members)
        return found

    def _by_name(self, label: str, flt: NodeFilter | None, scope: Scope | None) -> bool:
        """Whether a filter starts from the name index: a name to find, no ids, area or link (each
        starts from fewer nodes), and no scope so narrow that testing its nodes costs less (a
        grid's few hundred households against the thousands of a common name's matches)."""
        if flt is None or not flt.name_contains or flt.ids is not None or flt.within is not None or flt.linked:
            return False
        return not self._narrow(label, scope)

    def _narrow(self, label: str, scope: Scope | None) -> bool:
        """Whether ``scope`` holds under an eighth of ``label``'s nodes."""
        if scope is None:
            return False
        held = len(scope.listed) + (len(self._inside(scope.root)[0].get(label, ())) if scope.root is not None else 0)
        return held * 8 < len(self._by_label.get(label, {}))

    def _closure(self, area: str) -> frozenset[str]:
        """The area and every node under it through PART_OF."""
        cached = self._closures.get(area)
        if cached is not None:
            return cached
        seen = {area} if area in self._g else set()
        todo = deque(seen)
        pred = self._g._pred
        while todo:
            for child, keyed in pred[todo.popleft()].items():
                if child not in seen and "PART_OF" in keyed:
                    seen.add(child)
                    todo.append(child)
        result = frozenset(seen)
        self._closures[area] = result
        return result

    def _matches(self, node_id: str, flt: NodeFilter) -> bool:
        """The name, property and ``linked`` conditions of ``flt`` (``within`` and ``ids`` are
        applied by the caller)."""
        props = self._g._node[node_id]["p"]
        if flt.name_contains and flt.name_contains.casefold() not in str(props.get("name", "")).casefold():
            return False
        if not _props_match(props, flt):
            return False
        if flt.unless is not None and _props_match(props, flt.unless):
            return False
        for rtype, other in flt.linked.items():
            if not any(a["type"] == rtype for a in self._g._succ[node_id].get(other, {}).values()):
                return False
        return True

    def _filtered(self, label: str, flt: NodeFilter | None, scope: Scope | None = None) -> Iterable[str]:
        members: Collection[str] = (
            self._by_label.get(label, {}) if scope is None else self._scoped_members(label, scope)
        )
        if flt is None:
            return members
        ids: Iterable[str] = members
        if flt.ids is not None:
            ids = [i for i in dict.fromkeys(flt.ids) if i in members]
        if flt.within is not None:
            inside = self._within_of(label, flt.within)
            if flt.ids is not None:
                ids = [i for i in ids if i in inside]
            else:  # within a scope: only its members (an area above the scope's root holds more)
                ids = inside if scope is None else [i for i in inside if i in members]
        elif flt.ids is None and flt.linked:  # few nodes point to one node: start from its side
            other = next(iter(flt.linked.values()))
            ids = [i for i in self._g._pred.get(other, {}) if i in members]
        elif self._by_name(label, flt, scope):  # the name index finds the names: test the rest
            named = self._names.ascending(label, flt.name_contains or "")
            ids = list(named) if scope is None else [i for i in named if i in members]
            rest = replace(flt, name_contains=None)
            return [i for i in ids if self._matches(i, rest)] if rest.has_conditions() else ids
        return [i for i in ids if self._matches(i, flt)]

    def _within_of(self, label: str, area: str) -> frozenset[str]:
        """The nodes of ``label`` within ``area``, kept until the next write (a listing and its
        count, and the next reads of an appeal queue, share one walk of the area)."""
        cached = self._within.get((label, area))
        if cached is not None and cached[0] == self._version:
            return cached[1]
        if len(self._within) >= 256:
            self._within.clear()
        found = frozenset(self._within_candidates(label, self._closure(area)))
        self._within[(label, area)] = (self._version, found)
        return found

    def _within_candidates(self, label: str, closure: frozenset[str]) -> set[str]:
        """Nodes of ``label`` within an area (given as its closure), found from the area's side."""
        if label not in _WITHIN_VIA:
            return set()
        via = _WITHIN_VIA[label]
        nodes = self._g._node
        if via is None:
            return {i for i in closure if nodes[i]["label"] == label}
        pred = self._g._pred
        return {
            other
            for area in closure
            for other, keyed in pred[area].items()
            if nodes[other]["label"] == label and any(a["type"] == via for a in keyed.values())
        }

    def _pointing_to(self, targets: Iterable[str], rel: str, label: str) -> set[str]:
        """The nodes of ``label`` with a ``rel`` relationship to one of ``targets``."""
        nodes, pred = self._g._node, self._g._pred
        return {
            other
            for target in targets
            for other, keyed in pred[target].items()
            if nodes[other]["label"] == label and any(a["type"] == rel for a in keyed.values())
        }
