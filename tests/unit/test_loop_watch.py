"""The loop watch (``CIVICMESH_LOOP_WATCH``) names where the event loop stalled."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from service.loop_watch import LoopWatch


def deliberate_stall(seconds: float) -> None:
    time.sleep(seconds)  # on the loop's thread: nothing else of the loop runs meanwhile


@pytest.mark.asyncio
async def test_the_watch_reports_a_deliberate_stall_and_where_it_was() -> None:
    watch = LoopWatch(20, log_every=0)
    watch.start()
    await asyncio.sleep(0.1)
    quiet = watch.report()
    deliberate_stall(0.4)
    await asyncio.sleep(0.2)  # the loop beats again: the stall ends
    report = watch.stop()
    assert report.stalls >= quiet.stalls + 1
    assert report.longest_s >= 0.3
    assert report.samples >= 3
    top_site, top_count = report.project_sites[0]
    assert top_site.startswith("tests/unit/test_loop_watch.py:") and top_site.endswith("in deliberate_stall")
    assert top_count >= report.samples // 2
    assert any("deliberate_stall" in line for line in report.lines())


@pytest.mark.asyncio
async def test_a_busy_loop_that_yields_is_not_a_stall() -> None:
    watch = LoopWatch(1000, log_every=0)
    watch.start()
    for _ in range(20):
        await asyncio.sleep(0.01)
    report = watch.stop()
    assert report.samples == 0 and report.stalls == 0


def test_the_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="more than 0 ms"):
        LoopWatch(0)


def busy_worker(stop: threading.Event) -> None:
    while not stop.is_set():
        sum(range(1000))  # holds the interpreter lock, in short turns


@pytest.mark.asyncio
async def test_a_busy_thread_during_a_stall_is_named() -> None:
    watch = LoopWatch(20, log_every=0)
    stop = threading.Event()
    worker = threading.Thread(target=busy_worker, args=(stop,), daemon=True)
    watch.start()
    worker.start()
    try:
        deliberate_stall(0.4)
        await asyncio.sleep(0.2)
    finally:
        stop.set()
        worker.join()
    report = watch.stop()
    assert any("in busy_worker" in site for site, _ in report.thread_sites), report.thread_sites
