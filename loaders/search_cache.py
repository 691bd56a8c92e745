"""Name-search answers kept per question, following the writes this process makes.

On Neo4j a ``search`` costs the server a scan of its TEXT index (a two-character text, the
common Chinese query, cannot use the index's trigrams) and, for a common text, a read and a
sort of every hit: about 6 ms of the server's CPU on the jiangyin city, its largest share in
the load bench's mix, and the point reads beside it wait for that CPU (docs/design.md, "a
warm Neo4j measured, search answers kept").  The same few texts are asked again and again (a
community's name as it is typed), so the answer to (text, labels, limit, scope) is kept.

**What a write changes.**  An answer is the first ``limit`` nodes whose name contains the
text, in the search order, with their properties.  A committed write can change it only if
it

* writes or deletes a node of the answer (its properties, its name, or its presence), or
* writes a node whose name contains the text (it may come into the first ``limit``), or
* writes or deletes a relationship while the answer is scoped (a viewer's area is read
  through relationships).

Deleting a node that is not in the answer, or renaming one away from the text, leaves the
first ``limit`` as they were.  Every write this process makes is told to :meth:`follow`, which
drops just the answers it may change; ``None`` (a write whose effect is unknown, a clear)
drops them all.  An answer read while a write ended is kept only if no write that ended
meanwhile may change it (:meth:`put` checks the writes since :meth:`mark`): otherwise a
search that read the store before a write, and finished after it, would keep the old answer.

**Writes made elsewhere** (another worker process, the import command) are not told here: a
kept answer is used for ``max_age`` seconds at most, like a search engine's refresh interval.

>>> cache = SearchCache(max_age=60.0, clock=lambda: 0.0)
>>> key = ("花园", None, 20, None)
>>> at = cache.mark()
>>> cache.put(key, at, [Node("Community", "c1", {"name": "康乐花园社区"})])
>>> [n.id for n in cache.get(key) or []]
['c1']
>>> cache.follow(WriteBatch([Node("Street", "s1", {"name": "人民路"})]))  # not a 花园: kept
>>> cache.get(key) is not None
True
>>> cache.follow(WriteBatch([Node("Street", "s2", {"name": "花园路"})]))  # may come first: dropped
>>> cache.get(key) is None
True
>>> at = cache.mark()
>>> cache.follow(WriteBatch(delete_nodes=["c1"]))  # ended while the answer was read
>>> cache.put(key, at, [Node("Community", "c1", {"name": "康乐花园社区"})])
>>> cache.get(key) is None
True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence

from graph_schema import Node, WriteBatch
from loaders.write_listeners import RecentWrites

SearchKey = tuple[Hashable, ...]
"""What was asked: (text, labels or None, limit, scope or None)."""

_LARGE = 1000
"""A write of more nodes than this (an import's batch) drops every kept answer, and is
remembered as such rather than kept whole."""


def may_contain(name: object, text: str) -> bool:
    """Whether ``name`` may be a hit for ``text`` under either form of ``search`` (exact, or
    case-insensitive), erring towards yes.

    >>> may_contain("Garden Road", "GARDEN"), may_contain("人民路", "花园"), may_contain(None, "x")
    (True, False, False)
    """
    if not isinstance(name, str):
        return False
    return text in name or text.casefold() in name.casefold() or text.lower() in name.lower()


def changes(batch: WriteBatch, text: str, scoped: bool, ids: frozenset[str]) -> bool:
    """Whether ``batch`` may change the answer to ``text`` that holds ``ids`` (see the module).

    >>> from graph_schema import Node, RelRef
    >>> changes(WriteBatch([Node("Street", "s1", {"code": "320281001"})], patch=True), "花园", False, frozenset())
    False
    >>> changes(WriteBatch([Node("Street", "s1", {"code": "320281001"})], patch=True), "花园", False, frozenset({"s1"}))
    True
    >>> unlink = WriteBatch(delete_relationships=[RelRef("PART_OF", "g1", "c1")])
    >>> changes(unlink, "花园", False, frozenset()), changes(unlink, "花园", True, frozenset())
    (False, True)
    """
    if not ids.isdisjoint(batch.delete_nodes):
        return True
    for node in batch.nodes:
        if node.id in ids or may_contain(node.properties.get("name"), text):
            return True
    return scoped and bool(batch.relationships or batch.delete_relationships)


class SearchCache:
    """Search answers of one store object, kept up to ``max_age`` seconds (see the module)."""

    def __init__(self, max_age: float, max_entries: int = 2048, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._clock = clock
        self._kept: dict[SearchKey, tuple[float, list[Node]]] = {}
        self._by_text: dict[str, set[SearchKey]] = {}
        self._by_id: dict[str, set[SearchKey]] = {}
        self._scoped: set[SearchKey] = set()
        self._recent = RecentWrites()
        """The writes followed lately (a search that outlasts more than it remembers is not kept)."""
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_age > 0

    def get(self, key: SearchKey) -> list[Node] | None:
        """The kept answer to ``key`` (a copy of the list), None when there is none fresh (or
        none is kept: ``max_age`` 0, counted as neither hit nor miss)."""
        if not self.enabled:
            return None
        kept = self._kept.get(key)
        if kept is None or self._clock() - kept[0] > self.max_age:
            self.misses += 1
            return None
        self.hits += 1
        return list(kept[1])

    def mark(self) -> int:
        """Taken before a search reads the store, for :meth:`put`."""
        return self._recent.mark()

    def put(self, key: SearchKey, mark: int, nodes: Sequence[Node]) -> None:
        """Keep the answer to ``key`` read since ``mark``, unless a write ended meanwhile that
        may have changed it (the answer may show the store before that write)."""
        if not self.enabled:
            return
        text, scoped = str(key[0]), key[3] is not None
        ids = frozenset(n.id for n in nodes)
        ended = self._recent.since(mark)
        if ended is None or any(batch is None or changes(batch, text, scoped, ids) for batch in ended):
            return  # a write that ended meanwhile may have changed it (or too many ended: unknown)
        self._drop(key)
        if len(self._kept) >= self.max_entries:
            self._drop(next(iter(self._kept)))  # the oldest kept
        self._kept[key] = (self._clock(), list(nodes))
        self._by_text.setdefault(text, set()).add(key)
        for node_id in ids:
            self._by_id.setdefault(node_id, set()).add(key)
        if scoped:
            self._scoped.add(key)

    def follow(self, batch: WriteBatch | None) -> None:
        """A write of this process ended (a store's write listener): drop what it may change."""
        if batch is not None and len(batch.nodes) + len(batch.delete_nodes) > _LARGE:
            batch = None  # an import's batch: remembered as "anything may have changed"
        self._recent.note(batch)
        if batch is None:
            self.clear()
            return
        if not self._kept:
            return
        drop: set[SearchKey] = set()
        for node_id in (*(n.id for n in batch.nodes), *batch.delete_nodes):
            drop.update(self._by_id.get(node_id, ()))
        names = [n.properties.get("name") for n in batch.nodes if isinstance(n.properties.get("name"), str)]
        if names:
            for text, keys in self._by_text.items():
                if any(may_contain(name, text) for name in names):
                    drop.update(keys)
        if batch.relationships or batch.delete_relationships:
            drop.update(self._scoped)
        for key in drop:
            self._drop(key)

    def _drop(self, key: SearchKey) -> None:
        kept = self._kept.pop(key, None)
        if kept is None:
            return
        text = str(key[0])
        self._by_text[text].discard(key)
        if not self._by_text[text]:
            del self._by_text[text]
        for node in kept[1]:
            keys = self._by_id.get(node.id)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_id[node.id]
        self._scoped.discard(key)

    def clear(self) -> None:
        """Forget every kept answer."""
        self._kept.clear()
        self._by_text.clear()
        self._by_id.clear()
        self._scoped.clear()
