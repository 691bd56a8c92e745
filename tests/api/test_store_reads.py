"""What the API asks the store for: a count-only connection runs only the count, and a page asks
only for the properties its selection reads (never personal ones the viewer would see withheld).

The store is the real one behind a proxy that records each call's keyword arguments."""

from __future__ import annotations

from typing import Any

import pytest

from graph_schema.roles import Role
from loaders.store import GraphStore
from resolvers.context import ApiConfig, RequestContext
from resolvers.limits import SchemaLimits
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from tests.api.conftest import gid
from tests.cities import CITY

pytestmark = pytest.mark.asyncio


class RecordingStore:
    """A real store whose calls are recorded as (method, keyword arguments)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.name = store.name
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def methods(self) -> list[str]:
        return [m for m, _ in self.calls]

    def __getattr__(self, attr: str) -> Any:
        target = getattr(self._store, attr)
        if not callable(target) or attr.startswith("_"):
            return target

        async def recorded(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((attr, kwargs))
            return await target(*args, **kwargs)

        return recorded


async def run(store: GraphStore, query: str, viewer: Viewer | None = None, **variables: Any) -> tuple[Any, Any]:
    recording = RecordingStore(store)
    ctx = RequestContext.create(recording, ApiConfig(), viewer=viewer or Viewer())  # type: ignore[arg-type]
    result = await build_schema(SchemaLimits(max_cost=None)).execute(query, variables, context_value=ctx)
    assert result.errors is None and result.data is not None, result.errors
    return result.data, recording


async def test_a_count_only_connection_runs_only_the_count(store: GraphStore) -> None:
    await store.write(CITY.batch())
    data, rec = await run(
        store, "query($c: ID!) { households(filter: {within: $c}) { totalCount } }", c=gid("Community", "c1")
    )
    assert data == {"households": {"totalCount": 4}}
    assert rec.methods() == ["count_nodes"]
    data, rec = await run(store, "{ households(first: 0) { totalCount edges { cursor } } }")
    assert data == {"households": {"totalCount": 14, "edges": []}}
    assert rec.methods() == ["count_nodes"]
    # pageInfo with first: 0 still says whether nodes follow
    data, rec = await run(store, "{ households(first: 0) { pageInfo { hasNextPage } } }")
    assert data == {"households": {"pageInfo": {"hasNextPage": True}}}
    data, rec = await run(
        store, "query($c: ID!) { node(id: $c) { ... on Community { grids { totalCount } } } }", c=gid("Community", "c1")
    )
    assert data == {"node": {"grids": {"totalCount": 2}}}
    assert "neighbours" not in rec.methods() and "count_neighbours" in rec.methods()


NESTED = """query($c: ID!) { node(id: $c) { ... on Community { grids { nodes { name
  buildings { edges { node { ...B } } } } } } } }
fragment B on Building { kind households { nodes { name size headName address residents { nodes { gender } } } } }"""


def _asked(rec: RecordingStore) -> dict[str, Any]:
    """The properties asked of each layer (by its label, "?" for none), whether through
    ``neighbours`` or, on a store that walks in one statement, the layers of its ``walk``."""
    asked = {}
    for method, kw in rec.calls:
        layers = kw["layers"] if method == "walk" else [kw] if method == "neighbours" else []
        for layer in layers:
            labels = layer["labels"] if isinstance(layer, dict) else layer.labels
            props = layer.get("props") if isinstance(layer, dict) else layer.props
            asked[labels[0] if labels else "?"] = props
    return asked


async def test_a_page_asks_only_for_the_properties_it_selects(store: GraphStore) -> None:
    await store.write(CITY.batch())
    data, rec = await run(store, NESTED, c=gid("Community", "c1"))
    asked = _asked(rec)
    assert asked["Grid"] == {"name"}
    assert asked["Building"] == {"name", "kind"}  # name: required
    assert asked["Household"] == {"name", "size", "head_name"}  # address: withheld whole from this viewer
    assert asked["?"] == {"kind"}  # residents: required ones only (a name is personal), gender withheld
    households = data["node"]["grids"]["nodes"][0]["buildings"]["edges"][0]["node"]["households"]["nodes"]
    assert households[0] == {
        "name": "1栋101室",
        "size": 1,
        "headName": "张*丰",
        "address": None,
        "residents": {"nodes": [{"gender": None}]},
    }
    revealed = Viewer(reveal_pii=True, role=Role.ADMIN)
    data, rec = await run(store, NESTED, revealed, c=gid("Community", "c1"))
    asked = _asked(rec)
    assert asked["Household"] == {"name", "size", "head_name", "address"}
    households = data["node"]["grids"]["nodes"][0]["buildings"]["edges"][0]["node"]["households"]["nodes"]
    assert households[0]["headName"] == "张三丰" and households[0]["residents"]["nodes"] == [{"gender": "M"}]


async def test_a_computed_field_gets_every_property(store: GraphStore) -> None:
    await store.write(CITY.batch())
    _, rec = await run(store, "{ appeals(first: 3) { nodes { title overdue } } }")
    assert [kw.get("props", "missing") for m, kw in rec.calls if m == "list_nodes"] == [None]
    _, rec = await run(store, "{ appeals(first: 3) { nodes { title } } }")
    (props,) = [kw.get("props") for m, kw in rec.calls if m == "list_nodes"]
    assert props is not None and "title" in props and "description" not in props
