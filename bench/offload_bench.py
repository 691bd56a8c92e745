"""What an analysis costs the event loop on a worker thread and in a forked child, and what the
child costs in memory.

On one store's projection (the ``jiangyin`` city of ``bench/load_bench.py``'s cache, or
``--store``), with the session's index built, runs ``structure`` and ``brokerage(k)`` (the
figures of the API) a few times each way while a ticker on the event loop sleeps 5 ms at a time,
and prints per way: the analysis's wall time, the loop's lag (how late the ticker woke: its p50,
p99 and max — what a light request would wait), the fork's own time, and the child's private
memory (the pages it wrote: ``Private_Dirty`` of ``/proc/self/smaps_rollup`` as it ends) beside
the parent's resident size.  Figures are printed, never asserted.

    python bench/offload_bench.py                       # the load bench's jiangyin file
    python bench/offload_bench.py --store /path/to/file.sqlite --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import analytics as A  # noqa: E402
from loaders.stores.embedded import EmbeddedStore  # noqa: E402
from resolvers import offload  # noqa: E402

CACHE = Path(os.environ.get("CIVICMESH_CACHE") or ROOT / ".cache")


def _kib(field: str, path: str) -> int:
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _work(session: A.AnalyticsSession, which: str, k: int) -> dict[str, Any]:
    if which == "structure":
        figures = A.structure(session.graph, None, index=session.index).to_dict()
    else:
        figures = A.brokerage(session.graph, None, k=k, seed=1).to_dict()
    return {"figures": len(str(figures)), "private_kib": _kib("Private_Dirty", "/proc/self/smaps_rollup")}


async def _ticker(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(0.005)
        lags.append(time.perf_counter() - t0 - 0.005)


async def _measure(session: A.AnalyticsSession, which: str, k: int, way: str) -> dict[str, float]:
    lags: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.ensure_future(_ticker(lags, stop))
    await asyncio.sleep(0.05)
    t0 = time.perf_counter()
    fork_s = 0.0
    if way == "thread":
        out = await asyncio.to_thread(_work, session, which, k)
    else:
        forked: list[float] = []

        def started(child: offload.Child) -> None:
            forked.append(time.perf_counter() - t1)

        t1 = time.perf_counter()
        out = await offload.run_forked(lambda: _work(session, which, k), started)
        fork_s = forked[0]
    wall = time.perf_counter() - t0
    stop.set()
    await ticker
    lags.sort()
    return {
        "wall_s": wall,
        "lag_p50_ms": 1000 * lags[len(lags) // 2],
        "lag_p99_ms": 1000 * lags[min(len(lags) - 1, int(len(lags) * 0.99))],
        "lag_max_ms": 1000 * lags[-1],
        "fork_ms": 1000 * fork_s,
        "child_private_mib": out["private_kib"] / 1024 if way == "fork" else 0.0,
    }


async def main_async(args: argparse.Namespace) -> None:
    store = EmbeddedStore(args.store)
    await store.open()
    try:
        t0 = time.perf_counter()
        graph = await store.project()
        session = A.AnalyticsSession(graph)
        session.build("index", "linkage")
        print(
            f"projection and session: {graph.number_of_nodes():,} nodes, {time.perf_counter() - t0:.1f} s; "
            f"parent resident {_kib('VmRSS', '/proc/self/status') / 1024:,.0f} MiB"
        )
        offload.configure(2)
        print(
            f"{'analysis':<16} {'way':<6} {'wall s':>7} {'lag p50 ms':>10} {'lag p99 ms':>10} {'lag max ms':>10} "
            f"{'fork ms':>8} {'child MiB':>9}"
        )
        for which in ("structure", "brokerage"):
            for way in ("thread", "fork"):
                rows = [await _measure(session, which, args.k, way) for _ in range(args.repeat)]
                med = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
                name = which if which == "structure" else f"brokerage k={args.k}"
                print(
                    f"{name:<16} {way:<6} {med['wall_s']:>7.2f} {med['lag_p50_ms']:>10.1f} {med['lag_p99_ms']:>10.1f} "
                    f"{med['lag_max_ms']:>10.1f} {med['fork_ms']:>8.1f} {med['child_private_mib']:>9.0f}"
                )
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--store", default=str(CACHE / "bench-load" / "jiangyin.sqlite"), help="an embedded store file")
    p.add_argument("--repeat", type=int, default=3, help="runs per analysis and way (the median is printed)")
    p.add_argument("--k", type=int, default=256, help="brokerage's sample size")
    args = p.parse_args(argv)
    if not Path(args.store).exists():
        print(f"offload_bench: no store at {args.store} (run bench/load_bench.py once, or give --store)")
        return 2
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
