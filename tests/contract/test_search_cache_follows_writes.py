"""Neo4j's kept search answers follow the writes of their store: after any write, every
question (text, labels, limit, scope) is answered as a store that keeps nothing answers it.

The kept answers are Neo4j's alone (the embedded store searches its ranked index in memory,
:mod:`loaders.stores.embedded_text`); the rules they follow are in :mod:`loaders.search_cache`.
"""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from graph_schema import Node, Relationship, RelRef, WriteBatch
from loaders.formats.batches import write_batches
from loaders.scope import Scope
from tests.cities import CITY

pytestmark = pytest.mark.neo4j

TEXTS = ["东门", "栋", "梅园", "网格", "社区", "1", "新"]
QUESTIONS = [
    (text, labels, limit, scope)
    for text in TEXTS
    for labels in (None, ("Household",))
    for limit in (2, 20)
    for scope in (None, Scope(root="c1"))
]
NAMES = ["东门新苑1栋101室", "梅园2号", "新村5栋", "西门三网格", "无关"]
NAMED = {n.id: n.label for n in CITY.nodes if n.label in ("Household", "Building", "Grid", "Community")}


def _stores(uri: str) -> tuple[Any, Any]:
    from loaders.stores.neo4j_store import Neo4jStore

    user = os.environ.get("NEO4J_USER")
    auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user and os.environ.get("NEO4J_URI") else None
    database = os.environ.get("NEO4J_DATABASE", "neo4j")
    return (
        Neo4jStore(uri, auth=auth, database=database, search_cache_s=3600.0),
        Neo4jStore(uri, auth=auth, database=database),
    )


def _seen(nodes: list[Node]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(n.label, n.id, dict(n.properties)) for n in nodes]


async def _same_answers(kept: Any, plain: Any) -> None:
    for text, labels, limit, scope in QUESTIONS:
        ours = await kept.search(text, labels=labels, limit=limit, scope=scope)
        theirs = await plain.search(text, labels=labels, limit=limit, scope=scope)
        assert _seen(ours) == _seen(theirs), (text, labels, limit, scope)


def _op(rng: random.Random, made: list[str]) -> WriteBatch:
    kind = rng.choice(["rename", "rename", "size", "create", "delete_made", "unlink", "relink"])
    if kind == "rename":
        node_id = rng.choice(sorted(NAMED))
        return WriteBatch([Node(NAMED[node_id], node_id, {"name": rng.choice(NAMES)})], patch=True)
    if kind == "size":  # a household's other property: only answers holding it change
        household = Node("Household", rng.choice(["hh1", "hh2", "hh4"]), {"size": rng.randint(1, 6)})
        return WriteBatch([household], patch=True)
    if kind == "create" or (kind == "delete_made" and not made):
        made.append(f"new-{rng.getrandbits(32):08x}")
        return WriteBatch(
            [Node("Household", made[-1], {"name": rng.choice(NAMES)})],
            [Relationship("PART_OF", made[-1], rng.choice(["b1", "b3"]))],
        )
    if kind == "delete_made":
        return WriteBatch(delete_nodes=[made.pop(rng.randrange(len(made)))])
    if kind == "unlink":  # grid g1 leaves its community: its buildings and households leave c1's scope
        return WriteBatch(delete_relationships=[RelRef("PART_OF", "g1", "c1")])
    return WriteBatch(relationships=[Relationship("PART_OF", "g1", "c1")])


async def _opened(uri: str) -> AsyncIterator[tuple[Any, Any]]:
    kept, plain = _stores(uri)
    await kept.open()
    await plain.open()
    try:
        await kept.clear()
        for batch in write_batches(CITY.nodes, CITY.relationships, 60):
            await kept.write(batch)
        yield kept, plain
    finally:
        await kept.clear()
        await kept.close()
        await plain.close()


async def _run(uri: str, body: Callable[[Any, Any], Awaitable[None]]) -> None:
    async for kept, plain in _opened(uri):
        await body(kept, plain)


async def test_kept_answers_follow_random_writes(neo4j_uri: str) -> None:
    async def body(kept: Any, plain: Any) -> None:
        rng = random.Random(14)
        made: list[str] = []
        await _same_answers(kept, plain)  # every question asked once: all kept
        hits_before = kept.searches.hits
        await _same_answers(kept, plain)
        assert kept.searches.hits - hits_before == len(QUESTIONS)  # answered from what was kept
        for _ in range(40):
            await kept.write(_op(rng, made))
            await _same_answers(kept, plain)
        # most answers outlived most writes: only those a write may change were dropped
        assert kept.searches.hits > 20 * len(QUESTIONS)

    await _run(neo4j_uri, body)


async def test_an_answer_read_while_a_write_ended_is_not_kept(neo4j_uri: str) -> None:
    """A search that read the store before a write and finished after it must not keep what
    it read: the write's drop came before there was anything to drop."""

    async def body(kept: Any, plain: Any) -> None:
        real = kept._read

        async def read_then_write(query: str, **params: Any) -> list[Any]:
            rows: list[Any] = await real(query, **params)
            kept._read = real
            await kept.write(WriteBatch([Node("Household", "hh4", {"name": "无关"})], patch=True))
            return rows

        kept._read = read_then_write
        before = await kept.search("梅园")
        assert "hh4" in [n.id for n in before]  # read before the rename
        after = await kept.search("梅园")
        assert "hh4" not in [n.id for n in after]
        assert _seen(after) == _seen(await plain.search("梅园"))

    await _run(neo4j_uri, body)


async def test_a_clear_drops_every_kept_answer(neo4j_uri: str) -> None:
    async def body(kept: Any, plain: Any) -> None:
        assert await kept.search("东门")
        await kept.clear()
        assert await kept.search("东门") == []

    await _run(neo4j_uri, body)
