"""Fault tests: the real service (``civicmesh serve``: uvicorn in a subprocess on a loopback
port), a Neo4j server of their own that they stop and start again on the same data and port,
and imports killed half-way.  Each kill is a SIGKILL: nothing gets to clean up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT


def free_port() -> int:
    from devtools.neo4j_local.neo4j_local import free_port as port

    return port()


def run_cli(*args: str, store: str, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``civicmesh ARGS`` in a subprocess on ``store`` (not waited for), its output appended to ``log``."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "CIVICMESH_STORE": store, **(env or {})}
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )


class Service:
    """``civicmesh serve`` on a free loopback port; :meth:`kill` is a SIGKILL."""

    def __init__(self, store: str, log: Path, env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> None:
        self.store = store
        self.args = args
        self.log = log
        self.env = {"CIVICMESH_DEMO_WHEN_EMPTY": "0", **(env or {})}
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Service:
        self.port = free_port()
        self.process = run_cli(
            "serve", "--port", str(self.port), *self.args, store=self.store, log=self.log, env=self.env
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.log.read_text(errors="replace")[-4000:]
                raise RuntimeError(f"the service exited with {self.process.returncode}:\n{out}")
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the service did not answer /healthz within {timeout:g} s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def get_text(self, path: str, timeout: float = 10.0) -> tuple[int, dict[str, str], str]:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()

    def get(self, path: str, timeout: float = 10.0) -> tuple[int, dict[str, str], Any]:
        return self._send(urllib.request.Request(self.url + path), timeout)

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, timeout: float = 30.0
    ) -> tuple[int, dict[str, str], Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            self.url + "/graphql",
            data=body,
            headers={"content-type": "application/json", "accept": "application/graphql-response+json"},
        )
        return self._send(request, timeout)

    @staticmethod
    def _send(request: urllib.request.Request, timeout: float) -> tuple[int, dict[str, str], Any]:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return (
                    response.status,
                    {k.lower(): v for k, v in response.headers.items()},
                    json.loads(response.read() or b"null"),
                )
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, json.loads(raw) if raw else None


@pytest.fixture
def services() -> Iterator[list[Service]]:
    """Services a test starts (append them); all are killed at the end."""
    started: list[Service] = []
    try:
        yield started
    finally:
        for s in started:
            s.kill()


@pytest.fixture
def local_neo4j(tmp_path: Path) -> Iterator[Any]:
    """A Neo4j server of this test's own, with a kept data folder and port (stopped at the end)."""
    from devtools.neo4j_local import neo4j_local

    cache = Path(os.environ.get("CIVICMESH_CACHE") or ROOT / ".cache")
    engine = neo4j_local.ensure_engine(cache)
    # generous: a JVM start on a shared, loaded 2-core machine has taken over 120 s
    server = neo4j_local.LocalNeo4j(engine, data_dir=tmp_path / "neo4j", port=free_port(), timeout=300)
    server.start()
    try:
        yield server
    finally:
        server.stop()
