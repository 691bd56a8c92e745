"""``civicmesh analyze appeals`` as a user runs it, on 澄江街道 with the four appeals worked by hand in
``tests/api/test_appeal_stats_api.py`` (embedded store file, and once on a real Neo4j)."""

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

from analytics.appeals import ORDERS, RESPOND_WITHIN_DAYS
from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore
from service.commands.analysis.vocabulary import APPEAL_ORDERS
from service.commands.analysis.vocabulary import RESPOND_WITHIN_DAYS as CLI_RESPOND_WITHIN_DAYS
from tests.api.test_appeal_stats_api import APPEALS
from tests.cities import EAST
from tests.e2e.test_cli_analysis import cli

PERIOD = ("--from", "2024-03-01", "--to", "2024-03-31")


async def _fill(store: GraphStore) -> None:
    await store.open()
    try:
        await store.clear()
        await store.write(EAST.batch())
        await store.write(APPEALS)
    finally:
        await store.close()


@pytest.fixture(scope="module")
def east_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("cli-appeals") / "east.sqlite"
    asyncio.run(_fill(EmbeddedStore(path)))
    yield str(path)


def check_the_street(data: dict[str, Any]) -> None:
    assert data["received"] == 4
    assert data["responded"] == {"count": 3, "rate": 0.75}
    assert data["resolved"] == {"count": 2, "rate": 0.5}
    assert data["on_time"] == {"count": 1, "rate": 0.25}
    assert data["satisfied"] == {"count": 2, "reviewed": 2, "rate": 1.0}
    assert (data["overdue"], data["with_vanguard_help"]) == (1, 1)


def test_json_has_the_rates(capsys: pytest.CaptureFixture[str], east_file: str) -> None:
    run = cli(capsys, east_file, "analyze", "appeals", *PERIOD, "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    check_the_street(data)
    assert isinstance(data["received"], int) and isinstance(data["overdue"], int)
    assert (data["by"], [row["area"] for row in data["breakdown"]]) == ("Street", ["st1"])
    assert [h["id"] for h in data["handlers"]] == ["am1", "org-c1", "pm1"]

    run = cli(capsys, east_file, "analyze", "appeals", "--area", "c1", *PERIOD, "--by", "building", "--format", "json")
    rows = {r["area"]: (r["received"], r["open"], r["overdue"]) for r in run.json()["breakdown"]}
    assert rows == {"b1": (1, 0, 0), "b2": (1, 1, 1), "b3": (0, 0, 0)}
    # worst first: b2 resolved none of one, b3 received nothing (last), b1 resolved its one
    assert [r["area"] for r in run.json()["breakdown"]] == ["b2", "b1", "b3"]

    run = cli(capsys, east_file, "analyze", "appeals", *PERIOD, "--as-of", "2024-03-10", "--format", "json")
    assert (run.json()["as_of"], run.json()["overdue"], run.json()["resolved"]["count"]) == ("2024-03-10", 0, 1)


def test_table_and_csv(capsys: pytest.CaptureFixture[str], east_file: str, tmp_path: Path) -> None:
    run = cli(capsys, east_file, "analyze", "appeals", "--area", "c1", *PERIOD)
    assert run.code == 0, run.err
    assert "Residents' appeals (接诉即办) of Community c1 东门社区" in run.out
    assert re.search(r"resolved \(解决率\)\s+1\s+33\.3%", run.out), run.out
    assert "Handlers (worst first" in run.out and "澄江物业公司" in run.out
    run = cli(capsys, east_file, "analyze", "appeals", "--area", "c1", *PERIOD, "--format", "csv", "--sort", "id")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [(r["area"], r["received"], r["resolved"], r["overdue"]) for r in rows] == [
        ("g1", "2", "1", "1"),
        ("g2", "1", "0", "0"),
    ]
    run = cli(capsys, east_file, "analyze", "appeals", *PERIOD, "--format", "csv", "--rows", "handlers")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert next((r["handler"], r["kind"], r["assigned"], r["resolved"]) for r in rows) == ("am1", "unit", "1", "0")
    run = cli(capsys, east_file, "analyze", "appeals", *PERIOD, "--format", "csv", "--rows", "trend")
    assert next(iter(csv.DictReader(io.StringIO(run.out))))["received"] == "4"


def test_usage_errors(capsys: pytest.CaptureFixture[str], east_file: str) -> None:
    run = cli(capsys, east_file, "analyze", "appeals", "--from", "2024-03-31", "--to", "2024-03-01")
    assert run.code == 2 and "--from 2024-03-31 is after --to 2024-03-01" in run.err
    run = cli(capsys, east_file, "analyze", "appeals", *PERIOD, "--as-of", "2024-02-01")
    assert run.code == 2 and "--as-of 2024-02-01 is before --from" in run.err
    run = cli(capsys, east_file, "analyze", "appeals", "--area", "g1", *PERIOD, "--by", "community")
    assert run.code == 2 and "has no communities below it" in run.err
    run = cli(capsys, east_file, "analyze", "appeals", "--to", "2024-03-31")
    assert run.code == 2 and "--from" in run.err


def test_the_report_has_an_appeals_section(capsys: pytest.CaptureFixture[str], east_file: str, tmp_path: Path) -> None:
    run = cli(capsys, east_file, "report", "--out", str(tmp_path), "--as-of", "2024-03-31")
    assert run.code == 0, run.err
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    # twelve months up to 2024-03-31 hold March 2024's four appeals, worked by hand above
    check_the_street(data["appeals"])
    assert (data["appeals"]["date_from"], data["appeals"]["date_to"]) == ("2023-04-01", "2024-03-31")
    assert [m["month"] for m in data["appeals"]["trend"]][:2] == ["2023-04", "2023-05"]
    assert data["appeals"]["by"] == "Community"
    assert {r["area"]: r["received"] for r in data["appeals"]["breakdown"]} == {"c1": 3, "c2": 1}
    assert [(r["area"], r["resolved"]["rate"]) for r in data["appeals_by_street"]] == [("st1", 0.5)]
    assert [h["id"] for h in data["slowest_handlers"]] == ["am1", "org-c1", "pm1"]
    summary = data["summary"]
    assert summary["appeals resolved (解决率)"] == 0.5 and summary["appeals overdue"] == 1
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="appeals">') :]
    assert "Residents' appeals (接诉即办)" in section
    assert "Per street, worst first" in section and "Per community, worst first" in section
    assert "The slowest handlers" in section and "澄江物业公司" in section
    assert section.count("<svg") == 1  # the monthly trend
    assert '<a href="#appeals">Appeals</a>' in page


def test_the_cli_defaults_are_the_analytics() -> None:
    assert APPEAL_ORDERS == ORDERS
    assert CLI_RESPOND_WITHIN_DAYS == RESPOND_WITHIN_DAYS


@pytest.mark.neo4j
def test_appeals_on_neo4j(capsys: pytest.CaptureFixture[str], neo4j_uri: str) -> None:
    from loaders.stores.neo4j_store import Neo4jStore

    asyncio.run(_fill(Neo4jStore(neo4j_uri)))
    run = cli(capsys, neo4j_uri, "analyze", "appeals", *PERIOD, "--format", "json")
    assert run.code == 0, run.err
    check_the_street(run.json())
