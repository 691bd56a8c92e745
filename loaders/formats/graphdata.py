"""A graph as the exporters write it: :class:`GraphData` in export order, and the properties
each record carries into a file.

Every writer (:mod:`loaders.formats.exporting`, :mod:`loaders.formats.jsonformat`) takes a
:class:`GraphData`; personal information is left out unless asked for, and absent values are
never written (None, and empty lists, which a CSV cell cannot tell from absent ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph_schema.privacy import public_properties
from graph_schema.records import Node, Relationship

__all__ = ["GraphData", "clean_properties", "node_properties"]


@dataclass(slots=True)
class GraphData:
    """Nodes and relationships in export order (see :meth:`sorted`)."""

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)

    @classmethod
    def sorted(cls, nodes: Iterable[Node], relationships: Iterable[Relationship]) -> GraphData:
        """Nodes by id; relationships by (start id, type, end id, key)."""
        return cls(
            sorted(nodes, key=lambda n: n.id),
            sorted(relationships, key=lambda r: (r.start, r.type, r.end, r.key)),
        )


def _present(value: Any) -> bool:
    return value is not None and value != []


def clean_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties in name order, without absent values (None, and empty lists, which the
    CSV format cannot tell from absent ones).

    >>> clean_properties({"tags": [], "name": "东门", "code": None, "size": 3})
    {'name': '东门', 'size': 3}
    """
    return {k: props[k] for k in sorted(props) if _present(props[k])}


def node_properties(node: Node, include_pii: bool) -> dict[str, Any]:
    """The properties of ``node`` that an export writes: clean, and without personal
    information unless ``include_pii``."""
    return clean_properties(node.properties if include_pii else public_properties(node.label, node.properties))
