"""A small progress display for long imports and exports (standard library only).

On a terminal the bar is redrawn in place (``\\r``) a few times a second; when stderr is a
file or a pipe (CI logs, ``2> log``) a plain line is printed now and then and at the end of
every stage, so logs stay short and readable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO


class Progress(Protocol):
    """What the loaders report progress to: a stage at a time, then increments."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage (``reading``, ``checking``, ``writing``…) of ``total`` units, if known."""

    def advance(self, n: int = 1) -> None:
        """``n`` more units of the current stage are done."""

    def done(self) -> None:
        """The current stage is complete."""


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
