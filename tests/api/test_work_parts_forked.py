"""Forked monthly-work analyses read the work parts once per data version (issue 15).

The API runs analyses in forked children; a work part read lazily in a child (the EARNED
columns above all, which the projection keeps once read) would be read again by every child and
lost when it exits.  So the resolvers read the parts an analysis needs in the parent before
forking (``resolvers.analytics.work_common.work_session``): two forked points analyses (and two
monthly-contact ones) on the same data version read each part once, in this process.  Reads are
counted, across processes, by appending to a file.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from analytics.work.index import NEEDS, WorkIndex
from loaders.store import GraphStore
from resolvers import offload
from resolvers.analytics import flights
from tests.api.conftest import open_api
from tests.cities import CITY

PERIOD = 'from: "2026-03-01", to: "2026-04-30"'


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every work part read from now on, one line ``pid part`` each, whichever process reads it."""
    log = tmp_path / "reads"
    log.touch()
    for part in ("activities", "visits", "branches", "registrations", "earned", "projects"):
        real = getattr(WorkIndex, f"_read_{part}")

        def counted(self: WorkIndex, real: Any = real, part: str = part) -> None:
            with log.open("a") as f:
                f.write(f"{os.getpid()} {part}\n")
            real(self)

        monkeypatch.setattr(WorkIndex, f"_read_{part}", counted)
    return log


def read_parts(log: Path) -> Counter[tuple[int, str]]:
    return Counter((int(pid), part) for pid, part in (line.split() for line in log.read_text().splitlines()))


@pytest.mark.asyncio
async def test_forked_work_analyses_read_the_parts_once_in_the_parent(store: GraphStore, reads: Path) -> None:
    await store.write(CITY.batch())
    flights._BY_GRAPH.clear()
    try:
        async with open_api(store, analysis_processes=2, analysis_forkserver=False) as api:
            # forked from the service: with the fork server the server reads the parts once per version itself
            assert offload.enabled()
            first = await api.q("{ pointsStats(" + PERIOD + ", leaders: 3) { points branches { branch } } }")
            second = await api.q("{ pointsStats(" + PERIOD + ", leaders: 5) { points members } }")
            assert first["pointsStats"]["points"] == second["pointsStats"]["points"] > 0
            for by in ("COMMUNITY", "GRID"):  # two different analyses: each computed, in a child
                await api.q("{ monthlyContact(" + PERIOD + ", by: " + by + ") { vanguards } }")
    finally:
        offload.configure(0)
    parent = os.getpid()
    wanted = {*NEEDS["points"], *NEEDS["contact"]}
    assert read_parts(reads) == Counter({(parent, part): 1 for part in wanted})


@pytest.mark.asyncio
async def test_with_the_fork_server_the_parts_are_read_once_by_the_server(store: GraphStore, reads: Path) -> None:
    """With the session built in a fork server (the service's default), the server reads the
    parts an analysis needs once (``AnalyticsSession.work_for``), its children inherit them, and
    the service reads none."""
    await store.write(CITY.batch())
    flights._BY_GRAPH.clear()
    try:
        async with open_api(store, analysis_processes=2, analysis_forkserver=True) as api:
            first = await api.q("{ pointsStats(" + PERIOD + ", leaders: 3) { points branches { branch } } }")
            second = await api.q("{ pointsStats(" + PERIOD + ", leaders: 5) { points members } }")
            assert first["pointsStats"]["points"] == second["pointsStats"]["points"] > 0
            for by in ("COMMUNITY", "GRID"):
                await api.q("{ monthlyContact(" + PERIOD + ", by: " + by + ") { vanguards } }")
    finally:
        offload.configure(0)
    counted = read_parts(reads)
    wanted = {*NEEDS["points"], *NEEDS["contact"]}
    assert {part for _pid, part in counted} == wanted
    assert all(n == 1 for n in counted.values()), counted  # each part once, whichever process
    readers = {pid for pid, _part in counted}
    assert os.getpid() not in readers  # the service read nothing
    assert len(readers) == 1  # one server, the version's
