"""Projection benchmark: ``Neo4jStore.project()`` of a whole city, in CPU time of both sides.

The machine this runs on is usually loaded, so wall time says little; this prints, per run,
the Python process's CPU time (``time.process_time``), the Neo4j JVM's CPU time (user + system
from ``/proc/<pid>/stat``: give ``--pid``, or let the bench start the server itself) and the
wall time, the graph's size, and how the service would have seen the store meanwhile: the
longest stall of the event loop (a task sleeping 50 ms at a time, measured by how late it
woke) and the slowest of the pings sent every second during the projection (what the
service's store watch does).

    python bench/projection_bench.py --data-dir COPY_OF_A_NEO4J_HOME          # starts a Neo4j on it
    python bench/projection_bench.py --uri bolt://127.0.0.1:7687 --pid 1234   # a running one
    python bench/projection_bench.py ... --runs 3 --fetch-size 5000

The projection only reads, but the server writes its own files: point ``--data-dir`` at a
copy (``cp -a``) of a kept data folder.  For a before/after figure run the same command with
``PYTHONPATH`` at the two checkouts, taking turns.  Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loaders.stores.neo4j_store import Neo4jStore


def jvm_cpu(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` (0.0 without one)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100


async def _watch(store: Neo4jStore, stalls: list[float], pings: list[float], stop: asyncio.Event) -> None:
    """Measure the loop's stalls and the pings' latency until ``stop`` is set."""
    next_ping = time.monotonic() + 1.0
    while not stop.is_set():
        before = time.monotonic()
        await asyncio.sleep(0.05)
        stalls.append(time.monotonic() - before - 0.05)
        if time.monotonic() >= next_ping:
            started = time.monotonic()
            try:
                await asyncio.wait_for(store.ping(), 30)
            except Exception:  # a failed ping is a figure too
                pings.append(float("inf"))
            else:
                pings.append(time.monotonic() - started)
            next_ping = time.monotonic() + 1.0


async def run(uri: str, pid: int | None, runs: int, fetch_size: int) -> None:
    store = Neo4jStore(uri, fetch_size=fetch_size)
    await store.open()
    try:
        for i in range(runs):
            stalls: list[float] = []
            pings: list[float] = []
            stop = asyncio.Event()
            watch = asyncio.create_task(_watch(store, stalls, pings, stop))
            wall, cpu, jvm = time.monotonic(), time.process_time(), jvm_cpu(pid)
            graph = await store.project()
            wall, cpu, jvm = time.monotonic() - wall, time.process_time() - cpu, jvm_cpu(pid) - jvm
            stop.set()
            await watch
            print(
                f"run {i + 1}: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} relationships; "
                f"python cpu {cpu:.1f} s, neo4j cpu {jvm:.1f} s, wall {wall:.1f} s; "
                f"longest loop stall {max(stalls, default=0):.2f} s, slowest ping {max(pings, default=0):.2f} s "
                f"({len(pings)} pings)",
                flush=True,
            )
            del graph
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", help="a running Neo4j (else one is started on --data-dir)")
    parser.add_argument("--pid", type=int, help="the running Neo4j's JVM process id, for its CPU time")
    parser.add_argument("--data-dir", type=Path, help="a Neo4j home to start a server on (a copy: it is written)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--fetch-size", type=int, default=5000)
    args = parser.parse_args()
    if args.uri:
        asyncio.run(run(args.uri, args.pid, args.runs, args.fetch_size))
        return
    if args.data_dir is None:
        parser.error("give --uri (and --pid) or --data-dir")
    from devtools.neo4j_local.engine import default_cache_dir, ensure_engine
    from devtools.neo4j_local.neo4j_local import LocalNeo4j, free_port

    engine = ensure_engine(default_cache_dir())
    with LocalNeo4j(engine, data_dir=args.data_dir, port=free_port(), timeout=600) as neo:
        asyncio.run(run(neo.uri, neo.pid, args.runs, args.fetch_size))


if __name__ == "__main__":
    main()
