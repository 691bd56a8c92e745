"""Import benchmark: generate a synthetic city, then import it into each store.

Usage::

    python bench/import_bench.py                       # jiangyin into both stores, jiangyin-city into embedded
    python bench/import_bench.py --store embedded      # embedded only
    python bench/import_bench.py --store neo4j --neo4j-uri bolt://127.0.0.1:7687

The city is generated once per preset (``civicmesh generate``, timed) into a CSV folder in
the bulk format; every import then runs in its own child process (``civicmesh import``'s
code path: read, check, write in batches), so that each store's peak memory
(``ru_maxrss``, from ``os.wait4``) is its own.  Without ``--neo4j-uri`` a Neo4j server is
started for the run (``devtools/neo4j_local``); with it, that database is CLEARED.

Figures are printed, never asserted.  Targets: jiangyin into embedded <= 30 s, into Neo4j
<= 120 s, each < 2 GB peak RSS; jiangyin-city into embedded <= 90 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = {
    ("jiangyin", "embedded"): 30.0,
    ("jiangyin", "neo4j"): 120.0,
    ("jiangyin-city", "embedded"): 90.0,
    ("jiangyin-city", "neo4j"): None,
}


def _neo4j_local() -> Any:
    from devtools.neo4j_local import neo4j_local

    return neo4j_local


# --- the child: one import into one store ----------------------------------------------------


def child(args: argparse.Namespace) -> int:
    """Import ``args.source`` into a fresh store and print the timings as JSON."""
    import gc

    from loaders.formats.batches import write_plan
    from loaders.formats.checking import check
    from loaders.formats.reading import read_path
    from loaders.store import GraphStore

    async def main() -> dict[str, Any]:
        store: GraphStore
        if args.store == "embedded":
            from loaders.stores.embedded import EmbeddedStore

            store = EmbeddedStore(args.file)
        else:
            from loaders.stores.neo4j_store import Neo4jStore

            store = Neo4jStore(args.neo4j_uri)
        figures: dict[str, Any] = {}
        gc.disable()  # as `civicmesh import` does
        c0 = time.process_time()
        t0 = time.perf_counter()
        await store.open()
        if args.store == "neo4j":
            await store.clear()
        t1 = time.perf_counter()
        parsed = read_path(Path(args.source))
        t2 = time.perf_counter()
        plan = await check(parsed, store)
        del parsed
        t3 = time.perf_counter()
        figures["problems"] = len(plan.problems)
        figures["nodes"], figures["relationships"] = len(plan.nodes), len(plan.relationships)
        if plan.problems:
            figures["first_problems"] = [str(p) for p in plan.problems[:5]]
            return figures
        await write_plan(store, plan, batch_size=args.batch_size)
        t4 = time.perf_counter()
        figures.update(open=t1 - t0, read=t2 - t1, check=t3 - t2, write=t4 - t3, total=t4 - t1)
        figures["cpu"] = time.process_time() - c0
        if args.again:
            parsed = read_path(Path(args.source))
            plan = await check(parsed, store)
            del parsed
            await write_plan(store, plan, batch_size=args.batch_size)
            figures["again"] = time.perf_counter() - t4
        await store.close()
        return figures

    figures = asyncio.run(main())
    figures["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(figures))
    return 0


def reopen_child(args: argparse.Namespace) -> int:
    """Open the embedded file an import left (loading the whole graph) and print the time as JSON."""
    from loaders.stores.embedded import EmbeddedStore

    async def main() -> float:
        store = EmbeddedStore(args.file)
        started = time.perf_counter()
        await store.open()
        seconds = time.perf_counter() - started
        await store.close()
        return seconds

    seconds = asyncio.run(main())
    print(json.dumps({"reopen": seconds, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    return 0


def _spawn(argv: list[str]) -> tuple[dict[str, Any], float, float]:
    """Run a child; its JSON figures, wall seconds and peak RSS (MiB, from ``wait4``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env, cwd=ROOT)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[2:4])} failed (exit {proc.returncode})")
    return json.loads(out.decode().strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024


def run_child(store: str, source: Path, work: Path, args: argparse.Namespace, uri: str | None) -> dict[str, Any]:
    """Run one import in a child process; its own figures plus its peak RSS from ``wait4``."""
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "_child",
        "--store",
        store,
        "--source",
        str(source),
        "--file",
        str(work / f"{store}-{source.name}.sqlite"),
        "--batch-size",
        str(args.batch_size),
    ]
    if uri:
        argv += ["--neo4j-uri", uri]
    if args.again:
        argv.append("--again")
    figures, wall, peak = _spawn(argv)
    figures["process_wall"] = wall
    figures["peak_rss_mib"] = peak
    if store == "embedded" and not figures.get("problems"):
        again, _, reopen_peak = _spawn(
            [sys.executable, str(Path(__file__).resolve()), "_reopen", "--file", argv[argv.index("--file") + 1]]
        )
        figures["reopen"] = again["reopen"]
        figures["reopen_peak_mib"] = reopen_peak
    return figures


def generate(preset: str, out: Path) -> tuple[float, float]:
    """``civicmesh generate`` into a CSV folder; (seconds, peak RSS MiB of that process)."""
    argv = [sys.executable, "-m", "service.cli", "generate", "--preset", preset, "--out", str(out), "--no-progress"]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"civicmesh generate --preset {preset} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def report(preset: str, store: str, f: dict[str, Any]) -> None:
    if f.get("problems"):
        print(f"  {preset:<14} {store:<9} {f['problems']} problems: {f.get('first_problems')}")
        return
    entities = f["nodes"] + f["relationships"]
    target = TARGETS.get((preset, store))
    verdict = ""
    if target is not None:
        verdict = f" (target <= {target:.0f} s: {'met' if f['total'] <= target else 'MISSED'})"
    print(
        f"  {preset:<14} {store:<9} {f['nodes']:>9,} nodes {f['relationships']:>10,} rels | "
        f"read {f['read']:5.1f} s  check {f['check']:5.1f} s  write {f['write']:6.1f} s  "
        f"import {f['total']:6.1f} s{verdict} | {entities / f['total']:>8,.0f} entities/s | "
        f"peak RSS {f['peak_rss_mib']:,.0f} MiB" + (" (< 2 GB)" if f["peak_rss_mib"] < 2048 else " (>= 2 GB!)")
    )
    extra = []
    if "open" in f:
        extra.append(f"store open {f['open']:.1f} s")
    if "again" in f:
        extra.append(f"re-import of the same data {f['again']:.1f} s")
    if "reopen" in f:
        extra.append(f"reopening the file {f['reopen']:.1f} s (peak RSS {f['reopen_peak_mib']:,.0f} MiB)")
    extra.append(f"CPU time of the importing process {f['cpu']:.1f} s")
    extra.append(f"child process wall {f['process_wall']:.1f} s")
    print("  " + " " * 25 + "; ".join(extra))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode")
    c = sub.add_parser("_child")
    c.add_argument("--store", choices=("embedded", "neo4j"), required=True)
    c.add_argument("--source", required=True)
    c.add_argument("--file", required=True)
    c.add_argument("--neo4j-uri")
    c.add_argument("--batch-size", type=int, default=10_000)
    c.add_argument("--again", action="store_true")
    r = sub.add_parser("_reopen")
    r.add_argument("--file", required=True)
    parser.add_argument("--store", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--neo4j-uri", help="an existing server (its database is cleared); default: start one")
    parser.add_argument("--batch-size", type=int, default=10_000, help="records per write batch (default 10,000)")
    parser.add_argument("--no-city", action="store_true", help="skip jiangyin-city (embedded)")
    parser.add_argument("--again", action="store_true", help="also time a second import of the same data")
    parser.add_argument("--keep", type=Path, help="keep the generated CSV folders and store files here")
    args = parser.parse_args(argv)
    if args.mode == "_child":
        return child(args)
    if args.mode == "_reopen":
        return reopen_child(args)

    work = args.keep or Path(tempfile.mkdtemp(prefix="civicmesh-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    stores = ["embedded", "neo4j"] if args.store == "both" else [args.store]
    server = None
    uri = args.neo4j_uri
    try:
        if "neo4j" in stores and uri is None:
            local = _neo4j_local()
            cache = Path(os.environ.get("CIVICMESH_CACHE") or ROOT / ".cache")
            print("starting a local Neo4j ...", flush=True)
            server = local.start(cache)
            uri = server.uri
        runs = [("jiangyin", s) for s in stores]
        if "embedded" in stores and not args.no_city:
            runs.append(("jiangyin-city", "embedded"))
        print(f"civicmesh import bench: batch size {args.batch_size:,}, {os.cpu_count()} CPUs, work dir {work}")
        generated: dict[str, Path] = {}
        for preset, store in runs:
            if preset not in generated:
                folder = work / preset
                seconds, rss = generate(preset, folder)
                size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
                print(f"  generated {preset} as CSV ({size:,.0f} MiB) in {seconds:.1f} s, peak RSS {rss:,.0f} MiB")
                generated[preset] = folder
            report(preset, store, run_child(store, generated[preset], work, args, uri))
    finally:
        if server is not None:
            server.stop()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
