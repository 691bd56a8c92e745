"""What an analysis costs the event loop on a worker thread and in a forked child, and what the
child costs in memory.

On one store's projection (the ``jiangyin`` city of ``bench/load_bench.py``'s cache, or
``--store``), with the session's index built, runs ``structure`` and ``brokerage(k)`` (the
figures of the API) a few times each way while a ticker on the event loop sleeps 5 ms at a time,
and prints per way: the analysis's wall time, the loop's lag (how late the ticker woke: its p50,
p99 and max — what a light request would wait), the fork's own time, and the child's private
memory (the pages it wrote: ``Private_Dirty`` of ``/proc/self/smaps_rollup`` as it ends) beside
the parent's resident size.

``--session`` measures instead where the analytics session's index and linkage are built (once
per data version in the service), interleaved round by round: on a worker thread (the switch
interval at its default 5 ms, and at 1 ms: ``sys.setswitchinterval`` bounds how long the loop
thread waits for the interpreter lock), and in a fork server (:mod:`resolvers.forkserver`: the
service only forks it).  Per way: the loop's lag while the build runs, its wall time, the
fork's own pause, and the service process's CPU time spent (``time.process_time``); and the
pause of forking one analysis from the service against submitting it to the fork server, and
the server's private memory once it built the session.
Figures are printed, never asserted.

    python bench/offload_bench.py                       # the load bench's jiangyin file
    python bench/offload_bench.py --store /path/to/file.sqlite --repeat 5
    python bench/offload_bench.py --session             # where the session is built
"""

from __future__ import annotations

import argparse
import asyncio
import functools
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
from resolvers import forkserver, offload  # noqa: E402

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


def _build(session: A.AnalyticsSession) -> None:
    session.build("index", "linkage").index.ensure()


def _built(session: A.AnalyticsSession) -> dict[str, Any]:
    _build(session)
    return {"graph": session.graph, "session": session}


def _lag_figures(lags: list[float]) -> dict[str, float]:
    lags.sort()
    return {
        "lag_p50_ms": 1000 * lags[len(lags) // 2],
        "lag_p99_ms": 1000 * lags[min(len(lags) - 1, int(len(lags) * 0.99))],
        "lag_max_ms": 1000 * lags[-1],
    }


def _structure(graph: Any, index: Any) -> dict[str, Any]:
    return {"figures": len(str(A.structure(graph, None, index=index).to_dict()))}


async def _session_way(graph: Any, way: str) -> dict[str, float]:
    """The loop's lag while a new session's index and linkage are built ``way``; then one
    analysis started the way the service would (forked from it, or from the server)."""
    session = A.AnalyticsSession(graph)
    lags: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.ensure_future(_ticker(lags, stop))
    await asyncio.sleep(0.05)
    cpu0, t0 = time.process_time(), time.perf_counter()
    fork_s = start_s = 0.0
    server_kib = 0
    if way.startswith("thread"):
        before = sys.getswitchinterval()
        sys.setswitchinterval(0.001 if way == "thread 1ms" else 0.005)
        try:
            await asyncio.to_thread(_build, session)
        finally:
            sys.setswitchinterval(before)
        t1 = time.perf_counter()
        child = offload.Child(lambda: _structure(session.graph, session.index))
        start_s = time.perf_counter() - t1
        await child.result()
    else:
        server = forkserver.ForkServer(lambda: _built(session))
        fork_s = time.perf_counter() - t0
        deferred = forkserver.Deferred(session, "session", "index")
        payload, refs = forkserver.dumps(
            functools.partial(_structure, forkserver.Ref("graph"), deferred), {"graph": session.graph}
        )
        t1 = time.perf_counter()
        answer = server.submit(payload, refs)
        start_s = time.perf_counter() - t1
        await answer.result()  # after the server's build
        server_kib = _kib("Private_Dirty", f"/proc/{server.pid}/smaps_rollup")
        server.close()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    stop.set()
    await ticker
    return {
        "wall_s": wall,
        **_lag_figures(lags),
        "fork_ms": 1000 * fork_s,
        "start_ms": 1000 * start_s,
        "cpu_s": cpu,
        "server_mib": server_kib / 1024,
    }


async def session_async(args: argparse.Namespace) -> None:
    store = EmbeddedStore(args.store)
    await store.open()
    try:
        graph = await store.project()
        print(
            f"projection: {graph.number_of_nodes():,} nodes; "
            f"resident {_kib('VmRSS', '/proc/self/status') / 1024:,.0f} MiB"
        )
        ways = ("thread", "thread 1ms", "forkserver")
        rows: dict[str, list[dict[str, float]]] = {way: [] for way in ways}
        for _ in range(args.repeat):  # interleaved: the machine's noise hits every way alike
            for way in ways:
                rows[way].append(await _session_way(graph, way))
        print(
            f"{'session built':<14} {'wall s':>7} {'lag p50 ms':>10} {'lag p99 ms':>10} {'lag max ms':>10} "
            f"{'fork ms':>8} {'cpu s':>6} {'analysis start ms':>17} {'server MiB':>10}"
        )
        for way in ways:
            med = {key: statistics.median(r[key] for r in rows[way]) for key in rows[way][0]}
            print(
                f"{way:<14} {med['wall_s']:>7.2f} {med['lag_p50_ms']:>10.1f} {med['lag_p99_ms']:>10.1f} "
                f"{med['lag_max_ms']:>10.1f} {med['fork_ms']:>8.1f} {med['cpu_s']:>6.2f} {med['start_ms']:>17.1f} "
                f"{med['server_mib']:>10.0f}"
            )
    finally:
        await store.close()


async def main_async(args: argparse.Namespace) -> None:
    if args.session:
        await session_async(args)
        return
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
    p.add_argument("--session", action="store_true", help="where the session is built: threads or a fork server")
    args = p.parse_args(argv)
    if not Path(args.store).exists():
        print(f"offload_bench: no store at {args.store} (run bench/load_bench.py once, or give --store)")
        return 2
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
