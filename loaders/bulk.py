"""Help for bulk work in memory: millions of small dicts without the cycle collector rescanning
them, and many ids asked of the store in chunks."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final, TypeVar


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


T = TypeVar("T")

LOOKUP_CHUNK: Final = 5_000
"""Ids per store look-up when a bulk job asks the store about many ids."""


def chunks(items: Sequence[T], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``.

    >>> [list(c) for c in chunks("abcde", 2)]
    [['a', 'b'], ['c', 'd'], ['e']]
    """
    for at in range(0, len(items), size):
        yield items[at : at + size]
