"""The report's star-rating section (service/report/assessment_section.py) says who made the
checks: on the tiny city, the SPOT check by its instructor, the SELF checks by the branches."""

from __future__ import annotations

from types import SimpleNamespace

from analytics.assessment import assessment_report, tiny_assessments
from service.report.assessment_section import assessment_section


def test_the_section_counts_the_checks_by_instructors() -> None:
    report = assessment_report(tiny_assessments(), as_of="2026-10-31")
    html = assessment_section(SimpleNamespace(assessment=report), str, {})
    assert "Who made the checks of round 2026-2" in html
    rows = {
        cells[0]: cells[1:]
        for row in html.split("<tr>")[1:]
        if (cells := [c.split(">", 1)[1] for c in row.split("</td>")[:-1]])
    }
    assert rows["SPOT 重点抽查"] == ["1", "0", "1", "1", "0"]
    assert rows["SELF 自查"] == ["3", "3", "0", "0", "0"]
    assert rows["SECOND 复查"] == ["3", "0", "0", "0", "3"]


def test_without_assessments_the_section_says_so() -> None:
    html = assessment_section(SimpleNamespace(assessment=None), str, {})
    assert "No assessments on record." in html and "Who made the checks" not in html
