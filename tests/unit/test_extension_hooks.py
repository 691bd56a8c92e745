"""The extensions' hooks found once per class (:mod:`resolvers.extension_hooks`) run exactly as
strawberry's own runner runs them: the same hooks, in the same order, with the same exceptions
passed through them, for a query that succeeds, one that fails in a resolver, one that does not
parse, and in the civicmesh schema itself."""

from __future__ import annotations

import re
import types
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from resolvers.extension_hooks import PlannedRunner, hook_of
from resolvers.schema import CivicSchema, build_schema

LOG: list[str] = []


class Generators(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        LOG.append("gen:operation:in")
        try:
            yield
        except Exception as exc:  # pragma: no cover - strawberry does not raise into this one
            LOG.append(f"gen:operation:caught:{type(exc).__name__}")
            raise
        LOG.append("gen:operation:out")

    def on_parse(self) -> Iterator[None]:
        LOG.append("gen:parse:in")
        yield
        LOG.append("gen:parse:out")


class AsyncGenerators(SchemaExtension):
    async def on_validate(self) -> AsyncIterator[None]:
        LOG.append("agen:validate:in")
        yield
        LOG.append("agen:validate:out")

    async def on_execute(self) -> AsyncIterator[None]:
        LOG.append("agen:execute:in")
        yield
        result = self.execution_context.result
        LOG.append(f"agen:execute:out:{bool(getattr(result, 'errors', None))}")


class Plain(SchemaExtension):
    def on_operation(self) -> None:  # type: ignore[override]
        LOG.append("plain:operation")

    async def on_execute(self) -> None:  # type: ignore[override]
        LOG.append("coroutine:execute")


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> int:
        LOG.append("resolve:ok")
        return 1

    @strawberry.field
    def boom(self) -> int:
        LOG.append("resolve:boom")
        raise ValueError("no")


def _schema(planned: bool) -> strawberry.Schema:
    schema = strawberry.Schema(query=Query, extensions=[Generators, AsyncGenerators, Plain])
    if planned:
        schema.create_extensions_runner = types.MethodType(  # type: ignore[method-assign]
            lambda self, ctx, extensions: PlannedRunner(ctx, extensions), schema
        )
    return schema


async def _run(schema: strawberry.Schema, query: str) -> tuple[list[str], Any]:
    LOG.clear()
    result = await schema.execute(query)
    return list(LOG), (result.data, [e.message for e in result.errors or ()])


@pytest.mark.parametrize("query", ["{ ok }", "{ ok boom }", "{ ok ", "{ missing }"])
async def test_hooks_run_as_strawberry_runs_them(query: str) -> None:
    theirs = await _run(_schema(planned=False), query)
    ours = await _run(_schema(planned=True), query)
    assert ours == theirs
    assert theirs[0], "the extensions' hooks ran"


class SyncPlain(SchemaExtension):
    def on_execute(self) -> None:  # type: ignore[override]
        LOG.append("plain:execute")


@pytest.mark.parametrize("query", ["{ ok }", "{ ok boom }", "{ ok "])
def test_sync_execution_runs_the_hooks_as_strawberry_does(query: str) -> None:
    def run(planned: bool) -> tuple[list[str], Any]:
        schema = strawberry.Schema(query=Query, extensions=[Generators, SyncPlain])
        if planned:
            schema.create_extensions_runner = types.MethodType(  # type: ignore[method-assign]
                lambda self, ctx, extensions: PlannedRunner(ctx, extensions), schema
            )
        LOG.clear()
        result = schema.execute_sync(query)
        return list(LOG), (result.data, [e.message for e in result.errors or ()])

    assert run(planned=True) == run(planned=False)


def test_an_async_hook_in_sync_execution_is_refused_as_strawberry_refuses_it() -> None:
    answers = []
    for planned in (False, True):
        result = _schema(planned).execute_sync("{ ok }")
        answers.append((result.data, [re.sub(r" at 0x[0-9a-f]+", "", e.message) for e in result.errors or ()]))
    assert answers[0] == answers[1]
    assert any("failed to complete synchronously" in m for m in answers[1][1]), answers


def test_a_hook_is_found_once_per_class_and_stage() -> None:
    found = hook_of(Generators, "on_parse")
    assert found is not None and found is hook_of(Generators, "on_parse")
    assert hook_of(Generators, "on_execute") is None
    assert hook_of(Plain, "on_execute") is not None and hook_of(Plain, "on_execute")[1] is True  # type: ignore[index]
    assert hook_of(Plain, "on_operation")[1] is False  # type: ignore[index]


def test_the_civicmesh_schema_uses_it() -> None:
    schema = build_schema()
    assert isinstance(schema, CivicSchema)
    assert isinstance(schema.create_extensions_runner(None, []), PlannedRunner)  # type: ignore[arg-type]


async def test_a_bug_is_masked_and_a_client_error_is_not() -> None:
    """The civicmesh schema's error mask (resolvers.limits.UnexpectedErrorsMasked): an exception
    from a resolver reads "Unexpected error." with its path; a GraphQL error keeps its message."""
    from graphql import GraphQLError

    from resolvers.limits import UnexpectedErrorsMasked, is_unexpected

    @strawberry.type
    class Failing:
        @strawberry.field
        def bug(self) -> int | None:
            raise KeyError("internal detail")

        @strawberry.field
        def refused(self) -> int | None:
            raise GraphQLError("not allowed here", extensions={"code": "FORBIDDEN"})

    schema = strawberry.Schema(
        query=Failing, extensions=[lambda: UnexpectedErrorsMasked(should_mask_error=is_unexpected)]
    )
    result = await schema.execute("{ bug refused }")
    messages = {tuple(e.path or ()): e.message for e in result.errors or ()}
    assert messages == {("bug",): "Unexpected error.", ("refused",): "not allowed here"}
