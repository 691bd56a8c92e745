"""The explorer in front of a service that requires tokens: the sign-in dialog (401 → dialog →
the same request again, a refused token's message, sign out) and a grid worker who sees their
grid and nothing else, in the org chart, the network view, search and the details panel.

The demo city backs both; what a grid worker may see comes from the generator's records and
the contract's ``WITHIN_VIA`` (an oracle independent of the API's scoping).
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

import pytest

from graph_schema import WITHIN_VIA, Label, RelType
from loaders.synthetic import City, generate
from service.tokens import mint
from tests.e2e.conftest import E2E_SECRET, Page
from tests.e2e.test_explorer import _axe_violations

pytestmark = pytest.mark.browser

GRID = "g-0101-01"
NEIGHBOUR_GRID = "g-0101-02"  # the same community's other grid
KEY = "civicmesh.token"


@cache
def demo() -> City:
    return generate("demo", seed=0)


def _token(role: str, scope: str | None = None, secret: str = E2E_SECRET) -> str:
    return mint(secret, sub=f"e2e-{role.lower()}", name=f"测试 {role}", role=role, scope=scope)


def _local(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


@cache
def _inside(area: str) -> frozenset[str]:
    """The area's PART_OF subtree and what WITHIN_VIA attaches to it (the scope's definition)."""
    rels = demo().relationships
    parent = {r.start: r.end for r in rels if r.type == RelType.PART_OF}
    labels = {n.id: n.label for n in demo().nodes}

    def under(node: str | None) -> bool:
        while node is not None:
            if node == area:
                return True
            node = parent.get(node)
        return False

    subtree = {n for n in labels if under(n)}
    attached = {
        r.start for r in rels if WITHIN_VIA.get(labels.get(r.start, Label.STREET)) == r.type and r.end in subtree
    }
    return frozenset(subtree | attached)


def _ancestors(area: str) -> set[str]:
    parent = {r.start: r.end for r in demo().relationships if r.type == RelType.PART_OF}
    out = set()
    while area in parent:
        area = parent[area]
        out.add(area)
    return out


def _of(ids: set[str], label: Label) -> set[str]:
    labels = {n.id: n.label for n in demo().nodes}
    return {i for i in ids if labels.get(i) == label}


def _dialog_open(page: Page) -> bool:
    return bool(page.evaluate("document.getElementById('sign-in')?.open"))


def _sign_in(page: Page, token: str) -> None:
    page.wait_until("document.getElementById('sign-in')?.open")
    page.page.fill("#sign-in-token", token)
    page.page.press("#sign-in-token", "Enter")


def test_sign_in_dialog_asks_retries_and_says_why_a_token_was_refused(secured_page: Page) -> None:
    page = secured_page
    page.page.goto(f"{page.base}/explore")
    page.wait_until("document.getElementById('sign-in')?.open")
    # The dialog is labelled, its field is a password field, and the focus is in it.
    assert page.evaluate("document.activeElement.id") == "sign-in-token"
    assert page.evaluate("document.getElementById('sign-in-token').type") == "password"
    assert page.page.get_by_role("dialog", name="登录 Sign in").is_visible()
    assert page.page.get_by_label("访问令牌 Access token").is_visible()
    assert page.evaluate("document.getElementById('sign-in-error').hidden"), "an error before any token was given"
    violations = _axe_violations(page)
    assert not violations, "axe-core violations with the sign-in dialog open:\n" + "\n".join(violations)
    page.shot("sign-in-dialog")

    # A token signed with another secret: the dialog comes back with the service's sentence.
    page.page.fill("#sign-in-token", _token("ADMIN", secret="not-the-service-secret-" + "y" * 32))
    page.page.click("#sign-in-submit")
    page.wait_until(
        "document.getElementById('sign-in')?.open && !document.getElementById('sign-in-error').hidden", timeout=30
    )
    said = page.evaluate("document.getElementById('sign-in-error').textContent")
    assert "令牌被拒绝 Token refused" in said and "signature" in said.lower(), said
    assert page.evaluate("document.getElementById('sign-in-token').getAttribute('aria-invalid')") == "true"
    assert page.evaluate(f"sessionStorage.getItem('{KEY}')") is None, "a refused token was kept"
    assert page.evaluate("document.body.dataset.ready") != "true"

    # An empty submit says so and keeps the dialog.
    page.page.click("#sign-in-submit")
    assert _dialog_open(page)
    assert "Enter a token" in page.evaluate("document.getElementById('sign-in-error').textContent")

    # The right token: the refused request is made again, the page draws the city's org chart.
    admin = _token("ADMIN")
    page.page.fill("#sign-in-token", admin)
    page.page.press("#sign-in-token", "Enter")
    page.idle()
    assert not _dialog_open(page)
    assert page.evaluate(f"sessionStorage.getItem('{KEY}')") == admin
    assert page.evaluate("document.querySelectorAll('#tree-view g.node').length") > 1
    assert page.page.get_by_role("button", name="退出登录 Sign out").is_visible()

    # Reloading keeps the token (sessionStorage): no dialog.
    page.page.reload()
    page.idle()
    assert not _dialog_open(page)

    # Signing out forgets it and asks again.
    page.page.get_by_role("button", name="退出登录 Sign out").click()
    page.wait_until("document.getElementById('sign-in')?.open")
    assert page.evaluate(f"sessionStorage.getItem('{KEY}')") is None
    assert page.evaluate("document.getElementById('sign-in-error').hidden")
    # Closing the dialog without a token leaves the page saying it needs one.
    page.page.keyboard.press("Escape")
    page.wait_until("document.getElementById('status').textContent.includes('Sign-in required')", timeout=30)
    assert not _dialog_open(page)


def test_grid_worker_sees_their_grid_and_nothing_of_another(secured_page: Page, gid: Any) -> None:
    page = secured_page
    inside = _inside(GRID)
    visible = inside | _ancestors(GRID)  # the ancestors by name only
    page.page.goto(f"{page.base}/explore")
    _sign_in(page, _token("GRID_WORKER", GRID))
    page.idle()

    # The org chart starts at the grid's branch, not at the city's street committees.
    tree_ids = page.evaluate("[...document.querySelectorAll('#tree-view g.node')].map(g => g.dataset.id)")
    tree = {_local(i) for i in tree_ids if i != "root"}
    assert tree and tree <= inside, tree - inside
    branches = {r.start for r in demo().relationships if r.type == RelType.GOVERNS and r.end == GRID}
    assert branches <= tree, branches - tree

    # The network tab opens the grid itself, with all its buildings and households.
    page.page.click("#tab-network")
    page.idle()
    page.wait_until("civicExplorer.state.view === 'network' && !!civicExplorer.network.cy")
    assert _local(page.evaluate("civicExplorer.network.model.area.id")) == GRID
    drawn = {_local(i) for i in page.evaluate("civicExplorer.network.cy.nodes().map(n => n.id())")}
    assert drawn <= visible, f"out-of-scope nodes drawn: {sorted(drawn - visible)}"
    assert _of(drawn, Label.HOUSEHOLD) == _of(set(inside), Label.HOUSEHOLD)
    assert _of(drawn, Label.BUILDING) == _of(set(inside), Label.BUILDING)
    assert not drawn & _inside(NEIGHBOUR_GRID)
    counts = page.evaluate("document.getElementById('counts').textContent")
    assert "节点 nodes" in counts
    page.shot("grid-worker-network")

    # The community above is visible by name only: its network shows this grid and nothing of
    # its other grid, and its coverage (FORBIDDEN for this viewer) falls back to the page's own.
    page.evaluate(f"civicExplorer.showNetwork('{gid('Community', 'c-0101')}')")
    page.idle()
    page.wait_until(f"civicExplorer.network.model.area.id === '{gid('Community', 'c-0101')}'")
    drawn = {_local(i) for i in page.evaluate("civicExplorer.network.cy.nodes().map(n => n.id())")}
    assert drawn <= visible and GRID in drawn, sorted(drawn - visible)
    assert not drawn & _inside(NEIGHBOUR_GRID)
    assert "页面计算" in page.evaluate("civicExplorer.coverageSource")
    violations = _axe_violations(page)
    assert not violations, "axe-core violations in a grid worker's view:\n" + "\n".join(violations)

    # Search finds nothing of the other grid: its building by name, and among the grids only this one.
    foreign_building = next(n for n in demo().nodes if n.label == Label.BUILDING and n.id in _inside(NEIGHBOUR_GRID))
    for text in (foreign_building.properties["name"], "网格", "栋"):
        page.page.fill("#search", "")
        page.page.press("#search", "Escape")  # the list hides until the new results arrive
        page.page.fill("#search", text)
        page.wait_until("!document.getElementById('search-results').hidden")
        page.wait_until("document.querySelectorAll('#search-results li').length > 0")
        options = "[...document.querySelectorAll('#search-results li[role=option]')]"
        found = {_local(i) for i in page.evaluate(f"{options}.map(li => li.dataset.id)")}
        assert found <= visible, (text, sorted(found - visible))
        if text == "网格":
            assert _of(found, Label.GRID) == {GRID}, found
        if text == foreign_building.properties["name"]:
            assert not found & _inside(NEIGHBOUR_GRID)
    page.page.keyboard.press("Escape")

    # A foreign household's details read as absent; nothing breaks.
    foreign_household = min(_of(set(_inside(NEIGHBOUR_GRID)), Label.HOUSEHOLD))
    page.evaluate(f"civicExplorer.details.show('{gid('Household', foreign_household)}')")
    page.wait_until("document.querySelector('#details').textContent.includes('not found')")
    assert not page.errors
