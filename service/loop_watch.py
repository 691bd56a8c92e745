"""Where the event loop stalls: an opt-in diagnostic (``CIVICMESH_LOOP_WATCH=ms``).

Every request of a service process runs on one event loop; a light request waits for whatever
holds the loop (a resolver completing thousands of objects without an await, a thread holding
the interpreter lock, a fork copying the page tables).  :class:`LoopWatch` finds out what:

* a **heartbeat** on the loop notes the time every ``threshold / 2``;
* a **watchdog thread** wakes every ``threshold / 4``; when the loop has not beaten for more
  than ``threshold``, it samples the loop thread's stack (:func:`sys._current_frames`) and
  counts the sample against two code locations: the innermost frame of the project's own code
  (``resolvers/…``, ``loaders/…``: where to look) and the innermost frame of all (a library's
  line, or the fork itself);
* each stall's length is recorded when the loop beats again.

:meth:`LoopWatch.report` gives the figures (stalls, their total and longest time, the top
sites); :meth:`LoopWatch.stop` logs them once (a warning: the diagnostic is asked for), and
while it runs the watch logs them every ``log_every`` seconds when there were new stalls.  The
watch costs a thread that wakes every few milliseconds: it is off unless configured.  See
docs/design.md section 2.9.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from types import FrameType
from typing import Any

from service.gc_policy import Collections, GcRecord

log = logging.getLogger("civicmesh.loop_watch")

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_OWN = os.path.abspath(__file__)


@dataclass(frozen=True, slots=True)
class Stalls:
    """What a :class:`LoopWatch` saw: stalls, their time, and the sampled code locations."""

    stalls: int
    """Stalls longer than the threshold that ended (the loop beat again)."""
    stalled_s: float
    """Their total length, in seconds."""
    longest_s: float
    samples: int
    """Stack samples taken while the loop was stalled (one every ``threshold / 4``)."""
    project_sites: tuple[tuple[str, int], ...]
    """The innermost frame of the project's own code in each sample, most sampled first."""
    leaf_sites: tuple[tuple[str, int], ...]
    """The innermost frame of each sample (a library's line, the fork), most sampled first."""
    thread_sites: tuple[tuple[str, int], ...] = ()
    """The other threads busy during each sample (not waiting on a lock, a queue or a socket),
    by their innermost frame of the project's code: what may hold the interpreter lock while
    the loop thread waits for it in C (its innermost frame then outside the project)."""
    collections: Collections | None = None
    """The cycle collector's passes meanwhile (:mod:`service.gc_policy`): a collection holds the
    interpreter lock, so the loop stalls for it whichever thread runs it."""

    def lines(self) -> list[str]:
        """The figures as text, one fact a line."""
        out = [
            f"{self.stalls} stalls, {self.stalled_s:.2f} s in all, the longest {self.longest_s * 1000:.0f} ms; "
            f"{self.samples} samples"
        ]
        out += [f"  project {count:>5}  {site}" for site, count in self.project_sites]
        out += [f"  leaf    {count:>5}  {site}" for site, count in self.leaf_sites]
        out += [f"  thread  {count:>5}  {site}" for site, count in self.thread_sites]
        if self.collections is not None:
            out += [f"  {line}" for line in self.collections.lines()]
        return out


def _site(frame: FrameType) -> str:
    code = frame.f_code
    path = code.co_filename
    if path.startswith(_ROOT):
        path = path[len(_ROOT) :]
    else:
        parts = path.split(os.sep)
        path = os.sep.join(parts[-3:])
    return f"{path}:{frame.f_lineno} in {code.co_name}"


def _project(frame: FrameType | None) -> FrameType | None:
    """The innermost frame of the project's own code (not the venv's, not this module's)."""
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(_ROOT) and "site-packages" not in path and path != _OWN:
            return frame
        frame = frame.f_back
    return None


_IDLE = ("threading.py", "queue.py", "selectors.py", "concurrent/futures/thread.py", "socket.py", "ssl.py")
"""Where a thread that waits (for work, a lock, a socket) sits: not counted as busy."""


def _busy(frame: FrameType) -> bool:
    return not frame.f_code.co_filename.endswith(_IDLE)


class LoopWatch:
    """A heartbeat on ``loop`` and a watchdog thread sampling its stack when it stalls for
    more than ``threshold_ms`` (see the module docstring)."""

    def __init__(self, threshold_ms: float, top: int = 8, log_every: float = 10.0) -> None:
        if threshold_ms <= 0:
            raise ValueError(f"the loop watch's threshold must be more than 0 ms, not {threshold_ms}")
        self.threshold = threshold_ms / 1000
        self.top = top
        self.log_every = log_every
        self._beat = time.monotonic()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._project: Counter[str] = Counter()
        self._leaf: Counter[str] = Counter()
        self._threads: Counter[str] = Counter()
        self._samples = 0
        self._stalls = 0
        self._stalled = 0.0
        self._longest = 0.0
        self._gc = GcRecord(over=self.threshold)

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Start watching ``loop`` (the running one by default); call on the loop's thread."""
        self._loop = loop or asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._gc.install(self._loop_thread)
        self._beat = time.monotonic()
        self._tick()
        self._thread = threading.Thread(target=self._watch, name="civicmesh-loop-watch", daemon=True)
        self._thread.start()

    def _tick(self) -> None:
        self._beat = time.monotonic()
        if self._loop is not None and not self._stop.is_set():
            self._handle = self._loop.call_later(self.threshold / 2, self._tick)

    def _watch(self) -> None:
        period = self.threshold / 4
        stalled_since: float | None = None
        logged = time.monotonic()
        logged_stalls = 0
        while not self._stop.wait(period):
            now = time.monotonic()
            beat = self._beat
            if now - beat > self.threshold:
                if stalled_since is None or beat > stalled_since:
                    stalled_since = beat
                self._sample()
            elif stalled_since is not None:
                self._ended(beat - stalled_since)
                stalled_since = None
            if self.log_every > 0 and now - logged >= self.log_every:
                logged = now
                if self._stalls > logged_stalls:
                    logged_stalls = self._stalls
                    self._log("the event loop stalled")

    def _sample(self) -> None:
        frames = sys._current_frames()
        frame = frames.pop(self._loop_thread or 0, None)
        frames.pop(threading.get_ident(), None)
        if frame is None:
            return
        project = _project(frame)
        others = []
        for other in frames.values():
            if _busy(other):
                mine = _project(other)
                others.append(_site(mine) if mine is not None else _site(other))
        with self._lock:
            self._samples += 1
            self._leaf[_site(frame)] += 1
            self._project[_site(project) if project is not None else "(outside the project)"] += 1
            self._threads.update(others)

    def _ended(self, length: float) -> None:
        with self._lock:
            self._stalls += 1
            self._stalled += length
            self._longest = max(self._longest, length)

    def report(self) -> Stalls:
        """The figures so far."""
        with self._lock:
            return Stalls(
                self._stalls,
                self._stalled,
                self._longest,
                self._samples,
                tuple(self._project.most_common(self.top)),
                tuple(self._leaf.most_common(self.top)),
                tuple(self._threads.most_common(self.top)),
                self._gc.report(),
            )

    def _log(self, what: str) -> None:
        report = self.report()
        extra: dict[str, Any] = {
            "stalls": report.stalls,
            "stalled_s": round(report.stalled_s, 3),
            "longest_ms": round(report.longest_s * 1000),
            "samples": report.samples,
            "project_sites": dict(report.project_sites),
            "leaf_sites": dict(report.leaf_sites),
            "thread_sites": dict(report.thread_sites),
        }
        if report.collections is not None:
            gcr = report.collections
            extra["gc"] = {
                "counts": list(gcr.counts),
                "ms": [round(s * 1000, 1) for s in gcr.seconds],
                "longest_ms": [round(s * 1000, 1) for s in gcr.longest],
                "on_loop_thread": list(gcr.on_thread),
                "over_threshold": gcr.over,
                "over_threshold_ms": round(gcr.over_s * 1000),
            }
        log.warning("%s: %s", what, "\n".join(report.lines()), extra={"loop_watch": extra})

    def stop(self) -> Stalls:
        """Stop watching; log and return the figures."""
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()
        if self._thread is not None:
            self._thread.join(timeout=1)
        self._gc.uninstall()
        report = self.report()
        self._log("loop watch, the whole run")
        return report


__all__ = ["LoopWatch", "Stalls"]
