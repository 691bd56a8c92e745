"""The live queue: an in-process publisher of appeal changes for ``appealEvents``.

A workflow mutation publishes each appeal it wrote, after the store committed it, with the
places it lies in (what it concerns and every area above).  Each subscriber names an area (or
none: everything) and receives the events of appeals within it, in order.  One
:class:`AppealEvents` per service (made by the composition root); subscribers of other
processes are not reached.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graph_schema import Node

log = logging.getLogger("civicmesh.appeals")

QUEUE_SIZE = 1000
"""Events a subscriber may fall behind by; beyond that its oldest events are dropped (logged)."""


@dataclass(frozen=True, slots=True)
class AppealEvent:
    """An appeal as written by ``action`` (``report``, ``accept``, …), and the ids of the places it lies in."""

    action: str
    appeal: Node
    places: frozenset[str]


class AppealEvents:
    """Fan-out of appeal events to subscribers by area."""

    def __init__(self) -> None:
        self._queues: dict[asyncio.Queue[AppealEvent], str | None] = {}

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, event: AppealEvent) -> None:
        """Hand ``event`` to every subscriber whose area contains the appeal (never blocks)."""
        for queue, area in list(self._queues.items()):
            if area is not None and area not in event.places:
                continue
            if queue.full():
                queue.get_nowait()
                log.warning("an appealEvents subscriber fell %d events behind: dropped its oldest", QUEUE_SIZE)
            queue.put_nowait(event)

    async def subscribe(self, area: str | None) -> AsyncIterator[AppealEvent]:
        """The events of appeals within ``area`` (a local id; None: all), until the caller stops."""
        queue: asyncio.Queue[AppealEvent] = asyncio.Queue(QUEUE_SIZE)
        self._queues[queue] = area
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.pop(queue, None)
