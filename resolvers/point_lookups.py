"""Which queries are point lookups of stored properties, and which records their answers read.

A query whose root fields are only ``node(id:)`` and ``nodes(ids:)``, and that selects below
them only fields copied from the node's own record (no resolver of their own, no arguments, a
scalar or enum value) has an answer that depends on those records alone, and on who asks (their
scope and what they may see).  :class:`PointLookups` finds such queries and the store ids they
name, so that the service can keep their answers and drop one when a write touches one of its
records (:mod:`service.kept_answers`).  Anything else is not a point lookup: a relationship, a
count, a computed or masked field (personal information is always a resolver: it asks the
viewer), a listing, a search, an analysis, a mutation.

>>> from resolvers.schema import build_schema
>>> lookups = PointLookups(build_schema()._schema)
>>> from graph_schema import to_global_id
>>> hh = to_global_id("Household", "hh1")
>>> lookups.ids("query($id: ID!) { node(id: $id) { id ... on Household { name size } } }", None, {"id": hh})
('hh1',)
>>> lookups.ids("{ node(id: \\"%s\\") { id ... on Household { building { id } } } }" % hh, None, None) is None
True
>>> lookups.ids("{ node(id: \\"%s\\") { ... on PartyMember { name } } }" % hh, None, None) is None  # PII
True
>>> lookups.ids("{ a: nodes(ids: [\\"%s\\"]) { id } b: node(id: \\"x\\") { id } }" % hh, None, None) is None
True
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
    parse,
)

from graph_schema import from_global_id

_ROOTS = {"node": "id", "nodes": "ids"}
"""The root fields of a point lookup, and the argument naming the ids."""

_ALLOWED_DIRECTIVES = frozenset({"include", "skip"})
_MAX_QUERY = 10_000
"""A longer query is not analysed (a point lookup is short)."""

Roots = tuple[tuple[str, ValueNode], ...]
"""A point lookup's root fields: (field name, the AST of its ids argument)."""


def _plain(field: Any) -> bool:
    """Whether a GraphQL field is copied from the record: strawberry made it without a resolver,
    extensions or permissions (a field with any of those may read more, or mask)."""
    definition = (field.extensions or {}).get("strawberry-definition")
    return (
        definition is not None
        and getattr(definition, "base_resolver", None) is None
        and not getattr(definition, "extensions", None)
        and not getattr(definition, "permission_classes", None)
        and not field.args
        and is_leaf_type(get_named_type(field.type))
    )


class PointLookups:
    """The point lookups of one schema (see the module)."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self._schema = schema
        self._roots = functools.lru_cache(maxsize=512)(self._analyse)

    def ids(
        self, query: str, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> tuple[str, ...] | None:
        """The store ids the answer to this request reads, in order; None when it is not a point
        lookup (or names an id that is not a global ID: its answer is an error)."""
        roots = self._roots(query, operation_name) if len(query) <= _MAX_QUERY else None
        if roots is None:
            return None
        out: list[str] = []
        for name, value in roots:
            given = _value(value, variables or {})
            given = [given] if name == "node" else given
            if not isinstance(given, list):
                return None
            for gid in given:
                if not isinstance(gid, str):
                    return None
                try:
                    out.append(from_global_id(gid)[1])
                except ValueError:
                    return None
        return tuple(out)

    def _analyse(self, query: str, operation_name: str | None) -> Roots | None:
        try:
            document = parse(query, no_location=True)
        except GraphQLError:
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        if operation_name is None:
            chosen = operations if len(operations) == 1 else []
        else:
            chosen = [o for o in operations if o.name is not None and o.name.value == operation_name]
        if len(chosen) != 1 or chosen[0].operation != OperationType.QUERY or _directed(chosen[0]):
            return None
        query_type = self._schema.query_type
        if query_type is None:
            return None
        fields = self._fields(chosen[0].selection_set, query_type, fragments, set())
        if not fields:
            return None
        roots: list[tuple[str, ValueNode]] = []
        for node, _ in fields:
            name = node.name.value
            if name == "__typename":
                continue
            argument, given = _ROOTS.get(name), node.arguments or ()
            if argument is None or len(given) != 1 or given[0].name.value != argument:
                return None
            target = query_type.fields[name].type
            if node.selection_set is None or not self._plain_below(
                node.selection_set, get_named_type(target), fragments
            ):
                return None
            roots.append((name, given[0].value))
        return tuple(roots) if roots else None

    def _plain_below(
        self, selection: SelectionSetNode, parent: Any, fragments: dict[str, FragmentDefinitionNode]
    ) -> bool:
        fields = self._fields(selection, parent, fragments, set())
        if fields is None:
            return False
        for node, owner in fields:
            if node.name.value == "__typename":
                continue
            if node.selection_set is not None or node.arguments or not self._plain_everywhere(owner, node.name.value):
                return False
        return True

    def _plain_everywhere(self, owner: Any, name: str) -> bool:
        """Whether field ``name`` is plain on ``owner`` and on every object type it may be."""
        kinds = (
            self._schema.get_possible_types(owner)
            if isinstance(owner, (GraphQLInterfaceType, GraphQLUnionType))
            else [owner]
        )
        if isinstance(owner, GraphQLInterfaceType) and (name not in owner.fields or not _plain(owner.fields[name])):
            return False
        return all(isinstance(k, GraphQLObjectType) and name in k.fields and _plain(k.fields[name]) for k in kinds)

    def _fields(
        self,
        selection: SelectionSetNode,
        parent: Any,
        fragments: dict[str, FragmentDefinitionNode],
        seen: set[str],
    ) -> list[tuple[FieldNode, Any]] | None:
        """The fields of a selection with the type each is selected on, fragments spread; None when
        something is not understood (an unknown type or fragment, another directive)."""
        out: list[tuple[FieldNode, Any]] = []
        condition: NamedTypeNode | None
        for item in selection.selections:
            if _directed(item):
                return None
            if isinstance(item, FieldNode):
                out.append((item, parent))
                continue
            if isinstance(item, FragmentSpreadNode):
                name = item.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen or _directed(fragment):
                    return None
                condition, inner, seen = fragment.type_condition, fragment.selection_set, seen | {name}
            elif isinstance(item, InlineFragmentNode):
                condition, inner = item.type_condition, item.selection_set
            else:
                return None
            owner = parent if condition is None else self._schema.get_type(condition.name.value)
            if owner is None or (parent is self._schema.query_type) != (owner is self._schema.query_type):
                return None
            found = self._fields(inner, owner, fragments, seen)
            if found is None:
                return None
            out.extend(found)
        return out


def _directed(node: Any) -> bool:
    """Whether a node carries a directive other than @include and @skip."""
    return any(d.name.value not in _ALLOWED_DIRECTIVES for d in getattr(node, "directives", None) or ())


def _value(node: ValueNode, variables: Mapping[str, Any]) -> Any:
    """A literal id or list of ids, or a variable's value (None for anything else)."""
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, ListValueNode):
        values: Sequence[Any] = [_value(v, variables) for v in node.values]
        return list(values)
    return None
