"""The walk statement of a compiled nested read on Neo4j, at the server: PROFILE (db hits per
layer) and time, interleaved in one process against the row form it replaced and the statement
@neo4j/graphql 7.6.3 sends for the same query (captured with ``DEBUG=@neo4j/graphql:*``).

The query is the comparison bench's nested one (``bench/vs_neo4j_graphql.py``): a community →
its grids → their buildings → their households (id, name), and the GRID_WORKER's grid →
buildings → households, as the compiled path reads it (from the root, in one statement).  For
each statement: total db hits (PROFILE), then per round, in turn: the server's time
(``result_available_after + result_consumed_after``), the wall time of ``execute_query`` and
this process's CPU for it (``time.process_time``: the driver decoding the answer, and every
value touched once); p50 of each.

    python bench/walk_statement.py --neo4j-uri bolt://127.0.0.1:7687 --community c-0902 \\
        --grid g-0902-21 [--rounds 30]

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import neo4j  # noqa: E402

from loaders.scope import Scope  # noqa: E402
from loaders.store import Direction  # noqa: E402
from loaders.stores import cypher, cypher_reads  # noqa: E402
from loaders.stores.neo4j_store import Neo4jStore  # noqa: E402
from loaders.walk import WalkLayer  # noqa: E402

ANCHOR = """MATCH (this:Community&Entity)
WHERE this.id = $param0
CALL (this) {
  MATCH (this)<-[this0:PART_OF]-(this1:Grid&Entity)
  WITH DISTINCT this1
  CALL (this1) {
    MATCH (this1)<-[this2:PART_OF]-(this3:Building&Entity)
    WITH DISTINCT this3
    CALL (this3) {
      MATCH (this3)<-[this4:PART_OF]-(this5:Household&Entity)
      WITH DISTINCT this5
      WITH this5 { .id, .name } AS this5
      RETURN collect(this5) AS var6
    }
    WITH this3 { .id, .name, households: var6 } AS this3
    RETURN collect(this3) AS var7
  }
  WITH this1 { .id, .name, buildings: var7 } AS this1
  RETURN collect(this1) AS var8
}
RETURN this { .id, .name, grids: var8 } AS this"""
"""@neo4j/graphql 7.6.3's statement for ``communities(where: {id: {eq: $id}}) { id name grids { id
name buildings { id name households { id name } } } }`` (no order, no limit, no scope)."""


def layers(labels: list[str]) -> list[WalkLayer]:
    return [WalkLayer("PART_OF", Direction.IN, (label,), 501, frozenset({"name"})) for label in labels]


async def captured(uri: str, community: str, grid: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """The statements the store sends for both queries (compiled, from the root), as sent."""
    store = Neo4jStore(uri)
    await store.open()
    sent: list[tuple[str, dict[str, Any]]] = []
    read = store._read

    async def recording(query: str, **params: Any) -> list[Any]:
        sent.append((query, params))
        return await read(query, **params)

    store._read = recording  # type: ignore[method-assign]
    try:
        await store.walk_compact_from(community, "Community", {"name"}, layers(["Grid", "Building", "Household"]))
        scope = Scope(root=grid)
        await store.walk_compact_from(grid, "Grid", {"name"}, layers(["Building", "Household"]), scope=scope)
    finally:
        await store.close()
    rows_params: dict[str, Any] = {"ids": [community]}
    for i, label in enumerate(["Grid", "Building", "Household"]):
        rows_params.update({f"labels{i}": [label], f"limit{i}": 501, f"props{i}": ["name"]})
    scoped_params: dict[str, Any] = {"ids": [grid]}
    for i, label in enumerate(["Building", "Household"]):
        scoped_params.update({f"labels{i}": [label], f"limit{i}": 501, f"props{i}": ["name"]})
    cond = cypher.in_scope("n", Scope(root=grid), scoped_params)
    inside = cypher.parent_inside("a", Scope(root=grid), scoped_params)
    shapes = [("PART_OF", False, True)] * 3
    return {
        "nested: compact walk from the root (now)": sent[0],
        "nested: rows, one list per node (before)": (cypher_reads.walk(shapes, rels=False), rows_params),
        "nested: @neo4j/graphql's statement": (ANCHOR, {"param0": community}),
        "scoped: compact walk from the root (now)": sent[1],
        "scoped: rows, from the grid (before; after its point read)": (
            cypher_reads.walk(shapes[:2], cond, rels=False, inside=inside),
            scoped_params,
        ),
    }


def db_hits(plan: Any) -> int:
    return int(plan["args"].get("DbHits", 0)) + sum(db_hits(c) for c in plan.get("children", []))


def decode(record: Any) -> int:
    """Touches every value of the answer as the store's decoding does (a count of values)."""
    stack, seen = [record.values()], 0
    while stack:
        for value in stack.pop():
            seen += 1
            if isinstance(value, list):
                stack.append(value)
            elif isinstance(value, dict):
                stack.append(list(value.values()))
    return seen


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    p.add_argument("--community", default="c-0902")
    p.add_argument("--grid", default="g-0902-21")
    p.add_argument("--rounds", type=int, default=30)
    args = p.parse_args()
    statements = asyncio.run(captured(args.neo4j_uri, args.community, args.grid))
    with neo4j.GraphDatabase.driver(args.neo4j_uri) as driver:
        for name, (query, params) in statements.items():
            with driver.session() as session:
                result = session.run("PROFILE " + query, params)
                values = decode(result.single(strict=True))
                profile = result.consume().profile
            print(f"{name}: {db_hits(profile):,} db hits, {values:,} values")
        figures: dict[str, dict[str, list[float]]] = {n: {"server": [], "wall": [], "cpu": []} for n in statements}
        names = list(statements)
        for i in range(args.rounds):
            for k in range(len(names)):
                name = names[(i + k) % len(names)]
                query, params = statements[name]
                wall, cpu = time.perf_counter(), time.process_time()
                records, summary, _keys = driver.execute_query(query, params, routing_=neo4j.RoutingControl.READ)
                decode(records[0])
                figures[name]["wall"].append((time.perf_counter() - wall) * 1000)
                figures[name]["cpu"].append((time.process_time() - cpu) * 1000)
                figures[name]["server"].append(float(summary.result_available_after + summary.result_consumed_after))
    print(f"{args.rounds} rounds, interleaved; p50 in ms")
    for name in names:
        f = figures[name]
        print(
            f"  {name:60} server {statistics.median(f['server']):6.1f}  wall {statistics.median(f['wall']):6.1f}  "
            f"client CPU {statistics.median(f['cpu']):5.1f}"
        )


if __name__ == "__main__":
    main()
