"""``civicmesh analyze workers`` and the report's workers section as a user runs them, on the shared
test city (embedded store file, and once on a real Neo4j)."""

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

from graph_schema.contract import INSTRUCTOR_NORM
from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore
from tests.cities import CITY
from tests.e2e.test_cli_analysis import cli


async def _fill(store: GraphStore) -> None:
    await store.open()
    try:
        await store.clear()
        await store.write(CITY.batch())
    finally:
        await store.close()


@pytest.fixture(scope="module")
def city_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("cli-workers") / "city.sqlite"
    asyncio.run(_fill(EmbeddedStore(path)))
    yield str(path)


def check_the_city(data: dict[str, Any]) -> None:
    assert data["by_role"] == {"GRID_WORKER": 2, "BUILDING_HEAD": 1, "INSTRUCTOR": 2, "SOCIAL_WORKER": 0}
    assert (data["grids"], data["grids_with_worker"]) == (7, 2)
    assert [g["id"] for g in data["workerless_grids"]] == ["g2", "g3", "s2c1g2", "s2c2g1", "s2c2g2"]
    assert (data["instructors"], data["guided_organizations"], data["mean_organizations"]) == (2, 5, 2.5)
    assert [u["id"] for u in data["unguided_property_companies"]] == ["s2-am1"]


def test_json_table_and_csv(capsys: pytest.CaptureFixture[str], city_file: str) -> None:
    run = cli(capsys, city_file, "analyze", "workers", "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    check_the_city(data)
    assert data["instructor_norm"] == INSTRUCTOR_NORM and data["overloaded"] == []
    run = cli(capsys, city_file, "analyze", "workers", "--instructor-norm", "1", "--format", "json")
    assert [x["id"] for x in run.json()["overloaded"]] == ["w-i1"]  # 3 organizations, more than 2 x 1
    run = cli(capsys, city_file, "analyze", "workers", "--area", "c1")
    assert run.code == 0, run.err
    assert "Workers (工作人员) of Community c1 东门社区" in run.out
    assert re.search(r"grids with a grid worker \(网格员\)\s+1 \(50\.0%\)", run.out), run.out
    assert "Grids without a grid worker" in run.out and "东门二网格" in run.out
    run = cli(capsys, city_file, "analyze", "workers", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [r["grid"] for r in rows] == ["g2", "g3", "s2c1g2", "s2c2g1", "s2c2g2"]
    run = cli(capsys, city_file, "analyze", "workers", "--format", "csv", "--rows", "instructors")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [(r["instructor"], r["organizations"], r["status"], r["station"]) for r in rows] == [
        ("s2-w2", "2", "ok", "s2-gs"),
        ("w-i1", "3", "ok", "gs1"),
    ]
    run = cli(capsys, city_file, "analyze", "workers", "--format", "csv", "--rows", "companies")
    assert [r["unit"] for r in csv.DictReader(io.StringIO(run.out))] == ["s2-am1"]


def test_usage_errors(capsys: pytest.CaptureFixture[str], city_file: str) -> None:
    run = cli(capsys, city_file, "analyze", "workers", "--instructor-norm", "-1")
    assert run.code == 2 and "instructor norm must be between 0 and 1000, got -1" in run.err
    run = cli(capsys, city_file, "analyze", "workers", "--area", "w-g1")
    assert run.code == 2 and "w-g1" in run.err


def test_the_report_has_a_workers_section(capsys: pytest.CaptureFixture[str], city_file: str, tmp_path: Path) -> None:
    run = cli(capsys, city_file, "report", "--out", str(tmp_path), "--as-of", "2026-03-31")
    assert run.code == 0, run.err
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    check_the_city(data["workers"])
    assert data["summary"]["grids without a grid worker (网格员)"] == 5
    assert data["summary"]["property companies without an instructor"] == 1
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="workers">') :]
    assert "The people who work the grid (工作人员)" in section
    assert "Grids without a grid worker" in section and "东门二网格" in section
    assert "南闸物业公司" in section
    assert '<a href="#workers">Workers</a>' in page


@pytest.mark.neo4j
def test_workers_on_neo4j(capsys: pytest.CaptureFixture[str], neo4j_uri: str) -> None:
    from loaders.stores.neo4j_store import Neo4jStore

    asyncio.run(_fill(Neo4jStore(neo4j_uri)))
    run = cli(capsys, neo4j_uri, "analyze", "workers", "--format", "json")
    assert run.code == 0, run.err
    check_the_city(run.json())
