"""A request leaves no garbage that only the cycle collector can free.

What a request makes is freed by reference counting when it ends, unless it is part of a
reference cycle; cycles wait for a collector pass, and those passes (tens of milliseconds at the
thresholds of `service.gc_policy`, run on the event loop) were where light requests waited in
the mixed load (docs/design.md, "fewer cycles per request").  Measured: ~75 objects of cyclic
garbage per ``node(id)`` from the executor's helpers, ~12 from each request's loaders.  The
requests here run through the schema (the HTTP layer is starlette's and the test client's)
with the collector saving what it finds, on both stores.  One cycle is known and left: each
request's ``Loaders`` and its DataLoaders, whose batch functions are bound to it (~12 objects;
weak references broke a ``Loaders`` used without a request holding it)."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from strawberry import Schema

from graph_schema.roles import Role
from loaders.store import GraphStore
from resolvers.context import ApiConfig, RequestContext
from resolvers.limits import SchemaLimits
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from tests.api.conftest import gid
from tests.api.test_n_plus_one import NESTED, NESTED_PAGED, build

OURS = ("graph_schema", "loaders", "resolvers", "service", "graphql", "strawberry")
"""Where the objects checked come from: ours and the GraphQL layer.  The Neo4j driver's own
sessions leave some cyclic garbage per statement (~50 objects, docs/design.md), not checked."""


def made_here(o: object, known: frozenset[int]) -> bool:
    """Whether ``o`` is an instance of a class of :data:`OURS`, or a function or method defined
    there, and not part of the known cycle (``known``: the ids of its objects)."""
    if id(o) in known:
        return False
    target = getattr(o, "__func__", o)
    module = getattr(target, "__module__", None) if callable(target) else type(o).__module__
    return isinstance(module, str) and module.split(".")[0] in OURS


def loaders_cycle(found: list[object]) -> frozenset[int]:
    """The ids of the objects that make up the known cycle: every ``Loaders`` found, and what
    it reaches (its DataLoaders, their caches, futures and batch functions)."""
    seen: set[int] = set()
    todo = [o for o in found if type(o).__qualname__ == "Loaders" and type(o).__module__ == "loaders.batch"]
    in_found = {id(o) for o in found}
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        todo.extend(r for r in gc.get_referents(o) if id(r) in in_found)
    return frozenset(seen)


NODE = "query($id: ID!) { node(id: $id) { id ... on Community { name } } }"


@contextmanager
def saved_garbage() -> Iterator[list[object]]:
    """The objects the cycle collector finds unreachable while the block runs."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    found: list[object] = []
    try:
        yield found
        gc.collect()
        found.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


async def run(schema: Schema, store: GraphStore, query: str, variables: dict[str, object], viewer: Viewer) -> None:
    ctx = RequestContext.create(store, ApiConfig(), viewer=viewer)
    result = await schema.execute(query, variables, context_value=ctx)
    assert result.errors is None and result.data is not None, result.errors


async def test_requests_leave_no_cyclic_garbage(store: GraphStore) -> None:
    await build(store, grids=2, buildings=2, households=2)
    community = gid("Community", "c")
    cases: list[tuple[str, dict[str, object], Viewer]] = [
        (NODE, {"id": community}, Viewer(role=Role.ADMIN)),
        (NESTED, {"id": community}, Viewer(role=Role.ADMIN)),
        (NESTED_PAGED, {"id": community, "n": 2, "m": 2}, Viewer(role=Role.COMMUNITY, scope="c")),
    ]
    schema = build_schema(SchemaLimits(max_cost=None))  # a deep tree on purpose: no cost budget
    for query, variables, viewer in cases:  # once first: what the service makes once (parsed, validated) is made
        await run(schema, store, query, variables, viewer)
    for query, variables, viewer in cases:
        with saved_garbage() as found:
            for _ in range(3):
                await run(schema, store, query, variables, viewer)
        known = loaders_cycle(found)
        ours = [o for o in found if made_here(o, known)]
        kinds = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in ours)
        assert not ours, f"{query[:40]!r} left cyclic garbage: {kinds.most_common(8)}"
