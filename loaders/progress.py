"""Progress: one vocabulary for long work, and the displays of the command line (standard library only).

Whatever takes long (reading, checking and writing an import, an export, generating a
synthetic city, the analyses of ``civicmesh analyze`` and ``civicmesh report``) reports to
a :class:`Progress`: a stage at a time (``stage``), increments when it counts something
(``advance``), the end of the stage (``done``); :func:`step` wraps a block in a stage.
Three implementations:

- :class:`NoProgress` shows nothing;
- :class:`ProgressBar` (imports, exports, generating) counts: on a terminal the bar is
  redrawn in place (``\\r``) a few times a second; when stderr is a file or a pipe (CI logs,
  ``2> log``) a plain line is printed now and then and at the end of every stage, so logs
  stay short and readable;
- :class:`StageTicker` (the analyses) times: it reports a stage only once it has run for a
  second, with the elapsed time; its stages nest.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, Protocol, TextIO


class Progress(Protocol):
    """What the loaders report progress to: a stage at a time, then increments."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage (``reading``, ``checking``, ``writing``…) of ``total`` units, if known."""

    def advance(self, n: int = 1) -> None:
        """``n`` more units of the current stage are done."""

    def done(self) -> None:
        """The current stage is complete."""


@contextmanager
def step(progress: Progress | None, name: str, total: int | None = None) -> Iterator[None]:
    """Run the ``with`` block as a stage of ``progress`` (nothing when None): ``done`` at its end, even a failed one.

    >>> events = []
    >>> class Log:
    ...     def stage(self, name, total=None): events.append(("stage", name))
    ...     def advance(self, n=1): events.append(("advance", n))
    ...     def done(self): events.append(("done",))
    >>> with step(Log(), "drawing plots"):
    ...     pass
    >>> events
    [('stage', 'drawing plots'), ('done',)]
    """
    if progress is None:
        yield
        return
    progress.stage(name, total)
    try:
        yield
    finally:
        progress.done()


class NoProgress:
    """A :class:`Progress` that shows nothing."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Ignore the stage."""

    def advance(self, n: int = 1) -> None:
        """Ignore the increment."""

    def done(self) -> None:
        """Ignore the end of the stage."""


def _count(n: int) -> str:
    return f"{n:,}"


class ProgressBar:
    """A :class:`Progress` that draws on a text stream (stderr by default).

    Parameters
    ----------
    stream
        Where to draw; ``sys.stderr`` when None.
    tty
        Redraw in place (True) or print periodic lines (False); by default, whether
        ``stream`` is a terminal.
    interval
        Seconds between periodic lines when not on a terminal.
    prefix
        Put before every line, e.g. ``"civicmesh import"``.
    clock
        A monotonic clock in seconds (tests pass a fake one).
    """

    width = 28

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        interval: float = 5.0,
        prefix: str = "civicmesh",
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._tty = bool(self._stream.isatty()) if tty is None else tty
        self._interval = interval
        self._prefix = prefix
        self._clock = clock or time.monotonic
        self._name = ""
        self._total: int | None = None
        self._done = 0
        self._started = 0.0
        self._last_draw = 0.0
        self._open = False

    def _now(self) -> float:
        return self._clock()

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage; an unfinished previous stage is finished first."""
        if self._open:
            self.done()
        self._name, self._total, self._done = name, total, 0
        self._started = self._last_draw = self._now()
        self._open = True
        if self._tty:
            self._draw(self._started)

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more units; redraw when enough time has passed."""
        self._done += n
        now = self._now()
        if self._tty:
            if now - self._last_draw >= 0.1:
                self._draw(now)
        elif now - self._last_draw >= self._interval:
            self._line(now)

    def done(self) -> None:
        """Finish the stage with a final figure and a newline."""
        if not self._open:
            return
        now = self._now()
        if self._tty:
            self._draw(now)
            self._stream.write("\n")
        else:
            self._line(now, final=True)
        self._stream.flush()
        self._open = False

    def _figures(self, now: float) -> str:
        elapsed = max(now - self._started, 1e-9)
        rate = self._done / elapsed
        if self._total:
            share = min(self._done / self._total, 1.0)
            text = f"{_count(self._done)}/{_count(self._total)} ({share:.0%})"
        else:
            text = _count(self._done)
        return f"{text}, {rate:,.0f}/s, {elapsed:.1f} s"

    def _draw(self, now: float) -> None:
        self._last_draw = now
        if self._total:
            filled = int(self.width * min(self._done / self._total, 1.0))
            bar = "[" + "#" * filled + "." * (self.width - filled) + "] "
        else:
            bar = ""
        self._stream.write(f"\r{self._prefix}: {self._name:<9} {bar}{self._figures(now)}\x1b[K")
        self._stream.flush()

    def _line(self, now: float, final: bool = False) -> None:
        self._last_draw = now
        end = " done" if final else ""
        self._stream.write(f"{self._prefix}: {self._name} {self._figures(now)}{end}\n")
        self._stream.flush()


class StageTicker:
    """A :class:`Progress` that times stages on a text stream (stderr) and reports the long ones.

    ``mode`` ``auto`` reports a stage only once it has run for ``threshold`` seconds (quick
    commands stay quiet), ``always`` reports every stage, ``never`` nothing.  On a terminal the
    line is redrawn in place with the elapsed time; elsewhere (pipes, logs) a line when a
    stage starts and one when it ends.  Stages nest (``done`` ends the innermost); a stage
    ended while an exception propagates (a failed :func:`step`) reads ``stopped``.  Counts
    (``advance``) are not shown.
    """

    def __init__(
        self,
        mode: Literal["auto", "always", "never"] = "auto",
        stream: TextIO | None = None,
        *,
        threshold: float = 1.0,
        tty: bool | None = None,
    ) -> None:
        self.mode = mode
        self.stream = stream if stream is not None else sys.stderr
        self.threshold = 0.0 if mode == "always" else threshold
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty()) if tty is None else tty
        self._lock = threading.Lock()
        self._stages: list[tuple[str, float, threading.Event, threading.Event, threading.Thread]] = []

    def _write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text)
            self.stream.flush()

    def note(self, message: str) -> None:
        """A one-line remark (unless ``never``)."""
        if self.mode != "never":
            self._write(f"civicmesh: {message}\n")

    def stage(self, name: str, total: int | None = None) -> None:
        """Start timing ``name`` (inside the current stage, if any); report it when it runs long."""
        if self.mode == "never":
            return
        start = time.monotonic()
        stop = threading.Event()
        shown = threading.Event()

        def tick() -> None:
            if stop.wait(self.threshold):
                return
            shown.set()
            if not self.tty:
                self._write(f"civicmesh: {name}…\n")
                return
            while True:
                self._write(f"\rcivicmesh: {name}… {time.monotonic() - start:.0f} s ")
                if stop.wait(0.5):
                    return

        ticker = threading.Thread(target=tick, name="civicmesh-progress", daemon=True)
        self._stages.append((name, start, stop, shown, ticker))
        ticker.start()

    def advance(self, n: int = 1) -> None:
        """Counts are not shown: only the time a stage takes."""

    def done(self) -> None:
        """End the innermost stage: ``NAME: done in 2.3 s`` (or ``stopped``) when it was reported."""
        if not self._stages:
            return
        name, start, stop, shown, ticker = self._stages.pop()
        stop.set()
        ticker.join()
        if shown.is_set():
            outcome = "stopped" if sys.exc_info()[0] is not None else "done"
            lead = "\r" if self.tty else ""
            self._write(f"{lead}civicmesh: {name}: {outcome} in {time.monotonic() - start:.1f} s\n")
