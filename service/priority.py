"""Light work stays light: heavy GraphQL requests take turns, light ones never wait.

One service process runs every request on one event loop, and asyncio is first come, first
served: a ``node(id)`` that arrives behind sixteen nested community queries waits for all of
their work (measured: p50 21 ms alone, ~730 ms among 16 nested queries).  :class:`HeavyGate`
sorts requests before they run:

* **heavy**: a request whose static cost (:func:`resolvers.cost.operation_cost`, the one
  estimate of how much work a request is: the same figure the cost budget refuses) is at least
  :data:`HEAVY_COST` points (0.1 s of work on a large city): every analytics field, a nested
  selection of thousands of nodes;
* **light**: everything else (``node(id)``, a search, a page of a listing, a mutation).

At most ``slots`` heavy requests run at a time (the others wait, without using the CPU, in
arrival order); light requests run at once.  The loop then interleaves a light request with
the work of one heavy request instead of all of them, and heavy requests finish no later on
the whole (they shared the same core anyway).  Light requests also go first *inside* the
loop: each is counted in :mod:`resolvers.lanes` while it runs, and heavy work steps aside for
it at its yield points (:func:`resolvers.lanes.yield_to_light`).  See docs/design.md "Light work stays light".
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from graphql import GraphQLError, GraphQLSchema
from starlette.types import ASGIApp, Receive, Scope, Send

from resolvers import lanes, offload
from resolvers.context import ApiConfig
from resolvers.cost import operation_cost
from service.request_weight import HEAVY_COST, buffered, classify, operation_of, parsed


def request_cost(
    schema: GraphQLSchema,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    config: ApiConfig | None = None,
) -> int:
    """The static cost of a request as :mod:`resolvers.cost` counts it; 0 for one that does not
    parse or whose arguments are out of range (it is refused before any work).

    >>> from resolvers.schema import build_schema
    >>> schema = build_schema()._schema
    >>> request_cost(schema, "query($id: ID!) { node(id: $id) { id } }", {"id": "x"})
    1
    >>> request_cost(schema, "{ coverage { uncoveredHouseholds } }") >= HEAVY_COST
    True
    >>> request_cost(schema, "{ communities(first: 5) { nodes { grids { nodes { id } } } } }") < HEAVY_COST
    True
    """
    document = parsed(query)
    if document is None:
        return 0
    try:
        cost = operation_cost(schema, document, operation_name, variables, config)
    except (GraphQLError, ValueError, TypeError):  # out of range or not coercible: refused before any work
        return 0
    return cost.total if cost is not None else 0


def is_heavy(schema: GraphQLSchema, body: bytes, query_string: bytes, config: ApiConfig | None = None) -> bool:
    """Whether a GraphQL request (a POST body, or a GET's query string) is heavy."""
    operation = operation_of(body, query_string)
    return operation is not None and request_cost(schema, *operation, config) >= HEAVY_COST


class HeavyGate:
    """ASGI middleware for ``path``: heavy GraphQL requests wait in their queue, light ones
    pass at once (see the module docstring).

    Two queues (:func:`service.request_weight.classify`): requests whose work is on the event
    loop (nested selections; analyses too when they run on threads) take turns in ``slots``;
    analyses computed in forked children (:mod:`resolvers.offload` enabled) take turns in
    ``analysis_slots`` of their own (0: as many as the offload's children allow), so an
    analysis that waits seconds for its child, idle on the loop, never holds up a nested query."""

    def __init__(
        self,
        app: ASGIApp,
        schema: GraphQLSchema,
        config: ApiConfig | None = None,
        path: str = "/graphql",
        slots: int = 1,
        analysis_slots: int = 0,
    ) -> None:
        self.app = app
        self.schema = schema
        self.config = config
        self.path = path
        self.slots = max(1, slots)
        self.analysis_slots = max(0, analysis_slots)
        self._semaphore: asyncio.Semaphore | None = None
        self._analyses: asyncio.Semaphore | None = None
        self.waiting: Counter[str] = Counter()
        """Requests waiting in each queue now (``loop``, ``analysis``)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != self.path or scope.get("method") not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        body, replay = await buffered(receive)
        kind = classify(self.schema, body, scope.get("query_string", b""), self.config)
        if kind == "analysis" and not offload.enabled():
            kind = "loop"  # on worker threads, an analysis holds the interpreter lock against the loop
        if kind == "light":
            with lanes.light():  # heavy work on the loop steps aside while it runs
                await self.app(scope, replay, send)
            return
        semaphore = self._queue(kind)
        if semaphore is None:
            await self.app(scope, replay, send)
            return
        self.waiting[kind] += 1
        try:
            await semaphore.acquire()
        finally:
            self.waiting[kind] -= 1
        try:
            await self.app(scope, replay, send)
        finally:
            semaphore.release()

    def _queue(self, kind: str) -> asyncio.Semaphore | None:
        if kind == "analysis":
            if self.analysis_slots == 0:
                return None  # bounded by the offload's children (and the analyses' own bound)
            if self._analyses is None:
                self._analyses = asyncio.Semaphore(self.analysis_slots)
            return self._analyses
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.slots)
        return self._semaphore
