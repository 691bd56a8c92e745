# mypy: disable-error-code="untyped-decorator, no-any-return, valid-type"
# (strawberry.field(...) with arguments is typed as returning Any; the connection's node type is a value here.)
"""Factories for the fields that page through nodes: :func:`walk` (one relationship) and
:func:`listing` (a root listing of one label).

Most fields of the node types are the same walk: the nodes at the other end of one relationship
type, in one direction, maybe of some labels, as a connection with ``first``/``after``/``last``/
``before``.  :func:`walk` makes such a field in one line, where the type declares it::

    grids = walk(RelType.PART_OF, IN, GridT, "Its grids (PART_OF).", labels=[Label.GRID.value])

``kind`` picks the connection: ``"plain"`` (:class:`Connection`), ``"since"`` (edges carry the
relationship's date, :class:`SinceConnection`) or ``"visit"`` (edges carry the visit,
:class:`VisitConnection`).  The node type may be a class or a lazy annotation
(``Annotated["Grid", strawberry.lazy("resolvers.areas")]``) for a type defined later or elsewhere.

:func:`listing` makes a root listing of a label with its typed filter and the order argument::

    streets = listing(Label.STREET, Street, StreetFilter, "Streets and towns (街道/镇), a page at a time.")

This module does not use postponed annotations on purpose: the resolver's parameter types are
objects, so strawberry reads them without looking names up in the module that declares the field.
"""

from collections.abc import Sequence
from typing import Annotated, Any

import strawberry

from graph_schema import Label
from loaders.store import Direction
from resolvers.connections import (
    After,
    Before,
    Connection,
    First,
    Last,
    SinceConnection,
    VisitConnection,
    list_connection,
    related,
)
from resolvers.context import Info
from resolvers.filters import FILTER, OrderBy, node_filter, node_order

_CONNECTIONS: dict[str, Any] = {"plain": Connection, "since": SinceConnection, "visit": VisitConnection}


def walk(
    rel: str,
    direction: Direction,
    node: Any,
    description: str,
    *,
    labels: Sequence[str] | None = None,
    kind: str = "plain",
) -> Any:
    """A connection field over the node's ``rel`` relationships (a type name or a ``RelType``), in ``direction``."""

    async def resolve(
        root: Any, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Any:
        return await related(info, root.record, rel, direction, labels, first, after, last, before, kind)

    resolve.__annotations__["return"] = _CONNECTIONS[kind][node]
    return strawberry.field(resolver=resolve, description=description)


def listing(label: Label, node: Any, filter_type: Any, description: str) -> Any:
    """A root listing of the ``label`` nodes, filtered by ``filter_type`` and ordered by name or id."""

    async def resolve(
        root: Any,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[filter_type | None, strawberry.argument(description=FILTER)] = None,
        order_by: OrderBy = None,
    ) -> Any:
        flt, order = node_filter(info, label, filter), node_order(info, label, order_by)
        return await list_connection(info, label, flt, order, first, after, last, before)

    resolve.__annotations__["return"] = Connection[node]
    return strawberry.field(resolver=resolve, description=description)
