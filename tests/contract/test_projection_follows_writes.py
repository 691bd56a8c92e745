"""The kept projection follows writes: after any sequence of writes it equals a fresh one.

On both stores, a projection is taken of an empty store, the shared test city is imported in
batches, and then a random sequence of writes (hypothesis) creates, replaces, patches and
deletes nodes and relationships, rates branches with assessments and deletes them again.
Writes that validation refuses are part of the mix (nothing of them may show).  After each
sequence the projection kept by the store (embedded) or by the service's projection cache
(Neo4j, following this process's writes) must equal one built from scratch: the same nodes
with the same attributes, the same relationships by key with the same attributes, and
predecessor lists that mirror the successor lists.  The kept one must also have been carried
forward, not rebuilt.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_schema import Node, Relationship, RelRef, ValidationError, WriteBatch
from loaders.formats.batches import write_batches
from loaders.projection_cache import ProjectionCache
from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore
from tests.cities import CITY

NODES = sorted(CITY.nodes, key=lambda n: n.id)
RELS = sorted(CITY.relationships, key=lambda r: (r.type, r.start, r.end, r.key))
BUILDINGS = [n.id for n in NODES if n.label == "Building"]
ORGS = ["org-g1", "org-c1", "s2c1g1-po", "s2c1-po", "org-b1"]  # org-b1 is a party group: refused
ASSESSMENTS = ["ax0", "ax1", "ax2"]
STARS = ["DEMONSTRATION", "EXCELLENT", "QUALIFIED", "UNQUALIFIED"]
KINDS = ["SELF", "SECOND", "CROSS", "SPOT"]

Op = tuple[str, int, int]
OPS = st.tuples(
    st.sampled_from(
        [
            "replace",
            "patch",
            "patch_star",
            "create",
            "delete_node",
            "delete_rel",
            "delete_rel_any_key",
            "restore_rel",
            "restore_node",
            "assess",
            "delete_assessment",
            "unassess",
            "two_in_one",
        ]
    ),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)


def batch_of(op: Op, step: int) -> WriteBatch:
    """The write of one drawn operation (it may be one validation refuses)."""
    kind, a, b = op
    node = NODES[a % len(NODES)]
    rel = RELS[a % len(RELS)]
    if kind == "replace":
        props = {**node.properties, "name": f"{node.properties.get('name', node.id)}·{step}"}
        if node.label == "Household":
            props["phone"] = f"1381234{step:04d}"  # personal: never in a projection
        return WriteBatch([Node(node.label, node.id, props)])
    if kind == "patch":
        change: dict[str, Any] = {"name": f"patched {step}"} if b % 3 else {"note": None, "name": f"n{step}"}
        return WriteBatch([Node(node.label, node.id, change)], patch=True)
    if kind == "patch_star":
        org = ORGS[a % len(ORGS)]
        star = STARS[b % len(STARS)] if b % 5 else None
        return WriteBatch([Node("PartyOrganization", org, {"star": star})], patch=True)
    if kind == "create":
        hid = f"hx{a % 4}"
        building = BUILDINGS[b % len(BUILDINGS)]
        return WriteBatch(
            [Node("Household", hid, {"name": f"新户{step}", "size": 1 + b % 4, "phone": "13800000000"})],
            [Relationship("PART_OF", hid, building)],
        )
    if kind == "delete_node":
        return WriteBatch(delete_nodes=[node.id], only_leaves=bool(b % 2))
    if kind == "delete_rel":
        return WriteBatch(delete_relationships=[RelRef(rel.type, rel.start, rel.end, rel.key)])
    if kind == "delete_rel_any_key":
        return WriteBatch(delete_relationships=[RelRef(rel.type, rel.start, rel.end)])
    if kind == "restore_rel":
        return WriteBatch(relationships=[rel])
    if kind == "restore_node":
        return WriteBatch([node])
    if kind in ("assess", "unassess"):
        aid = ASSESSMENTS[a % len(ASSESSMENTS)]
        if kind == "unassess":
            return WriteBatch(delete_relationships=[RelRef("ASSESSES", aid, ORGS[b % len(ORGS)])])
        props = {
            "round": f"2026-{1 + b % 2}",
            "kind": KINDS[b % len(KINDS)],
            "on": f"2026-0{1 + b % 9}-01",
            "result": STARS[(a + b) % len(STARS)],
        }
        if props["result"] == "UNQUALIFIED":
            props["rectify_by"] = "2026-12-31"
        return WriteBatch([Node("Assessment", aid, props)], [Relationship("ASSESSES", aid, ORGS[b % len(ORGS)])])
    if kind == "delete_assessment":
        return WriteBatch(delete_nodes=[ASSESSMENTS[a % len(ASSESSMENTS)]])
    # two_in_one: a relationship deleted and a node replaced in one batch
    other = NODES[b % len(NODES)]
    return WriteBatch(
        [Node(other.label, other.id, {**other.properties, "name": f"both {step}"})],
        delete_relationships=[RelRef(rel.type, rel.start, rel.end, rel.key)],
    )


Edges = dict[tuple[str, str, str], Any]


def shape(g: nx.MultiDiGraph) -> tuple[dict[str, Any], Edges, Edges]:
    """Nodes with attributes, edges by (start, end, key) from the successors, and the same from
    the predecessors (order-free: the stores' build orders differ)."""
    nodes = {n: dict(d) for n, d in g._node.items()}
    out = {(s, e, k): dict(d) for s, nbrs in g._succ.items() for e, keyed in nbrs.items() for k, d in keyed.items()}
    into = {(s, e, k): dict(d) for e, nbrs in g._pred.items() for s, keyed in nbrs.items() for k, d in keyed.items()}
    return nodes, out, into


async def run(store: GraphStore, kept: Any, ops: list[Op]) -> nx.MultiDiGraph:
    """Import the city and apply ``ops``; the kept projection (``kept()``) after them."""
    first = await kept()
    assert first.number_of_nodes() == 0
    for batch in write_batches(CITY.nodes, CITY.relationships, 60):  # an import, batch by batch
        await store.write(batch)
    for step, op in enumerate(ops):
        with contextlib.suppress(ValidationError):
            await store.write(batch_of(op, step))
    graph: nx.MultiDiGraph = await kept()
    return graph


def assert_same(kept: nx.MultiDiGraph, fresh: nx.MultiDiGraph) -> None:
    k_nodes, k_out, k_in = shape(kept)
    f_nodes, f_out, f_in = shape(fresh)
    assert k_nodes == f_nodes
    assert k_out == f_out
    assert k_in == k_out == f_in
    assert nx.is_frozen(kept)
    assert all("phone" not in d for d in k_nodes.values())


SEQUENCES = st.lists(OPS, min_size=1, max_size=12)


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        loop.close()


def test_the_embedded_projection_follows_every_write(loop: asyncio.AbstractEventLoop) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ops=SEQUENCES)
    def check(ops: list[Op]) -> None:
        async def go() -> None:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "s.sqlite"
                store = EmbeddedStore(path)
                await store.open()
                try:
                    kept = await run(store, store.project, ops)
                    assert kept is await store.project()  # kept, not built again
                finally:
                    await store.close()
                again = EmbeddedStore(path)  # built from scratch, from the file
                await again.open()
                try:
                    assert_same(kept, await again.project())
                finally:
                    await again.close()

        loop.run_until_complete(go())

    check()


def test_the_embedded_projection_folds_the_writes_since_it_was_last_asked(loop: asyncio.AbstractEventLoop) -> None:
    """The embedded store folds the writes made since an analysis last asked for the projection
    into one new projection (several at once, or one, or none); every projection handed out
    equals one built from scratch at that moment, and stays as it was after later writes."""

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ops=SEQUENCES, asks=st.lists(st.booleans(), min_size=12, max_size=12))
    def check(ops: list[Op], asks: list[bool]) -> None:
        async def go() -> None:
            store = EmbeddedStore()
            await store.open()
            try:
                taken: list[tuple[nx.MultiDiGraph, Any]] = [(await store.project(), None)]
                for batch in write_batches(CITY.nodes, CITY.relationships, 60):
                    await store.write(batch)
                for step, op in enumerate(ops):
                    with contextlib.suppress(ValidationError):
                        await store.write(batch_of(op, step))
                    if asks[step]:
                        kept = await store.project()
                        assert kept is await store.project()  # folded once, then kept
                        fresh = store._build_projection(None, None)
                        assert_same(kept, fresh)
                        taken.append((kept, shape(fresh)))
                kept = await store.project()
                assert_same(kept, store._build_projection(None, None))
                for graph, seen in taken[1:]:  # the writes after it never changed it
                    assert shape(graph) == seen
            finally:
                await store.close()

        loop.run_until_complete(go())

    check()


@pytest.mark.neo4j
def test_the_neo4j_projection_cache_follows_this_process_writes(
    loop: asyncio.AbstractEventLoop, neo4j_uri: str
) -> None:
    from loaders.stores.neo4j_store import Neo4jStore

    user = os.environ.get("NEO4J_USER")
    auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user and os.environ.get("NEO4J_URI") else None
    store = Neo4jStore(neo4j_uri, auth=auth, database=os.environ.get("NEO4J_DATABASE", "neo4j"))
    loop.run_until_complete(store.open())
    followed: list[int] = []

    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ops=SEQUENCES)
    def check(ops: list[Op]) -> None:
        async def go() -> None:
            await store.clear()
            cache = ProjectionCache(store, max_age=3600.0)
            projected = []
            real = store.project

            async def counted() -> nx.MultiDiGraph:
                projected.append(1)
                return await real()

            store.project = counted  # type: ignore[method-assign]
            try:
                kept = await run(store, cache.graph, ops)
            finally:
                del store.project
            assert_same(kept, await store.project())
            followed.append(cache.followed)
            # the city's import alone is followed batch by batch; only a write that needs a
            # branch's own star (an assessment gone) makes the cache build again
            assert cache.followed >= 1
            if len(projected) > 1:
                assert any(op[0] in ("delete_assessment", "unassess", "delete_node", "two_in_one") for op in ops)

        loop.run_until_complete(go())

    try:
        check()
    finally:
        loop.run_until_complete(store.clear())
        loop.run_until_complete(store.close())
    assert sum(followed) > 0


@pytest.mark.neo4j
def test_writes_while_the_neo4j_projection_streams_are_not_lost(
    loop: asyncio.AbstractEventLoop, neo4j_uri: str
) -> None:
    """Writes that end while the cache streams a projection may or may not show in what it
    streamed; the cache applies them again, so what it keeps is the state after them."""
    from loaders.stores.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_uri, database=os.environ.get("NEO4J_DATABASE", "neo4j"))

    async def go() -> None:
        await store.open()
        try:
            await store.clear()
            for batch in write_batches(CITY.nodes, CITY.relationships, 60):
                await store.write(batch)
            cache = ProjectionCache(store, max_age=3600.0)
            building = asyncio.ensure_future(cache.graph())
            # writes that are valid whatever the shared city holds and in which order: a household renamed,
            # one created, a LINKS deleted, a building patched
            household = next(i for i, n in enumerate(NODES) if n.label == "Household")
            a_building = next(i for i, n in enumerate(NODES) if n.label == "Building")
            links = next(i for i, r in enumerate(RELS) if r.type == "LINKS")
            ops = [("replace", household, 1), ("create", 1, 2), ("delete_rel", links, 0), ("patch", a_building, 1)]
            for step, op in enumerate(ops):
                await asyncio.sleep(0)
                await store.write(batch_of(op, step))
            await building
            assert_same(await cache.graph(), await store.project())
        finally:
            await store.clear()
            await store.close()

    loop.run_until_complete(go())
