"""Help for bulk work in memory: millions of small dicts without the cycle collector rescanning them."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def pause_gc() -> Iterator[None]:
    """Pause the cycle collector while a bulk load makes many objects, then freeze them.

    A full collection rescans every object of the graph; with the graph frozen into the
    permanent generation, later collections only look at new objects.  Objects are still
    freed by reference counting; only cycles among frozen objects wait.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
