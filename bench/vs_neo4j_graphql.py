"""civicmesh against the Neo4j GraphQL Library on the same Neo4j, side by side (issue 13).

The anchor is @neo4j/graphql 7 (``bench/neo4j-graphql/``: its own package.json and lockfile,
typeDefs over our labels with ``@node(labels: [X, "Entity"])``, Apollo's standalone server, one
Node process).  civicmesh is ``civicmesh serve`` (uvicorn, one process) on the same database,
and a second ``civicmesh serve`` on the embedded store holding the same city (the "embedded"
column).  This script:

1. starts a Neo4j 5.26 with ``devtools/neo4j_local`` (or uses ``--neo4j-uri``) and loads the
   preset (``jiangyin``, seed 1) with ``civicmesh import`` once: the data folder and the embedded
   store file are kept under ``$CIVICMESH_CACHE/bench-vs`` (default ``.cache/bench-vs``);
2. runs ``npm ci`` in ``bench/neo4j-graphql`` when its node_modules is missing or older than
   the lockfile, then starts the three servers;
3. for each query, checks that every server returns the same objects (civicmesh's global ids
   decoded to the stored ids; the anchor's ids as stored) and that they agree with Cypher run
   directly on Neo4j; then measures
   * latency rows: p50/p95 over ``--rounds`` rounds, the servers taking turns within each round
     (the first server rotating) so that the machine's noise hits all of them alike;
   * throughput rows: requests/s at concurrency 32 with Debian's ``wrk`` (C, its own process;
     ``make bench-tools`` installs it), each server for ``--seconds`` in two turns;
   * CPU per request of each server process (``/proc/<pid>/stat``, user + system), and for
     throughput rows Neo4j's too when this script started it;
4. prints the table in Markdown with the ratios civicmesh ÷ anchor and the issue's targets,
   and with ``--json PATH`` writes every figure as JSON (``-`` for stdout).

The queries: a community (the one with 21 grids, else the one with most) → grids → buildings
→ households (id, name); one household by id, in turn sequentially and at concurrency 32; the
first 50 households whose name contains 花园 (by id); how many households one community has;
and as a scoped viewer (a GRID_WORKER token bound to the community's biggest grid, as in
``bench/graphql_bench.py``): that grid → buildings → households, and node(id) of its
households at concurrency 32.  civicmesh's unscoped requests carry an ADMIN token of the same
access file (both pass the same token check); the anchor has no access control, and no
deadline (civicmesh runs with a 300 s one here: a cold first query on a loaded machine can
outlast the default 10 s).  Each side asks in its own idiom: civicmesh's connections (first
500, the service's largest page, so nothing is cut), ``filter: {nameContains}`` (uncased;
the anchor's ``contains`` is cased, the same for Chinese text), and a count as ``households(first:
0, filter: {within}) { totalCount }``; the anchor's lists, ``where``, ``limit`` with ``sort``
by id, and ``householdsConnection(where: {building: {some: {grid: …}}}) { totalCount }``.

    make bench-tools                                   # wrk (this script installs nothing from apt)
    .venv/bin/python bench/vs_neo4j_graphql.py         # jiangyin, seed 1: the issue's table
    .venv/bin/python bench/vs_neo4j_graphql.py --only nested,text --rounds 10 --no-embedded
    .venv/bin/python bench/vs_neo4j_graphql.py --neo4j-uri bolt://127.0.0.1:7687 --json out.json

Figures are printed, never asserted; a disagreement between the servers' answers stops the
run with the difference (a comparison of different answers means nothing).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.neo4j_local import neo4j_local  # noqa: E402

ANCHOR_DIR = ROOT / "bench" / "neo4j-graphql"
CACHE = Path(os.environ.get("CIVICMESH_CACHE") or ROOT / ".cache")
TEXT = "花园"
PAGE = 500
"""Page size of the nested query's connections on civicmesh: the service's largest (checked against the fan-out)."""

ANCHOR, CIVIC, EMBEDDED = "@neo4j/graphql", "civicmesh", "civicmesh embedded"
BASELINE = "civicmesh baseline"
"""A second civicmesh on the same Neo4j from another checkout (``--baseline``): before/after interleaved."""
"""The three servers: the anchor, civicmesh on the same Neo4j, civicmesh on the embedded store."""
CASES = ("nested", "node", "node-c32", "text", "count", "scoped-nested", "scoped-node-c32")


def _die(message: str) -> SystemExit:
    return SystemExit(f"vs_neo4j_graphql: {message}")


# --- the queries, each side's form ----------------------------------------------------------
CIVIC_NESTED = (
    f"query Nested($id: ID!) {{ node(id: $id) {{ ... on Community {{ id name grids(first: {PAGE}) {{ nodes {{ id name "
    f"buildings(first: {PAGE}) {{ nodes {{ id name households(first: {PAGE}) {{ nodes {{ id name }} }} }} }} "
    "} } } } }"
)
ANCHOR_NESTED = (
    "query Nested($id: ID!) { communities(where: {id: {eq: $id}}) { id name grids { id name "
    "buildings { id name households { id name } } } } }"
)
CIVIC_GRID = (
    f"query Grid($id: ID!) {{ node(id: $id) {{ ... on Grid {{ id name buildings(first: {PAGE}) {{ nodes {{ id name "
    f"households(first: {PAGE}) {{ nodes {{ id name }} }} }} }} }} }} }}"
)
ANCHOR_GRID = (
    "query Grid($id: ID!) { grids(where: {id: {eq: $id}}) { id name buildings { id name households { id name } } } }"
)
CIVIC_NODE = "query One($id: ID!) { node(id: $id) { id ... on Household { name size } } }"
ANCHOR_NODE = "query One($id: ID!) { households(where: {id: {eq: $id}}) { id name size } }"
CIVIC_TEXT = "query Text($text: String!) { households(first: 50, filter: {nameContains: $text}) { nodes { id name } } }"
ANCHOR_TEXT = (
    "query Text($text: String!) { households(where: {name: {contains: $text}}, limit: 50, sort: [{id: ASC}]) "
    "{ id name } }"
)
CIVIC_COUNT = "query Count($id: ID!) { households(first: 0, filter: {within: $id}) { totalCount } }"
ANCHOR_COUNT = (
    "query Count($id: ID!) { householdsConnection(where: {building: {some: {grid: {some: {community: "
    "{some: {id: {eq: $id}}}}}}}}) { totalCount } }"
)

# Cypher run directly on Neo4j: the truth every server's answer is checked against (a bench
# script, not product code: the service's own Cypher lives in loaders/stores/cypher.py).
CY_COMMUNITIES = """
MATCH (c:Community)
OPTIONAL MATCH (c)<-[:PART_OF]-(g:Grid)
WITH c, count(g) AS grids
RETURN c.id AS id, c.name AS name, grids,
       COUNT { (c)<-[:PART_OF]-(:Grid)<-[:PART_OF]-(:Building)<-[:PART_OF]-(:Household) } AS households
"""
CY_TREE = """
MATCH (a:Entity {id: $id})<-[:PART_OF]-(g:Entity)
OPTIONAL MATCH (g)<-[:PART_OF]-(b:Entity)
OPTIONAL MATCH (b)<-[:PART_OF]-(h:Household)
RETURN g.id AS g, g.name AS gn, b.id AS b, b.name AS bn, h.id AS h, h.name AS hn
"""
CY_TEXT = """
MATCH (h:Household) WHERE h.name CONTAINS $text
RETURN h.id AS id, h.name AS name ORDER BY h.id LIMIT 50
"""
CY_COUNT = """
MATCH (:Community {id: $id})<-[:PART_OF]-(:Grid)<-[:PART_OF]-(:Building)<-[:PART_OF]-(h:Household)
RETURN count(h) AS n
"""
CY_HOUSEHOLDS = """
MATCH (h:Household) WHERE h.id IN $ids RETURN h.id AS id, h.name AS name, h.size AS size
"""


def to_global_id(label: str, node_id: str) -> str:
    return base64.b64encode(f"{label}:{node_id}".encode()).decode("ascii")


def local_id(global_id: str) -> str:
    """civicmesh's global id → the stored id (``base64('<Type>:<id>')``)."""
    return base64.b64decode(global_id).decode().split(":", 1)[1]


# --- servers --------------------------------------------------------------------------------
@dataclass
class Server:
    """One HTTP server under test: its process, where it answers GraphQL, the token it is sent."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    path: str
    log: Path
    headers: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def post(self, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None) -> bytes:
        """One request on a kept-alive connection: the raw answer (status 200 required)."""
        body = json.dumps({"query": query, "variables": variables}, ensure_ascii=False).encode()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                self.conn.request(
                    "POST",
                    self.path,
                    body,
                    {"content-type": "application/json", "accept": "application/json", **(headers or self.headers)},
                )
                response = self.conn.getresponse()
                payload = response.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if response.status != 200:
                raise _die(f"{self.name} answered HTTP {response.status}: {payload[:500]!r}")
            return payload
        raise AssertionError("unreachable")

    def data(self, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        answer = json.loads(self.post(query, variables, headers))
        if answer.get("errors"):
            raise _die(f"{self.name} answered with errors: {json.dumps(answer['errors'], ensure_ascii=False)[:800]}")
        return answer["data"]

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _wait_ready(server: Server, probe: Callable[[], bool], timeout: float = 600) -> Server:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise _die(f"{server.name} exited:\n{server.log.read_text(errors='replace')[-3000:]}")
        try:
            if probe():
                return server
        except (OSError, http.client.HTTPException, urllib.error.URLError):
            pass
        time.sleep(0.3)
    server.stop()
    raise _die(f"{server.name} was not ready within {timeout:.0f} s (log: {server.log})")


def anchor_dependencies() -> None:
    """``npm ci`` in bench/neo4j-graphql when node_modules is missing or older than the lockfile."""
    stamp = ANCHOR_DIR / "node_modules" / ".package-lock.json"
    lock = ANCHOR_DIR / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    if shutil.which("npm") is None:
        raise _die("needs Node 20+ and npm for the anchor (bench/neo4j-graphql)")
    print("vs_neo4j_graphql: npm ci in bench/neo4j-graphql", flush=True)
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ANCHOR_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        raise _die(f"npm ci failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def start_anchor(uri: str, auth: tuple[str, str] | None, workdir: Path) -> Server:
    port = neo4j_local.free_port()
    log = workdir / "anchor.log"
    env = {**os.environ, "NEO4J_URI": uri, "PORT": str(port)}
    if auth:
        env["NEO4J_USER"], env["NEO4J_PASSWORD"] = auth
    with open(log, "ab") as out:
        process = subprocess.Popen(
            ["node", "server.mjs"], cwd=ANCHOR_DIR, env=env, stdout=out, stderr=out, stdin=subprocess.DEVNULL
        )
    server = Server("@neo4j/graphql", process, port, "/", log)
    return _wait_ready(server, lambda: json.loads(server.post("{ __typename }", {})).get("data") is not None)


def start_civicmesh(
    name: str, store: str, access_file: str, auth: tuple[str, str] | None, workdir: Path, root: Path = ROOT
) -> Server:
    port = neo4j_local.free_port()
    log = workdir / f"{name.replace(' ', '-')}.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "CIVICMESH_STORE": store,
        "CIVICMESH_ACCESS_FILE": access_file,
        "CIVICMESH_DEMO_WHEN_EMPTY": "0",
        "CIVICMESH_LOG_LEVEL": "WARNING",
        # the anchor has no deadline; on a loaded machine the first (cold) nested query can take longer than 10 s
        "CIVICMESH_DEADLINE": "300",
    }
    if auth:
        env["NEO4J_USER"], env["NEO4J_PASSWORD"] = auth
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
            cwd=root,
            env=env,
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
        )
    server = Server(name, process, port, "/graphql", log, {"authorization": "Bearer admin"})

    def ready() -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
            return bool(r.status == 200)

    return _wait_ready(server, ready)


def write_access_file(folder: Path, grid: str) -> str:
    """Two bench tokens: ``admin`` (ADMIN) and ``grid`` (GRID_WORKER scoped to ``grid``)."""
    entries = [
        {"sha256": hashlib.sha256(b"admin").hexdigest(), "name": "admin", "role": "ADMIN"},
        {"sha256": hashlib.sha256(b"grid").hexdigest(), "name": "grid", "role": "GRID_WORKER", "scope": grid},
    ]
    path = folder / "access.json"
    path.write_text(json.dumps({"tokens": entries}), encoding="utf-8")
    return str(path)


# --- the stores -----------------------------------------------------------------------------
def _import(store: str, preset: str, seed: int, auth: tuple[str, str] | None, log: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CIVICMESH_STORE": store}
    if auth:
        env["NEO4J_USER"], env["NEO4J_PASSWORD"] = auth
    started = time.monotonic()
    with open(log, "ab") as out:
        code = subprocess.call(
            [sys.executable, "-m", "service.cli", "import", "--preset", preset, "--seed", str(seed), "--no-progress"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    if code != 0:
        raise _die(f"importing {preset} (seed {seed}) into {store} failed:\n{log.read_text(errors='replace')[-3000:]}")
    print(f"vs_neo4j_graphql: imported {preset} (seed {seed}) in {time.monotonic() - started:.0f} s", flush=True)


def prepare_neo4j(preset: str, seed: int, workdir: Path) -> neo4j_local.LocalNeo4j:
    home = CACHE / "bench-vs" / f"neo4j-{preset}-seed{seed}"
    engine = neo4j_local.ensure_engine(CACHE)
    server = neo4j_local.LocalNeo4j(engine, data_dir=home, port=neo4j_local.free_port(), timeout=300)
    server.start()
    done = home / "imported"
    if not done.exists():
        print(f"vs_neo4j_graphql: importing {preset} (seed {seed}) into Neo4j at {home} (once)", flush=True)
        try:
            _import(server.uri, preset, seed, None, workdir / "import-neo4j.log")
        except BaseException:
            server.stop()
            raise
        done.write_text(f"{preset} {seed}\n")
    return server


def prepare_embedded(preset: str, seed: int, workdir: Path) -> str:
    kept = CACHE / "bench-vs" / f"{preset}-seed{seed}.sqlite"
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        print(f"vs_neo4j_graphql: importing {preset} (seed {seed}) into {kept} (once)", flush=True)
        partial = kept.with_suffix(".partial")
        for leftover in kept.parent.glob(f"{partial.name}*"):
            leftover.unlink()
        _import(str(partial), preset, seed, None, workdir / "import-embedded.log")
        partial.rename(kept)
    copy = workdir / "civicmesh.sqlite"
    shutil.copyfile(kept, copy)
    return str(copy)


# --- the city's facts, from Cypher ----------------------------------------------------------
@dataclass
class Facts:
    community: str
    community_name: str
    grids: int
    households: int
    grid: str
    tree: set[tuple[str, str, str, str, str, str]]
    """(grid id, grid name, building id, building name, household id, household name) under the community."""
    text: list[tuple[str, str]]
    sample: list[tuple[str, str, int | None]]
    """Households of the grid: (id, name, size), the node(id) requests' targets."""

    def grid_tree(self) -> set[tuple[str, str, str, str]]:
        return {(b, bn, h, hn) for g, _gn, b, bn, h, hn in self.tree if g == self.grid}


def facts(driver: Any, database: str) -> Facts:
    with driver.session(database=database) as s:
        communities = [r.data() for r in s.run(CY_COMMUNITIES)]
        if not communities:
            raise _die("the database has no communities: load a preset first")
        with21 = [c for c in communities if c["grids"] == 21]
        pick = max(with21 or communities, key=lambda c: (c["households"], c["grids"]) if with21 else (c["grids"],))
        rows = [r.data() for r in s.run(CY_TREE, id=pick["id"])]
        tree = {(r["g"], r["gn"], r["b"], r["bn"], r["h"], r["hn"]) for r in rows if r["h"] is not None}
        children = Counter(g for g, *_ in {t[:3] for t in tree}) + Counter(b for _, _, b, *_ in tree)
        widest = max([pick["grids"], *children.values()])
        if widest > PAGE:
            raise _die(f"an area of {pick['id']} has {widest} children, more than the nested query's page of {PAGE}")
        per_grid: dict[str, int] = {}
        for g, *_ in tree:
            per_grid[g] = per_grid.get(g, 0) + 1
        grid = max(sorted(per_grid), key=lambda g: per_grid[g])
        text = [(r["id"], r["name"]) for r in s.run(CY_TEXT, text=TEXT)]
        count = s.run(CY_COUNT, id=pick["id"]).single()["n"]
        ids = sorted(h for g, _gn, _b, _bn, h, _hn in tree if g == grid)[:400]
        sample = [(r["id"], r["name"], r["size"]) for r in s.run(CY_HOUSEHOLDS, ids=ids)]
    if count != len(tree):
        raise _die(f"Cypher disagrees with itself: {count} households by count, {len(tree)} by the walk")
    return Facts(pick["id"], pick["name"], pick["grids"], count, grid, tree, text, sorted(sample))


# --- answers in a comparable form -----------------------------------------------------------
def civic_tree(data: Any) -> set[tuple[str, str, str, str, str, str]]:
    node = data["node"]
    return {
        (local_id(g["id"]), g["name"], local_id(b["id"]), b["name"], local_id(h["id"]), h["name"])
        for g in node["grids"]["nodes"]
        for b in g["buildings"]["nodes"]
        for h in b["households"]["nodes"]
    }


def anchor_tree(data: Any) -> set[tuple[str, str, str, str, str, str]]:
    (node,) = data["communities"]
    return {
        (g["id"], g["name"], b["id"], b["name"], h["id"], h["name"])
        for g in node["grids"]
        for b in g["buildings"]
        for h in b["households"]
    }


def civic_grid(data: Any) -> set[tuple[str, str, str, str]]:
    return {
        (local_id(b["id"]), b["name"], local_id(h["id"]), h["name"])
        for b in data["node"]["buildings"]["nodes"]
        for h in b["households"]["nodes"]
    }


def anchor_grid(data: Any) -> set[tuple[str, str, str, str]]:
    (node,) = data["grids"]
    return {(b["id"], b["name"], h["id"], h["name"]) for b in node["buildings"] for h in b["households"]}


def _check(case: str, expected: Any, answers: dict[str, Any]) -> None:
    for server, got in answers.items():
        if got != expected:
            if isinstance(expected, set) and isinstance(got, set):
                detail = (
                    f"{len(got)} objects, {len(expected)} expected; missing e.g. {sorted(expected - got)[:3]}, "
                    f"extra e.g. {sorted(got - expected)[:3]}"
                )
            else:
                detail = f"got {str(got)[:300]}, expected {str(expected)[:300]}"
            raise _die(f"{case}: {server} does not return what Cypher does: {detail}")


# --- measuring ------------------------------------------------------------------------------
@dataclass
class Request:
    """One server's form of a case: query, per-round variables, headers."""

    server: Server
    query: str
    variables: Callable[[int], dict[str, Any]]
    headers: dict[str, str] | None = None


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def interleaved(requests: Sequence[Request], rounds: int, budget_s: float) -> dict[str, dict[str, float]]:
    """p50/p95 (ms) and CPU ms per request of each server, taking turns within each round.

    ``rounds`` rounds, or fewer (at least 3) once ``budget_s`` seconds have passed.  No warm-up
    round: each case has just run its query on every server to check the answers.
    """
    times: dict[str, list[float]] = {r.server.name: [] for r in requests}
    cpu0 = {r.server.name: r.server.cpu_seconds() for r in requests}
    started = time.monotonic()
    for i in range(rounds):
        for k in range(len(requests)):
            r = requests[(i + k) % len(requests)]
            t0 = time.perf_counter()
            payload = r.server.post(r.query, r.variables(i + 1), r.headers)
            times[r.server.name].append((time.perf_counter() - t0) * 1000)
            if b'"errors"' in payload:  # an answer checked once must stay an answer
                raise _die(f"{r.server.name} answered with errors while measured: {payload[:500]!r}")
        if i + 1 >= 3 and time.monotonic() - started > budget_s:
            break
    out = {}
    for r in requests:
        name = r.server.name
        out[name] = {
            "p50_ms": percentile(times[name], 0.5),
            "p95_ms": percentile(times[name], 0.95),
            "mean_ms": statistics.fmean(times[name]),
            "runs": len(times[name]),
            "cpu_ms_per_request": (r.server.cpu_seconds() - cpu0[name]) * 1000 / len(times[name]),
        }
    return out


WRK_LUA = r"""
-- POST bodies from a file (one JSON document a line) in turn; counts answers carrying errors
local bodies = {}
local counter = 0
local threads = {}
bad = 0

function setup(thread) table.insert(threads, thread) end

function init(args)
  for line in io.lines(args[1]) do table.insert(bodies, line) end
  counter = math.random(#bodies)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  if args[2] and args[2] ~= "" then wrk.headers["Authorization"] = args[2] end
end

function request()
  counter = counter % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[counter])
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do errors = errors + t:get("bad") end
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors + socket))
end
"""


def _wrk(url: str, script: Path, bodies: Path, auth: str, seconds: int, concurrency: int) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script)]
    out = subprocess.run([*command, url, "--", str(bodies), auth], capture_output=True, text=True).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise _die(f"wrk against {url} printed no result:\n{out}")
    result: dict[str, Any] = json.loads(line[len("RESULT ") :])
    return result


def wrk_turns(
    requests: Sequence[Request],
    bodies: dict[str, Path],
    seconds: float,
    workdir: Path,
    neo4j_pid: int | None,
    concurrency: int = 32,
) -> dict[str, dict[str, float]]:
    """requests/s at ``concurrency`` of each server: two turns each of ``seconds``/2, alternating.

    Each server gets a second of load first, uncounted (connection pools filled, code warm).
    CPU per request: the server's process, and Neo4j's (``neo4j_pid``) during that server's turns.
    """
    script = workdir / "post.lua"
    script.write_text(WRK_LUA)
    turn = max(1, round(seconds / 2))

    def auth(r: Request) -> str:
        return (r.headers or r.server.headers).get("authorization", "")

    def db_cpu(name: str) -> float:
        return _cpu_seconds(neo4j_pid) if neo4j_pid and name != EMBEDDED else 0.0

    for r in requests:
        _wrk(r.server.url, script, bodies[r.server.name], auth(r), 1, concurrency)
    tally: dict[str, list[dict[str, Any]]] = {r.server.name: [] for r in requests}
    for _ in range(2):
        for r in requests:
            name = r.server.name
            cpu0, db0 = r.server.cpu_seconds(), db_cpu(name)
            result = _wrk(r.server.url, script, bodies[name], auth(r), turn, concurrency)
            result["cpu"], result["db"] = r.server.cpu_seconds() - cpu0, db_cpu(name) - db0
            tally[name].append(result)
    figures = {}
    for name, turns in tally.items():
        n = max(1, sum(t["requests"] for t in turns))
        figures[name] = {
            "requests_per_s": sum(t["requests"] for t in turns) / sum(t["duration_us"] / 1e6 for t in turns),
            "requests": n,
            "errors": sum(t["errors"] for t in turns),
            "p50_ms": max(t["p50_us"] for t in turns) / 1000,
            "p99_ms": max(t["p99_us"] for t in turns) / 1000,
            "cpu_ms_per_request": sum(t["cpu"] for t in turns) * 1000 / n,
            "neo4j_cpu_ms_per_request": sum(t["db"] for t in turns) * 1000 / n
            if neo4j_pid and name != EMBEDDED
            else None,
        }
    return figures


# --- the run --------------------------------------------------------------------------------
@dataclass
class Row:
    case: str
    title: str
    metric: str
    """"p50_ms" (lower is better) or "requests_per_s" (higher is better)."""
    target: str
    figures: dict[str, dict[str, float]]
    check: str


class Cases:
    """The compared queries: each method checks the answers, then measures, and returns its row."""

    def __init__(
        self, args: argparse.Namespace, servers: dict[str, Server], f: Facts, workdir: Path, neo4j_pid: int | None
    ) -> None:
        self.args, self.f, self.workdir, self.neo4j_pid = args, f, workdir, neo4j_pid
        self.anchor = servers[ANCHOR]
        self.civics = [s for name, s in servers.items() if name != ANCHOR]
        self.community = to_global_id("Community", f.community)
        self.grid = to_global_id("Grid", f.grid)
        self.scoped = {"authorization": "Bearer grid"}
        self.node_checked = False

    @staticmethod
    def say(text: str) -> None:
        print(f"vs_neo4j_graphql: {text}", flush=True)

    def pair(
        self,
        anchor_query: str,
        anchor_vars: Callable[[int], dict[str, Any]],
        civic_query: str,
        civic_vars: Callable[[int], dict[str, Any]],
        headers: dict[str, str] | None = None,
    ) -> list[Request]:
        """The anchor's request and each civicmesh server's."""
        return [Request(self.anchor, anchor_query, anchor_vars)] + [
            Request(s, civic_query, civic_vars, headers) for s in self.civics
        ]

    def nested(self) -> Row:
        f = self.f
        got: dict[str, Any] = {self.anchor.name: anchor_tree(self.anchor.data(ANCHOR_NESTED, {"id": f.community}))}
        for s in self.civics:
            got[s.name] = civic_tree(s.data(CIVIC_NESTED, {"id": self.community}))
        _check("nested", f.tree, got)
        self.say(f"nested: {len(f.tree):,} households, the same on every server and in Cypher; measuring")
        reqs = self.pair(ANCHOR_NESTED, lambda i: {"id": f.community}, CIVIC_NESTED, lambda i: {"id": self.community})
        buildings = len({t[2] for t in f.tree})
        title = f"community → {f.grids} grids → {buildings} buildings → {len(f.tree):,} households (id, name), p50"
        figures = interleaved(reqs, self.args.rounds, 60)
        return Row("nested", title, "p50_ms", "≤ 1.0x", figures, f"{len(f.tree):,} households = Cypher")

    def check_node(self) -> None:
        if self.node_checked:
            return
        for hid, name, size in self.f.sample[:20]:
            got: dict[str, Any] = {
                self.anchor.name: tuple(self.anchor.data(ANCHOR_NODE, {"id": hid})["households"][0].values())
            }
            for s in self.civics:
                for headers, tag in ((None, ""), (self.scoped, " (scoped)")):
                    n = s.data(CIVIC_NODE, {"id": to_global_id("Household", hid)}, headers)["node"]
                    got[s.name + tag] = (local_id(n["id"]), n["name"], n["size"])
            _check("node(id)", (hid, name, size), got)
        self.say(f"node(id): {min(20, len(self.f.sample))} households agree with Cypher on every server (scoped too)")
        self.node_checked = True

    def node(self) -> Row:
        self.check_node()
        ids = [h for h, _, _ in self.f.sample]
        reqs = self.pair(
            ANCHOR_NODE,
            lambda i: {"id": ids[i % len(ids)]},
            CIVIC_NODE,
            lambda i: {"id": to_global_id("Household", ids[i % len(ids)])},
        )
        figures = interleaved(reqs, self.args.rounds * 10, 45)
        return Row("node", "one household by `node(id)`, sequential p50", "p50_ms", "—", figures, "20 = Cypher")

    def _node_load(self, case: str, title: str, headers: dict[str, str] | None) -> Row:
        self.check_node()
        ids = [h for h, _, _ in self.f.sample]
        anchor_file = self.workdir / f"{case}-anchor.jsonl"
        anchor_file.write_text("".join(json.dumps({"query": ANCHOR_NODE, "variables": {"id": h}}) + "\n" for h in ids))
        civic_file = self.workdir / f"{case}-civic.jsonl"
        civic_file.write_text(
            "".join(
                json.dumps({"query": CIVIC_NODE, "variables": {"id": to_global_id("Household", h)}}) + "\n" for h in ids
            )
        )
        bodies = {self.anchor.name: anchor_file, **{s.name: civic_file for s in self.civics}}
        self.say(f"{case}: wrk at concurrency 32, {self.args.seconds:g} s per server in two turns")
        reqs = self.pair(ANCHOR_NODE, lambda i: {}, CIVIC_NODE, lambda i: {}, headers)
        figures = wrk_turns(reqs, bodies, self.args.seconds, self.workdir, self.neo4j_pid)
        return Row(case, title, "requests_per_s", "≥ 1.0x", figures, f"{len(ids)} households, errors counted")

    def node_c32(self) -> Row:
        return self._node_load("node-c32", "the same at concurrency 32, requests/s", None)

    def scoped_node_c32(self) -> Row:
        title = "as a GRID_WORKER: node(id) of its grid's households at concurrency 32 (anchor unscoped), requests/s"
        return self._node_load("scoped-node-c32", title, self.scoped)

    def text(self) -> Row:
        got: dict[str, Any] = {
            self.anchor.name: [
                (h["id"], h["name"]) for h in self.anchor.data(ANCHOR_TEXT, {"text": TEXT})["households"]
            ]
        }
        for s in self.civics:
            nodes = s.data(CIVIC_TEXT, {"text": TEXT})["households"]["nodes"]
            got[s.name] = [(local_id(h["id"]), h["name"]) for h in nodes]
        _check("text", self.f.text, got)
        self.say(f"text: the first {len(self.f.text)} households containing {TEXT} agree with Cypher; measuring")
        reqs = self.pair(ANCHOR_TEXT, lambda i: {"text": TEXT}, CIVIC_TEXT, lambda i: {"text": TEXT})
        title = f"households whose name contains {TEXT}, first 50 (by id), p50"
        figures = interleaved(reqs, self.args.rounds, 45)
        return Row("text", title, "p50_ms", "≤ 1.0x", figures, f"{len(self.f.text)} ids in order = Cypher")

    def count(self) -> Row:
        f = self.f
        got: dict[str, Any] = {
            self.anchor.name: self.anchor.data(ANCHOR_COUNT, {"id": f.community})["householdsConnection"]["totalCount"]
        }
        for s in self.civics:
            got[s.name] = s.data(CIVIC_COUNT, {"id": self.community})["households"]["totalCount"]
        _check("count", f.households, got)
        self.say(f"count: {f.households:,} households in {f.community_name} everywhere and in Cypher; measuring")
        reqs = self.pair(ANCHOR_COUNT, lambda i: {"id": f.community}, CIVIC_COUNT, lambda i: {"id": self.community})
        figures = interleaved(reqs, self.args.rounds, 45)
        title = "households in one community (count), p50"
        return Row("count", title, "p50_ms", "≤ 50 ms both stores", figures, f"{f.households:,} = Cypher")

    def scoped_nested(self) -> Row:
        f = self.f
        grid_tree = f.grid_tree()
        got: dict[str, Any] = {self.anchor.name: anchor_grid(self.anchor.data(ANCHOR_GRID, {"id": f.grid}))}
        for s in self.civics:
            got[s.name] = civic_grid(s.data(CIVIC_GRID, {"id": self.grid}, self.scoped))
        _check("scoped nested", grid_tree, got)
        self.say(f"scoped-nested: the grid's {len(grid_tree):,} households agree with Cypher; measuring")
        reqs = self.pair(ANCHOR_GRID, lambda i: {"id": f.grid}, CIVIC_GRID, lambda i: {"id": self.grid}, self.scoped)
        title = f"as a GRID_WORKER: its grid → buildings → {len(grid_tree):,} households (anchor unscoped), p50"
        figures = interleaved(reqs, self.args.rounds, 45)
        return Row("scoped-nested", title, "p50_ms", "≤ 1.0x", figures, f"{len(grid_tree):,} households = Cypher")

    def run(self, wanted: Sequence[str]) -> list[Row]:
        return [getattr(self, case.replace("-", "_"))() for case in CASES if case in wanted]


# --- the table ------------------------------------------------------------------------------
def _figure(metric: str, figures: dict[str, float] | None) -> str:
    if figures is None:
        return "—"
    if metric == "requests_per_s":
        return f"{figures['requests_per_s']:,.0f}" + (f" ({figures['errors']:.0f} errors)" if figures["errors"] else "")
    p50, p95 = figures["p50_ms"], figures["p95_ms"]
    if p50 >= 1000:
        return f"{p50 / 1000:.2f} s (p95 {p95 / 1000:.2f})"
    return f"{p50:.1f} ms (p95 {p95:.1f})"


def _ratio(metric: str, ours: dict[str, float] | None, anchor: dict[str, float]) -> float | None:
    if ours is None:
        return None
    value = ours[metric]
    base = anchor[metric]
    return value / base if base else None


def markdown(rows: Sequence[Row], embedded: bool, baseline: bool = False) -> str:
    head = ["query", ANCHOR, CIVIC, "civicmesh ÷ anchor"]
    if embedded:
        head += [EMBEDDED, "embedded ÷ anchor"]
    if baseline:
        head += [BASELINE, "baseline ÷ anchor"]
    head += ["target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        a = row.figures[ANCHOR]
        cells = [row.title, _figure(row.metric, a)]
        for name in [CIVIC] + ([EMBEDDED] if embedded else []) + ([BASELINE] if baseline else []):
            ours = row.figures.get(name)
            ratio = _ratio(row.metric, ours, a)
            cells += [_figure(row.metric, ours), "—" if ratio is None else f"{ratio:.2f}"]
        cells.append(row.target)
        lines.append("| " + " | ".join(cells) + " |")
    extra = ([EMBEDDED] if embedded else []) + ([BASELINE] if baseline else [])
    cpu_head = ["CPU ms per request", ANCHOR, CIVIC, *extra, "Neo4j (anchor / civicmesh)"]
    lines += ["", "| " + " | ".join(cpu_head) + " |", "|" + "---|" * len(cpu_head)]
    for row in rows:
        cells = [row.case]
        for name in [ANCHOR, CIVIC, *extra]:
            fig = row.figures.get(name)
            cells.append("—" if fig is None else f"{fig['cpu_ms_per_request']:.2f}")
        db = [row.figures.get(n, {}).get("neo4j_cpu_ms_per_request") for n in (ANCHOR, CIVIC)]
        cells.append(" / ".join(f"{d:.2f}" for d in db) if all(d is not None for d in db) else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", default="jiangyin", help="the synthetic city (default jiangyin; demo is quick)")
    p.add_argument("--seed", type=int, default=1, help="the preset's seed (default 1)")
    p.add_argument("--neo4j-uri", default=None, help="use this Neo4j (loaded with the preset if it has no households)")
    p.add_argument("--neo4j-user", default=os.environ.get("NEO4J_USER"))
    p.add_argument("--neo4j-password", default=os.environ.get("NEO4J_PASSWORD"))
    p.add_argument("--only", default=None, help=f"comma-separated cases (default all: {','.join(CASES)})")
    p.add_argument(
        "--rounds",
        type=int,
        default=20,
        help="rounds of each latency case (node(id): ten times as many); fewer (at least 3) after 45-60 s a case",
    )
    p.add_argument("--seconds", type=float, default=10, help="seconds of wrk per server per throughput case")
    p.add_argument("--no-embedded", action="store_true", help="leave out the embedded store's column")
    p.add_argument("--json", default=None, metavar="PATH", help="write every figure as JSON to PATH (- for stdout)")
    p.add_argument("--prepare-only", action="store_true", help="only make the cached stores (the imports) and stop")
    p.add_argument(
        "--baseline",
        default=None,
        metavar="DIR",
        help="also run civicmesh on Neo4j from this checkout (e.g. `git archive main`), taking turns with the others",
    )
    args = p.parse_args(argv)
    if args.only:
        unknown = set(args.only.split(",")) - set(CASES)
        if unknown:
            raise _die(f"unknown --only case(s) {', '.join(sorted(unknown))}; the cases: {', '.join(CASES)}")
    if shutil.which("wrk") is None:
        raise _die("needs Debian's wrk (the load generator, outside the servers' processes): run `make bench-tools`")
    if shutil.which("node") is None:
        raise _die("needs Node 20+ for the anchor (bench/neo4j-graphql)")

    import neo4j

    started = time.monotonic()
    load_before = os.getloadavg()
    anchor_dependencies()
    auth = (args.neo4j_user, args.neo4j_password or "") if args.neo4j_user and args.neo4j_uri else None
    with tempfile.TemporaryDirectory(prefix="civicmesh-vs-") as tmp:
        workdir = Path(tmp)
        local = None
        servers: dict[str, Server] = {}
        try:
            if args.neo4j_uri:
                uri = args.neo4j_uri
                with neo4j.GraphDatabase.driver(uri, auth=auth) as d, d.session() as s:
                    if s.run("MATCH (h:Household) RETURN count(h) AS n").single(strict=True)["n"] == 0:
                        _import(uri, args.preset, args.seed, auth, workdir / "import-neo4j.log")
                    else:
                        print(f"vs_neo4j_graphql: {uri} has households: taken to hold {args.preset} as it is")
            else:
                local = prepare_neo4j(args.preset, args.seed, workdir)
                uri = local.uri
            store_file = None if args.no_embedded else prepare_embedded(args.preset, args.seed, workdir)
            if args.prepare_only:
                return 0
            with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
                f = facts(driver, "neo4j")
            print(
                f"vs_neo4j_graphql: {args.preset} (seed {args.seed}): community {f.community} {f.community_name} "
                f"({f.grids} grids, {f.households:,} households); GRID_WORKER grid {f.grid}",
                flush=True,
            )
            access = write_access_file(workdir, f.grid)
            servers[ANCHOR] = start_anchor(uri, auth, workdir)
            servers[CIVIC] = start_civicmesh(CIVIC, uri, access, auth, workdir)
            if store_file:
                servers[EMBEDDED] = start_civicmesh(EMBEDDED, store_file, access, None, workdir)
            if args.baseline:
                servers[BASELINE] = start_civicmesh(BASELINE, uri, access, auth, workdir, Path(args.baseline).resolve())
            print(f"vs_neo4j_graphql: servers up after {time.monotonic() - started:.0f} s", flush=True)
            wanted = args.only.split(",") if args.only else CASES
            rows = Cases(args, servers, f, workdir, local.pid if local else None).run(wanted)
        finally:
            for server in servers.values():
                server.stop()
            if local is not None:
                local.stop()
    load_after = os.getloadavg()
    table = markdown(rows, store_file is not None, bool(args.baseline))
    print()
    print(
        f"{args.preset} (seed {args.seed}), one Neo4j 5.26, one process per server; {os.cpu_count()} cores, "
        f"load average {load_before[0]:.1f} before and {load_after[0]:.1f} after; {time.monotonic() - started:.0f} s"
    )
    print()
    print(table)
    if args.json:
        document = {
            "preset": args.preset,
            "seed": args.seed,
            "community": {"id": f.community, "name": f.community_name, "grids": f.grids, "households": f.households},
            "grid": f.grid,
            "cores": os.cpu_count(),
            "load_average": {"before": load_before[0], "after": load_after[0]},
            "rows": [
                {
                    "case": r.case,
                    "title": r.title,
                    "metric": r.metric,
                    "target": r.target,
                    "check": r.check,
                    "figures": r.figures,
                    "ratios": {
                        name: _ratio(r.metric, r.figures.get(name), r.figures[ANCHOR])
                        for name in (CIVIC, EMBEDDED, BASELINE)
                    },
                }
                for r in rows
            ],
        }
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
