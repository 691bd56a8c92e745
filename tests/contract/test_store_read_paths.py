"""The store's read paths for listings and counts (docs/design.md 2.4), on both adapters: areas
walked down for ``within``, name filters (uncased, cased, mixed), and reads that return only the
properties asked for.  Every answer is checked against a reference worked out here in Python
from the shared test city."""

from __future__ import annotations

import pytest

from graph_schema import WITHIN_VIA, Node
from loaders.scope import Scope
from loaders.store import Direction, GraphStore, NodeFilter, Order
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

AREAS = sorted(n.id for n in CITY.nodes if n.label in ("Street", "Community", "Grid", "Building"))
LABELS = sorted(label.value for label in WITHIN_VIA)


def _within(label: str, area: str) -> set[str]:
    """The reference: nodes of ``label`` under ``area`` (PART_OF, then WITHIN_VIA)."""
    parent = {r.start: r.end for r in CITY.relationships if r.type == "PART_OF"}

    def under(node: str) -> bool:
        while node != area:
            if node not in parent:
                return False
            node = parent[node]
        return True

    labels = {n.id: n.label for n in CITY.nodes}
    via = next(v for k, v in WITHIN_VIA.items() if k.value == label)
    if via is None:
        return {i for i, lab in labels.items() if lab == label and under(i)}
    return {r.start for r in CITY.relationships if r.type == via.value and labels[r.start] == label and under(r.end)}


async def _all(store: GraphStore, label: str, flt: NodeFilter, scope: Scope | None = None) -> list[str]:
    """Every id of a listing, paged two at a time (cursors across the walk included)."""
    ids: list[str] = []
    after = None
    while True:
        page = await store.list_nodes(label, filter=flt, first=2, after=after, scope=scope)
        ids += [n.id for n in page.nodes]
        if not page.has_more:
            return ids
        after = page.cursors[-1]


async def test_within_walks_down_every_area_for_every_label(store: GraphStore) -> None:
    await store.write(CITY.batch())
    for label in LABELS:
        for area in AREAS:
            want = _within(label, area)
            flt = NodeFilter(within=area)
            assert await store.count_nodes(label, filter=flt) == len(want), (label, area)
            assert await _all(store, label, flt) == sorted(want), (label, area)


async def test_within_keeps_the_scope_and_the_other_conditions(store: GraphStore) -> None:
    await store.write(CITY.batch())
    scope = Scope(root="c1")
    for label in LABELS:
        for area in ("st1", "c1", "g1", "c2"):
            want = _within(label, area) & _within(label, "c1")
            flt = NodeFilter(within=area)
            assert await store.count_nodes(label, filter=flt, scope=scope) == len(want), (label, area)
            assert await _all(store, label, flt, scope) == sorted(want), (label, area)
    tagged = NodeFilter(within="st1", equals={"tags": "ELDERLY_ALONE"})
    assert await _all(store, "Household", tagged) == ["hh1", "hh5"]
    assert await _all(store, "Household", tagged, Scope(root="g1")) == ["hh1"]
    # given ids, only those, and only the ones within
    assert await store.count_nodes("Household", filter=NodeFilter(within="c1", ids=["hh1", "hh5", "zz"])) == 1
    named = NodeFilter(within="c1", name_contains="栋")
    assert await _all(store, "Household", named) == ["hh1", "hh2", "hh3"]


NAMED = [
    Node("Building", "nb1", {"name": "Garden A栋", "kind": "BUILDING"}),
    Node("Building", "nb2", {"name": "garden 花园b栋", "kind": "BUILDING"}),
    Node("Building", "nb3", {"name": "GARDEN 花园C栋", "kind": "BUILDING"}),
    Node("Building", "nb4", {"name": "花园路12号", "kind": "COURTYARD"}),
]


@pytest.mark.parametrize(
    "text",
    ["花园", "garden", "GARDEN", "Garden A", "n 花园", "N 花园B", "花园路", "12", "栋", "a", "园c", "x花园"],
)
async def test_name_filters_match_case_insensitively_whatever_the_text(store: GraphStore, text: str) -> None:
    """Uncased text (the TEXT index exactly), cased text with an uncased run (the index for the
    run, then case-folded), cased text alone (every name read): the same answers."""
    await store.write(CITY.batch())
    await store.upsert(NAMED)
    everything = [n for n in [*CITY.nodes, *NAMED] if n.label == "Building"]
    want = sorted(n.id for n in everything if text.casefold() in str(n.properties["name"]).casefold())
    flt = NodeFilter(name_contains=text)
    assert await _all(store, "Building", flt) == want
    assert await store.count_nodes("Building", filter=flt) == len(want)
    by_name = await store.list_nodes("Building", filter=flt, order=Order("name", descending=True), first=50)
    names = {n.id: str(n.properties["name"]) for n in everything}
    assert [n.id for n in by_name.nodes] == sorted(want, key=lambda i: (names[i], i), reverse=True)


async def test_reads_return_only_the_properties_asked_for(store: GraphStore) -> None:
    await store.write(CITY.batch())
    (full,) = await store.neighbours(["b1"], "PART_OF", Direction.IN)
    assert "phone" in full[0].node.properties  # hh1 has personal fields
    (named,) = await store.neighbours(["b1"], "PART_OF", Direction.IN, props=frozenset({"name", "nope"}))
    assert [(e.node.id, e.node.label, dict(e.node.properties)) for e in named] == [
        ("hh1", "Household", {"name": "1栋101室"}),
        ("hh2", "Household", {"name": "1栋102室"}),
    ]
    assert [e.relationship for e in named] == [e.relationship for e in full]
    (some,) = await store.neighbours(["b1"], "PART_OF", Direction.IN, props=frozenset({"size", "tags", "id"}))
    want = [{k: v for k, v in e.node.properties.items() if k in ("size", "tags")} for e in full]
    assert [dict(e.node.properties) for e in some] == want
    (bare,) = await store.neighbours(["b1"], "PART_OF", Direction.IN, props=frozenset(), limit=1)
    assert [(e.node.id, dict(e.node.properties)) for e in bare] == [("hh1", {})]
    # mixed labels: each node gets the names it has
    (links,) = await store.neighbours(["pm1"], "LINKS", Direction.OUT, props=frozenset({"size", "kind"}))
    assert [(e.node.id, dict(e.node.properties)) for e in links] == [
        ("hh3", {"size": 2}),
        ("hh4", {"size": 4}),
        ("pm2", {"kind": "IN_SERVICE"}),
    ]
    # listings: the same nodes and cursors, fewer properties; and the stored node is unchanged
    flt = NodeFilter(within="c1")
    whole = await store.list_nodes("Household", filter=flt, order=Order("name"), first=3)
    slim = await store.list_nodes("Household", filter=flt, order=Order("name"), first=3, props=frozenset({"size"}))
    assert [n.id for n in slim.nodes] == [n.id for n in whole.nodes] and slim.cursors == whole.cursors
    assert [dict(n.properties) for n in slim.nodes] == [{"size": n.properties["size"]} for n in whole.nodes]
    scoped = await store.list_nodes("Household", first=50, scope=Scope(root="g1"), props=frozenset({"name"}))
    assert [(n.id, dict(n.properties)) for n in scoped.nodes] == [
        ("hh1", {"name": "1栋101室"}),
        ("hh2", {"name": "1栋102室"}),
        ("hh3", {"name": "2栋201室"}),
    ]
    (hh1,) = await store.get_nodes(["hh1"])
    assert hh1 is not None and "phone" in hh1.properties
