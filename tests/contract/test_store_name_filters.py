"""Name filters (``nameContains``) and ``search`` on both stores, where an index could go stale or
page wrongly: after renames, deletes and imports; any case; one character; nothing matching;
pages across the matches in either order and direction; a scoped viewer.

Every expected answer is computed here from the names written (a brute-force scan), never read
back from the store's own index.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema import Node, Relationship
from loaders.formats.graphdata import GraphData
from loaders.formats.importing import import_path
from loaders.formats.jsonformat import write_json
from loaders.scope import Scope
from loaders.store import GraphStore, NodeFilter, Order
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

_HH2 = next(n for n in CITY.nodes if n.id == "hh2")
EXTRA = {
    "hx01": "Garden 花园1号",
    "hx02": "garden 花园2号",
    "hx03": "GARDEN 3号",
    "hx04": "花园4号",
    "hx05": "Gärden 5号",
    "hx06": "gArDeN 花园6号",
    "hx07": "梅园7号",
}
"""Households added under b1 (with hh2's other properties)."""


def _household(node_id: str, name: str) -> Node:
    return Node("Household", node_id, {**_HH2.properties, "name": name})


async def _with_extra(store: GraphStore) -> dict[str, str]:
    """The city and :data:`EXTRA` written; every household's name by id."""
    await store.write(CITY.batch())
    await store.upsert(
        [_household(i, name) for i, name in EXTRA.items()],
        [Relationship("PART_OF", i, "b1") for i in EXTRA],
    )
    names = {n.id: str(n.properties["name"]) for n in CITY.nodes if n.label == "Household"}
    return {**names, **EXTRA}


def _want(names: dict[str, str], text: str, among: set[str] | None = None) -> list[str]:
    return sorted(
        i for i, name in names.items() if text.casefold() in name.casefold() and (among is None or i in among)
    )


async def _pages(
    store: GraphStore, flt: NodeFilter, *, first: int, descending: bool, backward: bool, scope: Scope | None = None
) -> list[str]:
    """Every id of a household listing in id order, paged ``first`` at a time from either end;
    the ids in display order."""
    order = Order("id", descending=descending)
    pages: list[list[str]] = []
    after = None
    while True:
        page = await store.list_nodes(
            "Household", filter=flt, order=order, first=first, after=after, backward=backward, scope=scope
        )
        ids = [n.id for n in page.nodes]
        assert len(ids) <= first
        assert [n.label for n in page.nodes] == ["Household"] * len(ids)
        pages.append(ids)
        if not page.has_more:
            break
        assert len(ids) == first  # a page with more after it is full
        after = page.cursors[0] if backward else page.cursors[-1]
    if backward:
        pages.reverse()
    return [i for page in pages for i in page]


@pytest.mark.parametrize("text", ["花园", "garden", "GARDEN", "gArDeN 花", "园", "g", "号", "zzz", "花园x", "ä"])
async def test_pages_across_the_matches_in_either_order_and_direction(store: GraphStore, text: str) -> None:
    names = await _with_extra(store)
    want = _want(names, text)
    flt = NodeFilter(name_contains=text)
    assert await store.count_nodes("Household", filter=flt) == len(want)
    for first in (1, 3, 50):
        for descending in (False, True):
            display = want[::-1] if descending else want
            for backward in (False, True):
                got = await _pages(store, flt, first=first, descending=descending, backward=backward)
                assert got == display, (first, descending, backward)
    empty = await store.list_nodes("Household", filter=flt, first=0)
    assert (empty.nodes, empty.has_more) == ([], bool(want))


async def test_a_cursor_from_the_middle_pages_both_ways(store: GraphStore) -> None:
    names = await _with_extra(store)
    want = _want(names, "花园")
    assert want == ["hx01", "hx02", "hx04", "hx06"]
    flt = NodeFilter(name_contains="花园")
    page = await store.list_nodes("Household", filter=flt, first=2)
    assert [n.id for n in page.nodes] == ["hx01", "hx02"] and page.has_more
    middle = page.cursors[-1]
    after = await store.list_nodes("Household", filter=flt, first=5, after=middle)
    assert ([n.id for n in after.nodes], after.has_more) == (["hx04", "hx06"], False)
    before = await store.list_nodes("Household", filter=flt, first=5, after=middle, backward=True)
    assert ([n.id for n in before.nodes], before.has_more) == (["hx01"], False)
    down = await store.list_nodes("Household", filter=flt, first=1, after=middle, order=Order("id", descending=True))
    assert ([n.id for n in down.nodes], down.has_more) == (["hx01"], False)


async def test_renames_and_deletes_show_at_once(store: GraphStore) -> None:
    names = await _with_extra(store)
    # a rename: in under its new name, out under its old one
    await store.upsert([_household("hh1", "Rose 花园101室")])
    names["hh1"] = "Rose 花园101室"
    await store.upsert([_household("hx01", "梅园1号")])
    names["hx01"] = "梅园1号"
    for text in ("花园", "ROSE", "梅园", "101", "栋"):
        flt = NodeFilter(name_contains=text)
        assert await _pages(store, flt, first=2, descending=False, backward=False) == _want(names, text), text
        assert await store.count_nodes("Household", filter=flt) == len(_want(names, text)), text
    # deletes: gone from listings, counts and search
    await store.delete(["hx02", "hx04"])
    del names["hx02"], names["hx04"]
    for text in ("花园", "号", "g"):
        flt = NodeFilter(name_contains=text)
        assert await _pages(store, flt, first=1, descending=True, backward=True) == _want(names, text)[::-1], text
        assert await store.count_nodes("Household", filter=flt) == len(_want(names, text)), text
    found = await store.search("花园", labels=["Household"], limit=50)
    assert sorted(n.id for n in found) == _want(names, "花园")
    # a node deleted and created again under the same id, with another name
    await store.delete(["hx06"])
    await store.upsert([_household("hx06", "Plum 6号")], [Relationship("PART_OF", "hx06", "b1")])
    names["hx06"] = "Plum 6号"
    flt = NodeFilter(name_contains="plum")
    assert await _pages(store, flt, first=1, descending=False, backward=True) == ["hx06"]
    assert await _pages(store, NodeFilter(name_contains="花园"), first=1, descending=False, backward=False) == (
        _want(names, "花园")
    )


async def test_an_import_is_found_by_name(store: GraphStore, tmp_path: Path) -> None:
    names = await _with_extra(store)
    added = {f"hz{k:02d}": f"{'Lotus' if k % 2 else 'lotus'} 花园{k}号" for k in range(12)}
    data = GraphData.sorted(
        [_household(i, name) for i, name in added.items()],
        [Relationship("PART_OF", i, "b2") for i in added],
    )
    write_json(tmp_path / "more.json", data, include_pii=True)
    report = await import_path(store, tmp_path / "more.json")
    assert report.ok and report.written
    names.update(added)
    for text in ("lotus", "花园", "花园1", "LOTUS 花园11号"):
        flt = NodeFilter(name_contains=text)
        want = _want(names, text)
        assert await store.count_nodes("Household", filter=flt) == len(want), text
        for backward in (False, True):
            assert await _pages(store, flt, first=5, descending=False, backward=backward) == want, text


async def test_a_scoped_viewer_pages_only_its_own_matches(store: GraphStore) -> None:
    names = await _with_extra(store)
    # b1 (and all of EXTRA) lies in g1; hh4 (梅园3号) in g2, hh5 and hh6 in c2
    for root in ("g1", "c1", "c2", "st1"):
        scope = Scope(root=root)
        inside = {n.id for n in (await store.list_nodes("Household", filter=NodeFilter(within=root), first=100)).nodes}
        for text in ("花园", "园", "号", "室", "g"):
            flt = NodeFilter(name_contains=text)
            want = _want(names, text, inside)
            assert await store.count_nodes("Household", filter=flt, scope=scope) == len(want), (root, text)
            for descending in (False, True):
                got = await _pages(store, flt, first=2, descending=descending, backward=not descending, scope=scope)
                assert got == (want[::-1] if descending else want), (root, text, descending)
            found = await store.search(text, labels=["Household"], limit=100, scope=scope)
            assert sorted(n.id for n in found) == want, (root, text)
    # a viewer given single nodes sees those of them that match
    listed = Scope(ids=frozenset({"hx01", "hx07", "hh5"}))
    assert await _pages(
        store, NodeFilter(name_contains="园"), first=1, descending=False, backward=False, scope=listed
    ) == [
        "hx01",
        "hx07",
    ]


async def test_the_name_with_other_conditions(store: GraphStore) -> None:
    names = await _with_extra(store)
    sizes = {n.id: n.properties.get("size") for n in CITY.nodes if n.label == "Household"}
    sizes.update(dict.fromkeys(EXTRA, _HH2.properties.get("size")))
    await store.upsert([Node("Household", "hx04", {**_household("hx04", EXTRA["hx04"]).properties, "size": 9})])
    sizes["hx04"] = 9
    flt = NodeFilter(name_contains="花园", ranges={"size": (None, 9)})
    want = [i for i in _want(names, "花园") if sizes[i] is not None and sizes[i] < 9]
    assert "hx04" not in want and want
    assert await _pages(store, flt, first=1, descending=False, backward=False) == want
    assert await _pages(store, flt, first=2, descending=True, backward=True) == want[::-1]
    assert await store.count_nodes("Household", filter=flt) == len(want)
    unless = NodeFilter(name_contains="花园", unless=NodeFilter(equals={"size": 9}))
    assert await _pages(store, unless, first=3, descending=False, backward=True) == want
    by_name = await store.list_nodes("Household", filter=flt, order=Order("name"), first=50)
    assert [n.id for n in by_name.nodes] == sorted(want, key=lambda i: (names[i], i))
