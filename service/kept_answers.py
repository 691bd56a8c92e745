"""Answers to point lookups kept whole, dropped by the writes that touch what they read.

A dashboard or a grid worker's app asks for the same few nodes again and again; each such
``node(id)`` costs the service about 1.5 ms of its one loop (HTTP, strawberry, graphql-core,
the encoding), and under the load bench's mix those milliseconds are what the light requests
wait for (docs/design.md, "answers to point lookups kept whole").  A point lookup's answer
depends only on the records it names and on who asks (:mod:`resolvers.point_lookups`), so its
bytes are kept, keyed by the request's exact body (or query string), its media type and the
viewer, and served again without running GraphQL at all.

**What a write changes.**  Every write this process makes is told to :meth:`KeptAnswers.follow`
(the store's write listeners), which drops the answers that read a node the write writes,
patches or deletes, and, for a viewer other than an unbound admin (whose reads may be scoped or
presented through relationships), every answer on any relationship write or node deletion.  ``None`` (a write
whose effect is unknown, a clear) drops them all.  An answer read while a write ended is kept
only if no write that ended meanwhile may change it (:meth:`put` against :meth:`mark`).

**Writes made elsewhere** (another worker process, the import command) are not told here: an
answer is kept ``max_age`` seconds at most, as a kept search answer is
(``CIVICMESH_ANSWER_CACHE_S``; ``serve --workers N`` turns it off unless asked for).

Only answers without errors, with status 200, and that disclosed no personal information are
kept; at most :data:`MAX_ANSWER_BYTES` each and :data:`MAX_BYTES` in all (4,096 answers).

>>> from graph_schema import Node
>>> kept = KeptAnswers(max_age=30.0, clock=lambda: 0.0)
>>> at = kept.mark()
>>> kept.put("k", at, ("hh1",), scoped=False, answer=Answer([(b"content-type", b"application/json")], b"{}"))
>>> kept.get("k").body
b'{}'
>>> kept.follow(WriteBatch([Node("Street", "s1", {"name": "人民路"})]))  # another node: kept
>>> kept.get("k") is not None
True
>>> kept.follow(WriteBatch([Node("Household", "hh1", {"size": 3})], patch=True))
>>> kept.get("k") is None
True
>>> kept.hits, kept.misses  # two answered from the kept answer; one point lookup run
(2, 1)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from graph_schema import WriteBatch
from loaders.write_listeners import RecentWrites

MAX_ANSWER_BYTES = 64 * 1024
"""A longer answer (a ``nodes(ids)`` of hundreds of nodes) is not kept: the bound below is for many
small answers."""

MAX_BYTES = 32 * 1024 * 1024
"""The kept bodies' bytes at most (the oldest leave first)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A kept answer: its headers (the status is 200) and its body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes


def changes(batch: WriteBatch, ids: frozenset[str], scoped: bool) -> bool:
    """Whether ``batch`` may change an answer that read the nodes ``ids`` (``scoped``: for a
    viewer bound to an area).

    >>> from graph_schema import RelRef
    >>> changes(WriteBatch(delete_nodes=["hh1"]), frozenset({"hh1"}), False)
    True
    >>> moved = WriteBatch(delete_relationships=[RelRef("PART_OF", "b1", "g1")])
    >>> changes(moved, frozenset({"hh1"}), False), changes(moved, frozenset({"hh1"}), True)
    (False, True)
    """
    if not ids.isdisjoint(batch.delete_nodes) or any(n.id in ids for n in batch.nodes):
        return True
    return scoped and bool(batch.relationships or batch.delete_relationships or batch.delete_nodes)


class KeptAnswers:
    """Point lookups' answers of one service process (see the module)."""

    def __init__(
        self,
        max_age: float,
        max_entries: int = 4096,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        """The bodies kept now, in bytes."""
        self._clock = clock
        self._kept: dict[Hashable, tuple[float, Answer, frozenset[str]]] = {}
        self._by_id: dict[str, set[Hashable]] = {}
        self._scoped: set[Hashable] = set()
        self._recent = RecentWrites()
        self.hits = 0
        """Requests answered from a kept answer."""
        self.misses = 0
        """Point lookups that were run (none was kept for them, or it was too old)."""

    @property
    def enabled(self) -> bool:
        return self.max_age > 0

    def disable(self) -> None:
        """Keep nothing from now on (a reader process, which does not hear of the writes)."""
        self.max_age = 0.0
        self.clear()

    def attach(self, store: object) -> None:
        """Follow the writes of ``store`` (its write listeners); a store that does not tell of
        its writes keeps no answer."""
        listeners = getattr(store, "write_listeners", None)
        if listeners is None:
            self.disable()
        else:
            listeners.add(self.follow)

    def detach(self, store: object) -> None:
        """No longer follow ``store``'s writes, and forget what was kept from it."""
        listeners = getattr(store, "write_listeners", None)
        if listeners is not None:
            listeners.remove(self.follow)
        self.clear()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable) -> Answer | None:
        """The kept answer to ``key``, None when there is none fresh (every request that may be a
        point lookup asks: a miss is counted by :meth:`put`, once the request is known to be one)."""
        kept = self._kept.get(key)
        if kept is None or self._clock() - kept[0] > self.max_age:
            if kept is not None:
                self._drop(key)  # too old: asked again, and kept anew if still a point lookup
            return None
        self.hits += 1
        return kept[1]

    def mark(self) -> int:
        """Taken before a request runs, for :meth:`put`."""
        return self._recent.mark()

    def put(self, key: Hashable, mark: int, ids: Sequence[str], *, scoped: bool, answer: Answer) -> None:
        """Keep ``answer`` to ``key``, which read the nodes ``ids`` since ``mark``, unless a write
        that ended meanwhile may have changed it."""
        if not self.enabled:
            return
        self.misses += 1
        read = frozenset(ids)
        ended = self._recent.since(mark)
        if ended is None or any(batch is None or changes(batch, read, scoped) for batch in ended):
            return
        self._drop(key)
        if len(answer.body) > MAX_ANSWER_BYTES:
            return
        while self._kept and (len(self._kept) >= self.max_entries or self.bytes + len(answer.body) > self.max_bytes):
            self._drop(next(iter(self._kept)))  # the oldest kept
        self._kept[key] = (self._clock(), answer, read)
        self.bytes += len(answer.body)
        for node_id in read:
            self._by_id.setdefault(node_id, set()).add(key)
        if scoped:
            self._scoped.add(key)

    def follow(self, batch: WriteBatch | None) -> None:
        """A write of this process ended (a store's write listener): drop what it may change."""
        self._recent.note(batch)
        if not self._kept:
            return
        if batch is None:
            self.clear()
            return
        drop: set[Hashable] = set()
        for node_id in (*(n.id for n in batch.nodes), *batch.delete_nodes):
            drop.update(self._by_id.get(node_id, ()))
        if batch.relationships or batch.delete_relationships or batch.delete_nodes:
            drop.update(self._scoped)
        for key in drop:
            self._drop(key)

    def _drop(self, key: Hashable) -> None:
        kept = self._kept.pop(key, None)
        if kept is None:
            return
        self.bytes -= len(kept[1].body)
        for node_id in kept[2]:
            keys = self._by_id.get(node_id)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_id[node_id]
        self._scoped.discard(key)

    def clear(self) -> None:
        """Forget every kept answer."""
        self._kept.clear()
        self._by_id.clear()
        self._scoped.clear()
        self.bytes = 0


def kept_metrics(kept: KeptAnswers) -> list[str]:
    """The Prometheus lines of the kept answers' counters.

    >>> kept_metrics(KeptAnswers(30.0))[2]
    'civicmesh_kept_answers_total{outcome="hit"} 0'
    """
    return [
        "# HELP civicmesh_kept_answers_total Point lookups answered from a kept answer (hit) or run (miss).",
        "# TYPE civicmesh_kept_answers_total counter",
        f'civicmesh_kept_answers_total{{outcome="hit"}} {kept.hits}',
        f'civicmesh_kept_answers_total{{outcome="miss"}} {kept.misses}',
        "# HELP civicmesh_kept_answers Point lookups' answers kept now.",
        "# TYPE civicmesh_kept_answers gauge",
        f"civicmesh_kept_answers {len(kept)}",
    ]
