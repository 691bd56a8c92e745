"""Neo4j only: the projection read in many small chunks (one read transaction each) is the
embedded store's projection of the same city, relationships that cross chunks included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from loaders.stores.embedded import EmbeddedStore
from loaders.stores.neo4j_store import Neo4jStore
from tests.cities import CITY
from tests.conftest import Neo4jPool, make_store

pytestmark = [pytest.mark.asyncio, pytest.mark.neo4j]


def _edges(g: Any) -> list[Any]:
    return sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in g.edges(keys=True, data=True))


@pytest.mark.parametrize("chunk", [7, None])
async def test_a_chunked_projection_is_the_embedded_one(
    neo4j_pool: Neo4jPool, tmp_path: Path, chunk: int | None
) -> None:
    neo4j = await make_store("neo4j", neo4j_pool, tmp_path)
    assert isinstance(neo4j, Neo4jStore)
    embedded = EmbeddedStore(tmp_path / "e.sqlite")
    await embedded.open()
    try:
        for store in (neo4j, embedded):
            await store.write(CITY.batch())
        neo4j.projection_chunk = chunk  # 7: the city's nodes in dozens of chunks
        for labels, types in [(None, None), (["Household", "Building", "Grid"], ["PART_OF", "VISITED"])]:
            got, want = await neo4j.project(labels, types), await embedded.project(labels, types)
            assert got.number_of_nodes() == want.number_of_nodes() > 0
            assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
            assert _edges(got) == _edges(want) and got.number_of_edges() > 0
    finally:
        neo4j.projection_chunk = None
        await embedded.close()
