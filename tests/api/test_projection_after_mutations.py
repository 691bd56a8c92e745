"""After mutations through GraphQL, analytics answer on the new data without the projection
being built again, and the kept projection equals a fresh one (both stores)."""

from __future__ import annotations

import pytest

from loaders.projection_cache import projection_cache
from loaders.store import GraphStore
from tests.api.conftest import Api, gid
from tests.contract.test_projection_follows_writes import assert_same

pytestmark = pytest.mark.asyncio

ERR = "errors { field code message }"
COUNT = "query($b: ID) { coverage(area: $b) { households { total } } }"


async def test_mutations_are_followed_by_the_kept_projection(api: Api, city: GraphStore) -> None:
    b2 = gid("Building", "b2")
    assert (await api.q(COUNT, {"b": b2}))["coverage"]["households"]["total"] == 1
    cache = projection_cache(city)
    before = await cache.graph()
    version = cache.version
    data = await api.q(
        f"""mutation($b: ID!) {{ createHousehold(input: {{name: "新户", building: $b, id: "hh-new",
              phone: "13812345678"}}) {{ household {{ id }} {ERR} }} }}""",
        {"b": b2},
    )
    assert data["createHousehold"]["errors"] == []
    assert (await api.q(COUNT, {"b": b2}))["coverage"]["households"]["total"] == 2
    data = await api.q(
        f"mutation($id: ID!) {{ updateHousehold(input: {{id: $id, size: 6}}) {{ household {{ size }} {ERR} }} }}",
        {"id": gid("Household", "hh3")},
    )
    assert data["updateHousehold"]["errors"] == []
    data = await api.q(
        f"mutation($id: ID!) {{ deleteHousehold(id: $id) {{ deletedId {ERR} }} }}", {"id": gid("Household", "hh3")}
    )
    assert data["deleteHousehold"]["errors"] == []
    assert (await api.q(COUNT, {"b": b2}))["coverage"]["households"]["total"] == 1
    kept = await cache.graph()
    assert cache.version > version and kept is not before
    assert "hh3" in before and "hh-new" not in before  # the old version is left as it was
    if city.name == "neo4j":
        assert cache.followed >= 3  # carried forward, not streamed again
    assert_same(kept, await city.project())
