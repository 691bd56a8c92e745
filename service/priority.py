"""Light work stays light: heavy GraphQL requests take turns, light ones never wait.

One service process runs every request on one event loop, and asyncio is first come, first
served: a ``node(id)`` that arrives behind sixteen nested community queries waits for all of
their work (measured: p50 21 ms alone, ~730 ms among 16 nested queries).  :class:`HeavyGate`
sorts requests before they run:

* **heavy**: an analytics field, or a selection that may return more than
  ``HEAVY_NODES`` nodes (the product of the page sizes along its deepest path of
  connections, :func:`estimated_nodes`);
* **light**: everything else.

At most ``slots`` heavy requests run at a time (the others wait, without using the CPU, in
arrival order); light requests run at once.  The loop then interleaves a light request with
the work of one heavy request instead of all of them, and heavy requests finish no later on
the whole (they shared the same core anyway).  See docs/design.md "Light work stays light".
"""

from __future__ import annotations

import asyncio
import functools
import json
from urllib.parse import parse_qs

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    VariableNode,
    parse,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAVY_NODES = 1000
"""A selection that may return more nodes than this is heavy."""
DEFAULT_PAGE = 100
"""The page size a connection without ``first``/``last`` is taken to have."""
ANALYTICS = frozenset({"coverage", "allianceReach", "structure", "brokerage", "coveragePlan"})


@functools.lru_cache(maxsize=512)
def _document(query: str) -> DocumentNode | None:
    try:
        return parse(query)
    except GraphQLError:
        return None


def _page(field: FieldNode, variables: dict[str, object]) -> int:
    for argument in field.arguments or ():
        if argument.name.value in ("first", "last"):
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, int(value.value))
            if isinstance(value, VariableNode):
                given = variables.get(value.name.value)
                if isinstance(given, int):
                    return max(1, given)
    return DEFAULT_PAGE


def _is_connection(field: FieldNode) -> bool:
    selections = field.selection_set.selections if field.selection_set else ()
    return any(isinstance(s, FieldNode) and s.name.value in ("nodes", "edges") for s in selections)


def _cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, object],
    seen: frozenset[str],
) -> tuple[int, bool]:
    """(the most nodes any one field of ``selection_set`` may return, whether it asks for analytics)."""
    if selection_set is None:
        return 1, False
    most, analytics = 1, False
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in ANALYTICS:
                analytics = True
            inner, inner_analytics = _cost(selection.selection_set, fragments, variables, seen)
            analytics |= inner_analytics
            factor = _page(selection, variables) if _is_connection(selection) else 1
            most = max(most, factor * inner)
        elif isinstance(selection, InlineFragmentNode):
            inner, inner_analytics = _cost(selection.selection_set, fragments, variables, seen)
            most, analytics = max(most, inner), analytics or inner_analytics
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                inner, inner_analytics = _cost(fragment.selection_set, fragments, variables, seen | {name})
                most, analytics = max(most, inner), analytics or inner_analytics
    return most, analytics


def estimated_nodes(query: str, variables: dict[str, object] | None = None) -> tuple[int, bool]:
    """How many nodes ``query`` may return at most along one path (page sizes multiplied), and
    whether it asks for analytics.  A query that does not parse counts as light (it is refused
    before any work).

    >>> estimated_nodes("query($id: ID!) { node(id: $id) { id } }")
    (1, False)
    >>> nested = "{ communities(first: 5) { nodes { grids { nodes { buildings(first: 10) { nodes { id } } } } } } }"
    >>> estimated_nodes(nested)
    (5000, False)
    >>> estimated_nodes("{ coverage { uncoveredHouseholds } }")
    (1, True)
    """
    document = _document(query)
    if document is None:
        return 0, False
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    most, analytics = 1, False
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            continue
        inner, inner_analytics = _cost(
            getattr(definition, "selection_set", None), fragments, variables or {}, frozenset()
        )
        most, analytics = max(most, inner), analytics or inner_analytics
    return most, analytics


def is_heavy(body: bytes, query_string: bytes) -> bool:
    """Whether a GraphQL request (a POST body, or a GET's query string) is heavy."""
    try:
        if body:
            data = json.loads(body)
        else:
            params = parse_qs(query_string.decode("latin-1"))
            data = {"query": params.get("query", [""])[0], "variables": json.loads(params.get("variables", ["{}"])[0])}
    except (ValueError, UnicodeDecodeError):
        return False
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return False  # batches and bad bodies: strawberry refuses them before any work
    variables = data.get("variables")
    most, analytics = estimated_nodes(data["query"], variables if isinstance(variables, dict) else None)
    return analytics or most > HEAVY_NODES


class HeavyGate:
    """ASGI middleware for ``path``: heavy GraphQL requests wait for one of ``slots``, light
    ones pass at once (see the module docstring)."""

    def __init__(self, app: ASGIApp, path: str = "/graphql", slots: int = 1) -> None:
        self.app = app
        self.path = path
        self.slots = max(1, slots)
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != self.path or scope.get("method") not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        pending = iter(messages)

        async def replay() -> Message:
            return next(pending, None) or await receive()

        if not is_heavy(b"".join(chunks), scope.get("query_string", b"")):
            await self.app(scope, replay, send)
            return
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.slots)
        async with self._semaphore:
            await self.app(scope, replay, send)
