"""The execution fast path (``resolvers.execution``) answers exactly as graphql-core does.

Every query runs twice on the shared test city, on both stores: with the schema's
:class:`FastExecutionContext` and with graphql-core's own completion (``build_schema(fast=False)``),
and the two results must be equal: ``data``, every error's message, path, locations and
extensions, and what the request showed unmasked (the viewer's disclosures).  The corpus is
hand-written (nested walks, connections, fragments, aliases, ``__typename``, personal fields,
errors) and generated from the schema (every listing with every field that needs no argument,
two levels deep), for an anonymous, a privileged and a scoped viewer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)

from graph_schema.roles import Role
from loaders.store import GraphStore
from resolvers.context import ApiConfig, RequestContext
from resolvers.execution import FastExecutionContext
from resolvers.limits import SchemaLimits
from resolvers.privacy import Viewer
from resolvers.schema import build_schema
from tests.api.conftest import gid

LIMITS = SchemaLimits(max_cost=None, max_depth=20, max_aliases=100, max_tokens=20_000)
FAST = build_schema(LIMITS)
SLOW = build_schema(LIMITS, fast=False)

VIEWERS = {
    "anonymous": Viewer(),
    "privileged": Viewer(reveal_pii=True),
    "grid worker": Viewer(reveal_pii=True, role=Role.GRID_WORKER, scope="g1"),
}

HANDWRITTEN = [
    # the nested walk of the benchmark, from the street down, through node(id)
    """query($id: ID!) { node(id: $id) { __typename id ... on Street { name communities(first: 50) { nodes { id name
       grids { nodes { id name kinds targetHouseholds buildings { nodes { id name __typename households { nodes {
       id name __typename } } } } } } } } } } }""",
    # edges, cursors, pageInfo and totalCount at every level; aliases; the same field twice
    """{ streets { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
       edges { cursor node { id localId name n2: name communities(first: 1) { pageInfo { hasNextPage endCursor }
       edges { cursor node { name kind code } } totalCount } } } } }""",
    # second pages (cut from the whole list) and backward pages
    """{ communities(first: 1, after: "YzE=") { nodes { name grids(last: 1) { edges { cursor node { name } }
       pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } } } }""",
    # fragments (named and inline, on interfaces and objects), __typename everywhere
    """fragment A on Area { __typename id name } fragment H on Household { id name size tags headName }
       { grids { nodes { ...A buildings { nodes { ...A ... on Building { kind address households { nodes { ...H
       ... on Node { __typename localId } } } } } } } } }""",
    # personal fields: masked or shown, with the plain ones beside them
    """{ households { nodes { id name headName phone headIdNumber address tags size __typename } }
       partyMembers { nodes { id name phone idNumber gender birthYear kind vanguard } } }""",
    # relationships with properties (since, visits) and the organizations
    """{ partyMembers { nodes { name links { edges { since cursor node { __typename ... on Node { id } } } }
       visits { edges { on cursor node { id name } } } } }
       partyOrganizations { nodes { id name level external members { nodes { id kind } totalCount } } } }""",
    # errors inside lists and at the root: bad ids, a bad cursor, a too-large page
    """{ nodes(ids: ["eA==", "SG91c2Vob2xkOmhoMQ==", "SG91c2Vob2xkOm5vbmU="]) { __typename id
       ... on Household { name } } }""",
    """{ grids { nodes { name buildings(after: "not a cursor") { nodes { id } } households: buildings(first: 9999)
       { nodes { id } } } } }""",
    # directives on simple fields (graphql-core handles them)
    """query($yes: Boolean!) { households { nodes { id name @include(if: $yes) size @skip(if: $yes) } } }""",
    # alliances and their units, stations, appeals
    """{ alliances { nodes { id name theme members { edges { since node { id name kind resources } } } } }
       vanguardStations { nodes { id name } } }""",
]


def _args(field: GraphQLField) -> str | None:
    """Arguments for a generated selection of ``field``: ``(first: 3)`` for a page, '' for none,
    None when the field needs arguments of its own."""
    required = [n for n, a in field.args.items() if isinstance(a.type, GraphQLNonNull) and a.default_value is None]
    if required:
        return None
    return "(first: 3)" if "first" in field.args else ""


def selection(schema: GraphQLSchema, type_: GraphQLOutputType, depth: int) -> str:
    """Every field of ``type_`` that needs no argument, object fields ``depth`` levels deep."""
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        parts = ["__typename"]
        if isinstance(named, GraphQLInterfaceType) and "id" in named.fields:
            parts.append("id")
        for possible in schema.get_possible_types(named)[:3]:
            inner = selection(schema, possible, depth)
            if inner:
                parts.append(f"... on {possible.name} {inner}")
        return "{ " + " ".join(parts) + " }"
    assert isinstance(named, GraphQLObjectType)
    parts = ["__typename"]
    for name, field in named.fields.items():
        args = _args(field)
        if args is None or name.startswith("audit"):
            continue
        inner_type = get_named_type(field.type)
        if is_leaf_type(inner_type):
            parts.append(name + args)
        elif depth > 0:
            parts.append(name + args + " " + selection(schema, field.type, depth - 1))
    return "{ " + " ".join(parts) + " }"


def generated() -> Iterator[str]:
    """One query per root listing: every field of its nodes, two levels deep."""
    schema = FAST._schema
    assert schema.query_type is not None
    for name, field in schema.query_type.fields.items():
        if not get_named_type(field.type).name.endswith("Connection") or _args(field) is None:
            continue
        yield f"{{ {name}{_args(field)} {selection(schema, field.type, 2)} }}"


async def run(schema: Any, store: GraphStore, viewer: Viewer, query: str) -> dict[str, Any]:
    who = viewer.for_request()
    context = RequestContext.create(store, ApiConfig(), viewer=who)
    variables = {"id": gid("Street", "st1"), "yes": True}
    result = await schema.execute(query, variables, context_value=context)
    disclosed = who.disclosures
    assert disclosed is not None
    return {
        "data": result.data,
        "errors": [e.formatted for e in result.errors or ()],
        "disclosed": (sorted(disclosed.ids), sorted(disclosed.fields)),
    }


@pytest.fixture
def fast_hits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the values the fast path completed (so that the comparison is not vacuous)."""
    hits = [0]
    plain = FastExecutionContext.completer

    def counting(self: FastExecutionContext, *args: Any) -> Any:
        made = plain(self, *args)
        if made is None:
            return None

        def complete(value: Any) -> Any:
            hits[0] += 1
            return made(value)

        return complete

    monkeypatch.setattr(FastExecutionContext, "completer", counting)
    return hits


@pytest.mark.parametrize("who", sorted(VIEWERS))
async def test_fast_path_answers_as_graphql_core(city: GraphStore, who: str, fast_hits: list[int]) -> None:
    viewer = VIEWERS[who]
    queries = [*HANDWRITTEN, *generated()]
    for query in queries:
        slow = await run(SLOW, city, viewer, query)
        fast = await run(FAST, city, viewer, query)
        assert fast == slow, query
        assert slow["data"] is not None or slow["errors"], query
    assert fast_hits[0] > 100  # the fast path did the work


async def test_the_generated_corpus_reaches_every_listing(city: GraphStore) -> None:
    queries = list(generated())
    assert len(queries) >= 10
    result = await run(FAST, city, VIEWERS["privileged"], queries[0])
    assert result["data"] is not None
