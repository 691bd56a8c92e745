"""The explorer's appeals layer in Chromium: buildings coloured by open and overdue appeals.

The service runs on 澄江街道 with the four appeals worked by hand in
``tests/api/test_appeal_stats_api.py``: as of 2024-03-31, b2 has q2 open past its due date
(overdue); q1 in b1 is closed; q3 in b4 is resolved; q4 concerns a grid.  As of 2024-03-10, q2
(due 03-15) is open but not yet overdue.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loaders.stores.embedded import EmbeddedStore
from tests.api.test_appeal_stats_api import APPEALS
from tests.cities import EAST
from tests.e2e.conftest import ARTIFACTS, Page, Service, _page, start_service
from tests.e2e.test_explorer import Gid

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def east_service(tmp_path_factory: pytest.TempPathFactory, built_page: Path) -> Iterator[Service]:
    """The service on an embedded store holding 澄江街道 and its appeals (filled before it starts)."""
    db = tmp_path_factory.mktemp("explorer-appeals") / "east.sqlite"

    async def fill() -> None:
        store = EmbeddedStore(db)
        await store.open()
        try:
            await store.write(EAST.batch())
            await store.write(APPEALS)
        finally:
            await store.close()

    # in a thread of its own: Playwright's event loop may be running in this one
    worker = threading.Thread(target=asyncio.run, args=(fill(),))
    worker.start()
    worker.join()
    assert db.exists()
    service = start_service("demo", db, ARTIFACTS / "service-appeals.log")
    yield service
    service.stop()


@pytest.fixture
def east_page(east_service: Service, browser: Any) -> Iterator[Page]:
    yield from _page(browser, east_service)


def _classes(page: Page) -> dict[str, list[str]]:
    return dict(
        page.evaluate(
            "Object.fromEntries(civicExplorer.network.cy.nodes('[kind = \"Building\"]').map(n => "
            "[n.data('localId'), ['ap-open', 'ap-overdue'].filter(c => n.hasClass(c))]))"
        )
    )


def test_buildings_are_coloured_by_open_and_overdue_appeals(east_page: Page, gid: Gid) -> None:
    page = east_page
    page.open(f"#view=network&area={gid('Community', 'c1')}&asOf=2024-03-31")
    assert _classes(page) == {"b1": [], "b2": [], "b3": []}  # the layer is off until ticked
    legend = page.evaluate("document.querySelector('#legend .appeals').textContent")
    assert "有超期诉求" in legend and "overdue appeals" in legend and "有在办诉求" in legend

    page.page.check("#appeals-layer")
    page.wait_until("civicExplorer.network.cy.nodes('.ap-overdue').length > 0")
    assert _classes(page) == {"b1": [], "b2": ["ap-overdue"], "b3": []}
    colour = page.evaluate(f"civicExplorer.network.cy.getElementById('{gid('Building', 'b2')}').style('border-color')")
    assert colour == "rgb(198,40,40)"
    page.wait_until("document.getElementById('status').textContent.includes('1 栋有超期')")
    page.shot("network-appeals-overdue")

    # earlier, q2 was open and not yet overdue: b2 turns orange
    page.page.fill("#as-of", "2024-03-10")
    page.page.dispatch_event("#as-of", "change")
    page.wait_until("civicExplorer.network.cy.nodes('.ap-open').length > 0")
    assert _classes(page) == {"b1": [], "b2": ["ap-open"], "b3": []}

    # the details of a building say what the colour means
    page.evaluate(f"civicExplorer.select('{gid('Building', 'b2')}')")
    page.wait_until("document.getElementById('details').textContent.includes('在办 open 1')")
    assert "超期 overdue 0" in page.evaluate("document.getElementById('details').textContent")

    page.page.uncheck("#appeals-layer")
    page.wait_until("civicExplorer.network.cy.nodes('.ap-open, .ap-overdue').length === 0")


def test_a_resident_member_reads_as_a_resident_party_member(east_page: Page, gid: Gid) -> None:
    """Issue 16: RESIDENT is 居民党员 (a member living in the community), not 在职 (in service)."""
    page = east_page
    page.open(f"#view=network&area={gid('Grid', 'g1')}&sel={gid('PartyMember', 'pm1')}&asOf=2024-03-31")
    page.wait_until("document.getElementById('details').textContent.includes('RESIDENT')")
    text = page.evaluate("document.getElementById('details').textContent")
    assert "居民党员 (RESIDENT)" in text and "在职居民" not in text
    page.evaluate(f"civicExplorer.select('{gid('PartyMember', 'pm2')}')")
    page.wait_until("document.getElementById('details').textContent.includes('IN_SERVICE')")
    assert "在职党员 (IN_SERVICE)" in page.evaluate("document.getElementById('details').textContent")
