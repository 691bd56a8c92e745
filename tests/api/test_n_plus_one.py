"""No N+1: store round trips of a nested query are bounded by its depth, not by its results.

The store is wrapped in a call-counting proxy (``loaders.batch.CountingStore``): a real store,
only counted."""

from __future__ import annotations

from graph_schema import Node, Relationship, WriteBatch
from graph_schema.roles import Role
from loaders.batch import CountingStore
from loaders.store import GraphStore
from resolvers.context import ApiConfig, RequestContext
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from tests.api.conftest import gid, open_api

NESTED = """query($id: ID!) { node(id: $id) { ... on Community {
  grids { totalCount nodes { name buildings { nodes { name households { nodes { name
    residents { nodes { name household { name } } } } } } } } } } } }"""
HOPS = 5  # grids, buildings, households, residents, household


async def build(store: GraphStore, grids: int, buildings: int, households: int) -> None:
    nodes = [Node("Street", "st", {"name": "街道"}), Node("Community", "c", {"name": "社区"})]
    rels = [Relationship("PART_OF", "c", "st")]
    for g in range(grids):
        nodes.append(Node("Grid", f"g{g}", {"name": f"网格{g}"}))
        rels.append(Relationship("PART_OF", f"g{g}", "c"))
        for b in range(buildings):
            bid = f"g{g}b{b}"
            nodes.append(Node("Building", bid, {"name": f"{b}栋", "kind": "BUILDING"}))
            rels.append(Relationship("PART_OF", bid, f"g{g}"))
            for h in range(households):
                hid = f"{bid}h{h}"
                nodes.append(Node("Household", hid, {"name": f"{h}室"}))
                nodes.append(Node("PartyMember", f"pm-{hid}", {"name": "党员", "kind": "RESIDENT"}))
                rels += [Relationship("PART_OF", hid, bid), Relationship("LIVES_IN", f"pm-{hid}", hid)]
    await store.write(WriteBatch(nodes=nodes, relationships=rels))


async def round_trips(store: GraphStore) -> tuple[int, dict[str, int], int]:
    counting = CountingStore(store)
    async with open_api(counting) as api:
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
    # node(id) 1 + one neighbours call per hop + totalCount 1
    assert big_total <= HOPS + 2, big_calls
    assert big_calls == small_calls, (small_calls, big_calls)
    assert big_calls.get("neighbours") == HOPS


async def test_a_scoped_viewer_adds_only_the_scope_to_the_round_trips(store: GraphStore) -> None:
    """A community-scoped viewer: the same bounded trips, plus resolving its scope once (its
    node and its ancestors), whatever the size of the results."""
    await build(store, grids=4, buildings=5, households=4)
    counting = CountingStore(store)
    ctx = RequestContext.create(counting, ApiConfig(), viewer=Viewer(role=Role.COMMUNITY, scope="c"))
    result = await build_schema().execute(NESTED, {"id": gid("Community", "c")}, context_value=ctx)
    assert result.errors is None and result.data is not None, result.errors
    assert result.data["node"]["grids"]["totalCount"] == 4
    assert counting.calls.get("neighbours") == HOPS
    assert counting.total <= HOPS + 2 + 2, counting.calls
    assert counting.calls.get("ancestors") == 1
