"""``civicmesh import|export|template|generate`` as a user runs them: subprocesses, on both stores."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph_schema import Node, Relationship
from loaders.formats.graphdata import GraphData
from loaders.formats.jsonformat import write_json
from loaders.store import GraphStore
from tests.conftest import STORES, Neo4jPool

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.asyncio


def cli(*args: str | Path, store: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``civicmesh [--store STORE] ARGS`` and return the finished process."""
    return subprocess.run(_argv(args, store), env=_env(), capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def _argv(args: tuple[str | Path, ...], store: str | None) -> list[str]:
    head = [sys.executable, "-m", "service.cli"] + (["--store", store] if store else [])
    return head + [str(a) for a in args]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CIVICMESH_STORE"}
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass
class Target:
    """Where the CLI writes: an embedded file or a Neo4j URI, plus an open store to inspect it."""

    kind: str
    store_arg: str
    pool: Neo4jPool
    tmp: Path

    async def reset(self) -> None:
        """Empty the store (a new embedded file; the session's Neo4j cleared)."""
        if self.kind == "embedded":
            self.store_arg = str(self.tmp / f"cli-{time.monotonic_ns()}.sqlite")
        else:
            await (await self.pool.get()).clear()

    async def count(self) -> int:
        """Nodes and relationships committed so far, seen from outside the CLI process."""
        if self.kind == "embedded":
            if not Path(self.store_arg).exists():
                return 0
            try:
                with sqlite3.connect(f"file:{self.store_arg}?mode=ro", uri=True) as db:
                    nodes = db.execute("SELECT count(*) FROM nodes").fetchone()[0]
                    rels = db.execute("SELECT count(*) FROM rels").fetchone()[0]
                    return int(nodes) + int(rels)
            except sqlite3.OperationalError:
                return 0
        store: GraphStore = await self.pool.get()
        total = 0
        for label in ("Street", "Community", "Grid", "Building", "Household"):
            total += await store.count_nodes(label)
        return total


@pytest.fixture(params=STORES)
async def target(request: pytest.FixtureRequest, neo4j_pool: Neo4jPool, tmp_path: Path) -> AsyncIterator[Target]:
    if request.param == "embedded":
        t = Target("embedded", str(tmp_path / "cli.sqlite"), neo4j_pool, tmp_path)
    else:
        t = Target("neo4j", request.getfixturevalue("neo4j_uri"), neo4j_pool, tmp_path)
        await t.reset()
    yield t


def city(households: int) -> GraphData:
    """A deterministic street of ``households`` households (40 per building, 10 buildings per grid)."""
    nodes = [Node("Street", "s-1", {"name": "澄江街道", "code": "320281001"})]
    rels: list[Relationship] = []
    buildings = max(1, households // 40)
    grids = max(1, buildings // 10)
    communities = max(1, grids // 5)
    for c in range(communities):
        nodes.append(Node("Community", f"c-{c}", {"name": f"第{c}社区"}))
        rels.append(Relationship("PART_OF", f"c-{c}", "s-1"))
    for g in range(grids):
        nodes.append(Node("Grid", f"g-{g}", {"name": f"第{g}网格", "target_households": 300}))
        rels.append(Relationship("PART_OF", f"g-{g}", f"c-{g % communities}"))
    for b in range(buildings):
        nodes.append(Node("Building", f"b-{b}", {"name": f"{b}栋", "kind": "BUILDING"}))
        rels.append(Relationship("PART_OF", f"b-{b}", f"g-{b % grids}"))
    for h in range(households):
        nodes.append(
            Node("Household", f"h-{h:06d}", {"name": f"{h}室", "size": 1 + h % 5, "tags": ["FLOATING"] * (h % 2)})
        )
        rels.append(Relationship("PART_OF", f"h-{h:06d}", f"b-{h % buildings}"))
    return GraphData.sorted(nodes, rels)


# --- generate --------------------------------------------------------------------------------------


async def test_generate_gives_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    runs = [
        cli("generate", "--preset", "demo", "--seed", "7", "--out", tmp_path / "a.json", "--no-progress"),
        cli("generate", "--preset", "demo", "--seed", "7", "--out", tmp_path / "b.json", "--no-progress"),
        cli("generate", "--preset", "demo", "--seed", "8", "--out", tmp_path / "c.json", "--no-progress"),
        cli("generate", "--preset", "demo", "--seed", "7", "--out", tmp_path / "csv1"),
        cli("generate", "--preset", "demo", "--seed", "7", "--out", tmp_path / "csv2"),
    ]
    assert [r.returncode for r in runs] == [0] * 5, [r.stderr for r in runs]
    assert "generated demo (seed 7)" in runs[0].stdout
    a, b, c = ((tmp_path / n).read_bytes() for n in ("a.json", "b.json", "c.json"))
    assert a == b and a != c
    names = sorted(p.name for p in (tmp_path / "csv1").iterdir())
    assert "Household.csv" in names and names == sorted(p.name for p in (tmp_path / "csv2").iterdir())
    for name in names:
        assert (tmp_path / "csv1" / name).read_bytes() == (tmp_path / "csv2" / name).read_bytes()
    assert "generating" in runs[3].stderr  # progress goes to stderr, never stdout


# --- import and export -----------------------------------------------------------------------------


async def test_import_export_round_trips_through_both_formats(target: Target, tmp_path: Path) -> None:
    generated = tmp_path / "demo.json"
    assert cli("generate", "--out", generated, "--no-progress").returncode == 0
    done = cli("import", generated, store=target.store_arg)
    assert done.returncode == 0, done.stderr
    doc = json.loads(generated.read_text(encoding="utf-8"))
    nodes, rels = len(doc["nodes"]), len(doc["relationships"])
    assert nodes > 500 and rels > 1000  # the demo city, appeals and roundtables included
    assert f"wrote {nodes:,} nodes and {rels:,} relationships" in done.stdout
    assert cli("export", tmp_path / "out.json", "--include-pii", store=target.store_arg).returncode == 0
    assert (tmp_path / "out.json").read_bytes() == generated.read_bytes()
    assert cli("export", tmp_path / "one", "--include-pii", store=target.store_arg).returncode == 0
    await target.reset()
    assert cli("import", tmp_path / "one", "--no-progress", store=target.store_arg).returncode == 0
    assert cli("export", tmp_path / "two", "--include-pii", store=target.store_arg).returncode == 0
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    for fmt, name in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("cytoscape", "g.cyjs")):
        run = cli("export", tmp_path / name, "--format", fmt, "--area", "c-0101", store=target.store_arg)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / name).stat().st_size > 1000


async def test_problems_are_reported_and_nothing_is_written(target: Target, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "Household.csv").write_text(
        "id:ID(Household),name,size:int\nh1,一室,three\nh2,二室,2\nh3,三室,1\n", encoding="utf-8"
    )
    (folder / "Building.csv").write_text("id:ID(Building),name,kind\nb1,1栋,BUILDING\nb2,2栋,TOWER\n", encoding="utf-8")
    (folder / "PART_OF__Household__Building.csv").write_text(
        ":START_ID(Household),:END_ID(Building),:TYPE\nh1,b1,PART_OF\nh2,b2,PART_OF\nh3,b1,PART_OF\nh3,b9,PART_OF\n",
        encoding="utf-8",
    )
    run = cli("import", folder, "--no-progress", store=target.store_arg)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "Building.csv row 3, column kind: 'TOWER' is not one of BUILDING, COURTYARD",
        "Household.csv row 2, column size:int: 'three' is not a whole number",
        "PART_OF__Household__Building.csv row 5, column :END_ID(Building): no node with id 'b9' in this import or "
        "in the store (expected a Building or Community or Grid or Street)",
    ]
    assert "found 3 problems, nothing was written" in run.stdout
    assert await target.count() == 0

    run = cli("import", folder, "--no-progress", "--skip-invalid", store=target.store_arg)
    assert run.returncode == 0, run.stderr
    assert "wrote 3 nodes and 1 relationship" in run.stdout
    rejects = (tmp_path / "bad.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects == [
        "file,sheet,row,column,record,code,message",
        "Building.csv,,3,kind,Building b2,ENUM,\"'TOWER' is not one of BUILDING, COURTYARD\"",
        "Household.csv,,2,size:int,Household h1,BAD_VALUE,'three' is not a whole number",
        "PART_OF__Household__Building.csv,,2,:START_ID(Household),PART_OF h1 -> b1,ENDPOINT_REJECTED,"
        "start 'h1' was rejected (see Household.csv row 2)",
        "PART_OF__Household__Building.csv,,3,:END_ID(Building),PART_OF h2 -> b2,ENDPOINT_REJECTED,"
        "end 'b2' was rejected (see Building.csv row 3)",
        "PART_OF__Household__Building.csv,,5,:END_ID(Building),PART_OF h3 -> b9,MISSING_ENDPOINT,"
        "no node with id 'b9' in this import or in the store (expected a Building or Community or Grid or Street)",
    ]
    out = cli("export", tmp_path / "after.json", store=target.store_arg)
    assert out.returncode == 0
    assert "exported 3 nodes and 1 relationship" in out.stdout


async def test_an_xlsx_template_filled_in_chinese_imports(target: Target, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert cli("template", "--xlsx", tmp_path / "t.xlsx").returncode == 0
    wb = load_workbook(tmp_path / "t.xlsx")
    assert [c.value for c in wb["Household"][1]][:4] == ["编号", "名称", "地址", "人数"]
    wb["Building"].append(["b1", "1栋", "BUILDING"])
    wb["Household"].append(["h1", "1栋101", "东门路1号", 3, "FLOATING；ELDERLY_ALONE", "张三丰", "13812341234"])
    wb["Household"].append(["h2", "1栋102", None, "两"])
    wb["PART_OF"].append(["h1", "b1"])
    wb.save(tmp_path / "t.xlsx")
    run = cli("import", tmp_path / "t.xlsx", "--no-progress", store=target.store_arg)
    assert run.returncode == 1
    assert run.stderr.strip() == "t.xlsx sheet Household row 3, column 人数: '两' is not a whole number"
    wb["Household"]["D3"] = 2
    wb.save(tmp_path / "t.xlsx")
    run = cli("import", tmp_path / "t.xlsx", "--no-progress", store=target.store_arg)
    assert run.returncode == 0, run.stderr
    assert cli("export", tmp_path / "g.json", store=target.store_arg).returncode == 0
    text = (tmp_path / "g.json").read_text(encoding="utf-8")
    # without --include-pii: no personal data (the head's name, the household's address, its
    # vulnerable tags)
    assert '"tags":["FLOATING"]' in text and "张三丰" not in text and "东门路1号" not in text
    assert cli("export", tmp_path / "all.json", "--include-pii", store=target.store_arg).returncode == 0
    assert '"tags":["FLOATING","ELDERLY_ALONE"]' in (tmp_path / "all.json").read_text(encoding="utf-8")


async def test_a_killed_import_completes_when_run_again(target: Target, tmp_path: Path) -> None:
    households, batch = (20_000, 1_000) if target.kind == "embedded" else (4_000, 400)
    data = city(households)
    write_json(tmp_path / "city.json", data, include_pii=True)
    total = len(data.nodes) + len(data.relationships)
    proc = subprocess.Popen(
        _argv(("import", tmp_path / "city.json", "--batch-size", str(batch)), target.store_arg),
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        seen = 0
        while seen == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
            seen = await target.count()
        assert proc.poll() is None, "the import finished before it could be interrupted"
        assert seen > 0, "no batch was committed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stderr is not None
        progress = proc.stderr.read().decode()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert "civicmesh: writing" in progress or "civicmesh: checking" in progress
    partial = await target.count()
    assert 0 < partial < (total if target.kind == "embedded" else len(data.nodes))
    again = cli("import", tmp_path / "city.json", "--no-progress", store=target.store_arg)
    assert again.returncode == 0, again.stderr
    assert cli("export", tmp_path / "after.json", "--include-pii", store=target.store_arg).returncode == 0
    assert (tmp_path / "after.json").read_bytes() == (tmp_path / "city.json").read_bytes()


async def test_generate_and_import_in_one_go(tmp_path: Path) -> None:
    store = str(tmp_path / "g.sqlite")
    run = cli("generate", "--out", tmp_path / "demo.json", "--import", "--no-progress", store=store)
    assert run.returncode == 0, run.stderr
    again = cli("import", "--preset", "demo", "--no-progress", store=store)
    assert again.returncode == 0, again.stderr
    assert cli("export", tmp_path / "out.json", "--include-pii", store=store).returncode == 0
    assert (tmp_path / "out.json").read_bytes() == (tmp_path / "demo.json").read_bytes()


async def test_usage_errors_exit_2(tmp_path: Path) -> None:
    store = str(tmp_path / "u.sqlite")
    runs = {
        "no path": cli("import", store=store),
        "missing": cli("import", tmp_path / "nope", store=store),
        "area": cli("export", tmp_path / "x.json", "--area", "nowhere", store=store),
        "template": cli("template"),
    }
    assert {k: r.returncode for k, r in runs.items()} == dict.fromkeys(runs, 2)
    assert runs["missing"].stderr.strip() == f"civicmesh: {tmp_path / 'nope'} does not exist"
    assert runs["area"].stderr.strip() == "civicmesh: there is no node with id 'nowhere' to export"


@pytest.mark.neo4j
async def test_the_csv_folder_loads_with_neo4j_admin_import(tmp_path: Path) -> None:
    """The bulk folder is what ``neo4j-admin database import full`` reads (Neo4j's own importer)."""
    import shutil

    from tests.conftest import _neo4j_local

    engine = _neo4j_local().ensure_engine(Path(os.environ.get("CIVICMESH_CACHE") or ROOT / ".cache"))
    assert cli("generate", "--out", tmp_path / "csv", "--no-progress").returncode == 0
    files = sorted((tmp_path / "csv").iterdir())
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").touch()
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java") or "java"
    argv = [java, "-Xmx512m", "-cp", str(engine / "lib" / "*"), "org.neo4j.cli.AdminTool"]
    argv += ["database", "import", "full", "neo4j", "--multiline-fields=true", "--max-off-heap-memory=256M"]
    argv += [f"--report-file={tmp_path / 'import.report'}"]  # not in the working directory
    argv += [f"--{'relationships' if '__' in f.name else 'nodes'}={f}" for f in files]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "IMPORT DONE" in done.stdout
    nodes = sum(len(f.read_text(encoding="utf-8").splitlines()) - 1 for f in files if "__" not in f.name)
    rels = sum(len(f.read_text(encoding="utf-8").splitlines()) - 1 for f in files if "__" in f.name)
    assert nodes > 500 and rels > 1000  # the demo city, appeals and roundtables included
    assert f"{nodes} nodes" in done.stdout and f"{rels} relationships" in done.stdout
