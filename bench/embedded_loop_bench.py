"""What the embedded store's writes and name searches cost the event loop (issue 14, the loop watch's rows).

Opens a **copy** of an embedded store file (``--store``, default the kept jiangyin city) and
prints, in CPU time of this process (``time.process_time``, all threads; the machine is
usually shared, so wall time says little):

* the store's open (and the resident memory after it, from ``/proc/self/status``);
* a write (a street renamed, a patch) with the kept projection, per write: what the loop
  pays for each write;
* the projection asked for after ``--writes`` writes: what following them costs, once;
* name searches (``search(text, first 20)`` over every label) and ``nameContains`` listings
  (the first 50 households by id) for a few texts: the best of ``--rounds`` rounds, in
  milliseconds of wall time on the loop, and the number of hits.

For a before/after figure run it with ``PYTHONPATH`` at the two checkouts, taking turns.
Figures are printed, never asserted.

    python bench/embedded_loop_bench.py
    python bench/embedded_loop_bench.py --store PATH.sqlite --writes 30 --rounds 7
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph_schema import Node, WriteBatch
from loaders.store import NodeFilter
from loaders.stores.embedded import EmbeddedStore

TEXTS = ("花园", "社区", "江阴", "zz")


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(path: Path, writes: int, rounds: int) -> None:
    store = EmbeddedStore(path)
    started = time.process_time()
    await store.open()
    print(f"open: {time.process_time() - started:.2f} s CPU, resident {rss_mib():,.0f} MiB")
    await store.project()
    streets = (await store.list_nodes("Street", first=5)).nodes
    step = 0

    async def rename() -> None:
        nonlocal step
        street = streets[step % len(streets)]
        step += 1
        await store.write(
            WriteBatch([Node("Street", street.id, {"name": f"{street.properties['name']}·{step}"})], patch=True)
        )

    for _ in range(3):
        await rename()
    await store.project()
    for _ in range(3):
        started = time.process_time()
        for _ in range(writes):
            await rename()
        per_write = (time.process_time() - started) / writes
        started = time.process_time()
        await store.project()
        fold = time.process_time() - started
        print(
            f"{writes} writes: {per_write * 1000:.2f} ms CPU each; the projection after them: {fold * 1000:.1f} ms CPU"
        )
    for text in TEXTS:
        best_search = best_list = float("inf")
        for _ in range(rounds):
            t = time.perf_counter()
            hits = await store.search(text, limit=20)
            best_search = min(best_search, time.perf_counter() - t)
            t = time.perf_counter()
            page = await store.list_nodes("Household", first=50, filter=NodeFilter(name_contains=text))
            best_list = min(best_list, time.perf_counter() - t)
        total = await store.count_nodes("Household", filter=NodeFilter(name_contains=text))
        print(
            f"text {text!r}: search {best_search * 1000:.1f} ms ({len(hits)} answers); "
            f"households nameContains first 50 {best_list * 1000:.1f} ms ({len(page.nodes)} of {total})"
        )
    await store.close()


def main() -> None:
    cache = Path(os.environ.get("CIVICMESH_CACHE", Path.home() / ".cache" / "civicmesh"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--store", type=Path, default=cache / "bench-vs" / "jiangyin-seed1.sqlite")
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.sqlite"
        shutil.copyfile(args.store, copy)  # the bench writes: never to the kept file
        asyncio.run(run(copy, args.writes, args.rounds))


if __name__ == "__main__":
    main()
