"""Load benchmark: 32 clients for 60 s with a realistic mix, on both stores, from outside the
service's process.

The service runs as ``civicmesh serve`` (uvicorn, one process) on 127.0.0.1; the load comes
from Debian's ``wrk`` (C, its own process: the service's Python shares nothing with it), one
``wrk`` per kind of request, each with its share of the connections, so that every kind gets
its own latency figures.  Each connection sends its next request when the last one is
answered (a closed loop).  The kinds:

* ``node``: ``node(id)`` of a household (the light request that must stay light);
* ``nested``: a community with its grids, buildings and households (three hops, hundreds of
  nodes);
* ``search``: a name search;
* ``coverage``: the coverage analytics of a community;
* ``mutation``: ``updateStreet`` renaming a street (an occasional write).

Printed per store and kind: requests, throughput, p50, p99 and errors (socket errors and
timeouts, non-2xx statuses, and 200 answers carrying GraphQL errors).  Before the mix, the
``node`` clients run alone for ``--alone`` seconds (default 15): the same run then shows
``node(id)`` with and without the heavy mix beside it.  ``--outage`` (Neo4j) kills the server
a third of the way in and starts it again on the same data and port, and prints what clients
saw meanwhile (503s with ``STORE_UNAVAILABLE``) and the **recovery time**: from the server
answering again to the service's first whole answer (a ``node(id)`` probe every 0.1 s).
``--warm SECONDS`` runs the whole mix that long first, unreported: Neo4j's JVM compiles its
code during a server's first minute (a cold server's `node(id)` p99 alone was 227 ms, warm
36 ms), and a fresh server is started for every run.  ``--think search=60`` makes each client
of a kind pause that many ms between an answer and its next request (wrk's ``delay``): every
client otherwise sends its next request at once, so a kind made cheaper is sent more often and
takes the same share of the machine.
``--service-env KEY=VALUE`` (repeatable) sets the service's environment, e.g.
``CIVICMESH_ANALYSIS_PROCESSES=0`` (analyses on threads instead of forked processes);
``--node-ids N`` makes the ``node`` clients ask for N households in turn (default 500): a
lookup asked again within ``CIVICMESH_ANSWER_CACHE_S`` is served from its kept answer
(:mod:`service.kept_answers`), so a run through more ids than the clients reach shows the
lookups that are not (``--service-env CIVICMESH_ANSWER_CACHE_S=0`` turns the kept answers off).
``--workers N`` runs N uvicorn processes (Neo4j only); ``--read-processes N`` sets the service's
reader processes (``CIVICMESH_READ_PROCESSES``, :mod:`service.reader_relay`; 0: none).  ``--loop-watch MS`` turns on the
service's loop watch (``CIVICMESH_LOOP_WATCH``, :mod:`service.loop_watch`) and prints, after
the run, how often and how long its event loop stalled and the code locations it stalled in.
On Neo4j the run also prints what the server's JVM spent its cores on during the mix (compiling
its code, collecting garbage, serving Bolt): a server started for the run still compiles after
minutes, which a long-running one no longer does (``--warm``).

The city is the ``jiangyin`` synthetic preset unless ``--preset`` says otherwise; its
embedded store file and Neo4j data folder are made once and kept under
``.cache/bench-load`` (a copy of the embedded file is used per run).

    make bench-tools                               # apt-installs wrk (this script installs nothing)
    python bench/load_bench.py                     # both stores, 32 clients, 60 s
    python bench/load_bench.py --store embedded --duration 20 --preset demo
    python bench/load_bench.py --mix node=16,nested=16      # the issue-14 measurement
    python bench/load_bench.py --store neo4j --outage
    python bench/load_bench.py --store neo4j --warm 20 --think search=60   # a warm server, searches paced
    python bench/load_bench.py --store embedded --service-env CIVICMESH_ANALYSIS_PROCESSES=0
    python bench/load_bench.py --store neo4j --workers 2
    python bench/load_bench.py --store embedded --loop-watch 20     # where light requests wait

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.neo4j_local import neo4j_local  # noqa: E402

CACHE = Path(os.environ.get("CIVICMESH_CACHE") or ROOT / ".cache")
DEFAULT_MIX = "node=16,nested=6,search=4,coverage=4,mutation=2"

NODE = "query One($id: ID!) { node(id: $id) { id ... on Household { name size } } }"
NESTED = (
    "query Community($id: ID!) { node(id: $id) { ... on Community { name grids(first: 100) { nodes { id name "
    "buildings(first: 100) { nodes { id name households(first: 100) { nodes { id name size } } } } } } } } }"
)
SEARCH = "query Search($text: String!) { search(text: $text, first: 20) { id } }"
COVERAGE = (
    "query Coverage($id: ID) { coverage(area: $id) { households { total covered rate } "
    "members { total covered rate } uncoveredHouseholds } }"
)
MUTATION = (
    "mutation Rename($id: ID!, $name: String!) { updateStreet(input: {id: $id, name: $name}) { errors { code } } }"
)

LUA = r"""
-- one kind of request: bodies from a file, one JSON document a line, sent in turn
local bodies = {}
local counter = 0
statuses = {}  -- globals: done() reads them from each thread
gql_errors = 0
unavailable = 0
local threads = {}
local think = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do table.insert(bodies, line) end
  think = tonumber(args[2]) or 0
  counter = math.random(#bodies)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/graphql-response+json"
end

function delay()  -- a client's pause between an answer and its next request (--think)
  return think
end

function request()
  counter = counter % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[counter])
end

function response(status, headers, body)
  local key = "s" .. status
  statuses[key] = (statuses[key] or 0) + 1
  -- errors in a 200 answer (a refused status is counted once, as non-2xx, whatever its body says)
  if status == 200 and string.find(body, '"errors"', 1, true) and not string.find(body, '"errors":[]', 1, true) then
    gql_errors = gql_errors + 1
  end
  if string.find(body, "STORE_UNAVAILABLE", 1, true) then unavailable = unavailable + 1 end
end

function done(summary, latency, requests)
  local total_statuses = {}
  local errors, unav = 0, 0
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s or {}) do total_statuses[string.sub(k, 2)] = (total_statuses[string.sub(k, 2)] or 0) + v end
    errors = errors + t:get("gql_errors")
    unav = unav + t:get("unavailable")
  end
  local parts = {}
  for k, v in pairs(total_statuses) do table.insert(parts, string.format('"%s": %d', k, v)) end
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "non2xx": %d, "graphql_errors": %d, ' ..
    '"unavailable": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status, errors, unav, table.concat(parts, ", ")))
end
"""


@dataclass
class Service:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _cli(args: list[str], store: str, env: dict[str, str] | None = None, log: Path | None = None) -> int:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "CIVICMESH_STORE": store, **(env or {})}
    with open(log or os.devnull, "ab") as out:
        return subprocess.call(
            [sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=full_env, stdout=out, stderr=out
        )


def _post(url: str, query: str, variables: dict[str, Any] | None = None, timeout: float = 120) -> Any:
    """One request; a 504 (the service's deadline, e.g. while the first analysis builds the
    projection, which goes on in the background) is tried again until ``timeout``."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url + "/graphql", data=body, headers={"content-type": "application/json"})
    give_up = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = json.loads(response.read())
            break
        except urllib.error.HTTPError as exc:
            if exc.code != 504 or time.monotonic() > give_up:
                raise
            time.sleep(1)
    if answer.get("errors"):
        raise SystemExit(f"load_bench: {query[:60]}… failed: {answer['errors'][:2]}")
    return answer["data"]


def start_service(store: str, workdir: Path, env: dict[str, str], workers: int = 1) -> Service:
    port = neo4j_local.free_port()
    log = workdir / "service.log"
    full_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CIVICMESH_STORE": store,
        "CIVICMESH_DEMO_WHEN_EMPTY": "0",
        "CIVICMESH_LOG_LEVEL": "WARNING",
        **env,
    }
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=out,
        )
    service = Service(process, port, log)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"load_bench: the service exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(service.url + "/readyz", timeout=5) as r:
                if r.status == 200:
                    return service
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.2)
    service.stop()
    raise SystemExit("load_bench: the service was not ready within 600 s")


def prepare_embedded(preset: str, workdir: Path) -> str:
    kept = CACHE / "bench-load" / f"{preset}.sqlite"
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        print(f"load_bench: importing the {preset} city into {kept} (once)", flush=True)
        partial = kept.with_suffix(".partial")
        for leftover in kept.parent.glob(f"{partial.name}*"):
            leftover.unlink()
        if _cli(["import", "--preset", preset, "--no-progress"], str(partial)) != 0:
            raise SystemExit("load_bench: the import failed")
        partial.rename(kept)
    copy = workdir / "civicmesh.sqlite"
    shutil.copyfile(kept, copy)
    return str(copy)


def prepare_neo4j(preset: str) -> Any:
    home = CACHE / "bench-load" / f"neo4j-{preset}"
    engine = neo4j_local.ensure_engine(CACHE)
    server = neo4j_local.LocalNeo4j(engine, data_dir=home, port=neo4j_local.free_port(), timeout=300)
    server.start()
    done = home / "imported"
    if not done.exists():
        print(f"load_bench: importing the {preset} city into Neo4j at {home} (once)", flush=True)
        if _cli(["import", "--preset", preset, "--no-progress"], server.uri) != 0:
            server.stop()
            raise SystemExit("load_bench: the import into Neo4j failed")
        done.write_text(preset)
    return server


def _households(url: str, count: int) -> list[str]:
    """The ids of ``count`` households (fewer when the city has fewer), a page of 500 at a time."""
    ids: list[str] = []
    after: str | None = None
    while len(ids) < count:
        page = _post(
            url,
            "query($first: Int!, $after: String) { households(first: $first, after: $after) "
            "{ nodes { id } pageInfo { hasNextPage endCursor } } }",
            {"first": min(500, count - len(ids)), "after": after},
        )["households"]
        ids += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return ids


def bodies(url: str, workdir: Path, node_ids: int = 500) -> dict[str, Path]:
    """A file of request bodies per kind, from ids sampled through the API: ``node`` asks for
    ``node_ids`` households in turn (the first ones in id order)."""
    data = _post(
        url,
        "{ communities(first: 100) { nodes { id name } } streets(first: 20) { nodes { id name } } }",
    )
    households = _households(url, node_ids)
    communities = data["communities"]["nodes"]
    streets = data["streets"]["nodes"]
    texts = sorted({c["name"][:2] for c in communities} | {c["name"][-2:] for c in communities})
    kinds: dict[str, list[dict[str, Any]]] = {
        "node": [{"query": NODE, "variables": {"id": h}} for h in households],
        "nested": [{"query": NESTED, "variables": {"id": c["id"]}} for c in communities],
        "search": [{"query": SEARCH, "variables": {"text": t}} for t in texts],
        "coverage": [{"query": COVERAGE, "variables": {"id": c["id"]}} for c in communities],
        "mutation": [
            # every street once, then every street again with the other name: the two mutation
            # clients, which take the next body in turn, rename different streets at once (two
            # renames of one street at the same moment are a rare conflict, not a realistic mix)
            {"query": MUTATION, "variables": {"id": s["id"], "name": s["name"] + suffix}}
            for suffix in ("", " ")
            for s in streets
        ],
    }
    files = {}
    for kind, items in kinds.items():
        path = workdir / f"{kind}.jsonl"
        path.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in items))
        files[kind] = path
    return files


def parse_mix(text: str, option: str = "--mix") -> dict[str, int]:
    """``node=16,nested=6`` → connections per kind (or, for ``--think``, ms per kind).

    >>> parse_mix("node=16, nested=16")
    {'node': 16, 'nested': 16}
    """
    mix = {}
    for part in text.split(","):
        kind, _, count = part.strip().partition("=")
        if kind not in ("node", "nested", "search", "coverage", "mutation") or not count.isdigit():
            kinds = "node, nested, search, coverage, mutation"
            raise SystemExit(f"load_bench: bad {option} part {part!r} (kinds: {kinds})")
        if int(count) > 0:
            mix[kind] = int(count)
    return mix


def run_load(
    url: str,
    files: dict[str, Path],
    mix: dict[str, int],
    duration: int,
    workdir: Path,
    think: dict[str, int] | None = None,
) -> dict[str, Any]:
    script = workdir / "kind.lua"
    script.write_text(LUA)
    procs = {}
    for kind, connections in mix.items():
        procs[kind] = subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                url + "/graphql",
                "--",
                str(files[kind]),
                str((think or {}).get(kind, 0)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    results = {}
    for kind, proc in procs.items():
        out, _ = proc.communicate()
        line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), None)
        if line is None:
            raise SystemExit(f"load_bench: wrk ({kind}) printed no result:\n{out}")
        results[kind] = json.loads(line[len("RESULT ") :])
    return results


def _stat_fields(text: str) -> list[str]:
    """The fields of a ``/proc/<pid>/stat`` (or ``task/<tid>/stat``) line after the name: the
    state first, so utime and stime are ``[11]`` and ``[12]``, cutime and cstime ``[13]``, ``[14]``."""
    return text[text.rindex(")") + 2 :].split()


def _cpu_snapshot() -> dict[int, tuple[str, int, float, float]]:
    """Every process's name, parent, CPU seconds used and CPU seconds of its reaped children."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = _stat_fields(text)  # fields[1] is the parent
        found[int(entry)] = (
            name,
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / tick,
            (int(fields[13]) + int(fields[14])) / tick,
        )
    return found


JVM_THREAD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("compiling (JIT)", ("C1 CompilerThre", "C2 CompilerThre", "Sweeper thread")),
    ("collecting garbage", ("GC Thread", "G1 ")),
    ("serving Bolt", ("neo4j.BoltWorke", "neo4j.BoltNetwo")),
)
"""Neo4j's JVM threads by what they do (``/proc/<pid>/task/<tid>/comm``, a name's first 15 bytes)."""


def jvm_threads(pid: int | None) -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by each thread of the process ``pid`` (Neo4j's JVM), with its name."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[str, float]] = {}
    if pid is None:
        return found
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = _stat_fields(f.read())
        except OSError:
            continue
        found[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / tick)
    return found


def jvm_use(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], seconds: float) -> str:
    """What Neo4j's JVM spent its cores on between two :func:`jvm_threads` snapshots.

    A server started for the run compiles its code for minutes (the compiler threads still took
    about a fifth of a core after three minutes of the mix): that share is the server's warm-up,
    which a long-running production server no longer pays (``--warm``).

    >>> jvm_use({1: ("C2 CompilerThre", 1.0)}, {1: ("C2 CompilerThre", 4.0), 2: ("neo4j.BoltWorke", 2.0)}, 10)
    'compiling (JIT) 0.30, collecting garbage 0.00, serving Bolt 0.20, other 0.00 (cores)'
    """
    groups = {name: 0.0 for name, _ in JVM_THREAD_GROUPS}
    groups["other"] = 0.0
    for tid, (name, used) in after.items():
        old = before.get(tid)
        spent = used - (old[1] if old and old[0] == name else 0.0)
        group = next((g for g, prefixes in JVM_THREAD_GROUPS if name.startswith(prefixes)), "other")
        groups[group] += spent
    return ", ".join(f"{g} {v / seconds:.2f}" for g, v in groups.items()) + " (cores)"


def cpu_use(
    before: dict[int, tuple[str, int, float, float]],
    after: dict[int, tuple[str, int, float, float]],
    service_pid: int,
    seconds: float,
) -> str:
    """Where the machine's cores went between two snapshots, in cores: the service process, its
    children (readers, the fork server and its analyses, those that ended counted through their
    parents), wrk, Neo4j's JVM, and everything else."""

    def descends(pid: int) -> bool:
        seen = 0
        while pid > 1 and seen < 64:
            if pid == service_pid:
                return True
            pid = after.get(pid, before.get(pid, ("", 0, 0.0, 0.0)))[1]
            seen += 1
        return False

    groups: dict[str, float] = {}
    for pid, (name, _ppid, used, reaped) in after.items():
        old = before.get(pid)
        own = used - (old[2] if old and old[0] == name else 0.0)
        children = reaped - (old[3] if old and old[0] == name else 0.0)
        if pid == service_pid:
            group = "service"
        elif descends(pid):
            group = "its children"
        elif name == "wrk":
            group = "wrk"
        elif name == "java":
            group = "neo4j"
        else:
            group = "other"
        groups[group] = groups.get(group, 0.0) + own
        if children > 0:  # children that ended during the run, counted by their parent
            groups["its children" if group in ("service", "its children") else group] = (
                groups.get("its children" if group in ("service", "its children") else group, 0.0) + children
            )
    order = ["service", "its children", "neo4j", "wrk", "other"]
    return ", ".join(f"{g} {groups[g] / seconds:.2f}" for g in order if g in groups) + " (cores)"


def report(store: str, mix: dict[str, int], results: dict[str, Any], duration: int) -> None:
    print(f"\n{store}: {sum(mix.values())} clients for {duration} s")
    print(f"{'kind':<9} {'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  detail")
    total = 0
    for kind, r in results.items():
        seconds = r["duration_us"] / 1e6
        socket_errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
        errors = socket_errors + r["non2xx"] + r["graphql_errors"]
        total += r["requests"]
        detail = ", ".join(f"HTTP {k}: {v}" for k, v in sorted(r["statuses"].items()) if k != "200")
        if r["graphql_errors"]:
            detail += (", " if detail else "") + f"GraphQL errors: {r['graphql_errors']}"
        if r["unavailable"]:
            detail += f" (STORE_UNAVAILABLE: {r['unavailable']})"
        if socket_errors:
            detail += (", " if detail else "") + f"socket errors/timeouts: {socket_errors}"
        print(
            f"{kind:<9} {mix[kind]:>7} {r['requests']:>9} {r['requests'] / seconds:>8.1f} "
            f"{r['p50_us'] / 1000:>8.1f} {r['p99_us'] / 1000:>8.1f} {errors:>7}  {detail}"
        )
    print(f"{'all':<9} {sum(mix.values()):>7} {total:>9} {total / duration:>8.1f}")


def _answers(url: str, body: bytes) -> bool:
    """Whether one GraphQL request gets a whole answer (200 without errors) within 5 s."""
    request = urllib.request.Request(url + "/graphql", data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200 and not json.loads(response.read()).get("errors")
    except (OSError, ValueError):
        return False


def _bare_driver_answers(uri: str, node_id: str, times: dict[str, float]) -> bool:
    """Whether a fresh driver (no pool of this process's) gets ``RETURN 1`` answered within a
    second: the server's own readiness, apart from anything the service does; then, on the same
    connection, a point read of ``node_id`` as realistic as the service's first (an index seek,
    its label and properties: the statement's text differs from the store's, so that this read
    does not plan the service's statement for it).  ``times`` gets ``ping`` and ``read``."""
    import neo4j

    try:
        with neo4j.GraphDatabase.driver(uri, connection_timeout=1.0, max_transaction_retry_time=0) as driver:
            driver.execute_query("RETURN 1")
            times.setdefault("ping", time.monotonic())
            driver.execute_query(
                "MATCH (n:Entity {id: $id}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
                id=node_id,
                routing_=neo4j.RoutingControl.READ,
            )
            times.setdefault("read", time.monotonic())
        return True
    except Exception:
        return False


def _service_events(service_log: Path, since: float) -> dict[str, Any]:
    """From the service's log (JSON lines), the wall-clock times after ``since`` of the store
    being seen back ("available again") and of the end of its slow start, with the slow
    start's figures."""
    found: dict[str, Any] = {}
    for line in service_log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
            ts = record["ts"]
            at = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) + float(ts[19:-1] or 0)
        except (ValueError, KeyError, TypeError):
            continue
        if at < since - 0.01:
            continue
        if "available again" in record.get("msg", "") and "up" not in found:
            found["up"] = at
        elif "slow start after the outage" in record.get("msg", "") and "slow" not in found:
            found["slow"] = at
            found["slow_record"] = record
    return found


def outage(
    server: Any, after: float, log: list[str], url: str, probe: dict[str, Any], service_log: Path | None = None
) -> threading.Thread:
    """Kill Neo4j ``after`` seconds in, start it again, and time the service's recovery: from
    ``start()`` returning (the server serves its database again) to the first whole answer.
    Beside it, a bare driver's ``RETURN 1`` loop across the same restart (a fresh driver each
    try) times the server's own return, so that what is the service's can be told apart; and
    from the service's log, when its watch saw the store back and when its slow start ended
    (heavy requests admitted again)."""
    body = json.dumps(probe).encode()
    bare: dict[str, float] = {}

    def bare_loop(killed: float) -> None:
        while time.monotonic() - killed < 300:
            if _bare_driver_answers(server.uri, probe["variables"]["id"], bare):
                return
            time.sleep(0.05)

    def run() -> None:
        time.sleep(after)
        t0 = time.monotonic()
        server.kill()
        log.append(f"killed Neo4j at {after:.0f} s")
        time.sleep(0.5)  # the old server's port closed: the bare loop starts on a dead server
        watcher = threading.Thread(target=bare_loop, args=(t0,), daemon=True)
        watcher.start()
        server.start()
        back = time.monotonic()
        back_wall = time.time()
        log.append(f"Neo4j was back (same data folder and port) {back - t0:.1f} s later")
        while not _answers(url, body):
            if time.monotonic() - back > 120:
                log.append("no whole answer within 120 s of the server's return")
                return
            time.sleep(0.1)
        first = time.monotonic()
        log.append(f"recovery: the first whole answer {first - back:.2f} s after the server was back")
        watcher.join(timeout=60)
        if "ping" in bare:
            log.append(
                f"a bare driver's first RETURN 1 came {bare['ping'] - back:+.2f} s from the server's return "
                f"(the service's first whole answer {first - bare['ping']:+.2f} s after it)"
            )
        if "read" in bare:
            log.append(
                f"its first point read came {bare['read'] - back:+.2f} s from the server's return "
                f"(the service's first whole answer {first - bare['read']:+.2f} s after it)"
            )
        if service_log is not None:
            time.sleep(6)  # the slow start ends within its bound (5 s) of the return
            seen = _service_events(service_log, back_wall - 60)
            if "up" in seen:
                log.append(f"the service saw the store back {seen['up'] - back_wall:+.2f} s from the server's return")
            if "slow" in seen:
                r = seen["slow_record"]
                warm = (
                    "the warm-up still running"
                    if r.get("warm_reads") is None
                    else f"{r['warm_reads']} reads warmed in {r.get('warm_s')} s"
                )
                log.append(
                    f"its slow start: requests answered again {r.get('opened_s')} s after it saw the store back, "
                    f"{r.get('heavy_held')} heavy requests held until {seen['slow'] - back_wall:+.2f} s "
                    f"from the server's return, {warm}; the first read warmed: {r.get('first_read')}"
                )

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def bench_store(kind: str, args: argparse.Namespace, mix: dict[str, int]) -> None:
    with tempfile.TemporaryDirectory(prefix="civicmesh-load-") as tmp:
        workdir = Path(tmp)
        server = None
        think = parse_mix(args.think, "--think") if args.think else {}
        env = {"CIVICMESH_MAX_PAGE_SIZE": "500", **dict(kv.split("=", 1) for kv in args.service_env)}
        if args.loop_watch:
            env["CIVICMESH_LOOP_WATCH"] = str(args.loop_watch)
        if args.read_processes is not None:
            env["CIVICMESH_READ_PROCESSES"] = str(args.read_processes)
        if kind == "embedded":
            store = prepare_embedded(args.preset, workdir)
        else:
            server = prepare_neo4j(args.preset)
            store = server.uri
        try:
            service = start_service(store, workdir, env, args.workers if kind == "neo4j" else 1)
            try:
                files = bodies(service.url, workdir, args.node_ids)
                for name in mix:  # one request of each kind first: caches warm, the projection built
                    first = json.loads(files[name].read_text().splitlines()[0])
                    _post(service.url, first["query"], first["variables"], timeout=600)
                if args.warm > 0:  # the server's code compiled and its caches filled for every kind
                    run_load(service.url, files, mix, args.warm, workdir, think)
                if args.alone > 0 and "node" in mix:
                    alone = {"node": mix["node"]}
                    report(
                        f"{kind} ({args.preset}), node(id) alone",
                        alone,
                        run_load(service.url, files, alone, args.alone, workdir),
                        args.alone,
                    )
                events: list[str] = []
                watcher = None
                if args.outage and server is not None:
                    probe = json.loads(files["node"].read_text().splitlines()[0])
                    watcher = outage(server, args.duration / 3, events, service.url, probe, service.log)
                jvm_pid = server.pid if server is not None else None
                cpu_before, jvm_before, cpu_t0 = _cpu_snapshot(), jvm_threads(jvm_pid), time.monotonic()
                results = run_load(service.url, files, mix, args.duration, workdir, think)
                seconds = time.monotonic() - cpu_t0
                cpu_line = cpu_use(cpu_before, _cpu_snapshot(), service.process.pid, seconds)
                jvm_line = ""
                if server is not None and jvm_pid is not None and server.pid == jvm_pid:  # not restarted (--outage)
                    jvm_line = jvm_use(jvm_before, jvm_threads(jvm_pid), seconds)
                if watcher is not None:  # a restart may outlast the load: wait for the recovery figure
                    watcher.join(timeout=300)
                report(f"{kind} ({args.preset}), the mix", mix, results, args.duration)
                if think:
                    print("  clients' pause between requests: " + ", ".join(f"{k} {ms} ms" for k, ms in think.items()))
                for event in events:
                    print(f"  outage: {event}")
                print(f"  CPU during the mix: {cpu_line}")
                if jvm_line:
                    print(f"  Neo4j's JVM during the mix: {jvm_line}")
                print_rebuilds(service.url)
                print_memory(service.process.pid)
            finally:
                service.stop()
                if args.loop_watch:
                    print_loop_watch(service.log)
        finally:
            if server is not None:
                server.stop()


def print_loop_watch(log: Path) -> None:
    """The loop watch's report of the whole run, from the service's log (JSON lines)."""
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("logger") == "civicmesh.loop_watch" and "whole run" in record["msg"]:
            print("  loop watch: " + record["msg"].replace("\n", "\n  loop watch: "))


def print_rebuilds(url: str) -> None:
    """How often the service streamed its analytics projection, folded writes into it and made
    an analytics session during the whole run (its ``/metrics`` counters)."""
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=30) as r:
            text = r.read().decode()
    except OSError as exc:
        print(f"  rebuilds: /metrics did not answer ({exc})")
        return
    names = ("search_cache_hits", "search_cache_misses", "projection_streams", "projection_folds", "analytics_sessions")
    for name in names:
        values = [line.split()[-1] for line in text.splitlines() if line.startswith(f"civicmesh_{name}_total ")]
        print(f"  {name.replace('_', ' ')}: {values[0] if values else '?'}")
    kept = {
        outcome: line.split()[-1]
        for line in text.splitlines()
        for outcome in ("hit", "miss")
        if line.startswith(f'civicmesh_kept_answers_total{{outcome="{outcome}"}}')
    }
    if kept:  # point lookups answered from kept answers (service.kept_answers), over the whole run
        print(f"  kept answers: {kept.get('hit', '?')} hits, {kept.get('miss', '?')} misses")
    readers = [line for line in text.splitlines() if line.startswith("civicmesh_reader")]
    if readers:
        print("  readers: " + "; ".join(readers))


def print_memory(pid: int) -> None:
    """The resident memory of the service and of its child processes (readers, analyses)."""

    def rss(p: int) -> str:  # resident, and of it the pages this process does not share (a fork's own)
        fields: dict[str, int] = {}
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    name, _, rest = line.partition(":")
                    if rest.strip().endswith("kB"):
                        fields[name] = int(rest.split()[0])
        except (OSError, ValueError):
            return "?"
        private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
        rss, pss = fields.get("Rss", 0) / 1024, fields.get("Pss", 0) / 1024
        return f"RSS {rss:.0f} MiB (PSS {pss:.0f}, own {private / 1024:.0f})"

    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        children = []
    print(f"  memory: service {rss(pid)}" + "".join(f", child {c} {rss(c)}" for c in children))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--store", choices=["embedded", "neo4j", "both"], default="both")
    p.add_argument("--duration", type=int, default=60, help="seconds of load per store (default 60)")
    p.add_argument("--mix", default=DEFAULT_MIX, help=f"clients per kind (default {DEFAULT_MIX})")
    p.add_argument("--preset", default="jiangyin", help="the synthetic city (default jiangyin; demo is quick)")
    p.add_argument("--outage", action="store_true", help="Neo4j: kill the server a third of the way in, restart it")
    p.add_argument(
        "--node-ids",
        type=int,
        default=500,
        help="households the node clients ask for in turn (default 500): a lookup asked again within "
        "CIVICMESH_ANSWER_CACHE_S is answered from its kept answer, so more ids than the clients "
        "get through in the run show the lookups that are not",
    )
    p.add_argument(
        "--think",
        default="",
        help="ms each client of a kind pauses between an answer and its next request, e.g. search=60 "
        "(default: none, every client sends its next request at once)",
    )
    p.add_argument(
        "--warm", type=int, default=0, help="seconds of the whole mix, not reported, before anything is measured"
    )
    p.add_argument("--alone", type=int, default=15, help="seconds of node(id) alone before the mix (0: none)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes for the Neo4j service")
    p.add_argument("--loop-watch", type=float, default=0, metavar="MS", help="print where the loop stalled > MS ms")
    p.add_argument(
        "--read-processes", type=int, metavar="N", help="the service's reader processes (CIVICMESH_READ_PROCESSES)"
    )
    p.add_argument("--service-env", action="append", default=[], metavar="KEY=VALUE", help="the service's environment")
    args = p.parse_args(argv)
    if any("=" not in kv for kv in args.service_env):
        p.error("--service-env takes KEY=VALUE")
    if shutil.which("wrk") is None:
        print(
            "load_bench: needs Debian's wrk (the load generator, outside the service's process): "
            "run `make bench-tools` (apt-get install wrk)",
            file=sys.stderr,
        )
        return 2
    mix = parse_mix(args.mix)
    kinds = ["embedded", "neo4j"] if args.store == "both" else [args.store]
    for kind in kinds:
        bench_store(kind, args, mix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
