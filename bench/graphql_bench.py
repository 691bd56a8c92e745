"""GraphQL benchmark: a nested area query and a small node(id) query under load.

Generates a synthetic city (``loaders.synthetic.generate``, the ``jiangyin`` preset unless
``--preset`` says otherwise), loads it into the chosen store, then prints:

* p50/p95 latency of ``community -> grids -> buildings -> households`` for one community
  (in-process ASGI, so HTTP parsing and JSON are included, the network is not), and the
  number of store round trips of that query;
* p50/p95 latency of the overdue appeal queue of the community with the most overdue appeals,
  and of its busiest grid (``appeals(filter: {within, overdue:
  true}, orderBy: DUE)``, first 50 with their handlers), over ASGI like the nested query; a city
  without appeals (a generator that makes none) gets a year of stand-in appeals first, about one
  per eight households, a fifth of the open ones overdue;
* requests/s and p99 of a small ``node(id)`` query at concurrency 32, against a real
  uvicorn on 127.0.0.1 (a child process; ``--in-process`` measures over ASGI instead).

Each figure is printed twice: unscoped (an ADMIN token) and as a GRID_WORKER token bound to
the community's biggest grid, whose reads the store filters by scope.  The nested query is
also run from that grid (the same data for both tokens), and node(id) asks for the grid's
households (the same answers for both).

Figures are printed, never asserted.  Targets: round trips <= depth + 1; nested p50 <= 250 ms
(embedded), <= 400 ms (Neo4j); appeal queue p50 <= 100 ms (both); small query >= 500 req/s;
scoped within 1.2x of the unscoped latency and at least 90% of its requests/s.

    python bench/graphql_bench.py --store embedded
    python bench/graphql_bench.py --store neo4j --neo4j-uri bolt://127.0.0.1:7687
    python bench/graphql_bench.py --preset demo        # the small demo city, quick
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from graph_schema import Node, Relationship, to_global_id  # noqa: E402
from loaders import synthetic  # noqa: E402
from loaders.batch import CountingStore  # noqa: E402
from loaders.formats.batches import write_batches  # noqa: E402
from loaders.store import Direction, GraphStore  # noqa: E402

NESTED = """
query Community($id: ID!) {
  node(id: $id) {
    ... on Community {
      name
      grids(first: 100) {
        nodes {
          id name
          buildings(first: 100) {
            nodes {
              id name
              households(first: 100) { nodes { id name size } }
            }
          }
        }
      }
    }
  }
}
"""
NESTED_DEPTH = 3
"""Relationship hops of NESTED: grids, buildings, households."""

NESTED_GRID = """
query Grid($id: ID!) {
  node(id: $id) {
    ... on Grid {
      name
      buildings(first: 100) {
        nodes { id name households(first: 100) { nodes { id name size } } }
      }
    }
  }
}
"""
"""The part of NESTED one grid worker sees in full: the same data scoped or not."""

SMALL = "query One($id: ID!) { node(id: $id) { id ... on Household { name size } } }"

QUEUE = """
query Queue($id: ID!, $asOf: Date) {
  appeals(first: 50, filter: {within: $id, overdue: true, asOf: $asOf}, orderBy: {field: DUE}) {
    totalCount
    nodes { id title category status due reportedOn assignedTo { since handler { id } } }
  }
}
"""
QUEUE_AS_OF = "2026-01-01"
"""The queue's as-of day for stand-in appeals; a generated city's appeals are read as of the
generator's reference day (:data:`loaders.synthetic.REFERENCE_DATE`), where its open ones are."""
TOKENS = {"admin": "ADMIN", "grid": "GRID_WORKER"}
"""Bench tokens: the unscoped figures run as an ADMIN token, the scoped ones as a GRID_WORKER
token bound to a grid of the community (so both pass through the same token check)."""


# --- the graph ------------------------------------------------------------------------
def graph(preset: str) -> tuple[list[Node], list[Relationship]]:
    started = time.perf_counter()
    city = synthetic.generate(preset, seed=0)
    print(
        f"generated {preset!r}: {len(city.nodes):,} nodes, {len(city.relationships):,} relationships "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return list(city.nodes), list(city.relationships)


async def load(store: GraphStore, nodes: Sequence[Node], rels: Sequence[Relationship], chunk: int = 20_000) -> None:
    started = time.perf_counter()
    for batch in write_batches(nodes, rels, chunk):  # an appeal's ASSIGNED_TO travels with it
        await store.write(batch)
    print(f"loaded into the {store.name} store in {time.perf_counter() - started:.1f} s")


async def pick_community(store: GraphStore, nodes: Sequence[Node], want_grids: int = 12) -> str:
    """The community whose grid count is closest to ``want_grids`` (ties: the larger one)."""
    ids = [n.id for n in nodes if n.label == "Community"]
    counts = await store.count_neighbours(ids, "PART_OF", Direction.IN)
    best = min(zip(ids, counts, strict=True), key=lambda p: (abs(p[1] - want_grids), -p[1]))
    return best[0]


def stand_in_appeals(nodes: Sequence[Node], per: int = 8) -> tuple[list[Node], list[Relationship]]:
    """A year of appeals before ``QUEUE_AS_OF`` for a city whose generator made none: one per
    ``per`` households (concerning it), each status by turns, handled by a party organization;
    the open ones are due 3 to 30 days after their report, so about a fifth are overdue."""
    import datetime as dt

    orgs = [n.id for n in nodes if n.label == "PartyOrganization"]
    households = [n.id for n in nodes if n.label == "Household"][::per]
    start = dt.date.fromisoformat(QUEUE_AS_OF) - dt.timedelta(days=365)
    statuses = ["CLOSED", "CLOSED", "RESOLVED", "ASSIGNED", "ACCEPTED", "REPORTED", "CLOSED", "REJECTED"]
    out_nodes: list[Node] = []
    rels: list[Relationship] = []
    for i, household in enumerate(households):
        reported = start + dt.timedelta(days=(i * 37) % 365)
        status = statuses[i % len(statuses)]
        due = reported + dt.timedelta(days=3 + (i * 7) % 28)
        props: dict[str, Any] = {
            "title": f"诉求 {i}",
            "category": ["SANITATION", "FACILITIES", "PARKING", "HOUSING_SAFETY"][i % 4],
            "source": "HOTLINE",
            "status": status,
            "reported_on": reported.isoformat(),
            "due": due.isoformat(),
        }
        if status != "REPORTED":
            props["accepted_on" if status != "REJECTED" else "rejected_on"] = reported.isoformat()
        if status == "REJECTED":
            props["rejection_reason"] = "不属于受理范围"
        if status in ("RESOLVED", "CLOSED"):
            props["resolved_on"] = min(due, dt.date.fromisoformat(QUEUE_AS_OF)).isoformat()
        if status == "CLOSED":
            props["closed_on"] = props["resolved_on"]
        appeal_id = f"ap-bench-{i:06d}"
        out_nodes.append(Node("Appeal", appeal_id, props))
        rels.append(Relationship("CONCERNS", appeal_id, household))
        if status in ("ASSIGNED", "RESOLVED", "CLOSED"):
            rels.append(Relationship("ASSIGNED_TO", appeal_id, orgs[i % len(orgs)], {"since": reported.isoformat()}))
    return out_nodes, rels


# --- measurements ---------------------------------------------------------------------
def busiest_queue(nodes: Sequence[Node], rels: Sequence[Relationship]) -> tuple[str, str]:
    """The community with the most overdue open appeals as of ``QUEUE_AS_OF``, and its grid with
    the most: the queues a dashboard of that community, and of its busiest grid worker, shows."""
    from collections import Counter

    from graph_schema.appeals import OPEN_STATUSES

    open_values = {s.value for s in OPEN_STATUSES}
    overdue = {
        n.id
        for n in nodes
        if n.label == "Appeal"
        and n.properties.get("status") in open_values
        and str(n.properties.get("due", "9")) < QUEUE_AS_OF
    }
    parent = {r.start: r.end for r in rels if r.type == "PART_OF"}
    label = {n.id: n.label for n in nodes if n.label in ("Community", "Grid")}
    communities: Counter[str] = Counter()
    grids: Counter[str] = Counter()
    for r in rels:
        if r.type == "CONCERNS" and r.start in overdue:
            at: str | None = r.end
            while at is not None:
                if label.get(at) == "Grid":
                    grids[at] += 1
                if label.get(at) == "Community":
                    communities[at] += 1
                    break
                at = parent.get(at)
    community = communities.most_common(1)[0][0]
    grid = max((g for g in grids if parent.get(g) == community), key=lambda g: grids[g])
    return community, grid


def biggest_grid(rels: Sequence[Relationship], community: str) -> str:
    """The grid of ``community`` with the most households (the bench's GRID_WORKER scope)."""
    parent = {r.start: r.end for r in rels if r.type == "PART_OF"}
    grids = [child for child, p in parent.items() if p == community]
    counts = {g: 0 for g in grids}
    for child, p in parent.items():
        grid = parent.get(p)
        if grid in counts and child not in counts:
            counts[grid] += 1
    return max(sorted(counts), key=lambda g: counts[g])


def households_of(rels: Sequence[Relationship], grid: str) -> list[str]:
    parent = {r.start: r.end for r in rels if r.type == "PART_OF"}
    buildings = {child for child, p in parent.items() if p == grid}
    return sorted(child for child, p in parent.items() if p in buildings)


def write_access_file(folder: Path, grid: str) -> str:
    """An access file granting the bench's two tokens (see TOKENS)."""
    entries = []
    for token, role in TOKENS.items():
        entry: dict[str, Any] = {"sha256": hashlib.sha256(token.encode()).hexdigest(), "name": token, "role": role}
        if role != "ADMIN":
            entry["scope"] = grid
        entries.append(entry)
    path = folder / "access.json"
    path.write_text(json.dumps({"tokens": entries}), encoding="utf-8")
    return str(path)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def nested_figures(
    app: Any, counting: CountingStore, area: str, runs: int, token: str = "admin", label: str = "Community"
) -> None:
    variables = {"id": to_global_id(label, area)}
    query = NESTED if label == "Community" else NESTED_GRID
    headers = {"authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
        counting.reset()
        first = await client.post("/graphql", json={"query": query, "variables": variables})
        body = first.json()
        if first.status_code != 200 or body.get("errors"):
            raise SystemExit(f"nested query failed: {first.status_code} {first.text[:500]}")
        trips = dict(counting.calls)
        node = body["data"]["node"]
        grids = node["grids"]["nodes"] if label == "Community" else [node]
        buildings = sum(len(g["buildings"]["nodes"]) for g in grids)
        households = sum(len(b["households"]["nodes"]) for g in grids for b in g["buildings"]["nodes"])
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            r = await client.post("/graphql", json={"query": query, "variables": variables})
            times.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200
    who = "unscoped (ADMIN token)" if token == "admin" else "as a GRID_WORKER token"
    print(
        f"nested query from {label.lower()} {area}, {who}: {len(grids)} grids, {buildings} buildings, "
        f"{households} households"
    )
    print(
        f"  round trips: {sum(trips.values())} ({', '.join(f'{k} {v}' for k, v in sorted(trips.items()))}); "
        f"depth {NESTED_DEPTH}, target <= {NESTED_DEPTH + 1}"
    )
    print(
        f"  latency over {runs} runs: p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
        f"mean {statistics.fmean(times):.1f} ms, slowest {max(times):.1f} ms"
    )


async def queue_figures(app: Any, area: str, runs: int, token: str = "admin", label: str = "Community") -> None:
    variables = {"id": to_global_id(label, area), "asOf": QUEUE_AS_OF}
    headers = {"authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
        first = await client.post("/graphql", json={"query": QUEUE, "variables": variables})
        body = first.json()
        if first.status_code != 200 or body.get("errors"):
            raise SystemExit(f"queue query failed: {first.status_code} {first.text[:500]}")
        queue = body["data"]["appeals"]
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            r = await client.post("/graphql", json={"query": QUEUE, "variables": variables})
            times.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200
    dues = [n["due"] for n in queue["nodes"]]
    assert dues == sorted(dues), "the queue is not sorted by due day"
    who = "unscoped (ADMIN token)" if token == "admin" else "as a GRID_WORKER token"
    print(
        f"overdue appeal queue of {label.lower()} {area}, {who}, as of {QUEUE_AS_OF}: {queue['totalCount']} overdue, "
        f"first page {len(queue['nodes'])} (oldest due {dues[0] if dues else '-'})"
    )
    print(
        f"  latency over {runs} runs: p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
        f"slowest {max(times):.1f} ms; target p50 <= 100 ms"
    )


class _Connection:
    """A minimal HTTP/1.1 keep-alive client (the load generator must cost less than the server)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, token: str = "admin") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\n"
            f"Accept: application/graphql-response+json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return int(status_line.split()[1]), payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def load_test(post: Any, ids: Sequence[str], concurrency: int, seconds: float) -> None:
    """``post(worker, body) -> (status, payload)``; ``concurrency`` workers for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    bodies = [json.dumps({"query": SMALL, "variables": {"id": gid}}).encode() for gid in ids]
    for k in range(min(20, len(bodies))):  # warm up
        await post(0, bodies[k])
    deadline = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        nonlocal errors
        i = k
        while time.perf_counter() < deadline:
            body = bodies[i % len(bodies)]
            i += concurrency
            started = time.perf_counter()
            status, payload = await post(k, body)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200 or b'"errors"' in payload:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - started
    print(
        f"  {len(latencies)} requests in {elapsed:.1f} s at concurrency {concurrency}: "
        f"{len(latencies) / elapsed:.0f} req/s, p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, errors {errors}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_ready(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url + "/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"the server at {url} did not become ready")


async def small_figures_uvicorn(
    store_setting: str, access_file: str, ids: Sequence[str], concurrency: int, seconds: float
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CIVICMESH_STORE": store_setting,
        "CIVICMESH_ACCESS_FILE": access_file,
        "CIVICMESH_DEMO_WHEN_EMPTY": "0",
        "CIVICMESH_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "_serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_ready(url)
        connections = [_Connection("127.0.0.1", port) for _ in range(concurrency)]

        print(f"small node(id) query, uvicorn on 127.0.0.1:{port} (one worker process, HTTP/1.1 keep-alive):")
        try:
            for token in TOKENS:

                async def post(k: int, body: bytes, token: str = token) -> tuple[int, bytes]:
                    return await connections[k].post("/graphql", body, token)

                print(f"  {'unscoped (ADMIN token)' if token == 'admin' else 'as a GRID_WORKER token'}:")
                await load_test(post, ids, concurrency, seconds)
        finally:
            for c in connections:
                c.close()
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


async def small_figures_asgi(app: Any, ids: Sequence[str], concurrency: int, seconds: float) -> None:
    print("small node(id) query, in-process ASGI (client and server share one core):")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for token in TOKENS:
            headers = {
                "content-type": "application/json",
                "accept": "application/graphql-response+json",
                "authorization": f"Bearer {token}",
            }

            async def post(k: int, body: bytes, headers: dict[str, str] = headers) -> tuple[int, bytes]:
                r = await client.post("/graphql", content=body, headers=headers)
                return r.status_code, r.content

            print(f"  {'unscoped (ADMIN token)' if token == 'admin' else 'as a GRID_WORKER token'}:")
            await load_test(post, ids, concurrency, seconds)


def serve(port: int) -> None:
    """The child process of the req/s figure: the service from the environment's settings."""
    import uvicorn

    from service.app import create_app
    from service.settings import Settings

    uvicorn.run(create_app(Settings.from_env()), host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def main(args: argparse.Namespace) -> None:
    from service.app import create_app
    from service.settings import Settings

    global QUEUE_AS_OF
    nodes, rels = graph(args.preset)
    if any(n.label == "Appeal" for n in nodes):
        from loaders.synthetic import REFERENCE_DATE

        QUEUE_AS_OF = REFERENCE_DATE.isoformat()
    else:
        extra_nodes, extra_rels = stand_in_appeals(nodes)
        nodes, rels = nodes + extra_nodes, rels + extra_rels
        print(f"the generator made no appeals: added {len(extra_nodes):,} stand-in appeals")
    tmp = tempfile.TemporaryDirectory(prefix="civicmesh-bench-")
    store: GraphStore
    if args.store == "neo4j":
        from loaders.stores.neo4j_store import Neo4jStore

        if not args.neo4j_uri:
            raise SystemExit("--store neo4j needs --neo4j-uri")
        auth = (args.neo4j_user, args.neo4j_password or "") if args.neo4j_user else None
        store = Neo4jStore(args.neo4j_uri, auth=auth)
        store_setting = args.neo4j_uri
    else:
        from loaders.stores.embedded import EmbeddedStore

        store_setting = str(Path(tmp.name) / "bench.sqlite")
        store = EmbeddedStore(store_setting)
    await store.open()
    try:
        await store.clear()
        await load(store, nodes, rels)
        community = await pick_community(store, nodes)
        grid = biggest_grid(rels, community)
        access_file = write_access_file(Path(tmp.name), grid)
        counting = CountingStore(store)
        settings = Settings(store=store_setting, demo_when_empty=False, log_level="WARNING", access_file=access_file)
        app = create_app(settings, store=counting)
        print(f"store {store.name}, graph {args.preset}")
        # This process holds the generated city (millions of objects) besides the service; a
        # service does not.  Unfrozen, each full collection of the cycle collector rescans them
        # (about 1.2 s, every dozen nested queries), which is the bench's heap, not the service's.
        gc.collect()
        gc.freeze()
        await nested_figures(app, counting, community, args.runs)
        await nested_figures(app, counting, community, args.runs, token="grid")
        await nested_figures(app, counting, grid, args.runs, label="Grid")
        await nested_figures(app, counting, grid, args.runs, token="grid", label="Grid")
        queue_community, queue_grid = busiest_queue(nodes, rels)
        await queue_figures(app, queue_community, args.runs)
        await queue_figures(app, queue_grid, args.runs, label="Grid")
        if args.queue_only:
            return
        # node(id) of the grid's households: the same answers for both tokens
        household_ids = [to_global_id("Household", h) for h in households_of(rels, grid)]
        if args.in_process:
            await small_figures_asgi(app, household_ids, args.concurrency, args.seconds)
        else:
            if args.store == "embedded":
                await store.close()  # the server process opens the same SQLite file
            await small_figures_uvicorn(store_setting, access_file, household_ids, args.concurrency, args.seconds)
    finally:
        await store.close()
        tmp.cleanup()


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--store", choices=["embedded", "neo4j"], default="embedded")
    p.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI"))
    p.add_argument("--neo4j-user", default=os.environ.get("NEO4J_USER"))
    p.add_argument("--neo4j-password", default=os.environ.get("NEO4J_PASSWORD"))
    p.add_argument("--preset", default="jiangyin", choices=synthetic.PRESETS, help="the synthetic city to load")
    p.add_argument("--runs", type=int, default=30, help="runs of the nested query")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--seconds", type=float, default=10.0, help="duration of the req/s run")
    p.add_argument("--in-process", action="store_true", help="measure req/s over in-process ASGI, not uvicorn")
    p.add_argument("--queue-only", action="store_true", help="stop after the nested query and the appeal queue")
    return p.parse_args(argv)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        serve(int(sys.argv[sys.argv.index("--port") + 1]))
    else:
        asyncio.run(main(parse()))
