"""Point reads of concurrent requests sharing store calls (:mod:`loaders.coalesce`), on both
adapters: each request gets its own nodes, in its order, as the store answers it alone, and a
scoped viewer's lookups never share a statement with another scope's (a GRID_WORKER never gets
a node outside its grid because an ADMIN's request was read in the same turn)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest

from graph_schema import WITHIN_VIA, Node
from graph_schema.roles import Role
from loaders.batch import Loaders
from loaders.coalesce import PointReads, point_reads
from loaders.scope import Scope, resolve_scope
from loaders.store import GraphStore
from tests.cities import CITY

pytestmark = pytest.mark.asyncio

ALL = sorted(n.id for n in CITY.nodes)


def _ids(found: list[Node | None]) -> list[str | None]:
    return [n.id if n is not None else None for n in found]


def _shared(store: GraphStore) -> PointReads:
    """Shared point reads over ``store``'s own get_nodes, whether or not the service shares them
    for this adapter: the answers must be the same on both."""

    async def read(ids: list[str], scope: Scope | None) -> list[Node | None]:
        return await store.get_nodes(ids, scope=scope)

    return PointReads(read)


async def test_concurrent_requests_of_different_scopes_each_get_their_own_answer(store: GraphStore) -> None:
    await store.write(CITY.batch())
    scopes: list[Scope | None] = [
        None,
        await resolve_scope(store, Role.GRID_WORKER, "g1"),
        await resolve_scope(store, Role.GRID_WORKER, "s2c2g2"),
        await resolve_scope(store, Role.STREET, "st1"),
    ]
    asks = [[ALL[(i * 7 + k) % len(ALL)] for k in range(1 + i % 5)] + ["no-such-node"] * (i % 2) for i in range(32)]
    reads = _shared(store)
    got = await asyncio.gather(*(reads.get(ids, scopes[i % len(scopes)]) for i, ids in enumerate(asks)))
    assert reads.calls == len(scopes)  # one shared call per scope, not one per request
    for i, ids in enumerate(asks):
        alone = await store.get_nodes(ids, scope=scopes[i % len(scopes)])
        assert got[i] == alone, (i, ids)
        assert len(got[i]) == len(ids)
    # the grid worker's answers hold nothing outside its grid, though the ADMIN's asked for everything
    grid = scopes[1]
    for i in range(1, 32, len(scopes)):
        for node in got[i]:
            if node is not None:
                assert node.id in grid.listed or node.id in CITY_UNDER_G1, node.id  # type: ignore[union-attr]


def _under(area: str) -> frozenset[str]:
    """The reference: the nodes under ``area`` (PART_OF, then one WITHIN_VIA relationship)."""
    parent = {r.start: r.end for r in CITY.relationships if r.type == "PART_OF"}

    def inside(node: str) -> bool:
        while node != area:
            if node not in parent:
                return False
            node = parent[node]
        return True

    areas = {n.id for n in CITY.nodes if inside(n.id)}
    via = {v.value for v in WITHIN_VIA.values() if v is not None}
    return frozenset(areas | {r.start for r in CITY.relationships if r.type in via and r.end in areas})


CITY_UNDER_G1 = _under("g1")


async def test_loaders_of_an_admin_and_a_grid_worker_in_the_same_turn(store: GraphStore) -> None:
    await store.write(CITY.batch())
    assert len(CITY_UNDER_G1) > 3
    outside = [i for i in ALL if i not in CITY_UNDER_G1]
    admin = Loaders(store)
    worker = Loaders(store, Role.GRID_WORKER, "g1")
    alone = await Loaders(store, Role.GRID_WORKER, "g1").nodes.load_many(ALL)
    both = await asyncio.gather(admin.nodes.load_many(ALL), worker.nodes.load_many(ALL))
    assert _ids(both[0]) == ALL
    assert both[1] == alone
    for node in both[1]:
        assert node is None or node.id not in outside or node.properties.keys() <= {"name"}, node
    # households outside g1 are not visible to its grid worker at all
    assert [n for n in both[1] if n is not None and n.label == "Household" and n.id not in CITY_UNDER_G1] == []


async def test_the_service_shares_point_reads_on_neo4j_only(store: GraphStore) -> None:
    shared = point_reads(store)
    if store.name == "neo4j":
        assert shared is not None and point_reads(store) is shared
        await store.write(CITY.batch())
        before = shared.calls
        got = await asyncio.gather(*(Loaders(store).nodes.load(i) for i in ALL[:10]))
        assert _ids(got) == ALL[:10]
        assert shared.calls - before == 1
    else:
        assert shared is None


async def _turns(work: Awaitable[object]) -> int:
    """How many turns of the event loop ``work`` takes (a ticker counts them meanwhile)."""
    turns = 0
    done = False

    async def tick() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.ensure_future(tick())
    await asyncio.sleep(0)
    start = turns
    await work
    done = True
    await ticker
    return turns - start


def _sharing(store: GraphStore) -> PointReads:
    """``store``'s shared point reads; the embedded store's made shared, as Neo4j's are."""
    if point_reads(store) is None:
        store.coalesce_point_reads = True  # type: ignore[attr-defined]
    shared = point_reads(store)
    assert shared is not None
    return shared


async def test_a_lookup_goes_straight_to_the_shared_reads(store: GraphStore) -> None:
    """A request's lookup on a store that shares point reads takes no DataLoader turns: the
    shared reads gather the ids of the same turn themselves (at most 4 turns on a store that
    answers at once, against 6 through a DataLoader: its call_soon, its dispatch task, a shield
    and a gather)."""
    await store.write(CITY.batch())
    shared = _sharing(store)
    loaders = Loaders(store)
    assert _ids(await loaders.nodes.load_many(ALL[:3])) == ALL[:3]
    if store.name == "embedded":  # it answers without waiting: the turns are the path's own
        turns = await _turns(Loaders(store).nodes.load_many(ALL[3:6]))
        assert turns <= 4, turns
    # what a request read it keeps; the same ids again cost no store call
    before = shared.calls
    assert _ids(await loaders.nodes.load_many([ALL[1], ALL[0]])) == [ALL[1], ALL[0]]
    assert shared.calls == before


async def test_a_lookup_cleared_while_reading_keeps_nothing(store: GraphStore) -> None:
    await store.write(CITY.batch())
    shared = _sharing(store)
    loaders = Loaders(store)
    reading = asyncio.ensure_future(loaders.nodes.load_many([ALL[0]]))
    await asyncio.sleep(0)
    loaders.nodes.clear_all()  # a write of the request ended meanwhile
    assert _ids(await reading) == [ALL[0]]  # answered
    before = shared.calls
    assert _ids(await loaders.nodes.load_many([ALL[0]])) == [ALL[0]]
    assert shared.calls == before + 1  # read again: the answer read across the clear was not kept


async def test_a_cancelled_lookup_cancels_no_other(store: GraphStore) -> None:
    await store.write(CITY.batch())
    loaders = Loaders(store)
    first = asyncio.ensure_future(loaders.nodes.load_many([ALL[0], ALL[1]]))
    second = asyncio.ensure_future(loaders.nodes.load_many([ALL[1]]))
    await asyncio.sleep(0)
    first.cancel()
    assert _ids(await second) == [ALL[1]]
    with pytest.raises(asyncio.CancelledError):
        await first
