"""The process's garbage-collection policy, and a record of every collection.

CPython's cycle collector stops the whole process while it runs (it holds the interpreter
lock): a full collection over a heap of millions of long-lived objects (the graph, the
projection, the name postings) takes hundreds of milliseconds, and every light request waits
for it.  Two parts, both set once by the composition root (:func:`service.app.create_app`):

* :class:`GcRecord` (``gc.callbacks``) counts the collections of each generation, their total
  and longest times, and which thread ran them; the loop watch prints it with its stalls
  (:mod:`service.loop_watch`), so a stall can be told apart from a collection;
* :func:`settle` moves every object alive into the permanent generation (``gc.freeze``), out
  of the collector's sight, after the store has opened: those objects are still freed by
  reference counting when nothing refers to them any more; only cycles among them wait.
  :func:`configure` also sets the collector's thresholds (``CIVICMESH_GC_THRESHOLDS``).

See docs/design.md section 2.9.
"""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass
from typing import Any

GENERATIONS = 3
KEEP = 8
"""How many of the longest collections a :class:`GcRecord` keeps."""


@dataclass(frozen=True, slots=True)
class Collections:
    """What a :class:`GcRecord` saw: per generation (0, 1, 2), how many collections, their
    total and longest time (seconds), and how many ran on the watched thread (the loop's)."""

    counts: tuple[int, ...]
    seconds: tuple[float, ...]
    longest: tuple[float, ...]
    on_thread: tuple[int, ...]
    over: int
    """Collections longer than the record's ``over`` threshold (any generation)."""
    over_s: float
    """Their total time."""
    longest_ones: tuple[tuple[int, float, float, int], ...] = ()
    """The longest collections over the threshold: (generation, seconds, of them CPU seconds of
    the collecting thread, objects collected), longest first.  Far less CPU than time: the
    operating system ran other processes meanwhile (a busy machine); a long collection that
    collected few objects freed something big through them (a graph held by a cycle) or ran
    slow finalizers."""
    cpu: tuple[float, ...] = (0.0, 0.0, 0.0)
    """Per generation, the collecting thread's CPU time in collections (seconds)."""
    frozen: tuple[int, int] = (0, 0)
    """Objects in the permanent generation (``gc.get_freeze_count``) when recording started and
    now: out of the collector's sight, so a cycle among them is never freed."""

    def lines(self) -> list[str]:
        """The figures as text, one generation a line.

        >>> report = Collections((3, 1, 0), (0.003, 0.002, 0), (0.0015, 0.002, 0), (3, 0, 0), 0, 0.0, cpu=(0.002, 0, 0))
        >>> report.lines()[0]
        'gc gen0: 3 collections, 3.0 ms in all (2.0 ms CPU), the longest 1.5 ms, 3 on the loop thread'
        """
        out = [
            f"gc gen{g}: {self.counts[g]} collections, {self.seconds[g] * 1000:.1f} ms in all "
            f"({self.cpu[g] * 1000:.1f} ms CPU), the longest {self.longest[g] * 1000:.1f} ms, "
            f"{self.on_thread[g]} on the loop thread"
            for g in range(GENERATIONS)
        ]
        out.append(f"gc collections over the threshold: {self.over}, {self.over_s * 1000:.0f} ms in all")
        out.append(f"gc frozen objects: {self.frozen[0]} at the start, {self.frozen[1]} now")
        if self.longest_ones:
            out.append(
                "gc longest: "
                + ", ".join(
                    f"gen{g} {s * 1000:.0f} ms ({c * 1000:.0f} CPU, {n} collected)" for g, s, c, n in self.longest_ones
                )
            )
        return out


class GcRecord:
    """Records every collection through ``gc.callbacks`` while installed (see the module
    docstring); ``over`` (seconds): collections at least this long are counted apart.

    >>> record = GcRecord()
    >>> record.install()
    >>> _ = gc.collect()
    >>> record.report().counts[2] >= 1
    True
    >>> record.uninstall()
    """

    def __init__(self, over: float = 0.02) -> None:
        self.over = over
        self._thread: int | None = None
        self._started: float | None = None
        self._started_cpu = 0.0
        self._cpu = [0.0] * GENERATIONS
        self._counts = [0] * GENERATIONS
        self._seconds = [0.0] * GENERATIONS
        self._longest = [0.0] * GENERATIONS
        self._on_thread = [0] * GENERATIONS
        self._over = 0
        self._over_s = 0.0
        self._longest_ones: list[tuple[int, float, float, int]] = []
        self._frozen_at_start = 0

    def install(self, thread: int | None = None) -> None:
        """Start recording; ``thread`` (an ident, the current thread's by default) is the one
        whose collections are counted apart (the event loop's)."""
        self._thread = threading.get_ident() if thread is None else thread
        self._frozen_at_start = gc.get_freeze_count()
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        """Stop recording (the figures stay)."""
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        # runs inside the collection, holding the interpreter lock: plain arithmetic only
        if phase == "start":
            self._started = time.perf_counter()
            self._started_cpu = time.thread_time()
            return
        started, self._started = self._started, None
        if started is None:
            return
        length = time.perf_counter() - started
        cpu = time.thread_time() - self._started_cpu
        generation = min(int(info.get("generation", 0)), GENERATIONS - 1)
        self._counts[generation] += 1
        self._seconds[generation] += length
        self._cpu[generation] += cpu
        if length > self._longest[generation]:
            self._longest[generation] = length
        if threading.get_ident() == self._thread:
            self._on_thread[generation] += 1
        if length >= self.over:
            self._over += 1
            self._over_s += length
            self._longest_ones.append((generation, length, cpu, int(info.get("collected", 0))))
            if len(self._longest_ones) > 2 * KEEP:
                self._longest_ones.sort(key=lambda one: -one[1])
                del self._longest_ones[KEEP:]

    def report(self) -> Collections:
        """The figures so far."""
        return Collections(
            tuple(self._counts),
            tuple(self._seconds),
            tuple(self._longest),
            tuple(self._on_thread),
            self._over,
            self._over_s,
            tuple(sorted(self._longest_ones, key=lambda one: -one[1])[:KEEP]),
            tuple(self._cpu),
            (self._frozen_at_start, gc.get_freeze_count()),
        )


def parse_thresholds(text: str | None) -> tuple[int, ...] | None:
    """``CIVICMESH_GC_THRESHOLDS``: one to three whole numbers (``gc.set_threshold``'s), or
    nothing (the interpreter's defaults).

    >>> parse_thresholds("50000, 20, 100"), parse_thresholds(""), parse_thresholds(None)
    ((50000, 20, 100), None, None)
    >>> parse_thresholds("many")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: CIVICMESH_GC_THRESHOLDS must be one to three whole numbers separated by commas, e.g. 50000,20,100; ...
    """
    if text is None or not text.strip():
        return None
    parts = [p.strip() for p in text.split(",")]
    if not 1 <= len(parts) <= GENERATIONS or not all(p.isdigit() for p in parts):
        raise ValueError(
            "CIVICMESH_GC_THRESHOLDS must be one to three whole numbers separated by commas, e.g. 50000,20,100; "
            f"not {text!r} (gc.set_threshold's figures: a first of 0 turns the cycle collector off)"
        )
    return tuple(int(p) for p in parts)


def configure(thresholds: tuple[int, ...] | None) -> None:
    """Set the collector's thresholds (None: leave the interpreter's)."""
    if thresholds is not None:
        gc.set_threshold(*thresholds)


def settle() -> None:
    """Move every object alive now into the permanent generation, out of the collector's
    sight (call once a big long-lived structure has been built: the store opened)."""
    gc.freeze()


__all__ = ["Collections", "GcRecord", "configure", "parse_thresholds", "settle"]
