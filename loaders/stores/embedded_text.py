"""The embedded store's name index: per label, the nodes' case-folded names in id order.

``nameContains`` and ``search`` match ``text.casefold()`` inside ``str(name).casefold()``.
Scanning every node of a label for that costs a dictionary look-up, two case folds and a
test per node (290,306 households: a quarter of a second).  The index keeps, per label, the
ids in order with their folded names, cut into blocks of about :data:`BLOCK` entries; each
block joins its names into one string (``\\x00`` between them), so that finding the text is
one ``str.find`` over the block, in C, and a hit is mapped back to its node by bisection.
Matches come out in id order, forwards or backwards from any id, so a page of a listing in
id order reads only as far as its last match.

A second ordering serves ``search``, whose hits come shortest name first (its length, the
name, the id: :func:`rank`): per label the same blocks, but in that order, so a search walks
them from the start and stops at its ``limit``-th hit instead of finding every hit and
sorting them (``花园`` has 20,710 hits on the jiangyin city: 160 ms of the event loop before,
a block or two now); a rare text still reads every block, in C.

Every write updates it, an import batch included (a node created, renamed or deleted moves
one entry in one block; the block's joined string is rebuilt on its next search).  It is
built from memory when the store opens: nothing of it is on disk.

>>> index = NameIndex()
>>> index.update([("h-2", "Household", {"name": "康乐花园2栋"}), ("h-1", "Household", {"name": "Garden 1"})], [])
>>> list(index.ascending("Household", "GARDEN")), list(index.ascending("Household", "花园"))
(['h-1'], ['h-2'])
>>> index.update([("h-1", "Household", {"name": "康乐花园1栋"})], [])
>>> list(index.descending("Household", "花园")), list(index.ascending("Household", "花园", "h-2"))
(['h-2', 'h-1'], ['h-2'])
>>> index.update([("h-3", "Household", {"name": "花园"})], [])
>>> index.first("Household", "花园", 2)
['h-3', 'h-1']
>>> index.update([], [("Household", "h-2")])
>>> list(index.ascending("Household", "花园")), index.first("Household", "花园", 5)
(['h-1', 'h-3'], ['h-3', 'h-1'])
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import accumulate, islice
from typing import Any

BLOCK = 512
"""Entries a block holds (it splits at twice as many)."""

_SEP = "\x00"


Rank = tuple[int, str, str]
"""Where a node's name comes among ``search``'s hits: (its length, the name, the id)."""


def rank(node_id: str, props: dict[str, Any]) -> Rank:
    """A node's place in ``search``'s order (shortest name first, then the name, then the id).

    >>> sorted([rank("b", {"name": "花园"}), rank("a", {"name": "康乐花园"}), rank("c", {})])
    [(0, '', 'c'), (2, '花园', 'b'), (4, '康乐花园', 'a')]
    """
    name = str(props.get("name", ""))
    return (len(name), name, node_id)


def folded_name(props: dict[str, Any]) -> str:
    """The form of a node's name that ``nameContains`` and ``search`` match in.

    >>> folded_name({"name": "Straße A栋"}), folded_name({})
    ('strasse a栋', '')
    """
    return str(props.get("name", "")).casefold()


class _Block:
    """Up to ``2 * BLOCK`` ids in order, their folded names, and (once searched) the names
    joined into one string with the offset where each starts."""

    __slots__ = ("ids", "names", "starts", "text")

    def __init__(self, ids: list[Any], names: list[str]) -> None:
        self.ids = ids
        """Ids, or :data:`Rank` keys in the search order."""
        self.names = names
        self.text: str | None = None
        self.starts: list[int] = []

    def joined(self) -> str:
        if self.text is None:
            self.text = _SEP.join(self.names)
            self.starts = [0, *accumulate(len(n) + 1 for n in self.names[:-1])]
        return self.text

    def forward(self, needle: str, first: int) -> Iterator[Any]:
        """Ids from entry ``first`` on whose name holds ``needle``, in order."""
        if _SEP in needle:  # never inside the joined string's hits: test each name
            yield from (self.ids[j] for j in range(first, len(self.ids)) if needle in self.names[j])
            return
        text = self.joined()
        starts, ids, last = self.starts, self.ids, len(self.ids) - 1
        if first > last:
            return
        at = starts[first]
        while True:
            hit = text.find(needle, at)
            if hit < 0:
                return
            j = bisect.bisect_right(starts, hit) - 1
            yield ids[j]
            if j == last:
                return
            at = starts[j + 1]

    def backward(self, needle: str, stop: int) -> Iterator[Any]:
        """Ids of the entries before ``stop`` whose name holds ``needle``, last first."""
        if _SEP in needle:
            yield from (self.ids[j] for j in range(stop - 1, -1, -1) if needle in self.names[j])
            return
        text = self.joined()
        starts, ids = self.starts, self.ids
        if stop <= 0:
            return
        end = len(text) if stop >= len(ids) else starts[stop] - 1
        while True:
            hit = text.rfind(needle, 0, end)
            if hit < 0:
                return
            j = bisect.bisect_right(starts, hit) - 1
            yield ids[j]
            if j == 0:
                return
            end = starts[j] - 1


class _Names:
    """One label's entries: blocks in id order and the first id of each."""

    __slots__ = ("blocks", "firsts")

    def __init__(self, pairs: list[tuple[Any, str]]) -> None:
        """``pairs``: (id, folded name), sorted by id (or by any key the blocks are ordered by)."""
        self.blocks = [
            _Block([i for i, _ in pairs[at : at + BLOCK]], [n for _, n in pairs[at : at + BLOCK]])
            for at in range(0, len(pairs), BLOCK)
        ]
        self.firsts = [b.ids[0] for b in self.blocks]

    def _block_of(self, node_id: Any) -> int:
        return max(0, bisect.bisect_right(self.firsts, node_id) - 1)

    def put(self, node_id: Any, name: str) -> None:
        if not self.blocks:
            self.blocks.append(_Block([node_id], [name]))
            self.firsts.append(node_id)
            return
        b = self._block_of(node_id)
        block = self.blocks[b]
        j = bisect.bisect_left(block.ids, node_id)
        if j < len(block.ids) and block.ids[j] == node_id:
            if block.names[j] != name:
                block.names[j] = name
                block.text = None
            return
        block.ids.insert(j, node_id)
        block.names.insert(j, name)
        block.text = None
        self.firsts[b] = block.ids[0]
        if len(block.ids) > 2 * BLOCK:
            tail = _Block(block.ids[BLOCK:], block.names[BLOCK:])
            del block.ids[BLOCK:], block.names[BLOCK:]
            self.blocks.insert(b + 1, tail)
            self.firsts.insert(b + 1, tail.ids[0])

    def remove(self, node_id: Any) -> None:
        if not self.blocks:
            return
        b = self._block_of(node_id)
        block = self.blocks[b]
        j = bisect.bisect_left(block.ids, node_id)
        if j == len(block.ids) or block.ids[j] != node_id:
            return
        del block.ids[j], block.names[j]
        block.text = None
        if block.ids:
            self.firsts[b] = block.ids[0]
        else:
            del self.blocks[b], self.firsts[b]

    def ascending(self, needle: str, low: Any) -> Iterator[Any]:
        start = 0 if low is None else self._block_of(low)
        for b in range(start, len(self.blocks)):
            block = self.blocks[b]
            first = bisect.bisect_left(block.ids, low) if low is not None and b == start else 0
            yield from block.forward(needle, first)

    def descending(self, needle: str, high: Any) -> Iterator[Any]:
        if not self.blocks:
            return
        start = len(self.blocks) - 1 if high is None else self._block_of(high)
        for b in range(start, -1, -1):
            block = self.blocks[b]
            stop = bisect.bisect_right(block.ids, high) if high is not None and b == start else len(block.ids)
            yield from block.backward(needle, stop)


FEW = 2_000
"""At most this many candidates from the bigram postings: they are tested and sorted instead of
the blocks being read.  A bigram held by more names than this is kept as *common*, without its
ids (they would never narrow a search enough; most of the postings' memory would be theirs)."""


def bigrams(folded: str) -> set[str]:
    """The pairs of adjacent characters of a folded name (a name holding a text holds its pairs).

    >>> sorted(bigrams("花园2")), bigrams("a")
    (['园2', '花园'], set())
    """
    return {folded[k : k + 2] for k in range(len(folded) - 1)}


class _Ranked:
    """One label's entries in ``search``'s order (:func:`rank`), each id's rank, and the ids by
    each bigram of their folded names (the postings)."""

    __slots__ = ("grams", "names", "ranks")

    def __init__(self, entries: list[tuple[Rank, str]]) -> None:
        """``entries``: (rank, folded name), in any order."""
        entries.sort()
        self.names = _Names(entries)
        self.ranks = {r[2]: r for r, _ in entries}
        self.grams: dict[str, set[str] | None] = {}
        """The ids whose folded name holds each bigram; None for a common one (:data:`FEW`)."""
        counts = Counter(g for _, folded in entries for g in bigrams(folded))
        grams = self.grams
        for g, n in counts.items():
            if n > FEW:
                grams[g] = None
        for r, folded in entries:
            for g in bigrams(folded):
                if counts[g] <= FEW:
                    ids = grams.get(g)
                    if ids is None:
                        grams[g] = {r[2]}
                    else:
                        ids.add(r[2])

    def _post(self, node_id: str, folded: str) -> None:
        grams = self.grams
        for g in bigrams(folded):
            if g not in grams:
                grams[g] = {node_id}
                continue
            ids = grams[g]
            if ids is not None:
                ids.add(node_id)
                if len(ids) > FEW:
                    grams[g] = None

    def _unpost(self, node_id: str, folded: str) -> None:
        for g in bigrams(folded):
            ids = self.grams.get(g)
            if ids is not None:
                ids.discard(node_id)
                if not ids:
                    del self.grams[g]

    def put(self, node_id: str, key: Rank, name: str) -> None:
        old = self.ranks.get(node_id)
        if old is not None and old != key:
            self.names.remove(old)
            self._unpost(node_id, old[1].casefold())
            old = None
        self.ranks[node_id] = key
        self.names.put(key, name)
        if old is None:
            self._post(node_id, name)

    def remove(self, node_id: str) -> None:
        old = self.ranks.pop(node_id, None)
        if old is not None:
            self.names.remove(old)
            self._unpost(node_id, old[1].casefold())

    def candidates(self, needle: str) -> list[str] | None:
        """The ids whose folded name holds ``needle``, when the postings narrow them to at most
        :data:`FEW` (tested against the names); None when they cannot (a one-letter text, or
        a common one): then the blocks are read."""
        if len(needle) < 2:
            return None
        postings: list[set[str]] = []
        for g in bigrams(needle):
            if g not in self.grams:
                return []  # no name holds this pair
            ids = self.grams[g]
            if ids is not None:
                postings.append(ids)
        if not postings:
            return None
        postings.sort(key=len)
        found = set(postings[0])
        for ids in postings[1:]:
            if not found:
                break
            found &= ids
        ranks = self.ranks
        return [i for i in found if needle in ranks[i][1].casefold()]

    def first(self, needle: str, limit: int) -> list[Rank]:
        """The ranks of the first ``limit`` entries whose name holds ``needle``, in order."""
        few = self.candidates(needle)
        if few is not None:
            return sorted(self.ranks[i] for i in few)[:limit]
        return list(islice(self.names.ascending(needle, None), limit))

    def in_order(self, needle: str) -> Iterator[Rank]:
        """The ranks of every entry whose name holds ``needle``, in order."""
        few = self.candidates(needle)
        if few is not None:
            return iter(sorted(self.ranks[i] for i in few))
        return self.names.ascending(needle, None)


class NameIndex:
    """The folded names of every label's nodes, in id order (see the module's text)."""

    def __init__(self) -> None:
        self._labels: dict[str, _Names] = {}
        self._ranked: dict[str, _Ranked] = {}

    def rebuild(self, label: str, entries: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Replace ``label``'s entries with these nodes (id, properties)."""
        rows = [(i, p, folded_name(p)) for i, p in entries]
        self._labels[label] = _Names(sorted((i, f) for i, _, f in rows))
        self._ranked[label] = _Ranked([(rank(i, p), f) for i, p, f in rows])

    def clear(self) -> None:
        self._labels.clear()
        self._ranked.clear()

    def update(self, rows: Iterable[tuple[str, str, dict[str, Any]]], deleted: Iterable[tuple[str, str]]) -> None:
        """After a write: ``deleted`` (label, id) leave, then ``rows`` (id, label, properties)
        are put (added, or renamed in place)."""
        for label, node_id in deleted:
            names = self._labels.get(label)
            if names is not None:
                names.remove(node_id)
            ranked = self._ranked.get(label)
            if ranked is not None:
                ranked.remove(node_id)
        for node_id, label, props in rows:
            names = self._labels.get(label)
            if names is None:
                names = self._labels[label] = _Names([])
            folded = folded_name(props)
            names.put(node_id, folded)
            ranked = self._ranked.get(label)
            if ranked is None:
                ranked = self._ranked[label] = _Ranked([])
            ranked.put(node_id, rank(node_id, props), folded)

    def ascending(self, label: str, text: str, low: str | None = None) -> Iterator[str]:
        """Ids of ``label``'s nodes whose name holds ``text`` (any case), in id order, from
        ``low`` (included) on."""
        names = self._labels.get(label)
        if names is None:
            return iter(())
        needle = text.casefold()
        few = self._few(label, needle)
        if few is not None:
            return iter(sorted(i for i in few if low is None or i >= low))
        return names.ascending(needle, low)

    def descending(self, label: str, text: str, high: str | None = None) -> Iterator[str]:
        """The same, last first, from ``high`` (included) down."""
        names = self._labels.get(label)
        if names is None:
            return iter(())
        needle = text.casefold()
        few = self._few(label, needle)
        if few is not None:
            return iter(sorted((i for i in few if high is None or i <= high), reverse=True))
        return names.descending(needle, high)

    def _few(self, label: str, needle: str) -> list[str] | None:
        ranked = self._ranked.get(label)
        return None if ranked is None else ranked.candidates(needle)

    def first(self, label: str, text: str, limit: int) -> list[str]:
        """Ids of the first ``limit`` of ``label``'s nodes whose name holds ``text`` (any case)
        in ``search``'s order: shortest name first, then by name, then by id (:func:`rank`)."""
        return [r[2] for r in self.ranked(label, text, limit)]

    def ranked(self, label: str, text: str, limit: int) -> list[Rank]:
        """The same, as ranks."""
        ranked = self._ranked.get(label)
        return [] if ranked is None or limit <= 0 else ranked.first(text.casefold(), limit)

    def in_rank_order(self, label: str, text: str) -> Iterator[Rank]:
        """Every rank of ``label``'s nodes whose name holds ``text``, in ``search``'s order."""
        ranked = self._ranked.get(label)
        return iter(()) if ranked is None else ranked.in_order(text.casefold())
