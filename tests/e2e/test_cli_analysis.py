"""``civicmesh analyze ...`` and ``civicmesh report`` as a user runs them.

The CLI runs in-process (``service.cli.main``) on an embedded store file loaded with the
``demo`` preset, and once on a real Neo4j (``--store bolt://...``).  Answers are checked
against the analytics run on the oracle projection built from the generator's records
(``tests.contract.test_analytics_contract``).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import analytics as A
from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore
from service.cli import main
from service.commands.analysis import display_width
from tests.contract.test_analytics_contract import AS_OF, demo_city, load, oracle_projection

COMMUNITY = "c-0101"
GRID = "g-0101-01"
BUILDING = "b-0101-01-01"
HOUSEHOLD = "h-0101-01-01-004"


@pytest.fixture(scope="module")
def G() -> Any:
    """The oracle projection of the demo city."""
    return oracle_projection(demo_city())


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An embedded store file holding the demo preset."""
    path = tmp_path_factory.mktemp("cli-analysis") / "demo.sqlite"

    async def fill() -> None:
        store = EmbeddedStore(path)
        await store.open()
        try:
            await load(store, demo_city())
        finally:
            await store.close()

    asyncio.run(fill())
    yield str(path)


class Run:
    """One CLI run: exit code, stdout, stderr."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


def cli(capsys: pytest.CaptureFixture[str], store: str, *args: str) -> Run:
    capsys.readouterr()
    try:
        code = main(["--store", store, *args])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


# --- JSON -------------------------------------------------------------------------------------


def test_coverage_json_has_households_and_members_of_the_area(
    capsys: pytest.CaptureFixture[str], demo_file: str, G: Any
) -> None:
    run = cli(capsys, demo_file, "analyze", "coverage", "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    for key in ("households", "members"):
        assert set(data[key]) == {"total", "covered", "rate"}
    assert data["households"]["total"] == 297
    assert data == A.coverage(G).to_dict()

    run = cli(
        capsys,
        demo_file,
        "analyze",
        "coverage",
        "--area",
        COMMUNITY,
        "--as-of",
        AS_OF,
        "--by",
        "grid",
        "--format",
        "json",
    )
    assert run.code == 0, run.err
    assert run.json() == A.coverage(G, COMMUNITY, as_of=AS_OF, by="Grid").to_dict()
    assert run.json()["active"]["as_of"] == AS_OF


def test_reach_json_lists_each_unit_with_its_households(
    capsys: pytest.CaptureFixture[str], demo_file: str, G: Any
) -> None:
    run = cli(capsys, demo_file, "analyze", "reach", "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["units"] and all({"id", "households"} <= set(u) for u in data["units"])
    assert data == A.reach(G).to_dict()


def test_structure_json_has_the_three_rates(capsys: pytest.CaptureFixture[str], demo_file: str, G: Any) -> None:
    run = cli(capsys, demo_file, "analyze", "structure", "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    expected = A.structure(G)
    assert data["grids_with_branch_rate"] == expected.grids_with_branch_rate
    assert data["buildings_with_group_rate"] == expected.buildings_with_group_rate
    assert data["communities_with_alliance_rate"] == expected.communities_with_alliance_rate
    assert data == expected.to_dict()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("load",), lambda G: A.vanguard_load(G, include_all=True)),
        (("uncovered", "--area", GRID), lambda G: A.uncovered_households(G, GRID)),
        (
            ("expansion", "--k", "20", "--resource", "LEGAL_AID"),
            lambda G: A.expansion_plan(G, 20, resource="LEGAL_AID"),
        ),
        (("brokerage",), lambda G: A.brokerage(G, top=10)),
        (("plan", "--area", COMMUNITY), lambda G: A.coverage_plan(G, COMMUNITY)),
        (("reach", "--area", GRID, "--by", "building"), lambda G: A.reach(G, GRID, by="Building")),
    ],
    ids=["load", "uncovered", "expansion", "brokerage", "plan", "reach-by-building"],
)
def test_every_analysis_prints_its_result_as_json(
    capsys: pytest.CaptureFixture[str], demo_file: str, G: Any, args: tuple[str, ...], expected: Any
) -> None:
    run = cli(capsys, demo_file, "analyze", *args, "--format", "json")
    assert run.code == 0, run.err
    assert run.json() == expected(G).to_dict()


def test_top_shortens_the_json_lists(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:
    run = cli(capsys, demo_file, "analyze", "coverage", "--by", "grid", "--format", "json", "--top", "2")
    assert [r["area"] for r in run.json()["breakdown"]] == ["g-0101-01", "g-0101-02"]
    run = cli(capsys, demo_file, "analyze", "coverage", "--by", "grid", "--sort", "rate", "--format", "json")
    rates = [r["households"]["rate"] for r in run.json()["breakdown"]]
    assert rates == sorted(rates)


# --- tables and CSV ------------------------------------------------------------------------------


def _block(text: str, title: str) -> list[str]:
    """The lines of the table titled ``title`` (up to the next blank line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    block = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        block.append(line)
    return block


def test_tables_align_chinese_names_by_display_width(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:
    run = cli(capsys, demo_file, "analyze", "coverage", "--by", "grid")
    assert run.code == 0, run.err
    assert "Linkage coverage" in run.out and "尚贤社区第1网格" in run.out
    rows = _block(run.out, "By grid")
    assert len(rows) == 2 + 6  # header, rule, six grids
    assert len({display_width(r) for r in rows}) == 1  # the last column is right-aligned: same end
    rule = rows[1]
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    for row in rows[2:]:
        # every cell starts where its column starts, counted in display columns
        cells = list(re.finditer(r"\S+", row))
        first_name = cells[1]
        assert display_width(row[: first_name.start()]) == starts[1]


def test_table_of_reach_and_plan_read_like_a_report(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:
    run = cli(capsys, demo_file, "analyze", "reach")
    assert "Per resource kind" in run.out and "ELDERLY_CARE" in run.out
    run = cli(capsys, demo_file, "analyze", "plan")
    assert "households covered" in run.out and "->" in run.out
    run = cli(capsys, demo_file, "analyze", "expansion", "--resource", "ELDERLY_CARE")
    assert "No member unit offers ELDERLY_CARE" in run.out


def test_csv_is_the_breakdown_rows(capsys: pytest.CaptureFixture[str], demo_file: str, G: Any) -> None:
    run = cli(capsys, demo_file, "analyze", "coverage", "--by", "grid", "--as-of", AS_OF, "--format", "csv")
    assert run.code == 0, run.err
    rows = list(csv.DictReader(io.StringIO(run.out)))
    expected = A.coverage(G, as_of=AS_OF, by="Grid").breakdown
    assert [r["area"] for r in rows] == [b.area for b in expected]
    assert [int(r["households_covered"]) for r in rows] == [b.households.covered for b in expected]
    assert [int(r["active_households"]) for r in rows] == [b.active.households for b in expected if b.active]

    run = cli(capsys, demo_file, "analyze", "reach", "--format", "csv", "--rows", "units")
    units = {r["unit"]: int(r["households"]) for r in csv.DictReader(io.StringIO(run.out))}
    assert units == {u.id: u.households for u in A.reach(G).units}


def test_out_writes_a_file(capsys: pytest.CaptureFixture[str], demo_file: str, tmp_path: Path) -> None:
    target = tmp_path / "sub" / "structure.csv"
    run = cli(capsys, demo_file, "analyze", "structure", "--format", "csv", "--out", str(target))
    assert run.code == 0 and run.out == ""
    assert "wrote" in run.err
    assert target.read_text(encoding="utf-8").startswith("grid,name,community,households")


def test_progress_goes_to_stderr(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:
    run = cli(capsys, demo_file, "analyze", "brokerage", "--format", "json", "--progress", "always")
    assert run.code == 0
    assert "reading the graph" in run.err and "betweenness" in run.err
    json.loads(run.out)  # stdout stays clean JSON


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("coverage", "--area", "g-9999"), "there is no node with the id 'g-9999'"),
        (("coverage", "--area", "尚贤社区"), "c-0101 (尚贤社区, Community)"),
        (("reach", "--area", HOUSEHOLD), "is a household (户), not an area; --area takes the id of a street"),
        (("coverage", "--area", GRID, "--by", "community"), "has no communities below it; use --by building"),
        (("brokerage", "--area", BUILDING), f"try its grid, --area {GRID}"),
        (("expansion", "--resource", "GOLD"), "unknown resource kind 'GOLD'"),
        (("coverage", "--as-of", "31/10/2026"), "expected a date as YYYY-MM-DD"),
        (("plan", "--households-norm", "-1"), "households norm must be between 0 and 300, got -1"),
        (("load", "--members-norm", "1000"), "members norm must be between 0 and 100, got 1000"),
        (("structure", "--tolerance", "-0.5"), "tolerance must be between 0 and 10, got -0.5"),
    ],
    ids=[
        "unknown-id",
        "a-name",
        "household",
        "by-above",
        "brokerage-building",
        "resource",
        "date",
        "plan-norm",
        "load-norm",
        "tolerance",
    ],
)
def test_mistakes_are_explained_and_exit_2(
    capsys: pytest.CaptureFixture[str], demo_file: str, args: tuple[str, ...], message: str
) -> None:
    run = cli(capsys, demo_file, "analyze", *args)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err and run.out == ""


def test_store_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nothing.sqlite"
    run = cli(capsys, str(missing), "analyze", "coverage")
    assert run.code == 2 and "there is no embedded store" in run.err
    assert not missing.exists()  # a mistyped path does not create an empty store
    run = cli(capsys, "bolt://127.0.0.1:9", "analyze", "coverage")
    assert run.code == 1 and "cannot open Neo4j at bolt://127.0.0.1:9" in run.err


# --- the report ---------------------------------------------------------------------------------


def test_report_writes_a_self_contained_page_and_the_figures(
    capsys: pytest.CaptureFixture[str], demo_file: str, tmp_path: Path, G: Any
) -> None:
    out = tmp_path / "report"
    run = cli(capsys, demo_file, "report", "--out", str(out), "--png")
    assert run.code == 0, run.err
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 6
    assert not re.search(r"""(src|href)=["'](https?:|//|[^"'#][^"']*\.(png|css|js))""", page)  # nothing external
    for heading in (
        "Linkage coverage",
        "Vanguard load",
        "Alliance resource reach",
        "Structure completeness",
        "Coverage plan",
        "Overloaded vanguards",
        "Uncovered households per grid",
    ):
        assert heading in page
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    latest = max(d["on"] for _, _, d in G.edges(data=True) if d["type"] == "VISITED")
    assert data["meta"]["as_of"] == latest and data["meta"]["as_of_source"] == "latest visit on record"
    assert data["coverage"] == A.coverage(G, as_of=latest, by="Grid").to_dict()
    assert data["reach"] == A.reach(G, by="Grid").to_dict()
    assert data["structure"] == A.structure(G).to_dict()
    plan = A.coverage_plan(G)
    assert data["plan"]["after"] == plan.after.to_dict()
    assert data["plan_by_grid"] == [r.to_dict() for r in plan.grids]
    short = [r for r in plan.grids if r.left_uncovered]
    if short:  # the grids still short after the plan, with the vanguards they need
        assert "Grids still short after the plan" in page
        worst = max(short, key=lambda r: (r.left_uncovered, [-ord(c) for c in r.grid]))
        assert re.search(rf"<td>{re.escape(worst.grid)}</td>.*?<td[^>]*>{worst.vanguards_needed}</td></tr>", page, re.S)
    assert set(data["expansion"]["plans"]) >= {"ANY", "ELDERLY_CARE", "LEGAL_AID"}
    assert {p.name for p in (out / "plots").iterdir()} >= {"coverage.png", "load.png", "reach.png", "stars.png"}


@pytest.mark.parametrize("area", [GRID, BUILDING])
def test_report_of_a_small_area(capsys: pytest.CaptureFixture[str], demo_file: str, tmp_path: Path, area: str) -> None:
    run = cli(capsys, demo_file, "report", "--out", str(tmp_path), "--area", area, "--as-of", AS_OF)
    assert run.code == 0, run.err
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["meta"]["area"] == area and data["meta"]["as_of"] == AS_OF
    assert "<svg" in (tmp_path / "index.html").read_text(encoding="utf-8")


# --- Neo4j --------------------------------------------------------------------------------------


@pytest.mark.neo4j
def test_the_cli_on_neo4j(capsys: pytest.CaptureFixture[str], neo4j_uri: str, G: Any) -> None:
    from loaders.stores.neo4j_store import Neo4jStore

    async def fill() -> None:
        store: GraphStore = Neo4jStore(neo4j_uri)
        await store.open()
        try:
            await store.clear()
            await load(store, demo_city())
        finally:
            await store.close()

    asyncio.run(fill())
    run = cli(capsys, neo4j_uri, "analyze", "coverage", "--as-of", AS_OF, "--by", "grid", "--format", "json")
    assert run.code == 0, run.err
    assert run.json() == A.coverage(G, as_of=AS_OF, by="Grid").to_dict()
    run = cli(capsys, neo4j_uri, "analyze", "reach", "--area", COMMUNITY, "--format", "json")
    assert run.json() == A.reach(G, COMMUNITY).to_dict()
    run = cli(capsys, neo4j_uri, "analyze", "plan", "--format", "json")
    assert run.json() == A.coverage_plan(G).to_dict()
    run = cli(capsys, neo4j_uri, "analyze", "structure", "--area", HOUSEHOLD)
    assert run.code == 2 and f"try building {BUILDING}" in run.err and "Neo4j" not in run.out
    run = cli(capsys, neo4j_uri, "analyze", "coverage", "--area", "nowhere")
    assert run.code == 2 and f"there is no node with the id 'nowhere' in Neo4j at {neo4j_uri}" in run.err


def test_the_examples_in_the_cli_docstrings() -> None:
    """The doctests of the CLI modules (``service`` is not among the doctest paths of pytest)."""
    import doctest
    import importlib
    import pkgutil

    import service.commands.analysis
    import service.formatting
    import service.report

    modules = [service.formatting]
    for package in (service.commands.analysis, service.report):
        modules.append(package)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            modules.append(importlib.import_module(info.name))
    for module in modules:
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__


def test_the_report_without_a_chinese_font_labels_plots_with_ids(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, G: Any
) -> None:
    import datetime as dt
    import warnings

    import service.report

    monkeypatch.setattr(service.report, "cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        service.report.build_report(G, out_dir=tmp_path, as_of=dt.date.fromisoformat(AS_OF), png=True)
    assert not [w for w in caught if "Glyph" in str(w.message)]  # no Chinese text reached matplotlib
    assert (tmp_path / "plots" / "stars.png").exists()
    assert "尚贤社区" in (tmp_path / "index.html").read_text(encoding="utf-8")  # the tables keep the names
