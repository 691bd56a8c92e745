"""The explorer's workers (explorer/src/workers.js) in Debian's Chromium, on the demo city: a grid's
grid worker in the details panel and the worker's own details, the grid the generator left without
one, and the overloaded instructor's guided organizations."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from loaders.synthetic import generate
from tests.e2e.conftest import Page

pytestmark = pytest.mark.browser

Gid = Callable[[str, str], str]


def test_a_grids_worker_and_the_planted_problems(demo_page: Page, gid: Gid) -> None:
    planted = generate("demo").planted
    page = demo_page
    page.open()
    page.evaluate(f"civicExplorer.details.show('{gid('Grid', 'g-0101-01')}')")
    page.wait_until("document.querySelector('#details .worker-list li')")
    text = page.evaluate("document.querySelector('#details section.workers').innerText")
    assert "工作人员 Workers (1)" in text and "网格员 grid worker · 专职" in text
    page.page.locator("#details .worker-list li button").first.click()
    page.wait_until("document.querySelector('#details .kind')?.textContent.includes('工作人员')")
    page.wait_until("document.querySelector('#details').innerText.includes('工作区域 Works in')")
    text = page.evaluate("document.querySelector('#details').innerText")
    assert "网格员 grid worker" in text and "第1网格" in text
    page.shot("worker-details")

    page.evaluate(f"civicExplorer.details.show('{gid('Grid', planted['workerless_grid'])}')")
    page.wait_until("document.querySelector('#details section.workers')")
    assert "没有网格员" in page.evaluate("document.querySelector('#details section.workers').innerText")

    page.evaluate(f"civicExplorer.details.show('{gid('Worker', planted['overloaded_instructor'])}')")
    page.wait_until("document.querySelector('#details').innerText.includes('指导 Guides')")
    text = page.evaluate("document.querySelector('#details').innerText")
    assert "指导 Guides (18)" in text and "党建指导员 instructor" in text and "指导站 Station" in text
    assert not page.errors, page.errors
