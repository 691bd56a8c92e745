"""When the fast path meets what it does not expect, graphql-core completes the value, and the
errors, their paths and the nulls they cause are graphql-core's (``resolvers.execution``).

A small schema of its own provokes what the city never holds: a None for a non-null field
inside a list, a value an enum cannot serialise, an exception returned as a value, a resolver
that raises, an object of the wrong type."""

from __future__ import annotations

import enum
from typing import Any

import pytest
import strawberry

from resolvers.execution import FastExecutionContext
from resolvers.limits import CodedExecutionContext


@strawberry.enum(description="A colour.")
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


@strawberry.interface(description="Something with a name.")
class Named:
    name: str = strawberry.field(description="Its name.")


@strawberry.type(description="An item.")
class Item(Named):
    colour: Colour | None = strawberry.field(description="Its colour.")
    tags: list[str] = strawberry.field(description="Its tags.")
    label: str | None = strawberry.field(description="An optional label.")

    @strawberry.field(description="Its name, shouted; fails for an item named 'boom'.")
    def loud(self) -> str:
        if self.name == "boom":
            raise ValueError("no shouting at boom")
        return self.name.upper()


@strawberry.type(description="Another type, for a value of the wrong type.")
class Other:
    name: str = strawberry.field(description="Its name.")


def _item(name: Any, colour: Any = Colour.RED, tags: Any = None, label: Any = "x") -> Item:
    return Item(name=name, colour=colour, tags=["a", "b"] if tags is None else tags, label=label)


@strawberry.type(description="The root.")
class Query:
    @strawberry.field(description="Items, some of them broken.")
    def items(self, broken: str = "") -> list[Item]:
        items = [_item("one"), _item("two", colour=Colour.BLUE, label=None)]
        if broken == "null-name":
            items.insert(1, _item(None))
        elif broken == "bad-enum":
            items.insert(1, _item("three", colour="GREEN"))
        elif broken == "raises":
            items.insert(1, _item("boom"))
        elif broken == "tags":
            items.insert(1, _item("four", tags="not a list"))
        elif broken == "wrong-type":
            items.insert(1, Other(name="other"))  # type: ignore[arg-type]
        elif broken == "exception":
            items.insert(1, ValueError("an item that is an error"))  # type: ignore[arg-type]
        return items

    @strawberry.field(description="One item that may be missing its name.")
    def item(self, broken: bool = False) -> Item | None:
        return _item(None if broken else "one")


FAST = strawberry.Schema(query=Query, execution_context_class=FastExecutionContext)
SLOW = strawberry.Schema(query=Query, execution_context_class=CodedExecutionContext)
SELECTION = "{ __typename name colour tags label loud }"


def _result(schema: strawberry.Schema, query: str) -> tuple[Any, list[Any]]:
    result = schema.execute_sync(query)
    return result.data, [e.formatted for e in result.errors or ()]


@pytest.mark.parametrize("broken", ["", "null-name", "bad-enum", "raises", "tags", "wrong-type", "exception"])
def test_a_broken_item_in_a_list_errs_as_graphql_core_says(broken: str) -> None:
    query = f'{{ items(broken: "{broken}") {SELECTION} }}'
    fast, slow = _result(FAST, query), _result(SLOW, query)
    assert fast == slow
    assert bool(slow[1]) == bool(broken)  # every broken item is an error, the sound ones none


@pytest.mark.parametrize("broken", ["false", "true"])
def test_a_broken_object_errs_as_graphql_core_says(broken: str) -> None:
    query = f"{{ item(broken: {broken}) {SELECTION} a: item {{ name }} }}"
    assert _result(FAST, query) == _result(SLOW, query)


def test_sound_items_are_completed_by_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    completed: list[Any] = []
    plain = FastExecutionContext.completer

    def spying(self: FastExecutionContext, *args: Any) -> Any:
        made = plain(self, *args)
        completed.append(made)
        return made

    monkeypatch.setattr(FastExecutionContext, "completer", spying)
    data, errors = _result(FAST, f"{{ items {SELECTION} }}")
    assert not errors
    assert data["items"][1] == {
        "__typename": "Item",
        "name": "two",
        "colour": "BLUE",
        "tags": ["a", "b"],
        "label": None,
        "loud": "TWO",
    }
    assert any(c is not None for c in completed)
