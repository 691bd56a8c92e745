"""The store's read paths for listings, counts and nested pages, each beside the path it replaced,
interleaved in one run (so a loaded machine's noise hits both alike).

For each case prints p50/p95 of the previous path and the current one (ms), and on Neo4j the db
hits of each statement (PROFILE) and the size of what the server sent back:

* the households of one community, counted (``within`` walked down from the area, against a
  scan of the label with an up-walk from each household; also as a GRID_WORKER of its biggest
  grid, whose scope condition stays in the statement);
* ``totalCount`` alone through GraphQL (the count only, against the page statement and the count);
* households whose name contains an uncased text (the TEXT index, against ``toLower`` over the
  label) and a cased one with an uncased run, first 50; on the embedded store the name index
  against the scan of every household it replaced (also scoped, counted, and ``search``);
* the households of one community's 154 buildings with ``name`` and ``size`` (the selected
  properties, against every property);
* the nested query of ``bench/graphql_bench.py`` in process (the same projection switched off
  for "before").

    python bench/read_paths.py --store embedded
    python bench/read_paths.py --store neo4j --neo4j-uri bolt://127.0.0.1:7687 [--load]

With ``--neo4j-uri`` the database is used as it is (``--load`` clears it and loads the preset
first).  Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph_schema import Node, to_global_id  # noqa: E402
from loaders.scope import Scope  # noqa: E402
from loaders.store import Direction, GraphStore, NodeFilter, Order  # noqa: E402
from loaders.stores import cypher  # noqa: E402

NESTED = """query($id: ID!) { node(id: $id) { ... on Community { name grids(first: 100) { nodes { id name
  buildings(first: 100) { nodes { id name households(first: 100) { nodes { id name size } } } } } } } } }"""
COUNT = """query($id: ID!) { households(filter: {within: $id}) { totalCount } }"""

Case = Callable[[], Awaitable[Any]]


async def interleave(before: Case, after: Case, runs: int) -> tuple[list[float], list[float]]:
    await before()
    await after()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for i, case in enumerate((before, after)):
            started = time.perf_counter()
            await case()
            times[i].append((time.perf_counter() - started) * 1000)
    return times


def p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def show(name: str, times: tuple[list[float], list[float]], extra: str = "") -> None:
    b, a = times
    ratio = statistics.median(b) / max(statistics.median(a), 1e-6)
    print(
        f"{name:<46} before p50 {statistics.median(b):8.1f} p95 {p(b, 0.95):8.1f} | "
        f"after p50 {statistics.median(a):7.1f} p95 {p(a, 0.95):7.1f} ms  x{ratio:6.1f}"
        f"{extra}"
    )


async def pick(store: GraphStore) -> tuple[str, str, list[str]]:
    """The community with the most buildings under 160, its biggest grid, its buildings."""
    page = await store.list_nodes("Community", first=500)
    ids = [n.id for n in page.nodes]
    grids = await store.neighbours(ids, "PART_OF", Direction.IN, labels=["Grid"])
    best: tuple[int, str, str, list[str]] | None = None
    for community, edges in zip(ids, grids, strict=True):
        grid_ids = [e.node.id for e in edges]
        buildings = await store.neighbours(grid_ids, "PART_OF", Direction.IN, labels=["Building"])
        flat = [e.node.id for bs in buildings for e in bs]
        if len(flat) <= 160 and (best is None or len(flat) > best[0]):
            biggest = max(zip(grid_ids, buildings, strict=True), key=lambda gb: len(gb[1]))[0]
            best = (len(flat), community, biggest, flat)
    assert best is not None
    return best[1], best[2], best[3]


def _scan(store: Any, label: str, flt: NodeFilter, scope: Scope | None) -> list[str]:
    """The embedded store's previous name filter: every member of the label tested."""
    members = store._by_label.get(label, {}) if scope is None else store._scoped_members(label, scope)
    return [i for i in members if store._matches(i, flt)]


async def scan_page(store: Any, label: str, flt: NodeFilter, scope: Scope | None = None) -> list[Node]:
    """The embedded store's previous path for a first page in id order (the scan, then the
    matches picked from the label's sorted ids or sorted themselves)."""
    keys = store._sorted_keys(label, "id")
    allowed = set(_scan(store, label, flt, scope))
    keys = sorted((i, i) for i in allowed) if len(allowed) * 8 < len(keys) else [k for k in keys if k[1] in allowed]
    nodes = store._g._node
    return [Node(nodes[i]["label"], i, nodes[i]["p"]) for _, i in keys[:50]]


async def scan_count(store: Any, label: str, flt: NodeFilter) -> int:
    return len(_scan(store, label, flt, None))


async def scan_search(store: Any, text: str) -> list[str]:
    """The embedded store's previous ``search`` of households."""
    needle, nodes = text.casefold(), store._g._node
    hits = []
    for i in store._by_label.get("Household", {}):
        name = str(nodes[i]["p"].get("name", ""))
        if needle in name.casefold():
            hits.append((len(name), name, i))
    hits.sort()
    return [i for _, _, i in hits[:20]]


async def neo4j_profile(store: Any, query: str, params: dict[str, Any]) -> tuple[int, int]:
    """(db hits, bytes of the answer as JSON) of one statement."""
    from neo4j import RoutingControl

    result = await store.driver.execute_query(
        "PROFILE " + query, params, routing_=RoutingControl.READ, database_=store.database
    )

    def hits(plan: Any) -> int:
        return int(plan.get("dbHits", 0)) + sum(hits(c) for c in plan.get("children", []))

    size = len(json.dumps([r.data() for r in result.records], default=str, ensure_ascii=False).encode())
    return hits(result.summary.profile), size


async def run(store: GraphStore, args: argparse.Namespace) -> None:
    from resolvers import selection
    from resolvers.context import ApiConfig, RequestContext
    from resolvers.limits import SchemaLimits
    from resolvers.privacy import Viewer
    from resolvers.schema import build_schema

    community, grid, buildings = await pick(store)
    print(f"community {community}: {len(buildings)} buildings; GRID_WORKER scope: {grid}")
    within = NodeFilter(within=community)
    scope = Scope(root=grid)
    neo = store.name == "neo4j"
    runs = args.runs

    async def raw(query: str, params: dict[str, Any]) -> Any:
        return await store._read(query, **params)  # type: ignore[attr-defined]

    # --- the count of a community's households
    if neo and "count" in args.cases:
        old_params: dict[str, Any] = {}
        old_count = cypher.count_nodes(
            "Household", cypher.node_where("Household", None, {}, community, None, old_params)
        )
        new_params: dict[str, Any] = {}
        new_count = cypher.count_nodes("Household", [], cypher.anchor("Household", community, new_params))
        b_hits, _ = await neo4j_profile(store, old_count, old_params)
        a_hits, _ = await neo4j_profile(store, new_count, new_params)
        times = await interleave(
            lambda: raw(old_count, old_params), lambda: store.count_nodes("Household", filter=within), runs
        )
        show("count households in a community", times, f"  db hits {b_hits:,} -> {a_hits:,}")
        sc_params: dict[str, Any] = {}
        sc_where = cypher.node_where("Household", None, {}, community, None, sc_params)
        sc_where.append(cypher.in_scope("n", scope, sc_params) or "true")
        old_scoped = cypher.count_nodes("Household", sc_where)
        times = await interleave(
            lambda: raw(old_scoped, sc_params), lambda: store.count_nodes("Household", filter=within, scope=scope), runs
        )
        show("  the same as GRID_WORKER", times)
    print(f"  households: {await store.count_nodes('Household', filter=within):,}")

    # --- totalCount alone through GraphQL
    schema = build_schema(SchemaLimits(max_cost=None))

    async def gql(query: str, variables: dict[str, Any], viewer: Viewer | None = None) -> Any:
        ctx = RequestContext.create(store, ApiConfig(), viewer=viewer or Viewer())
        result = await schema.execute(query, variables, context_value=ctx)
        assert result.errors is None, result.errors
        return result.data

    real_plan = selection.connection_plan

    def old_plan(info: Any) -> selection.Plan:
        return selection.Plan(page=True, props=None, page_info=True)

    async def with_plan(plan: Any, query: str, variables: dict[str, Any], viewer: Viewer | None = None) -> Any:
        import resolvers.connections as conn

        conn.connection_plan = plan
        try:
            return await gql(query, variables, viewer)
        finally:
            conn.connection_plan = real_plan

    cid = {"id": to_global_id("Community", community)}
    if "count" in args.cases:
        times = await interleave(
            lambda: with_plan(old_plan, COUNT, cid), lambda: with_plan(real_plan, COUNT, cid), runs
        )
        show("GraphQL totalCount of a community's households", times)

    # --- name filters
    for text in ("花园", "花园A", "a"):
        if "names" not in args.cases:
            break
        flt = NodeFilter(name_contains=text)
        if neo:
            old_params = {"name_contains": text, "limit": 51}
            old_list = cypher.list_nodes("Household", [cypher.FOLDED_NAME], "id", False, False, False)
            new_params = {"limit": 51}
            where = cypher.name_condition(text, new_params)
            start = cypher.text_match("Household") if cypher.text_indexed(text) else None
            new_list = cypher.list_nodes("Household", where, "id", False, False, False, start)
            b_hits, _ = await neo4j_profile(store, old_list, old_params)
            a_hits, _ = await neo4j_profile(store, new_list, new_params)
            times = await interleave(
                lambda q=old_list, ps=old_params: raw(q, ps),  # type: ignore[misc]
                lambda f=flt: store.list_nodes("Household", filter=f),  # type: ignore[misc]
                runs,
            )
            show(f"households named *{text}*, first 50", times, f"  db hits {b_hits:,} -> {a_hits:,}")
        else:
            times = await interleave(
                lambda f=flt: scan_page(store, "Household", f),  # type: ignore[misc]
                lambda f=flt: store.list_nodes("Household", filter=f),  # type: ignore[misc]
                runs,
            )
            show(f"households named *{text}*, first 50", times)
            if text == "花园":
                times = await interleave(
                    lambda f=flt: scan_page(store, "Household", f, scope),  # type: ignore[misc]
                    lambda f=flt: store.list_nodes("Household", filter=f, scope=scope),  # type: ignore[misc]
                    runs,
                )
                show("  the same as GRID_WORKER", times)
                times = await interleave(
                    lambda f=flt: scan_count(store, "Household", f),  # type: ignore[misc]
                    lambda f=flt: store.count_nodes("Household", filter=f),  # type: ignore[misc]
                    runs,
                )
                show("  counted", times)
                times = await interleave(
                    lambda: scan_search(store, "花园"),
                    lambda: store.search("花园", labels=["Household"]),
                    runs,
                )
                show("  search, first 20", times)
        print(f"  matches: {await store.count_nodes('Household', filter=flt):,}")

    if "nested" not in args.cases:
        return

    # --- neighbours with the selected properties only
    props = frozenset({"name", "size"})
    if neo:
        n_params: dict[str, Any] = {"ids": buildings, "labels": ["Household"], "limit": 101}
        _, b_size = await neo4j_profile(store, cypher.neighbours("PART_OF", False), n_params)
        a_params = {**n_params, "props": sorted(props)}
        _, a_size = await neo4j_profile(store, cypher.neighbours("PART_OF", False, None, True), a_params)
        extra = f"  answer {b_size / 1e6:.2f} MB -> {a_size / 1e6:.2f} MB"
    else:
        extra = ""
    times = await interleave(
        lambda: store.neighbours(buildings, "PART_OF", Direction.IN, labels=["Household"], limit=101),
        lambda: store.neighbours(buildings, "PART_OF", Direction.IN, labels=["Household"], limit=101, props=props),
        runs,
    )
    show("households of 154 buildings (name, size)", times, extra)
    times = await interleave(
        lambda: store.list_nodes("Household", filter=within, order=Order(), first=50),
        lambda: store.list_nodes("Household", filter=within, order=Order(), first=50, props=props),
        runs,
    )
    show("first 50 households within the community", times)

    # --- the nested query, in process
    times = await interleave(lambda: with_plan(old_plan, NESTED, cid), lambda: with_plan(real_plan, NESTED, cid), runs)
    show("nested community query (GraphQL, in process)", times)
    from graph_schema.roles import Role

    worker = Viewer(role=Role.GRID_WORKER, scope=grid)
    gid = {"id": to_global_id("Community", community)}
    times = await interleave(
        lambda: with_plan(old_plan, NESTED, gid, worker), lambda: with_plan(real_plan, NESTED, gid, worker), runs
    )
    show("  the same as GRID_WORKER", times)


async def main_async(args: argparse.Namespace) -> None:
    store: GraphStore
    if args.store == "neo4j":
        from loaders.stores.neo4j_store import Neo4jStore

        store = Neo4jStore(args.neo4j_uri)
    else:
        from loaders.stores.embedded import EmbeddedStore

        store = EmbeddedStore(":memory:")
    await store.open()
    try:
        if args.store == "embedded" or args.load:
            from bench.graphql_bench import graph, load

            await store.clear()
            await load(store, *graph(args.preset))
        await run(store, args)
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=("embedded", "neo4j"), default="embedded")
    parser.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--load", action="store_true", help="clear the Neo4j database and load the preset first")
    parser.add_argument("--preset", default="jiangyin")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--cases", nargs="+", default=["count", "names", "nested"], help="which groups: count names nested"
    )
    asyncio.run(main_async(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
