"""The explorer's assessment history (explorer/src/assessments.js) in Debian's Chromium: a branch's
every check of every round in the details panel, the final one of each round marked, its star the
final result; on the demo service (its generated branches carry the campaign)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from loaders.synthetic.generator import generate
from tests.e2e.conftest import Page

pytestmark = pytest.mark.browser

Gid = Callable[[str, str], str]


def test_a_branch_shows_its_assessment_history(demo_page: Page, gid: Gid) -> None:
    city = generate("demo")
    branch = city.planted["disputed_branch"]
    mine = {r.start for r in city.relationships if r.type == "ASSESSES" and r.end == branch}
    checks = [n.properties for n in city.nodes if n.id in mine]
    page = demo_page
    page.open()
    page.evaluate(f"civicExplorer.details.show('{gid('PartyOrganization', branch)}')")
    page.wait_until("document.querySelectorAll('#details table.assessments tbody tr').length > 0")
    rows = page.evaluate(
        "[...document.querySelectorAll('#details table.assessments tbody tr')]"
        ".map(tr => [...tr.children].map(td => td.textContent))"
    )
    assert len(rows) == len(checks)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # oldest round first
    assert rows[0][1].startswith("自查")  # within a round, the branch's own check first
    finals = [r for r in rows if "final" in r[3]]
    assert [r[0] for r in finals] == ["2026-1", "2026-2"]  # one final check per round, the last of it
    assert rows[-1][1].startswith("重点抽查") and rows[-1][3].startswith("不合格")  # the planted spot-check
    assert rows[-1][5].startswith("指导员")  # made by an instructor of the street's guidance station
    assert rows[0][5] and not rows[0][5].startswith("指导员")  # the branch's own check: by itself
    text = page.evaluate("document.querySelector('#details').innerText")
    assert "考核记录 Assessments" in text and "不合格 (UNQUALIFIED)" in text  # the star shown is the final result
    assert not page.errors, page.errors
    page.shot("assessment-history")
