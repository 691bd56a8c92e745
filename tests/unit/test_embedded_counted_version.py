"""The embedded store numbers what analyses count in the projections it hands out: a rename
keeps the number (an analytics session answers on), any other write changes it."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph_schema import Node, Relationship, WriteBatch
from loaders.stores.embedded import EmbeddedStore
from tests.cities import CITY


async def test_only_renames_keep_what_analyses_count(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "civicmesh.sqlite")
    await store.open()
    try:
        await store.write(CITY.batch())
        first = await store.project()
        counted = store.counted_version(first)
        assert counted != 0

        async def after(batch: WriteBatch) -> int:
            await store.write(batch)
            graph = await store.project()
            assert graph is not first  # a new version was folded in
            return store.counted_version(graph)

        assert await after(WriteBatch([Node("Street", "st1", {"name": "改名街道"})], patch=True)) == counted
        assert await after(WriteBatch([Node("Household", "hh2", {"name": "1栋102室甲"})], patch=True)) == counted
        size = await after(WriteBatch([Node("Household", "hh2", {"size": 9})], patch=True))
        assert size != counted  # another property: what an analysis counts may change
        removed = await after(WriteBatch([Node("Building", "b1", {"address": None})], patch=True))
        assert removed != size  # a property removed
        linked = await after(
            WriteBatch(
                [Node("Household", "hh-x", {"name": "新户", "size": 1})], [Relationship("PART_OF", "hh-x", "b2")]
            )
        )
        assert linked != removed
        assert store.counted_version(first) == counted and store.counted_version(nx.MultiDiGraph()) == 0
    finally:
        await store.close()
