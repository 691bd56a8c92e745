"""The execution fast path (``resolvers.execution``) against graphql-core's own completion, in
one process, interleaved (old, new, old, new, …) so that a loaded machine's noise hits both.

Prints the CPU time (``time.process_time``) per request, median and p95 over the rounds, of:

* the nested query of issue 13: a community → its grids → their buildings → their households
  (id, name), pages of 500 (6,155 households on ``jiangyin`` seed 1);
* the same with ``edges { cursor node { id name } }`` at the household level;
* one household by ``node(id)``;

with ``build_schema(fast=False)`` ("old") and the schema as served ("new"), and the CPU per
page of 6,155 edges of building them one by one (``_make_edge``) and in one loop (``_make_edges``).

    python bench/execution_bench.py --store embedded [--file ~/.cache/civicmesh/bench-vs/jiangyin-seed1.sqlite]
    python bench/execution_bench.py --store neo4j --neo4j-uri bolt://127.0.0.1:7687

The store must hold the ``jiangyin`` preset, seed 1 (or pass ``--community``).  Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph_schema import to_global_id  # noqa: E402
from loaders.store import Direction, GraphStore  # noqa: E402
from resolvers.connections import _make_edge, _make_edges  # noqa: E402
from resolvers.context import ApiConfig, RequestContext  # noqa: E402
from resolvers.limits import SchemaLimits  # noqa: E402
from resolvers.privacy import Viewer  # noqa: E402
from resolvers.schema import build_schema  # noqa: E402

PAGE = 500
NESTED = (
    "query Nested($id: ID!) { node(id: $id) { ... on Community { id name grids(first: 500) { nodes { id name "
    "buildings(first: 500) { nodes { id name households(first: 500) { nodes { id name } } } } } } } } }"
)
EDGES = NESTED.replace(
    "households(first: 500) { nodes { id name } }", "households(first: 500) { edges { cursor node { id name } } }"
)
NODE = "query One($id: ID!) { node(id: $id) { id ... on Household { name size building { id name } } } }"


async def _open(args: argparse.Namespace) -> GraphStore:
    if args.store == "neo4j":
        from loaders.stores.neo4j_store import Neo4jStore

        store: GraphStore = Neo4jStore(args.neo4j_uri, (args.neo4j_user, args.neo4j_password))
        await store.open()
        return store
    from loaders.stores.embedded import EmbeddedStore

    path = Path(args.file).expanduser()
    if not path.exists():
        raise SystemExit(f"{path}: no such store file (make one with the CLI's seed command, preset jiangyin, seed 1)")
    store = EmbeddedStore(str(path))
    await store.open()
    return store


def _cpu(run: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[float]]:
    async def timed() -> float:
        start = time.process_time()
        await run()
        return (time.process_time() - start) * 1000

    return timed


def _line(name: str, old: list[float], new: list[float]) -> str:
    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    o, n = statistics.median(old), statistics.median(new)
    figures = f"old {o:8.2f} ms (p95 {p95(old):8.2f})   new {n:8.2f} ms (p95 {p95(new):8.2f})"
    return f"{name:<30} {figures}   new/old {n / o:5.2f}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=("embedded", "neo4j"), default="embedded")
    parser.add_argument("--file", default="~/.cache/civicmesh/bench-vs/jiangyin-seed1.sqlite")
    parser.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--neo4j-user", default="neo4j")
    parser.add_argument("--neo4j-password", default="civicmesh")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--community", default="c-0902", help="local id of the community to walk")
    args = parser.parse_args()
    store = await _open(args)
    try:
        community = args.community
        household = (await store.list_nodes("Household", first=1)).nodes[0].id
        limits = SchemaLimits(max_cost=None)
        schemas = {"old": build_schema(limits, fast=False), "new": build_schema(limits)}

        def request(schema: Any, query: str, variables: dict[str, Any]) -> Callable[[], Awaitable[Any]]:
            async def run() -> Any:
                context = RequestContext.create(store, ApiConfig(), viewer=Viewer())
                result = await schema.execute(query, variables, context_value=context)
                assert result.errors is None, result.errors
                return result.data

            return run

        cases = [
            ("nested (nodes)", NESTED, {"id": to_global_id("Community", community)}),
            ("nested (edges with cursors)", EDGES, {"id": to_global_id("Community", community)}),
            ("node(id) one household", NODE, {"id": to_global_id("Household", household)}),
        ]
        print(f"store {args.store}, community {community}; CPU per request, {args.rounds} interleaved rounds")
        for name, query, variables in cases:
            same = [await request(schemas[k], query, variables)() for k in ("old", "new")]
            assert same[0] == same[1], f"{name}: the two paths answer differently"
            times: dict[str, list[float]] = {"old": [], "new": []}
            repeat = 1 if query != NODE else 50
            for _ in range(args.rounds):
                for key in ("old", "new"):
                    timed = _cpu(request(schemas[key], query, variables))
                    times[key].append(sum([await timed() for _ in range(repeat)]) / repeat)
            print(_line(name, times["old"], times["new"]))

        # the edges of one page of households, built one by one and in one loop
        grids = await store.neighbours([community], "PART_OF", Direction.IN, labels=["Grid"])
        buildings = await store.neighbours([e.node.id for e in grids[0]], "PART_OF", Direction.IN)
        below = [e.node.id for es in buildings for e in es]
        found = await store.neighbours(below, "PART_OF", Direction.IN, labels=["Household"])
        edges = [e for es in found for e in es]
        old_t: list[float] = []
        new_t: list[float] = []
        for _ in range(args.rounds):
            start = time.process_time()
            [_make_edge("plain", e) for e in edges]
            old_t.append((time.process_time() - start) * 1000)
            start = time.process_time()
            _make_edges("plain", edges)
            new_t.append((time.process_time() - start) * 1000)
        print(_line(f"{len(edges)} edges built", old_t, new_t))
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(main())
