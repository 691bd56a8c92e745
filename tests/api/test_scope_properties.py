"""Property: whatever nested selection a client makes, a scoped viewer gets back no global ID
outside its scope.  Random queries over the root listings, node, nodes and search come from
hypothesis-graphql; every ID argument is a real node of the shared test city, most of them outside
the viewer's scope."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import StringValueNode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import queries

from graph_schema import from_global_id, to_global_id
from graph_schema.roles import Role
from loaders.stores.embedded import EmbeddedStore
from resolvers.context import ApiConfig, RequestContext
from resolvers.privacy import Viewer
from tests.cities import CITY
from tests.contract.test_access_matrix import ROOT_LISTS, SCHEMA

IDS = sorted(to_global_id(n.label, n.id) for n in CITY.nodes)
FIELDS = [*ROOT_LISTS, "node", "nodes", "search"]
SCOPED = [(Role.GRID_WORKER, "g1"), (Role.VANGUARD, "pm1"), (Role.ALLIANCE_UNIT, "am1")]


@pytest.fixture(scope="module")
def loop_and_store() -> Iterator[tuple[asyncio.AbstractEventLoop, EmbeddedStore]]:
    loop = asyncio.new_event_loop()
    store = EmbeddedStore()
    loop.run_until_complete(store.open())
    loop.run_until_complete(store.write(CITY.batch()))
    try:
        yield loop, store
    finally:
        loop.run_until_complete(store.close())
        loop.close()


def _global_ids(value: Any, into: set[str]) -> set[str]:
    if isinstance(value, dict):
        for v in value.values():
            _global_ids(v, into)
    elif isinstance(value, list):
        for v in value:
            _global_ids(v, into)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            into.add(from_global_id(value)[1])
    return into


QUERIES = queries(
    SCHEMA._schema,
    fields=FIELDS,
    custom_scalars={"ID": st.sampled_from(IDS).map(lambda v: StringValueNode(value=v))},
    allow_x00=False,
    codec="utf-8",
)


@pytest.mark.parametrize(("role", "scope"), SCOPED, ids=[r.value for r, _ in SCOPED])
def test_random_nested_selections_stay_inside_the_scope(
    loop_and_store: tuple[asyncio.AbstractEventLoop, EmbeddedStore], role: Role, scope: str
) -> None:
    loop, store = loop_and_store
    records, names = CITY.visible(role, scope)
    inside = records | names
    every = {n.id for n in CITY.nodes}

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(query=QUERIES)
    def check(query: str) -> None:
        viewer = Viewer(reveal_pii=True, role=role, scope=scope)
        ctx = RequestContext.create(store, ApiConfig(), viewer=viewer)
        result = loop.run_until_complete(SCHEMA.execute(query, context_value=ctx))
        for error in result.errors or []:
            assert error.message != "Unexpected error.", (query, error)
        leaked = (_global_ids(result.data, set()) & every) - inside
        assert not leaked, (query, sorted(leaked))

    check()
