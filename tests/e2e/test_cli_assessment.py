"""``civicmesh analyze assessment`` as a user runs it, on the demo preset in an embedded store file:
the JSON is the analysis of the oracle projection, the table names the planted problems, the CSV
rows are what --rows asks for, a round without assessments has none and a malformed one is a usage error."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from analytics.assessment import assessment_report
from tests.contract.test_analytics_contract import demo_city
from tests.e2e.test_cli_analysis import COMMUNITY, G, cli, demo_file

__all__ = ["G", "demo_file"]  # the fixtures, shared with the other CLI tests


def test_json_is_the_analysis(capsys: pytest.CaptureFixture[str], demo_file: str, G: Any) -> None:
    run = cli(capsys, demo_file, "analyze", "assessment", "--as-of", "2026-10-31", "--format", "json")
    assert run.code == 0, run.err
    assert run.json() == assessment_report(G, as_of="2026-10-31").to_dict()
    run = cli(capsys, demo_file, "analyze", "assessment", "--area", COMMUNITY, "--round", "2026-1", "--format", "json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["round"] == "2026-1" and data["area"] == COMMUNITY
    assert [s["round"] for s in data["spread"]] == ["2026-1"]


def test_table_and_csv_name_the_planted_problems(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:
    planted = demo_city().planted
    run = cli(capsys, demo_file, "analyze", "assessment", "--as-of", "2026-10-31")
    assert run.code == 0, run.err
    assert "Checks that disagree with the self-check" in run.out and planted["disputed_branch"] in run.out
    assert "Rectifications overdue" in run.out and planted["overdue_branch"] in run.out
    run = cli(
        capsys, demo_file, "analyze", "assessment", "--as-of", "2026-10-31", "--format", "csv", "--rows", "overdue"
    )
    assert run.code == 0, run.err
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [(r["branch"], r["rectify_by"], r["days_overdue"]) for r in rows] == [
        (planted["overdue_branch"], "2026-09-30", "31")
    ]


def test_an_unknown_round_has_no_assessments(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:
    run = cli(capsys, demo_file, "analyze", "assessment", "--round", "2019-1", "--format", "json")
    assert run.code == 0, run.err
    assert run.json()["assessed"] == 0


def test_a_malformed_round_is_a_usage_error(capsys: pytest.CaptureFixture[str], demo_file: str) -> None:
    run = cli(capsys, demo_file, "analyze", "assessment", "--round", "2026Q1")
    assert run.code == 2 and "a round is <year>-<n>, as 2026-1, got '2026Q1'" in run.err
