"""Neo4j only: a write whose checks went stale before its statements ran is run again.

The embedded store applies a write under one lock, so its checks cannot go stale; on Neo4j a
transaction that commits between a write's checks and its statements can delete a node the
checks found.  Here the checks are made stale on purpose (a store whose first check reports a
node that does not exist), against the real server: the write must be run again and then be
refused, never reported as done with a relationship or a change silently dropped.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from graph_schema import Node, Relationship, ValidationError, WriteBatch
from graph_schema.validation import Existing
from loaders.store import Direction
from loaders.stores.neo4j_store import Neo4jStore

pytestmark = [pytest.mark.asyncio, pytest.mark.neo4j]


class _StaleOnce(Neo4jStore):
    """Its first check of a write also reports ``ghost`` ids, as if deleted just after."""

    def __init__(self, *args: Any, ghosts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ghosts = dict(ghosts)
        self.checks = 0

    async def _existing(self, tx: Any, batch: WriteBatch) -> Existing:  # type: ignore[override]
        found = await Neo4jStore._existing(tx, batch)
        self.checks += 1
        if self.checks > 1:
            return found
        return Existing({**found.labels, **self.ghosts}, found.parents)


async def _store(neo4j_uri: str, ghosts: dict[str, str]) -> _StaleOnce:
    auth = (os.environ["NEO4J_USER"], os.environ.get("NEO4J_PASSWORD", "")) if os.environ.get("NEO4J_USER") else None
    store = _StaleOnce(neo4j_uri, auth=auth, database=os.environ.get("NEO4J_DATABASE", "neo4j"), ghosts=ghosts)
    await store.open()
    await store.clear()
    await store.upsert(
        [Node("Building", "b1", {"name": "1栋", "kind": "BUILDING"}), Node("Household", "h1", {"name": "101"})]
    )
    store.checks = 0
    return store


async def test_a_relationship_to_a_node_deleted_since_the_check_is_refused_not_dropped(neo4j_uri: str) -> None:
    store = await _store(neo4j_uri, {"b-gone": "Building"})
    try:
        with pytest.raises(ValidationError) as refused:
            await store.write(
                WriteBatch(
                    [Node("Household", "h2", {"name": "102"})],
                    [Relationship("PART_OF", "h1", "b1"), Relationship("PART_OF", "h2", "b-gone")],
                )
            )
        assert store.checks == 2  # run again, and the second check saw the truth
        assert [(p.record, p.field, p.code) for p in refused.value.problems] == [
            ("PART_OF h2 -> b-gone", "end", "MISSING_ENDPOINT")
        ]
        assert await store.get_nodes(["h2"]) == [None]  # nothing of the first attempt stayed
        assert await store.neighbours(["h1"], "PART_OF", Direction.OUT) == [[]]
    finally:
        await store.close()


async def test_a_patch_of_a_node_deleted_since_the_check_is_refused(neo4j_uri: str) -> None:
    store = await _store(neo4j_uri, {"h-gone": "Household"})
    try:
        batch = WriteBatch([Node("Household", "h1", {"size": 2}), Node("Household", "h-gone", {"size": 3})], patch=True)
        with pytest.raises(ValidationError) as refused:
            await store.write(batch)
        assert store.checks == 2
        assert [(p.record, p.code) for p in refused.value.problems] == [("Household h-gone", "NOT_FOUND")]
        (h1,) = await store.get_nodes(["h1"])
        assert h1 is not None and "size" not in h1.properties
    finally:
        await store.close()
