"""The store filters and guarded writes the appeal workflow relies on, on both adapters:
``NodeFilter.one_of``, ``ranges``, ``linked`` and ``unless``, ordering by a property some nodes
lack, and ``WriteBatch.expect`` (refused as CHANGED, also between concurrent writers)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph_schema import Node, Relationship, ValidationError, WriteBatch
from loaders.store import GraphStore, NodeFilter, Order
from tests.cities import CITY, without_appeals

pytestmark = pytest.mark.asyncio


def _appeal(node_id: str, status: str, reported: str, due: str | None, **more: Any) -> Node:
    props = {"title": node_id, "category": "SANITATION", "source": "HOTLINE", "status": status}
    props |= {"reported_on": reported, **({"due": due} if due else {}), **more}
    if status != "REPORTED":
        props.setdefault("accepted_on", reported)
    return Node("Appeal", node_id, props)


APPEALS = [
    _appeal("ap1", "ASSIGNED", "2026-03-01", "2026-03-10"),
    _appeal("ap2", "REPORTED", "2026-03-05", "2026-03-20", category="PARKING"),
    _appeal("ap3", "ACCEPTED", "2026-02-01", None),
    _appeal("ap4", "ASSIGNED", "2026-01-15", "2026-02-01"),
]
RELS = [
    Relationship("CONCERNS", "ap1", "hh1"),
    Relationship("CONCERNS", "ap2", "b3"),
    Relationship("CONCERNS", "ap3", "c2"),
    Relationship("CONCERNS", "ap4", "s2c1g1b1"),
    Relationship("ASSIGNED_TO", "ap1", "am1", {"since": "2026-03-02"}),
    Relationship("ASSIGNED_TO", "ap4", "am1", {"since": "2026-01-16"}),
]


async def _seed(store: GraphStore) -> None:
    await store.write(without_appeals(CITY.batch()))  # these tests count their own appeals
    await store.write(WriteBatch(APPEALS, RELS))


async def _ids(store: GraphStore, flt: NodeFilter, order: Order | None = None) -> list[str]:
    page = await store.list_nodes("Appeal", filter=flt, order=order or Order(), first=50)
    assert await store.count_nodes("Appeal", filter=flt) == len(page.nodes)
    return [n.id for n in page.nodes]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (NodeFilter(one_of={"status": ["ASSIGNED", "ACCEPTED"]}), ["ap1", "ap3", "ap4"]),
        (NodeFilter(one_of={"status": []}), []),
        (NodeFilter(ranges={"due": (None, "2026-03-10")}), ["ap4"]),  # high is exclusive; no due: out
        (NodeFilter(ranges={"due": ("2026-03-10", None)}), ["ap1", "ap2"]),  # low is inclusive
        (NodeFilter(ranges={"reported_on": ("2026-02-01", "2026-03-02")}), ["ap1", "ap3"]),
        (NodeFilter(linked={"ASSIGNED_TO": "am1"}), ["ap1", "ap4"]),
        (NodeFilter(linked={"ASSIGNED_TO": "am2"}), []),
        (NodeFilter(within="c1"), ["ap1", "ap2"]),
        (NodeFilter(within="c1", linked={"ASSIGNED_TO": "am1"}), ["ap1"]),
        (
            NodeFilter(unless=NodeFilter(one_of={"status": ["ASSIGNED"]}, ranges={"due": (None, "2026-03-15")})),
            ["ap2", "ap3"],
        ),
        (NodeFilter(unless=NodeFilter(equals={"category": "PARKING"})), ["ap1", "ap3", "ap4"]),
        (NodeFilter(one_of={"category": ["SANITATION"]}, unless=NodeFilter(ranges={"due": (None, None)})), ["ap3"]),
    ],
)
async def test_appeal_filters(store: GraphStore, flt: NodeFilter, expected: list[str]) -> None:
    await _seed(store)
    assert await _ids(store, flt) == expected


async def test_ordering_by_a_property_some_nodes_lack_is_the_same_in_both_stores(store: GraphStore) -> None:
    await _seed(store)
    assert await _ids(store, NodeFilter(ids=["ap1", "ap2", "ap3", "ap4"]), Order("due")) == ["ap3", "ap4", "ap1", "ap2"]
    assert await _ids(store, NodeFilter(ids=["ap1", "ap2", "ap3", "ap4"]), Order("due", descending=True)) == [
        "ap2",
        "ap1",
        "ap4",
        "ap3",
    ]
    seen: list[str] = []
    after = None
    while True:
        page = await store.list_nodes("Appeal", order=Order("due"), first=1, after=after)
        seen += [n.id for n in page.nodes]
        if not page.has_more:
            break
        after = page.cursors[-1]
    assert seen == ["ap3", "ap4", "ap1", "ap2"]
    back = await store.list_nodes("Appeal", order=Order("reported_on"), first=2, after=None, backward=True)
    assert [n.id for n in back.nodes] == ["ap1", "ap2"]


async def test_a_guarded_write_is_refused_when_the_node_changed(store: GraphStore) -> None:
    await _seed(store)
    moved = Node("Appeal", "ap2", {**APPEALS[1].properties, "status": "ACCEPTED", "accepted_on": "2026-03-06"})
    stale = WriteBatch([moved], expect={"ap2": {"status": "ACCEPTED"}})
    with pytest.raises(ValidationError) as caught:
        await store.write(stale)
    assert [(p.record, p.field, p.code) for p in caught.value.problems] == [("ap2", "status", "CHANGED")]
    assert "status is now 'REPORTED', not 'ACCEPTED'" in caught.value.problems[0].message
    (kept,) = await store.get_nodes(["ap2"])
    assert kept is not None and kept.properties["status"] == "REPORTED"
    missing = WriteBatch([moved], expect={"ap-none": {"status": "REPORTED"}})
    with pytest.raises(ValidationError) as caught:
        await store.write(missing)
    assert [p.code for p in caught.value.problems] == ["NOT_FOUND"]
    await store.write(WriteBatch([moved], expect={"ap2": {"status": "REPORTED", "difficult": None}}))
    (now,) = await store.get_nodes(["ap2"])
    assert now is not None and now.properties["status"] == "ACCEPTED"


async def test_of_concurrent_guarded_writers_of_one_node_exactly_one_lands(store: GraphStore) -> None:
    await _seed(store)

    async def accept(n: int) -> bool:
        props = {**APPEALS[1].properties, "status": "ACCEPTED", "accepted_on": "2026-03-06", "title": f"writer {n}"}
        try:
            await store.write(WriteBatch([Node("Appeal", "ap2", props)], expect={"ap2": {"status": "REPORTED"}}))
        except ValidationError as exc:
            assert [p.code for p in exc.problems] == ["CHANGED"]
            return False
        return True

    results = await asyncio.gather(*(accept(n) for n in range(6)))
    assert sum(results) == 1
    (now,) = await store.get_nodes(["ap2"])
    assert now is not None and now.properties["title"] == f"writer {results.index(True)}"
