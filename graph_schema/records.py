"""Plain records that cross every layer: nodes, relationships and validation problems."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph_schema.contract import rel_key


@dataclass(frozen=True, slots=True)
class Node:
    """A node: its label, its graph-wide unique ``id`` and its properties (``name`` included)."""

    label: str
    id: str
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.properties.get("name", ""))


@dataclass(frozen=True, slots=True)
class Relationship:
    """A directed relationship ``(start)-[:type {properties}]->(end)``."""

    type: str
    start: str
    end: str
    properties: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Distinguishes relationships of one type between the same two nodes (see ``rel_key``)."""
        return rel_key(self.type, self.properties)

    def describe(self) -> str:
        return f"{self.type} {self.start} -> {self.end}"


@dataclass(frozen=True, slots=True)
class RelRef:
    """Names one relationship for deletion; ``key`` defaults to the type."""

    type: str
    start: str
    end: str
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a record was refused.

    ``record`` names the record (``Household hh-1``, ``PART_OF hh-1 -> b-2`` or, on import,
    ``households.csv row 12``), ``field`` the property or column, ``code`` a stable machine
    code and ``message`` a sentence for a person.
    """

    record: str
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.record}, {self.field}" if self.field else self.record
        return f"{where}: {self.message}"


class ValidationError(ValueError):
    """A write was refused; nothing of it was applied.  ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s), nothing was written"
        shown = "\n".join(f"  - {p}" for p in self.problems[:20])
        more = f"\n  … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{head}:\n{shown}{more}")


class NotFoundError(LookupError):
    """A record that an operation needs does not exist."""
