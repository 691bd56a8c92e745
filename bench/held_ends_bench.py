"""What the end rules held after the fact cost a write's checks (section 3.8).

Usage::

    python bench/held_ends_bench.py --sqlite ~/.cache/civicmesh/bench-vs/jiangyin-seed1.sqlite
    python bench/held_ends_bench.py --neo4j-data COPY_OF_A_NEO4J_DATA_FOLDER   # started for the run

The file is copied first; the data folder is used as given, so give a copy (the writes put
back the values the nodes have, but the server writes its own files).  On that city it times
two kinds of batch:

* a re-import of every ``PartyOrganization`` and ``Worker``, whole nodes, in batches of
  ``--batch-size`` (each such node's stored ATTACHED_TO, ASSESSES and ASSESSED_BY are read);
* ``--patches`` patches of one organization's ``level`` (to the level it has).

Both are timed as the checks alone (``_existing`` and ``validate_batch``, in a transaction
rolled back on Neo4j) and as whole writes
(which write the values the nodes already have, so every round starts from the same graph).

Each is timed with the rules (new) and without (old: ``WriteBatch.held_ids`` and
``assessment_patch_ids`` return nothing, as before), the two interleaved round by round so that
the machine's noise hits both; the embedded store in CPU time of this process
(``time.process_time``), Neo4j in wall time (the server does the work).  Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph_schema import Node, WriteBatch  # noqa: E402
from graph_schema.validation import validate_batch  # noqa: E402

CACHE = Path.home() / ".cache" / "civicmesh"


@contextlib.contextmanager
def old_rules(on: bool) -> Iterator[None]:
    """With ``on``, the batch asks for no held relationships nor stored assessments (the old checks)."""
    if not on:
        yield
        return
    saved = WriteBatch.held_ids, WriteBatch.assessment_patch_ids
    WriteBatch.held_ids = lambda self: set()  # type: ignore[method-assign]
    WriteBatch.assessment_patch_ids = lambda self: set()  # type: ignore[method-assign]
    try:
        yield
    finally:
        WriteBatch.held_ids, WriteBatch.assessment_patch_ids = saved  # type: ignore[method-assign]


def batches(nodes: list[Node], size: int, patches: int) -> dict[str, list[WriteBatch]]:
    whole = [WriteBatch(nodes[i : i + size]) for i in range(0, len(nodes), size)]
    orgs = [n for n in nodes if n.label == "PartyOrganization"][:patches]
    one = [WriteBatch([Node(n.label, n.id, {"level": n.properties["level"]})], patch=True) for n in orgs]
    return {f"re-import of {len(nodes):,} orgs and workers": whole, f"{len(one):,} one-node level patches": one}


async def interleaved(
    label: str, rounds: int, run: Callable[[], Awaitable[None]], clock: Callable[[], float], unit: str
) -> None:
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(rounds):
        for old in (True, False):
            with old_rules(old):
                t0 = clock()
                await run()
                times[old].append(clock() - t0)
    new, old = statistics.median(times[False]), statistics.median(times[True])
    print(f"  {label}: old {old * 1000:,.1f} ms, new {new * 1000:,.1f} ms ({unit}, median of {rounds})", flush=True)


async def embedded(path: Path, size: int, patches: int, rounds: int) -> None:
    from loaders.stores.embedded import EmbeddedStore

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bench.sqlite"
        shutil.copyfile(path, copy)
        store = EmbeddedStore(copy)
        await store.open()
        try:
            g = store._g
            nodes = [
                Node(a["label"], i, dict(a["p"]))
                for i, a in g._node.items()
                if a["label"] in ("PartyOrganization", "Worker")
            ]
            print(f"embedded ({path.name}): {len(nodes):,} organizations and workers", flush=True)
            for label, group in batches(nodes, size, patches).items():

                async def run(group: list[WriteBatch] = group) -> None:
                    for b in group:
                        if validate_batch(b, store._existing(b)):
                            raise SystemExit("held_ends_bench: a batch is refused")

                await interleaved(f"{label}, checks", rounds, run, time.process_time, "CPU")

                async def write(group: list[WriteBatch] = group) -> None:
                    for b in group:
                        await store.write(b)

                await interleaved(f"{label}, whole write", rounds, write, time.process_time, "CPU")
        finally:
            await store.close()


async def neo4j(data: Path, size: int, patches: int, rounds: int) -> None:
    from devtools.neo4j_local import neo4j_local
    from loaders.stores.neo4j_store import Neo4jStore

    engine = neo4j_local.ensure_engine(CACHE)
    with neo4j_local.LocalNeo4j(engine, data_dir=data, port=neo4j_local.free_port(), timeout=600) as server:
        store = Neo4jStore(server.uri)
        await store.open()
        try:
            nodes: list[Node] = []
            for label in ("PartyOrganization", "Worker"):
                page: Any = await store.list_nodes(label, first=100_000)
                nodes += page.nodes
            print(f"neo4j ({data.name}): {len(nodes):,} organizations and workers", flush=True)
            for label, group in batches(nodes, size, patches).items():

                async def run(group: list[WriteBatch] = group) -> None:
                    async with store.driver.session(database=store.database) as session:
                        for b in group:
                            tx = await session.begin_transaction()
                            try:
                                existing = await store._existing(tx, b)  # type: ignore[arg-type]
                                if validate_batch(b, existing):
                                    raise SystemExit("held_ends_bench: a batch is refused")
                            finally:
                                await tx.rollback()

                await interleaved(f"{label}, checks", rounds, run, time.perf_counter, "wall")

                async def write(group: list[WriteBatch] = group) -> None:
                    for b in group:
                        await store.write(b)

                await interleaved(f"{label}, whole write", rounds, write, time.perf_counter, "wall")
        finally:
            await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", type=Path, help="an embedded store file (copied first)")
    parser.add_argument("--neo4j-data", type=Path, help="a Neo4j data folder (a copy: it is started for the run)")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--patches", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.sqlite:
        asyncio.run(embedded(args.sqlite.expanduser(), args.batch_size, args.patches, args.rounds))
    if args.neo4j_data:
        asyncio.run(neo4j(args.neo4j_data.expanduser(), args.batch_size, args.patches, args.rounds))


if __name__ == "__main__":
    main()
