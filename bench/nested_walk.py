"""A nested selection read three ways, interleaved in one process (so a loaded machine's noise
hits all alike), through GraphQL in process: one store call per layer ("layers"), one walk
priming the DataLoaders ("walk") and the compiled read built straight into the response
("compiled", :mod:`resolvers.compiled`).

The query is the comparison bench's nested one (``bench/vs_neo4j_graphql.py``: a community →
its grids → their buildings → their households, id and name, pages of 500) on the community
with the most households, as an administrator, and the grid query as a GRID_WORKER of that
community's biggest grid.  "layers" empties ``resolvers.selection.WALK_FIELDS`` (each layer
its own ``neighbours`` call); "walk" keeps them but turns the compiled read off
(``FastExecutionContext.compiled``).  Prints p50 and p95 of wall time and of this process's CPU
time (``time.process_time``) per request, the store calls of one request of each, and the
longest stretch the event loop was held during a request (a ticker task sleeping 0.5 ms beside
it: the largest gap between two of its ticks in this thread's CPU time, over five rounds).

    python bench/nested_walk.py --neo4j-uri bolt://127.0.0.1:7687 [--rounds 20]
    python bench/nested_walk.py --store embedded --path city.sqlite

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph_schema import to_global_id  # noqa: E402
from graph_schema.roles import Role  # noqa: E402
from loaders.batch import CountingStore  # noqa: E402
from loaders.store import GraphStore  # noqa: E402
from resolvers import selection  # noqa: E402
from resolvers.context import ApiConfig, RequestContext  # noqa: E402
from resolvers.execution import FastExecutionContext  # noqa: E402
from resolvers.limits import SchemaLimits  # noqa: E402
from resolvers.privacy import Viewer  # noqa: E402
from resolvers.schema import build_schema  # noqa: E402

PAGE = 500
NESTED = (
    f"query Nested($id: ID!) {{ node(id: $id) {{ ... on Community {{ id name grids(first: {PAGE}) {{ nodes {{ id name "
    f"buildings(first: {PAGE}) {{ nodes {{ id name households(first: {PAGE}) {{ nodes {{ id name }} }} }} }} "
    "} } } } }"
)
GRID = (
    f"query Grid($id: ID!) {{ node(id: $id) {{ ... on Grid {{ id name buildings(first: {PAGE}) {{ nodes {{ id name "
    f"households(first: {PAGE}) {{ nodes {{ id name }} }} }} }} }} }} }}"
)


async def open_store(args: argparse.Namespace) -> GraphStore:
    if args.store == "neo4j":
        from loaders.stores.neo4j_store import Neo4jStore

        store: GraphStore = Neo4jStore(args.neo4j_uri)
    else:
        from loaders.stores.embedded import EmbeddedStore

        store = EmbeddedStore(args.path)
    await store.open()
    return store


async def biggest(store: GraphStore) -> tuple[str, str]:
    """The community with the most households, and its grid with the most."""
    g = await store.project(["Community", "Grid", "Building", "Household"], ["PART_OF"])
    up = {a: b for a, b, _ in g.edges(keys=True)}
    per: dict[str, int] = {}
    for n, data in g.nodes(data=True):
        if data["label"] == "Household":
            grid = up[up[n]]
            per[grid] = per.get(grid, 0) + 1
    by_community: dict[str, int] = {}
    for grid, count in per.items():
        by_community[up[grid]] = by_community.get(up[grid], 0) + count
    community = max(by_community, key=lambda c: (by_community[c], c))
    grid = max((g_ for g_ in per if up[g_] == community), key=lambda g_: (per[g_], g_))
    return community, grid


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] * 1000


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--store", choices=("neo4j", "embedded"), default="neo4j")
    p.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    p.add_argument("--path", default=None, help="the embedded store's file")
    p.add_argument("--rounds", type=int, default=20)
    args = p.parse_args()
    store = await open_store(args)
    community, grid = await biggest(store)
    schema = build_schema(SchemaLimits(max_cost=None))
    admin = Viewer(role=Role.ADMIN)
    worker = Viewer(role=Role.GRID_WORKER, scope=grid)
    cases = {
        "nested (admin)": (NESTED, to_global_id("Community", community), admin),
        "grid (GRID_WORKER)": (GRID, to_global_id("Grid", grid), worker),
    }
    walks = dict(selection.WALK_FIELDS)
    modes = ("layers", "walk", "compiled")

    async def run(target: GraphStore, query: str, gid: str, viewer: Viewer, mode: str) -> Any:
        selection.WALK_FIELDS.clear()
        if mode != "layers":
            selection.WALK_FIELDS.update(walks)
        FastExecutionContext.compiled = mode == "compiled"
        ctx = RequestContext.create(target, ApiConfig(), viewer=viewer)
        result = await schema.execute(query, {"id": gid}, context_value=ctx)
        if result.errors:
            raise SystemExit(f"nested_walk: {result.errors}")
        return result.data

    async def held(target: GraphStore, query: str, gid: str, viewer: Viewer, mode: str) -> float:
        """The longest gap between two ticks of a 0.5 ms ticker while the request runs, in this
        thread's CPU time (a loaded machine's descheduling would swamp wall time)."""
        gaps: list[float] = []
        running = True

        async def ticker() -> None:
            last = time.thread_time()
            while running:
                await asyncio.sleep(0.0005)
                now = time.thread_time()
                gaps.append(now - last)
                last = now

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0.002)
        gaps.clear()
        await run(target, query, gid, viewer, mode)
        running = False
        await task
        return max(gaps, default=0.0)

    print(f"{args.store}: community {community}, grid {grid}; {args.rounds} rounds, interleaved")
    for name, (query, gid, viewer) in cases.items():
        answers = []
        for mode in modes:
            counting = CountingStore(store)
            answers.append(await run(counting, query, gid, viewer, mode))  # type: ignore[arg-type]
            print(f"  {name}, {mode:8}: store calls {dict(counting.calls)}")
        if any(a != answers[0] for a in answers):
            raise SystemExit(f"nested_walk: {name}: the paths disagree")
        wall: dict[str, list[float]] = {m: [] for m in modes}
        cpu: dict[str, list[float]] = {m: [] for m in modes}
        lag: dict[str, list[float]] = {m: [] for m in modes}
        for i in range(args.rounds):
            for k in range(len(modes)):
                mode = modes[(i + k) % len(modes)]
                t, c = time.perf_counter(), time.process_time()
                await run(store, query, gid, viewer, mode)
                wall[mode].append(time.perf_counter() - t)
                cpu[mode].append(time.process_time() - c)
            if i < 5:
                for mode in modes:
                    lag[mode].append(await held(store, query, gid, viewer, mode))
        for mode in modes:
            print(
                f"  {name}, {mode:8}: wall p50 {pct(wall[mode], 0.5):7.1f} ms "
                f"p95 {pct(wall[mode], 0.95):7.1f} ms; CPU p50 {pct(cpu[mode], 0.5):6.1f} ms "
                f"p95 {pct(cpu[mode], 0.95):6.1f} ms; loop held (CPU) p50 {pct(lag[mode], 0.5):6.1f} ms "
                f"max {max(lag[mode]) * 1000:6.1f} ms"
            )
    selection.WALK_FIELDS.update(walks)
    FastExecutionContext.compiled = True  # the default (resolvers.execution)
    await store.close()


if __name__ == "__main__":
    asyncio.run(main())
