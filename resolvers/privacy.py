"""Who sees what: the one place where the API decides to mask personal information.

Every GraphQL type that shows a PII property (household ``headName``, ``phone``,
``headIdNumber``; member ``name``, ``phone``, ``idNumber``) asks :meth:`Viewer.reveal`.
Today the only rule is ``Settings.reveal_pii``; a role model (grid worker, community,
city) grows here, by giving the viewer a role and an area and deciding per record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph_schema import PII_FIELDS, Label, Node
from graph_schema.privacy import mask_value


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person (or service) a request acts for."""

    reveal_pii: bool = False

    def reveal(self, record: Node, field: str) -> Any:
        """The value of ``record.properties[field]`` as this viewer may see it."""
        value = record.properties.get(field)
        if value is None or self.reveal_pii:
            return value
        return mask_value(record.label, field, value)

    def may_search(self, label: str) -> bool:
        """Whether names of ``label`` may be searched or filtered on (names of members are PII)."""
        return self.reveal_pii or "name" not in PII_FIELDS.get(Label(label), frozenset())
