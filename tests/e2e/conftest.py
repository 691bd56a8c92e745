"""Browser fixtures: the real service in a subprocess and Debian's Chromium through Playwright.

The explorer tests need three things the set-up installs; when one is missing they FAIL with
the command that installs it (they are never skipped):

- Chromium at ``/usr/bin/chromium`` (``apt-get update && apt-get install -y chromium fonts-noto-cjk``);
  Playwright drives it through ``executable_path``: ``playwright install`` is never used;
- the Python package ``playwright`` (a dev dependency);
- the built page in ``service/static/explore`` (``cd explorer && npm ci && npm run build``).

The service runs as ``python tests/e2e/conftest.py --preset P --db FILE --port N``: uvicorn on
a free loopback port over an embedded store holding the synthetic city of the preset (the
``jiangyin`` file is built once and cached under ``.cache/e2e``, keyed by the generator's and
the store's source).  Screenshots go to ``artifacts/explorer/`` (git-ignored), and also to
``docs/screenshots/`` when ``CIVICMESH_DOCS_SCREENSHOTS=1``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CIVICMESH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
STATIC = ROOT / "service" / "static" / "explore"
ARTIFACTS = ROOT / "artifacts" / "explorer"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
CACHE = Path(os.environ.get("CIVICMESH_CACHE") or ROOT / ".cache") / "e2e"
SETUP = (
    "apt-get update && apt-get install -y chromium fonts-noto-cjk; "
    ".venv/bin/pip install playwright; cd explorer && npm ci && npm run build"
)
VIEWPORT = {"width": 1600, "height": 1000}


# --- the service, in a subprocess ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _source_key() -> str:
    """Changes when the generator, the data contract or the embedded store changes."""
    digest = hashlib.sha256()
    loaders = ROOT / "loaders"
    synthetic = sorted((loaders / "synthetic").glob("*.py"))
    assert loaders / "synthetic" / "generator.py" in synthetic, "the generator moved: update this key"
    files = [*synthetic, loaders / "stores" / "embedded.py"]
    files += sorted((ROOT / "graph_schema").glob("*.py"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Service:
    """A running service: ``url`` is its base (``http://127.0.0.1:PORT``)."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_service(
    preset: str,
    db: Path,
    log: Path,
    timeout: float = 600,
    *,
    jwt_secret: str | None = None,
    access_file: Path | None = None,
) -> Service:
    """The service on ``db`` (filled with the city of ``preset`` when new).  With ``jwt_secret``
    (HS256) or ``access_file`` it requires a bearer token, as a deployment does."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("CIVICMESH_STORE", "CIVICMESH_JWT_SECRET", "CIVICMESH_ACCESS_FILE"):
        env.pop(name, None)
    if jwt_secret is not None:
        env["CIVICMESH_E2E_JWT_SECRET"] = jwt_secret  # the environment, not the command line
    if access_file is not None:
        env["CIVICMESH_E2E_ACCESS_FILE"] = str(access_file)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__)), "--preset", preset, "--db", str(db), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    service = Service(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the service exited ({process.returncode}) before it was ready:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{service.url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return service
        except OSError:
            pass
        time.sleep(0.2)
    service.stop()
    pytest.fail(f"the service was not ready within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def demo_service(tmp_path_factory: pytest.TempPathFactory, built_page: Path) -> Iterator[Service]:
    """The service on a fresh embedded store holding the ``demo`` city."""
    folder = tmp_path_factory.mktemp("explorer-demo")
    service = start_service("demo", folder / "demo.sqlite", ARTIFACTS / "service-demo.log")
    yield service
    service.stop()


E2E_SECRET = "e2e-only-secret-" + "x" * 32
"""The HS256 secret of :func:`secured_service` (tests mint their tokens with it)."""


@pytest.fixture(scope="session")
def secured_service(tmp_path_factory: pytest.TempPathFactory, built_page: Path) -> Iterator[Service]:
    """The service on a fresh embedded store holding the ``demo`` city, requiring a JWT signed
    with :data:`E2E_SECRET`."""
    folder = tmp_path_factory.mktemp("explorer-secured")
    service = start_service("demo", folder / "demo.sqlite", ARTIFACTS / "service-secured.log", jwt_secret=E2E_SECRET)
    yield service
    service.stop()


@pytest.fixture(scope="session")
def jiangyin_service(built_page: Path) -> Iterator[Service]:
    """The service on the ``jiangyin`` city (365,000 nodes), from a cached store file."""
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"jiangyin-s0-{_source_key()}.sqlite"
    for old in CACHE.glob("jiangyin-s0-*.sqlite*"):
        if not old.name.startswith(db.name):
            old.unlink()
    service = start_service("jiangyin", db, ARTIFACTS / "service-jiangyin.log")
    yield service
    service.stop()


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built_page() -> Path:
    if not (STATIC / "index.html").is_file() or not (STATIC / "app.js").is_file():
        pytest.fail(f"the explorer page is not built ({STATIC} has no index.html/app.js): run  {SETUP}")
    return STATIC


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium through Playwright's sync API, for one test module: while it lives, its event
    loop runs in this thread, so it must be gone before any later test calls ``asyncio.run``."""
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run  {SETUP}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"the Python package playwright is missing (a dev dependency): run  {SETUP}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Page:
    """A Playwright page with what the tests look at: requests, errors, console lines."""

    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def evaluate(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def wait_until(self, expression: str, timeout: float = 60, arg: Any = None) -> Any:
        """Polls a JS expression until it is truthy (CDP evaluation: works under the page's CSP)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.page.evaluate(expression, arg)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for: {expression}\nerrors: {self.errors}")
            time.sleep(0.03)

    def idle(self, timeout: float = 120) -> None:
        """Waits until the page has drawn its first view and has no request in flight."""
        self.wait_until("document.body.dataset.ready === 'true' && document.body.dataset.busy === '0'", timeout)

    def open(self, fragment: str = "", timeout: float = 120) -> None:
        self.page.goto(f"{self.base}/explore{fragment}")
        self.idle(timeout)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        if os.environ.get("CIVICMESH_DOCS_SCREENSHOTS") == "1":
            DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SHOTS / f"{name}.png")
        return path


def _page(browser: Any, service: Service) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    raw = context.new_page()
    page = Page(raw, service.url)
    raw.on("request", lambda r: page.requests.append(r.url))
    raw.on("pageerror", lambda e: page.errors.append(str(e)))
    raw.on("console", lambda m: page.console.append(f"{m.type}: {m.text}"))
    try:
        yield page
    finally:
        context.close()
    assert not page.errors, f"uncaught errors in the page: {page.errors}"


@pytest.fixture
def demo_page(browser: Any, demo_service: Service) -> Iterator[Page]:
    yield from _page(browser, demo_service)


@pytest.fixture
def secured_page(browser: Any, secured_service: Service) -> Iterator[Page]:
    yield from _page(browser, secured_service)


@pytest.fixture
def jiangyin_page(browser: Any, jiangyin_service: Service) -> Iterator[Page]:
    yield from _page(browser, jiangyin_service)


@pytest.fixture(scope="session")
def gid() -> Callable[[str, str], str]:
    """The API's global ID of a node: base64 of ``Type:localId``."""
    import base64

    return lambda label, local: base64.b64encode(f"{label}:{local}".encode()).decode()


# --- the service process (python tests/e2e/conftest.py …) --------------------------------


async def _fill(store: Any, preset: str, db: Path) -> None:
    from loaders.formats.batches import write_batches
    from loaders.synthetic import generate

    city = generate(preset, seed=0)
    for batch in write_batches(city.nodes, city.relationships, 20_000):  # appeals with their ASSIGNED_TO
        await store.write(batch)


async def _serve(preset: str, db: Path, port: int) -> None:
    import uvicorn

    from loaders.stores.embedded import EmbeddedStore
    from service.app import create_app
    from service.explorer import explorer_routes
    from service.settings import Settings

    fresh = not db.exists()
    target = db.with_name(db.name + ".part") if fresh else db
    if fresh and target.exists():
        target.unlink()
    store = EmbeddedStore(target)
    await store.open()
    if fresh:
        await _fill(store, preset, db)
        await store.close()
        target.rename(db)
        store = EmbeddedStore(db)
        await store.open()
    # The first analytics call builds the store's projection on the event loop (seconds on a
    # city): build it now, so that the page's timings measure the page.
    await store.project()
    settings = Settings(
        store=str(db),
        demo_when_empty=False,
        log_level="WARNING",
        jwt_secret=os.environ.get("CIVICMESH_E2E_JWT_SECRET") or None,
        access_file=os.environ.get("CIVICMESH_E2E_ACCESS_FILE") or None,
    )
    app = create_app(settings, store=store)
    if not any(getattr(route, "path", None) == "/explore" for route in app.router.routes):
        app.router.routes.extend(explorer_routes())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    try:
        await server.serve()
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve civicmesh with the explorer on a synthetic city (tests).")
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    asyncio.run(_serve(args.preset, args.db, args.port))


if __name__ == "__main__":
    main()
