"""Compiled nested reads (``resolvers.compiled``) answer exactly as the normal path does.

Every query of a corpus of nested selections runs three times on the shared test city, on both
stores: with the compiled path (the schema's execution context), with the fast context without
it (``compiled = False``) and with graphql-core's own completion (``build_schema(fast=False)``);
the three must be equal: ``data``, every error and what the request showed unmasked.  The
corpus: chains and forked trees of walk fields, aliases, fragments, ``__typename``, ``first``
from 0 to the largest page (and one past it), edges with cursors, pageInfo, empty layers, and
selections that must keep the normal path (totalCount, a personal field, a directive,
``after``); for an anonymous, a privileged and a scoped viewer (a GRID_WORKER, whose
community and street are visible by name only).  The cursors of a compiled page then page on
through the normal path.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graph_schema.roles import Role
from loaders.batch import CountingStore
from loaders.store import GraphStore
from resolvers.compiled import Builder
from resolvers.context import ApiConfig, RequestContext
from resolvers.execution import FastExecutionContext
from resolvers.limits import SchemaLimits
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from tests.api.conftest import gid

LIMITS = SchemaLimits(max_cost=None, max_depth=20, max_aliases=100, max_tokens=20_000)


class Uncompiled(FastExecutionContext):
    compiled = False


class Compiled(FastExecutionContext):
    compiled = True


COMPILED = build_schema(LIMITS)
COMPILED.execution_context_class = Compiled
FAST = build_schema(LIMITS)
FAST.execution_context_class = Uncompiled
SLOW = build_schema(LIMITS, fast=False)

VIEWERS = {
    "anonymous": Viewer(),
    "privileged": Viewer(reveal_pii=True),
    "grid worker": Viewer(reveal_pii=True, role=Role.GRID_WORKER, scope="g1"),
}

ROOT_VIEWERS = {
    **VIEWERS,
    "admin": Viewer(role=Role.ADMIN, sub="admin-1", name="管理员"),
    "another grid's worker": Viewer(role=Role.GRID_WORKER, scope="g3"),
}
"""node(id) folded into the walk: the viewers of the root differential test."""

COMPILES = [
    # the benchmark's chain, from the street down through node(id)
    """query($id: ID!) { node(id: $id) { ... on Street { id name communities(first: 500) { nodes { id name code
       grids(first: 500) { nodes { id name buildings { nodes { id name address households(first: 500) {
       nodes { id name size __typename } } } } } } } } } } }""",
    # edges, cursors, pageInfo and __typename at every level, aliases, the same field twice
    """query($id: ID!) { node(id: $id) { ... on Street { c: communities(first: 1) { __typename
       pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
       edges { __typename cursor node { id n: name name grids(first: 2) { pageInfo { endCursor hasNextPage }
       edges { cursor node { id } } nodes { name } } } } } d: communities { nodes { id } } } } }""",
    # a forked tree: two walk fields under one node, each with its own page
    """{ communities { nodes { id a: grids(first: 1) { nodes { name buildings(first: 1) { nodes { id } } } }
       b: grids { nodes { id buildings { nodes { name households { nodes { id name } } } } } } } } }""",
    # fragments (named and inline), first: 0 (an empty layer that still says whether nodes follow)
    """fragment B on Building { id name households(first: 500) { nodes { ...H } } }
       fragment H on Household { id name size __typename }
       { grids { nodes { name buildings { nodes { ...B ... on Building { none: households(first: 0) {
       pageInfo { hasNextPage startCursor endCursor } nodes { id } } } } } } } }""",
    # first: 0 without pageInfo, and a page of one
    """{ streets { nodes { communities(first: 0) { nodes { id } } one: communities(first: 1) { nodes { id } } } } }""",
    # a fork inside one compiled tree: grids, then two walks under each grid
    """{ communities { nodes { grids { nodes { a: buildings(first: 1) { nodes { id } }
       b: buildings { edges { node { name households { nodes { id name } } } } } } } } } }""",
    # a walk without a label (residents: LIVES_IN), whose every node must be of the field's type
    """{ buildings { nodes { households { nodes { id residents { nodes { __typename id } } } } } } }""",
]

NORMAL = [
    # totalCount, a personal field, a directive, a page past a cursor, a page too large
    """{ grids { nodes { buildings { totalCount nodes { id } } } } }""",
    """{ buildings { nodes { households { nodes { id name headName phone address } } } } }""",
    """query($yes: Boolean!) { grids { nodes { buildings { nodes { id name @include(if: $yes) } } } } }""",
    """{ communities { nodes { grids(first: 1, after: "not a cursor") { nodes { id } } } } }""",
    """{ communities { nodes { grids(first: 501) { nodes { id } } } } }""",
    """{ communities { nodes { grids(last: 1) { nodes { id } } } } }""",
]


ROOTS = [
    # the scoped bench's query: a grid, its buildings and their households
    """query($id: ID!) { node(id: $id) { id __typename ... on Grid { id name buildings(first: 500) { nodes { id name
       households(first: 500) { nodes { id name } } } } } } }""",
    # root fields beside a fork of walks, fragments on the interface and on several types
    """fragment N on Node { id }
       query($id: ID!) { node(id: $id) { ...N ... on Community { name code a: grids(first: 1) { nodes { id } }
       b: grids { pageInfo { hasNextPage endCursor } edges { cursor node { name buildings { nodes { address } } } } } }
       ... on Street { code communities { nodes { name } } } ... on Grid { name buildings { nodes { id } } } } }""",
    # an alias on the root, two roots in one document
    """query($id: ID!, $other: ID!) { r: node(id: $id) { ... on Building { name households { nodes { id size } } } }
       o: node(id: $other) { ... on Grid { buildings(first: 1) { nodes { name } } } } }""",
]

ROOT_IDS = {
    "a grid (a grid worker's own)": gid("Grid", "g1"),
    "another community's grid": gid("Grid", "g3"),
    "a community (above a grid worker's grid)": gid("Community", "c1"),
    "another community": gid("Community", "c2"),
    "a street": gid("Street", "st1"),
    "a building": gid("Building", "b1"),
    "another grid's building": gid("Building", "b4"),
    "missing": gid("Grid", "no-such-grid"),
    "of another type": gid("Building", "g1"),
    "not a global id": "no base64 here",
}


async def run(schema: Any, store: GraphStore, viewer: Viewer, query: str, **variables: Any) -> dict[str, Any]:
    who = viewer.for_request()
    context = RequestContext.create(store, ApiConfig(), viewer=who)
    values = {"id": gid("Street", "st1"), "yes": True, **variables}
    result = await schema.execute(query, values, context_value=context)
    disclosed = who.disclosures
    assert disclosed is not None
    return {
        "data": result.data,
        "errors": [e.formatted for e in result.errors or ()],
        "disclosed": (sorted(disclosed.ids), sorted(disclosed.fields)),
    }


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the compiled answers built (so that the comparison is not vacuous)."""
    count = [0]
    plain, rooted = Builder.build, Builder.build_root

    async def counting(self: Builder, *args: Any) -> Any:
        count[0] += 1
        return await plain(self, *args)

    async def counting_root(self: Builder, *args: Any) -> Any:
        count[0] += 1
        return await rooted(self, *args)

    monkeypatch.setattr(Builder, "build", counting)
    monkeypatch.setattr(Builder, "build_root", counting_root)
    return count


@pytest.mark.parametrize("who", sorted(VIEWERS))
async def test_compiled_reads_answer_as_the_normal_path(city: GraphStore, who: str, builds: list[int]) -> None:
    viewer = VIEWERS[who]
    for query in COMPILES:
        before = builds[0]
        compiled = await run(COMPILED, city, viewer, query)
        assert builds[0] > before, query  # the compiled path answered it
        assert compiled == await run(FAST, city, viewer, query), query
        assert compiled == await run(SLOW, city, viewer, query), query
        assert compiled["data"] is not None and not compiled["errors"], query


@pytest.mark.parametrize("who", sorted(VIEWERS))
async def test_other_selections_keep_the_normal_path(city: GraphStore, who: str, builds: list[int]) -> None:
    viewer = VIEWERS[who]
    for query in NORMAL:
        compiled = await run(COMPILED, city, viewer, query)
        assert compiled == await run(SLOW, city, viewer, query), query
    assert builds[0] == 0


async def test_a_scoped_viewer_sees_name_only_areas_by_name(city: GraphStore) -> None:
    query = COMPILES[0]
    got = await run(COMPILED, city, VIEWERS["grid worker"], query)
    communities = got["data"]["node"]["communities"]["nodes"]
    assert [c["name"] for c in communities] == ["东门社区"]  # its own community only, by name
    assert communities[0]["code"] is None  # the code of a name-only community is not shown
    grids = communities[0]["grids"]["nodes"]
    assert [g["id"] for g in grids] == [gid("Grid", "g1")]


async def test_cursors_of_a_compiled_page_page_on_through_the_normal_path(city: GraphStore) -> None:
    first = """query($id: ID!) { node(id: $id) { ... on Street { communities(first: 1) {
        pageInfo { endCursor hasNextPage } nodes { id } } } } }"""
    after = """query($id: ID!, $after: String) { node(id: $id) { ... on Street { communities(first: 1, after: $after) {
        pageInfo { hasPreviousPage } nodes { id } } } } }"""
    for viewer in VIEWERS.values():
        page = await run(COMPILED, city, viewer, first)
        want = await run(SLOW, city, viewer, first)
        assert page == want
        conn = page["data"]["node"]["communities"]
        if not conn["pageInfo"]["hasNextPage"]:
            continue
        nxt = await run(COMPILED, city, viewer, after, after=conn["pageInfo"]["endCursor"])
        assert nxt == await run(SLOW, city, viewer, after, after=conn["pageInfo"]["endCursor"])
        assert nxt["data"]["node"]["communities"]["pageInfo"]["hasPreviousPage"] is True
        assert nxt["data"]["node"]["communities"]["nodes"] != conn["nodes"]


async def test_a_big_compiled_answer_yields_to_the_event_loop(
    city: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built in chunks: a task waiting meanwhile runs between two of them."""
    monkeypatch.setattr("resolvers.compiled.YIELD_EVERY", 2)
    ticks: list[int] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            ticks.append(1)
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    start = len(ticks)
    context = RequestContext.create(city, ApiConfig(), viewer=Viewer().for_request())
    yields = [0]
    plain = asyncio.sleep

    async def counted(delay: float, *args: Any) -> Any:
        if delay == 0:
            yields[0] += 1
        return await plain(delay, *args)

    monkeypatch.setattr("resolvers.lanes.asyncio.sleep", counted)  # the builder yields through lanes
    result = await COMPILED.execute(COMPILES[0], {"id": gid("Street", "st1")}, context_value=context)
    done.set()
    await task
    assert result.errors is None
    assert yields[0] >= 3
    assert len(ticks) > start


async def test_a_compiled_read_costs_one_walk_per_chain(city: GraphStore) -> None:
    """No N+1: the chain below node(id) is one store call, two compiled fields side by side one
    each, a fork inside one tree one more per branch, and the same field under each node of a
    listing shares them."""
    for query, walks in ((COMPILES[0], 1), (COMPILES[2], 2), (COMPILES[5], 3)):
        counting = CountingStore(city)
        context = RequestContext.create(counting, ApiConfig(), viewer=Viewer().for_request())
        result = await COMPILED.execute(query, {"id": gid("Street", "st1")}, context_value=context)
        assert result.errors is None
        # below node(id), the root is found in the chain's call
        assert counting.calls.get("walk_compact", 0) + counting.calls.get("walk_compact_from", 0) == walks
        assert "get_nodes" not in counting.calls or query is not COMPILES[0], counting.calls
        assert "neighbours" not in counting.calls and "walk" not in counting.calls, counting.calls


@pytest.mark.parametrize("who", sorted(VIEWERS))
async def test_long_lists_completed_in_chunks_answer_as_graphql_core(
    city: GraphStore, who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast completion of a list longer than YIELD_EVERY (here 2) completes it in chunks,
    yielding between them, with the same answer and errors as graphql-core."""
    monkeypatch.setattr("resolvers.execution.YIELD_EVERY", 2)
    chunks = [0]
    plain = FastExecutionContext._complete_long

    async def counted(self: FastExecutionContext, *args: Any) -> Any:
        chunks[0] += 1
        return await plain(self, *args)

    monkeypatch.setattr(FastExecutionContext, "_complete_long", counted)
    viewer = VIEWERS[who]
    long_lists = "{ households { nodes { id name size __typename } } buildings { edges { cursor node { id name } } } }"
    for query in [long_lists, *NORMAL, *COMPILES]:
        assert await run(FAST, city, viewer, query) == await run(SLOW, city, viewer, query), query
    assert chunks[0] > 0


@pytest.fixture
def roots(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the compiled roots built (so that the comparison is not vacuous)."""
    count = [0]
    plain = Builder.build_root

    async def counting(self: Builder, *args: Any) -> Any:
        count[0] += 1
        return await plain(self, *args)

    monkeypatch.setattr(Builder, "build_root", counting)
    return count


@pytest.mark.parametrize("who", sorted(ROOT_VIEWERS))
async def test_a_root_found_in_the_walk_answers_as_the_normal_path(
    city: GraphStore, who: str, roots: list[int]
) -> None:
    """node(id) folded into the walk's statement: the same data, errors and disclosures as the
    point read then the walk, for roots inside, outside and above the viewer's scope, missing,
    of another type than their id says, and not ids at all."""
    viewer = ROOT_VIEWERS[who]
    nulls = 0
    for query in ROOTS:
        for what, root_id in ROOT_IDS.items():
            variables = {"id": root_id, "other": gid("Grid", "g3")}
            compiled = await run(COMPILED, city, viewer, query, **variables)
            assert compiled == await run(FAST, city, viewer, query, **variables), (what, query)
            assert compiled == await run(SLOW, city, viewer, query, **variables), (what, query)
            if compiled["data"] is not None and compiled["data"].get("node", 1) is None:
                nulls += 1
    assert roots[0] > 0
    assert nulls > 0  # roots outside, missing or of another type: null, as the normal path says


async def test_a_root_and_its_chain_cost_one_store_call(city: GraphStore) -> None:
    """The root is found in the walk's call: the scoped bench query is one store call, for any
    viewer whose scope is already resolved, and a root not found walks nothing further."""
    for viewer in (Viewer(role=Role.ADMIN), Viewer(role=Role.GRID_WORKER, scope="g1")):
        for root_id, found in ((gid("Grid", "g1"), True), (gid("Grid", "g3"), viewer.role is Role.ADMIN)):
            counting = CountingStore(city)
            context = RequestContext.create(counting, ApiConfig(), viewer=viewer.for_request())
            await context.loaders.scope()  # resolved (and kept) before: the request's own reads follow
            counting.reset()
            result = await COMPILED.execute(ROOTS[0], {"id": root_id}, context_value=context)
            assert result.errors is None
            assert (result.data or {})["node"] is not None if found else (result.data or {})["node"] is None
            assert counting.calls == {"walk_compact_from": 1}, counting.calls
    # a fork under the root: the first chain with the root, the other walk from it
    counting = CountingStore(city)
    context = RequestContext.create(counting, ApiConfig(), viewer=Viewer().for_request())
    result = await COMPILED.execute(ROOTS[1], {"id": gid("Community", "c1")}, context_value=context)
    assert result.errors is None
    assert counting.calls == {"walk_compact_from": 1, "walk_compact": 1}, counting.calls
