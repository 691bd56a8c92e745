"""Who hears of a store's writes: the kept projection follows the writes its process makes.

A Neo4j store calls :meth:`WriteListeners.begin` with the batch before each write and
:meth:`WriteListeners.end` after it, and each listener gets the committed batch, in the order
the writes ended, or ``None`` when its effect cannot be followed: it failed (its outcome may
be unknown), the store was cleared, or it **overlapped in time a write whose records it
shares** (the server ordered the two, and the order the commits returned in need not be that
order).  A listener that gets ``None`` forgets what it kept.

Writes that overlap in time but share no record commute: applied in either order, they end at
the same projection, so each is passed on as it ends (docs/design.md 2.9, "The kept projection
and overlapping writes").  What a write holds (:func:`touches`): the nodes it writes, patches
or deletes and the node pairs whose relationships it writes or deletes, **alone**; the ends of
those relationships and the nodes it expects values of, **shared** with other writes that only
read them so (two relationships to one community commute; one to a node that another write
deletes does not).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from graph_schema import WriteBatch

Listener = Callable[[WriteBatch | None], None]
"""Called after each write with its batch, or ``None`` (forget what you kept)."""

Held = tuple[frozenset[Hashable], frozenset[Hashable]]
"""What a write holds: ``(alone, shared)`` record keys."""


def touches(batch: WriteBatch) -> Held:
    """The records ``batch`` holds alone and the ones it shares (see the module's text).

    >>> from graph_schema import Node, Relationship
    >>> alone, shared = touches(WriteBatch([Node("Street", "s1", {})], [Relationship("PART_OF", "s1", "c1")]))
    >>> sorted(map(str, alone)), sorted(map(str, shared))
    (["('n', 's1')", "('p', 's1', 'c1')"], ["('n', 'c1')", "('n', 's1')"])
    """
    alone: set[Hashable] = {("n", n.id) for n in batch.nodes}
    alone.update(("n", n) for n in batch.delete_nodes)
    shared: set[Hashable] = {("n", n) for n in batch.expect}
    pairs = [(r.start, r.end) for r in batch.relationships]
    pairs += [(r.start, r.end) for r in batch.delete_relationships]
    for start, end in pairs:
        alone.add(("p", start, end))
        shared.add(("n", start))
        shared.add(("n", end))
    return frozenset(alone), frozenset(shared)


def _conflict(a: Held | None, b: Held | None) -> bool:
    """Whether two writes holding ``a`` and ``b`` may not commute (None: unknown records)."""
    if a is None or b is None:
        return True
    return not (a[0].isdisjoint(b[0]) and a[0].isdisjoint(b[1]) and b[0].isdisjoint(a[1]))


@dataclass(eq=False, slots=True)
class WriteToken:
    """One write through the store, from :meth:`WriteListeners.begin` to its end."""

    started: int
    held: Held | None
    ended: int | None = field(default=None)


class WriteListeners:
    """The listeners of one store object, and the writes in flight through it.

    >>> from graph_schema import Node
    >>> heard = []
    >>> w = WriteListeners(); w.add(heard.append)
    >>> one, two = WriteBatch([Node("Street", "s1", {})]), WriteBatch([Node("Street", "s2", {})])
    >>> a = w.begin(one); b = w.begin(two); w.end(b, two); w.end(a, one)
    >>> [h is not None for h in heard]  # disjoint: both followed, in the order they ended
    [True, True]
    >>> a = w.begin(one); b = w.begin(one); w.end(a, one); w.end(b, one)
    >>> heard[2:]  # the same street: the order the server chose is unknown
    [None, None]
    >>> c = w.begin(); w.end(c, WriteBatch()); heard[-1] is not None
    True
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._tick = 0
        self._open: list[WriteToken] = []
        self._ended: list[WriteToken] = []
        """Ended writes that a write still in flight overlapped."""

    def add(self, listener: Listener) -> None:
        """Hear of every later write."""
        self._listeners.append(listener)

    def remove(self, listener: Listener) -> None:
        """Hear of no later write (nothing when ``listener`` was not added)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    @property
    def in_flight(self) -> int:
        """Writes begun and not ended."""
        return len(self._open)

    def begin(self, batch: WriteBatch | None = None) -> WriteToken:
        """A write of ``batch`` starts (None: records unknown, e.g. a clear): its token for :meth:`end`."""
        self._tick += 1
        token = WriteToken(self._tick, None if batch is None else touches(batch))
        self._open.append(token)
        return token

    def end(self, token: WriteToken, batch: WriteBatch | None) -> None:
        """The write of ``token`` ended: committed as ``batch``, or ``None`` (failed)."""
        self._tick += 1
        token.ended = self._tick
        self._open.remove(token)
        if batch is not None and token.held is not None:
            token.held = touches(batch)  # e.g. nothing, when validation refused it
        overlapped = [*self._open, *(t for t in self._ended if t.ended is not None and t.ended > token.started)]
        followed = batch if batch is not None and not any(_conflict(token.held, t.held) for t in overlapped) else None
        if self._open:
            oldest = min(t.started for t in self._open)
            self._ended = [t for t in (*self._ended, token) if t.ended is not None and t.ended > oldest]
        else:
            self._ended = []
        self.tell(followed)

    def tell(self, batch: WriteBatch | None) -> None:
        """Tell every listener (``None``: forget what you kept, e.g. after ``clear``)."""
        for listener in self._listeners:
            listener(batch)


class RecentWrites:
    """The last ``size`` writes a cache was told of, numbered, so that an answer read while
    writes ended is kept only if none of them may have changed it.

    A cache takes :meth:`mark` before it reads the store and asks :meth:`since` with it when the
    read is done: the writes that ended meanwhile (``None`` for one whose effect is unknown), or
    ``None`` when more ended than are remembered.

    >>> from graph_schema import Node
    >>> recent = RecentWrites(size=2)
    >>> at = recent.mark()
    >>> recent.note(WriteBatch([Node("Street", "s1", {})])); [len(b.nodes) for b in recent.since(at)]
    [1]
    >>> recent.note(None); recent.note(None); recent.since(at) is None
    True
    """

    def __init__(self, size: int = 256) -> None:
        self._ended = 0
        self._recent: deque[tuple[int, WriteBatch | None]] = deque(maxlen=size)

    def mark(self) -> int:
        """Taken before a read: how many writes have ended so far."""
        return self._ended

    def note(self, batch: WriteBatch | None) -> None:
        """A write ended (``None``: its effect is unknown)."""
        self._ended += 1
        self._recent.append((self._ended, batch))

    def since(self, mark: int) -> list[WriteBatch | None] | None:
        """The writes that ended after ``mark``, None when not all of them are remembered."""
        if self._ended - mark > len(self._recent):
            return None
        return [batch for seq, batch in self._recent if seq > mark]
