"""The embedded store's name index against a brute-force scan: random names, renames, deletes and
searches from random ids in both directions, with blocks small enough that they split and empty."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import given, settings
from hypothesis import strategies as st

from graph_schema import Node, Relationship
from loaders.store import NodeFilter, Order
from loaders.stores import embedded_text
from loaders.stores.embedded import EmbeddedStore
from loaders.stores.embedded_text import NameIndex

# Letters whose case folding changes length or meets another's (ß → ss, İ → i̇, K the Kelvin
# sign → k), Chinese, and the blocks' separator.
_CHARS = "aAkKsSß花园İ\u212a\x00 1"
_names = st.text(alphabet=_CHARS, max_size=6)
_stored = st.builds(str.__add__, st.sampled_from("aK花ß"), st.text(alphabet=_CHARS.replace("\x00", ""), max_size=5))
"""Names the store takes (one is required)."""
_ids = st.sampled_from([f"n{k:02d}" for k in range(24)])
_ops = st.lists(
    st.one_of(st.tuples(st.just("put"), _ids, _names), st.tuples(st.just("remove"), _ids, st.just(""))),
    max_size=60,
)


@contextmanager
def _blocks_of(size: int, few: int = 2_000) -> Iterator[None]:
    """Blocks of ``size`` entries; postings narrowing to at most ``few`` ids answer instead of
    the blocks (0: the blocks are always read)."""
    kept = embedded_text.BLOCK, embedded_text.FEW
    embedded_text.BLOCK, embedded_text.FEW = size, few
    try:
        yield
    finally:
        embedded_text.BLOCK, embedded_text.FEW = kept


@settings(max_examples=300, deadline=None)
@given(
    start=st.dictionaries(_ids, _names, max_size=20),
    ops=_ops,
    needles=st.lists(st.text(alphabet=_CHARS, min_size=1, max_size=3), min_size=1, max_size=4),
    bounds=st.lists(st.one_of(st.none(), _ids, st.just("n05x")), min_size=1, max_size=3),
    block=st.sampled_from([1, 2, 3, 512]),
    few=st.sampled_from([0, 2, 2_000]),
)
def test_the_index_answers_as_a_scan_does(
    start: dict[str, str],
    ops: list[tuple[str, str, str]],
    needles: list[str],
    bounds: list[str | None],
    block: int,
    few: int,
) -> None:
    with _blocks_of(block, few):
        index = NameIndex()
        index.rebuild("L", ((i, {"name": n}) for i, n in start.items()))
        names = dict(start)
        for op, node_id, name in ops:
            if op == "put":
                index.update([(node_id, "L", {"name": name})], [])
                names[node_id] = name
            else:
                index.update([], [("L", node_id)])
                names.pop(node_id, None)
        for needle in needles:
            folded = needle.casefold()
            want = sorted(i for i, n in names.items() if folded in n.casefold())
            for bound in bounds:
                up = [i for i in want if bound is None or i >= bound]
                down = [i for i in reversed(want) if bound is None or i <= bound]
                assert list(index.ascending("L", needle, bound)) == up, (needle, bound)
                assert list(index.descending("L", needle, bound)) == down, (needle, bound)
        assert list(index.ascending("other", "a")) == []


@settings(max_examples=300, deadline=None)
@given(
    start=st.dictionaries(_ids, _names, max_size=20),
    ops=_ops,
    needles=st.lists(st.text(alphabet=_CHARS, min_size=1, max_size=3), min_size=1, max_size=4),
    limit=st.integers(0, 25),
    block=st.sampled_from([1, 2, 3, 512]),
    few=st.sampled_from([0, 2, 2_000]),
)
def test_the_search_order_answers_as_a_sorted_scan_does(
    start: dict[str, str], ops: list[tuple[str, str, str]], needles: list[str], limit: int, block: int, few: int
) -> None:
    """``search``'s order (shortest name, then name, then id), kept up to date by renames and
    deletes, gives the first ``limit`` hits a scan of every name, sorted, gives."""
    with _blocks_of(block, few):
        index = NameIndex()
        index.rebuild("L", ((i, {"name": n}) for i, n in start.items()))
        names = dict(start)
        for op, node_id, name in ops:
            if op == "put":
                index.update([(node_id, "L", {"name": name})], [])
                names[node_id] = name
            else:
                index.update([], [("L", node_id)])
                names.pop(node_id, None)
        for needle in needles:
            folded = needle.casefold()
            want = sorted((len(n), n, i) for i, n in names.items() if folded in n.casefold())
            assert index.first("L", needle, limit) == [i for _, _, i in want[:limit]], needle
            assert list(index.in_rank_order("L", needle)) == want, needle
        assert index.first("other", "a", 3) == []


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(st.text(alphabet="aK花园ß ", min_size=1, max_size=5), min_size=1, max_size=12),
    renames=st.dictionaries(st.integers(0, 11), _stored, max_size=4),
    needle=st.text(alphabet="ak花园ß", min_size=1, max_size=2),
    limit=st.integers(0, 6),
)
def test_the_store_searches_as_a_sorted_scan_does(
    names: list[str], renames: dict[int, str], needle: str, limit: int
) -> None:
    """Through the store, over two labels, after renames: the hits and their order are those of
    every name scanned and sorted by (length, name, id)."""

    async def run() -> None:
        store = EmbeddedStore(":memory:")
        await store.open()
        try:
            ids = [f"b{k:02d}" for k in range(len(names))]
            now = {"c": "c花", "g": "花园g", **dict(zip(ids, names, strict=True))}
            city = [Node("Community", "c", {"name": now["c"]}), Node("Grid", "g", {"name": now["g"]})]
            await store.upsert(
                [
                    *city,
                    *(Node("Building", i, {"name": n, "kind": "BUILDING"}) for i, n in zip(ids, names, strict=True)),
                ],
                [Relationship("PART_OF", "g", "c"), *(Relationship("PART_OF", i, "g") for i in ids)],
            )
            changed = {ids[k]: name for k, name in renames.items() if k < len(ids)}
            if changed:
                await store.upsert([Node("Building", i, {"name": n, "kind": "BUILDING"}) for i, n in changed.items()])
                now.update(changed)
            want = sorted((len(n), n, i) for i, n in now.items() if needle.casefold() in n.casefold())
            got = await store.search(needle, labels=["Building", "Grid", "Community"], limit=limit)
            assert [n.id for n in got] == [i for _, _, i in want[:limit]]
        finally:
            await store.close()

    asyncio.run(run())


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(_stored, min_size=1, max_size=12),
    renames=st.dictionaries(st.integers(0, 11), _stored, max_size=4),
    deletes=st.sets(st.integers(0, 11), max_size=3),
    needle=st.text(alphabet="aks花园ß", min_size=1, max_size=2),
    first=st.integers(1, 4),
)
def test_the_store_pages_as_a_scan_does(
    names: list[str], renames: dict[int, str], deletes: set[int], needle: str, first: int
) -> None:
    """Through the store: writes, then every page in both orders and directions, and the count."""

    async def run() -> None:
        store = EmbeddedStore(":memory:")
        await store.open()
        try:
            ids = [f"b{k:02d}" for k in range(len(names))]
            city = [Node("Community", "c", {"name": "c"}), Node("Grid", "g", {"name": "g"})]
            await store.upsert(
                [
                    *city,
                    *(Node("Building", i, {"name": n, "kind": "BUILDING"}) for i, n in zip(ids, names, strict=True)),
                ],
                [Relationship("PART_OF", "g", "c"), *(Relationship("PART_OF", i, "g") for i in ids)],
            )
            now = dict(zip(ids, names, strict=True))
            changed = {ids[k]: name for k, name in renames.items() if k < len(ids)}
            if changed:
                await store.upsert([Node("Building", i, {"name": n, "kind": "BUILDING"}) for i, n in changed.items()])
                now.update(changed)
            gone = [ids[k] for k in deletes if k < len(ids)]
            if gone:
                await store.delete(gone)
                for i in gone:
                    del now[i]
            want = sorted(i for i, n in now.items() if needle.casefold() in n.casefold())
            flt = NodeFilter(name_contains=needle)
            assert await store.count_nodes("Building", filter=flt) == len(want)
            for descending in (False, True):
                for backward in (False, True):
                    got: list[list[str]] = []
                    after = None
                    while True:
                        page = await store.list_nodes(
                            "Building",
                            filter=flt,
                            order=Order("id", descending=descending),
                            first=first,
                            after=after,
                            backward=backward,
                        )
                        got.append([n.id for n in page.nodes])
                        if not page.has_more:
                            break
                        after = page.cursors[0] if backward else page.cursors[-1]
                    flat = [i for p in (got[::-1] if backward else got) for i in p]
                    assert flat == (want[::-1] if descending else want), (descending, backward)
        finally:
            await store.close()

    asyncio.run(run())
