"""The explorer's appeals (explorer/src/appeals.js) in Debian's Chromium: an area's open queue in
the details panel, overdue first, and an appeal's history.  The appeals are made through the
API's workflow on the demo service (in a building of their own, so no other test counts them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Page, Service

pytestmark = pytest.mark.browser

Gid = Callable[[str, str], str]
BUILDING = "b-0102-02-03"
REPORT = "mutation($i: ReportAppealInput!) { reportAppeal(input: $i) { appeal { id } errors { message } } }"
STEP = "mutation($i: AppealInput!) { acceptAppeal(input: $i) { appeal { id } errors { message } } }"


def _post(service: Service, query: str, variables: dict[str, Any]) -> Any:
    response = httpx.post(f"{service.url}/graphql", json={"query": query, "variables": variables}, timeout=30)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_an_areas_queue_shows_the_overdue_first_and_an_appeal_its_history(
    demo_page: Page, demo_service: Service, gid: Gid
) -> None:
    today = dt.date.today()
    made = {}
    for title, reported, due in [
        ("楼道灯不亮", today - dt.timedelta(days=2), today + dt.timedelta(days=5)),
        ("屋顶漏水", today - dt.timedelta(days=20), today - dt.timedelta(days=6)),
        ("垃圾未清运", today - dt.timedelta(days=9), today - dt.timedelta(days=1)),
    ]:
        data = {
            "title": title,
            "category": "FACILITIES",
            "source": "GRID_PATROL",
            "concerns": gid("Building", BUILDING),
            "reportedOn": reported.isoformat(),
            "due": due.isoformat(),
        }
        out = _post(demo_service, REPORT, {"i": data})["reportAppeal"]
        assert out["errors"] == []
        made[title] = out["appeal"]["id"]
    assert _post(demo_service, STEP, {"i": {"id": made["屋顶漏水"]}})["acceptAppeal"]["errors"] == []

    page = demo_page
    page.open()
    page.evaluate(f"civicExplorer.details.show('{gid('Building', BUILDING)}')")
    page.wait_until("document.querySelectorAll('#details .appeal-queue li').length >= 3")
    queue = page.evaluate(
        "[...document.querySelectorAll('#details .appeal-queue li')].map(li => [li.dataset.id, li.className])"
    )
    flags = [cls == "overdue" for _, cls in queue]
    assert flags == sorted(flags, reverse=True), queue  # every overdue appeal before the others
    ours = [[i, cls] for i, cls in queue if i in made.values()]  # (the generator may add appeals of its own)
    assert ours == [[made["屋顶漏水"], "overdue"], [made["垃圾未清运"], "overdue"], [made["楼道灯不亮"], ""]]
    assert "诉求队列 Open appeals" in page.evaluate("document.querySelector('#details').innerText")
    page.shot("appeal-queue")

    page.page.locator(f"#details .appeal-queue li[data-id='{made['屋顶漏水']}'] button").click()
    page.wait_until("document.querySelector('#details .appeal-history')")
    rows = page.evaluate(
        "[...document.querySelectorAll('#details .appeal-history tbody tr')]"
        ".map(tr => [...tr.children].slice(1).map(td => td.textContent))"
    )
    assert rows == [["—", "已反映 reported", "anonymous"], ["已反映 reported", "已受理 accepted", "anonymous"]]
    text = page.evaluate("document.querySelector('#details').innerText")
    assert "屋顶漏水" in text and "超期 overdue" in text and "诉求 Appeal" in text
    assert not page.errors, page.errors
    page.shot("appeal-history")
