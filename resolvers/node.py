# mypy: disable-error-code="untyped-decorator"
# (strawberry.field(...) / strawberry.mutation(...) with arguments are typed as returning Any.)
"""The Relay ``Node`` interface, the ``Area`` interface and the record → GraphQL type registry.

A global ID is ``base64("<Label>:<id>")`` (``graph_schema.ids``); GraphQL type names equal
the labels, so the type name in a global ID says which type to build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import strawberry

from graph_schema import Label, from_global_id, to_global_id
from graph_schema import Node as Record
from resolvers.errors import ClientError

LABELS = frozenset(label.value for label in Label)


@strawberry.interface(description="An object with a global ID (Relay): base64 of '<TypeName>:<id>'.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="The global ID: base64 of '<TypeName>:<localId>'. Pass it to node(id:) and to mutations."
    )
    record: strawberry.Private[Record]

    @strawberry.field(description="The id inside the graph (unique across all labels), as stored and imported.")
    def local_id(self) -> str:
        return self.record.id


@strawberry.interface(description="An area of the governance network: a street, community, grid or building.")
class Area(Node):
    name: str = strawberry.field(description="The area's name (名称).")


_TYPES: dict[str, Callable[[Record], Any]] = {}
BUILDERS = _TYPES
"""Label → the ``from_record`` of its GraphQL type (what :func:`as_node` calls; read-only)."""
T = TypeVar("T", bound=type)


def node_type(label: Label) -> Callable[[T], T]:
    """Register a GraphQL type (with a ``from_record`` classmethod) as the type of ``label``."""

    def register(cls: T) -> T:
        _TYPES[label.value] = cls.from_record  # type: ignore[attr-defined]
        return cls

    return register


def as_node(record: Record) -> Any:
    """The GraphQL object of a record (its type is its label)."""
    return _TYPES[record.label](record)


def global_id(record: Record) -> strawberry.ID:
    return to_global_id(record.label, record.id)  # type: ignore[return-value]  # ID is a NewType of str


def decode_id(value: str, expected: Iterable[str] | None = None, argument: str = "id") -> tuple[str, str]:
    """(label, id) of a global ID; a :class:`ClientError` names what is wrong."""
    try:
        label, node_id = from_global_id(value)
    except ValueError as exc:
        raise ClientError(f"{argument}: {exc}", "BAD_ID") from None
    if label not in LABELS:
        raise ClientError(f"{argument}: {value!r} names an unknown type {label!r}", "BAD_ID")
    allowed = list(expected) if expected is not None else None
    if allowed is not None and label not in allowed:
        raise ClientError(f"{argument}: {value!r} is a {label}, expected a {' or '.join(allowed)}", "WRONG_TYPE")
    return label, node_id


def date_of(value: Any) -> dt.date | None:
    """A stored ISO date as a ``Date`` (None when absent or not a date)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
