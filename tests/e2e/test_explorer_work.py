"""The explorer's monthly-work lines (explorer/src/work.js) in Debian's Chromium: an alliance's
activities of the last twelve months and a community's registration rate (三报到), as the API
gives them, in the details panel of the demo service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Page, Service

pytestmark = pytest.mark.browser

Gid = Callable[[str, str], str]
ALLIANCE = "al-01-1"
"""澄江街道公益同心党建联盟 (an organization's panel works the same way: both ask activityStats(holder:))."""
COMMUNITY = "c-0101"


def _post(service: Service, query: str, variables: dict[str, Any]) -> Any:
    response = httpx.post(f"{service.url}/graphql", json={"query": query, "variables": variables}, timeout=30)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _line(page: Page, label: str) -> str:
    page.wait_until(f"[...document.querySelectorAll('#details dt')].some(dt => dt.textContent.startsWith('{label}'))")
    return str(
        page.evaluate(
            f"[...document.querySelectorAll('#details dt')].find(dt => dt.textContent.startsWith('{label}'))"
            ".nextElementSibling.textContent"
        )
    )


def test_an_alliances_activities_and_a_communitys_registration(
    demo_page: Page, demo_service: Service, gid: Gid
) -> None:
    activities = _post(
        demo_service,
        "query($h: ID) { activityStats(holder: $h) { holders { figures { activities householdsServed } } } }",
        {"h": gid("Alliance", ALLIANCE)},
    )["activityStats"]["holders"][0]["figures"]
    assert activities["activities"] > 0
    registration = _post(
        demo_service,
        "query($a: ID) { registrationStats(area: $a) { inService reported { count } } }",
        {"a": gid("Community", COMMUNITY)},
    )["registrationStats"]

    page = demo_page
    page.open()
    page.evaluate(f"civicExplorer.details.show('{gid('Alliance', ALLIANCE)}')")
    text = _line(page, "近一年活动")
    assert text.startswith(f"{activities['activities']} 场 activities")
    assert f"服务 {activities['householdsServed']} 户" in text

    page.evaluate(f"civicExplorer.details.show('{gid('Community', COMMUNITY)}')")
    text = _line(page, "在职党员报到率")
    if registration["inService"]:
        assert text.startswith(f"{registration['reported']['count']}/{registration['inService']} 报到")
    else:
        assert text.startswith("无在职党员")
