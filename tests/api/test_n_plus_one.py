"""No N+1: store round trips of a nested query are bounded by its depth, not by its results.

The store is wrapped in a call-counting proxy (``loaders.batch.CountingStore``): a real store,
only counted."""

from __future__ import annotations

from graph_schema.roles import Role
from loaders.batch import CountingStore
from loaders.store import GraphStore
from resolvers.context import ApiConfig, RequestContext
from resolvers.limits import SchemaLimits
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from tests.api.conftest import gid, open_api
from tests.cities import CityBuilder

NESTED = """query($id: ID!) { node(id: $id) { ... on Community {
  grids { totalCount nodes { name buildings { nodes { name households { nodes { name
    residents { nodes { name household { name } } } } } } } } } } } }"""
HOPS = 5  # grids, buildings, households, residents, household
WALKED = 4
"""Hops read in one walk (``resolvers.selection.WALK_FIELDS``) by a store that walks in one
statement: grids, buildings, households, residents."""


async def build(store: GraphStore, grids: int, buildings: int, households: int) -> None:
    """One community of ``grids`` x ``buildings`` x ``households``, a member living in each household."""
    city = CityBuilder()
    city.street("st", "街道")
    city.community("c", "社区", "st")
    for g in range(grids):
        city.grid(f"g{g}", f"网格{g}", "c")
        for b in range(buildings):
            bid = city.building(f"g{g}b{b}", f"{b}栋", f"g{g}")
            for h in range(households):
                hid = city.household(f"{bid}h{h}", f"{h}室", bid)
                city.member(f"pm-{hid}", "党员", "RESIDENT", home=hid)
    await store.write(city.build().batch())


async def round_trips(store: GraphStore) -> tuple[int, dict[str, int], int]:
    counting = CountingStore(store)
    async with open_api(counting, max_cost=0) as api:  # a deep tree on purpose: no cost budget
        data = await api.q(NESTED, {"id": gid("Community", "c")})
    grids = data["node"]["grids"]["nodes"]
    residents = sum(
        len(h["residents"]["nodes"]) for g in grids for b in g["buildings"]["nodes"] for h in b["households"]["nodes"]
    )
    return counting.total, dict(counting.calls), residents


async def test_round_trips_are_bounded_by_depth_not_results(store: GraphStore) -> None:
    await build(store, grids=2, buildings=2, households=2)
    _, small_calls, small_results = await round_trips(store)
    await store.clear()
    await build(store, grids=4, buildings=5, households=4)
    big_total, big_calls, big_results = await round_trips(store)
    assert (small_results, big_results) == (8, 80)
    assert big_calls == small_calls, (small_calls, big_calls)
    if hasattr(store, "walk"):
        # node(id) 1 + the walk of grids → buildings → households → residents in one statement
        # + each resident's household 1 + totalCount 1
        assert big_calls.get("walk") == 1, big_calls
        assert big_calls.get("neighbours") == HOPS - WALKED, big_calls
        assert big_total <= HOPS - WALKED + 3, big_calls
    else:
        # node(id) 1 + one neighbours call per hop + totalCount 1
        assert big_total <= HOPS + 2, big_calls
        assert big_calls.get("neighbours") == HOPS


async def test_a_scoped_viewer_adds_only_the_scope_to_the_round_trips(store: GraphStore) -> None:
    """A community-scoped viewer: the same bounded trips, plus resolving its scope once (its
    node and its ancestors), whatever the size of the results."""
    await build(store, grids=4, buildings=5, households=4)
    counting = CountingStore(store)
    ctx = RequestContext.create(counting, ApiConfig(), viewer=Viewer(role=Role.COMMUNITY, scope="c"))
    schema = build_schema(SchemaLimits(max_cost=None))  # a deep tree on purpose: no cost budget
    result = await schema.execute(NESTED, {"id": gid("Community", "c")}, context_value=ctx)
    assert result.errors is None and result.data is not None, result.errors
    assert result.data["node"]["grids"]["totalCount"] == 4
    if hasattr(store, "walk"):
        assert counting.calls.get("walk") == 1, counting.calls
        assert counting.calls.get("neighbours") == HOPS - WALKED, counting.calls
        assert counting.total <= HOPS - WALKED + 3 + 2, counting.calls
    else:
        assert counting.calls.get("neighbours") == HOPS
        assert counting.total <= HOPS + 2 + 2, counting.calls
    assert counting.calls.get("ancestors") == 1


NESTED_PAGED = """query($id: ID!, $n: Int, $m: Int) { node(id: $id) { ... on Community {
  grids(first: $n) { totalCount nodes { name buildings(first: $m) { nodes { name households(first: $m) {
    nodes { name residents { nodes { name household { name } } } } } } } } } } } }"""


async def test_page_sizes_given_as_variables_walk_as_literals_do(store: GraphStore) -> None:
    """``first: $n`` plans the same one walk as ``first: 10``: the plan reads its arguments from
    the request's variables (strawberry hands resolvers a plain dict; the plan once failed on it
    and quietly read hop by hop)."""
    await build(store, grids=4, buildings=5, households=4)
    counting = CountingStore(store)
    async with open_api(counting, max_cost=0) as api:
        data = await api.q(NESTED_PAGED, {"id": gid("Community", "c"), "n": 3, "m": 4})
    grids = data["node"]["grids"]["nodes"]
    assert len(grids) == 3 and all(len(g["buildings"]["nodes"]) == 4 for g in grids)
    assert all(len(b["households"]["nodes"]) == 4 for g in grids for b in g["buildings"]["nodes"])
    if hasattr(store, "walk"):
        assert counting.calls.get("walk") == 1, counting.calls
        assert counting.calls.get("neighbours") == HOPS - WALKED, counting.calls
    else:
        assert counting.calls.get("neighbours") == HOPS, counting.calls
