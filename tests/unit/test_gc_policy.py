"""The process's collector policy (service/gc_policy.py): collections recorded per generation,
frozen objects still freed by reference counting, the thresholds setting checked."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from service import gc_policy


class _Part:
    """Something long-lived (a stand-in for a projection) that a weak reference can watch."""

    def __init__(self) -> None:
        self.rows = [{"id": i} for i in range(1000)]


def test_collections_are_recorded_by_generation_and_thread() -> None:
    record = gc_policy.GcRecord(over=0.0)
    record.install()
    try:
        gc.collect(0)
        gc.collect()
        done = threading.Thread(target=gc.collect)
        done.start()
        done.join()
    finally:
        record.uninstall()
    report = record.report()
    assert report.counts[0] >= 1 and report.counts[2] >= 2
    assert report.on_thread[2] >= 1 and report.on_thread[2] < report.counts[2]  # one ran on another thread
    assert report.over == sum(report.counts)  # every collection is at least 0 s long
    assert all(total >= longest for total, longest in zip(report.seconds, report.longest, strict=True))
    assert "gc gen2" in "\n".join(report.lines())
    gc.collect()
    assert record.report() == report  # uninstalled: nothing more recorded


def test_a_frozen_object_is_freed_by_reference_counting_when_replaced() -> None:
    kept: dict[str, _Part] = {"projection": _Part()}
    watch = weakref.ref(kept["projection"])
    gc_policy.settle()
    try:
        assert gc.get_freeze_count() > 0
        kept["projection"] = _Part()  # the next version replaces it
        assert watch() is None
    finally:
        gc.unfreeze()


def test_thresholds_are_whole_numbers() -> None:
    assert gc_policy.parse_thresholds(" 10000 ") == (10000,)
    with pytest.raises(ValueError, match="CIVICMESH_GC_THRESHOLDS must be one to three whole numbers"):
        gc_policy.parse_thresholds("1,2,3,4")
    before = gc.get_threshold()
    try:
        gc_policy.configure((12345, 11, 12))
        assert gc.get_threshold() == (12345, 11, 12)
        gc_policy.configure(None)
        assert gc.get_threshold() == (12345, 11, 12)
    finally:
        gc.set_threshold(*before)
