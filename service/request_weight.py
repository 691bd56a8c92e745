"""Which queue of the heavy gate a GraphQL request joins: light, loop-heavy or an analysis.

:mod:`service.priority` holds heavy requests back so that light ones pass; but "heavy" is two
different things.  A nested selection of thousands of nodes does its work **on the event
loop**, between awaits: two of them at once only share the loop, so they take turns in one
slot.  An analysis whose work runs in a forked child (:mod:`resolvers.offload`) does **nothing
on the loop** while it runs: holding the same slot it would make nested queries wait seconds
for a loop that is idle.  :func:`classify` tells them apart by the static cost
(:func:`resolvers.cost.operation_cost`, the one estimate of a request's work), split by its
top-level fields:

* ``"analysis"``: the top-level analytics fields (:data:`resolvers.cost.ANALYTICS_COSTS`)
  cost at least :data:`~service.priority.HEAVY_COST` and the rest does not;
* ``"loop"``: the rest costs at least that much (whatever analytics ride along);
* ``"light"``: neither.

See docs/design.md section 2.9.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Literal
from urllib.parse import parse_qs

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from starlette.types import Message, Receive

from resolvers.context import ApiConfig
from resolvers.cost import ANALYTICS_COSTS, operation_cost

Kind = Literal["light", "loop", "analysis"]

HEAVY_COST = 1_000
"""A request of this static cost or more is heavy (cost points: about 0.1 ms each)."""

_ANALYTICS_ROOTS = frozenset(name for (parent, name) in ANALYTICS_COSTS if parent == "Query")


@functools.lru_cache(maxsize=512)
def parsed(query: str) -> DocumentNode | None:
    """The document of ``query`` (cached), or None when it does not parse."""
    try:
        return parse(query)
    except GraphQLError:
        return None


def weigh(
    schema: GraphQLSchema,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    config: ApiConfig | None = None,
) -> Kind:
    """The queue of one GraphQL operation (``"light"`` for one that does not parse or is out of
    range: it is refused before any work).

    >>> from resolvers.schema import build_schema
    >>> schema = build_schema()._schema
    >>> weigh(schema, "query($id: ID!) { node(id: $id) { id } }", {"id": "x"})
    'light'
    >>> weigh(schema, "{ coverage { uncoveredHouseholds } }")
    'analysis'
    >>> weigh(schema, "{ c: coverage { uncoveredHouseholds } communities(first: 100) { nodes { grids(first: 100) "
    ...       "{ nodes { buildings(first: 100) { nodes { households(first: 100) { nodes { id } } } } } } } } }")
    'loop'
    """
    document = parsed(query)
    if document is None:
        return "light"
    try:
        cost = operation_cost(schema, document, operation_name, variables, config)
    except (GraphQLError, ValueError, TypeError):
        return "light"
    if cost is None:
        return "light"
    analyses = sum(points for alias, points in cost.fields if alias.rpartition(": ")[2] in _ANALYTICS_ROOTS)
    if cost.total - analyses >= HEAVY_COST:
        return "loop"
    if analyses >= HEAVY_COST:
        return "analysis"
    return "light"


def operation_of(body: bytes, query_string: bytes) -> tuple[str, dict[str, Any] | None, str | None] | None:
    """The query, variables and operation name of a GraphQL request (a POST body, or a GET's
    query string); None for a batch or a body that does not read (strawberry refuses those
    before any work)."""
    try:
        if body:
            data = json.loads(body)
        else:
            params = parse_qs(query_string.decode("latin-1"))
            data = {
                "query": params.get("query", [""])[0],
                "variables": json.loads(params.get("variables", ["{}"])[0]),
                "operationName": params.get("operationName", [None])[0],
            }
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return None
    variables, name = data.get("variables"), data.get("operationName")
    return data["query"], variables if isinstance(variables, dict) else None, name if isinstance(name, str) else None


def classify(schema: GraphQLSchema, body: bytes, query_string: bytes, config: ApiConfig | None = None) -> Kind:
    """The queue of a GraphQL request (a POST body, or a GET's query string)."""
    operation = operation_of(body, query_string)
    return "light" if operation is None else weigh(schema, *operation, config)


async def buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The request's body, read whole, and a ``receive`` that gives the same messages again."""
    messages: list[Message] = []
    chunks: list[bytes] = []
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

    return b"".join(chunks), replay


__all__ = ["HEAVY_COST", "Kind", "buffered", "classify", "operation_of", "parsed", "weigh"]
