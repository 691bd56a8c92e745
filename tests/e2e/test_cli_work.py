"""``civicmesh analyze contact|registration|activities|points`` and the report's monthly-work sections,
as a user runs them on the demo preset (twelve months of monthly work up to 2026-10-31)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import analytics as A
from tests.contract.test_analytics_contract import COMMUNITY, demo_city, oracle_projection
from tests.e2e.test_cli_analysis import G, cli, demo_file  # noqa: F401  (fixtures)

PERIOD = ("--from", "2025-11-01", "--to", "2026-10-31")
KW = {"date_from": "2025-11-01", "date_to": "2026-10-31"}


def test_registration_json_has_the_rates(capsys: pytest.CaptureFixture[str], demo_file: str, G: Any) -> None:  # noqa: F811
    run = cli(capsys, demo_file, "analyze", "registration", *PERIOD, "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    want = A.registration(G, **KW)
    assert isinstance(data["in_service"], int) and data["in_service"] == want.in_service > 0
    assert data["reported"] == {"count": want.reported.count, "rate": want.reported.rate}
    assert data["served"] == {"count": want.served.count, "rate": want.served.rate}
    assert set(data["reported"]) == {"count", "rate"} and isinstance(data["served"]["count"], int)
    run = cli(capsys, demo_file, "analyze", "registration", "--area", COMMUNITY, *PERIOD, "--format", "json", "--plan")
    data = run.json()
    plan = A.registration_plan(G, COMMUNITY, **KW)
    assert data["in_service"] == A.registration(G, COMMUNITY, **KW).in_service
    assert data["plan"]["extra_households"] == plan.extra_households
    assert data["plan"]["candidates"] == list(plan.candidates)


def test_tables_and_csv(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:  # noqa: F811
    planted = demo_city().planted
    run = cli(capsys, demo_file, "analyze", "contact", *PERIOD)
    assert run.code == 0, run.err
    assert "Monthly contact (月联)" in run.out and planted["lapsed_vanguards"].split(",")[0] in run.out
    run = cli(capsys, demo_file, "analyze", "contact", *PERIOD, "--format", "csv", "--rows", "months")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [r["month"] for r in rows][:2] == ["2025-11", "2025-12"] and len(rows) == 12
    run = cli(capsys, demo_file, "analyze", "registration", *PERIOD, "--format", "csv", "--rows", "units")
    units = list(csv.DictReader(io.StringIO(run.out)))
    assert planted["unregistered_unit"] in {u["unit"] for u in units}
    run = cli(capsys, demo_file, "analyze", "activities", *PERIOD)
    assert run.code == 0 and "Stalled projects" in run.out and planted["stalled_project"] in run.out
    run = cli(capsys, demo_file, "analyze", "activities", *PERIOD, "--format", "json", "--top", "2")
    assert len(run.json()["holders"]) == 2
    run = cli(capsys, demo_file, "analyze", "points", *PERIOD, "--format", "csv", "--rows", "branches")
    header = run.out.splitlines()[0]
    assert header == "branch,name,members,points,rank,member,member_points,sources"
    run = cli(capsys, demo_file, "analyze", "points", "--area", COMMUNITY, *PERIOD)
    assert run.code == 0 and "Leaderboards per branch" in run.out
    whole = cli(capsys, demo_file, "analyze", "points", *PERIOD, "--format", "json").json()
    assert len(whole["members_detail"]) == whole["members"] > 3
    top = cli(capsys, demo_file, "analyze", "points", *PERIOD, "--format", "json", "--top", "3").json()
    assert top["members_detail"] == whole["members_detail"][:3] and top["members"] == whole["members"]
    run = cli(capsys, demo_file, "analyze", "points", *PERIOD, "--format", "csv", "--top", "2")
    assert {line.split(",")[0] for line in run.out.splitlines()[1:]} == {m["member"] for m in top["members_detail"][:2]}


def test_usage_errors(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:  # noqa: F811
    run = cli(capsys, demo_file, "analyze", "points", "--from", "2026-10-31", "--to", "2026-01-01")
    assert run.code == 2 and "--from 2026-10-31 is after --to 2026-01-01" in run.err
    run = cli(capsys, demo_file, "analyze", "contact", "--to", "2026-01-01")
    assert run.code == 2 and "--from" in run.err


def test_the_report_has_the_monthly_work(capsys: pytest.CaptureFixture[str], demo_file: str, tmp_path: Path) -> None:  # noqa: F811
    run = cli(capsys, demo_file, "report", "--out", str(tmp_path), "--area", COMMUNITY, "--as-of", "2026-10-31")
    assert run.code == 0, run.err
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    for anchor in ("contact", "registration", "activities", "points"):
        assert f'<section id="{anchor}">' in page and f'href="#{anchor}"' in page
    work = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["work"]
    assert work["date_from"] == "2025-11-01"
    assert (
        work["registration"]["in_service"] == A.registration(oracle_projection(demo_city()), COMMUNITY, **KW).in_service
    )
    assert work["activities"]["total"]["activities"] > 0
