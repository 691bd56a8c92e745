"""Who hears of a store's writes: the kept projection follows the writes its process makes.

A Neo4j store calls :meth:`WriteListeners.begin` before each write and
:meth:`WriteListeners.end` after it, and each listener gets the batch when the write was
committed **alone** (no other write of this store object overlapped it in time, so the order
in which the writes reached the server is known), or ``None`` when its effect cannot be
followed: it failed (its outcome may be unknown), it overlapped another write, or the store
was cleared.  A listener that gets ``None`` forgets what it kept.
"""

from __future__ import annotations

from collections.abc import Callable

from graph_schema import WriteBatch

Listener = Callable[[WriteBatch | None], None]
"""Called after each write with its batch, or ``None`` (forget what you kept)."""


class WriteListeners:
    """The listeners of one store object, and the writes in flight through it.

    >>> heard = []
    >>> w = WriteListeners(); w.add(heard.append)
    >>> a = w.begin(); b = w.begin(); w.end(a, WriteBatch()); w.end(b, WriteBatch())
    >>> heard
    [None, None]
    >>> c = w.begin(); w.end(c, WriteBatch()); len(heard), heard[-1] is not None
    (3, True)
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._in_flight = 0
        self._started = 0

    def add(self, listener: Listener) -> None:
        """Hear of every later write."""
        self._listeners.append(listener)

    def begin(self) -> tuple[int, bool]:
        """A write starts: its token for :meth:`end`."""
        alone = self._in_flight == 0
        self._in_flight += 1
        self._started += 1
        return self._started, alone

    def end(self, token: tuple[int, bool], batch: WriteBatch | None) -> None:
        """The write of ``token`` ended: committed as ``batch``, or ``None`` (failed)."""
        self._in_flight -= 1
        started, alone = token
        followed = batch if alone and self._started == started else None
        self.tell(followed)

    def tell(self, batch: WriteBatch | None) -> None:
        """Tell every listener (``None``: forget what you kept, e.g. after ``clear``)."""
        for listener in self._listeners:
            listener(batch)
