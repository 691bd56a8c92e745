"""What a connection's selection asks of the store: whether it needs the page at all, and which
properties of its nodes.

A connection asked only for ``totalCount`` runs only the count (no page statement); a page asks
the store for the properties its node fields read and nothing else (``GraphStore`` ``props=``):

* a field named like a contract property (``headName`` → ``head_name``) reads that property;
* ``id``, ``localId`` and ``__typename`` read none, nor do fields of an object, interface or
  union type (walks to other nodes: they start from the node's id);
* any other field (a scalar computed from several properties, such as an appeal's
  ``overdue``) may read anything: the store returns every property.

The required properties of the node's labels always come (a type's ``from_record`` may read
them).  Personal properties the viewer would see withheld whole (``mask_value`` gives null: a
household's address, a member's gender) are not fetched for a viewer who does not see personal
information, selected or not; masked ones (names, phones, id numbers) come only when selected,
and are masked by the types as before.  The plan of a field is worked out once per request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_argument_values,
    get_named_type,
    is_abstract_type,
    is_composite_type,
)
from graphql.execution.values import VariableValues

from graph_schema import NODE_SPECS, PII_FIELDS, Label
from graph_schema.privacy import mask_value
from loaders.store import Direction, Projection
from loaders.walk import WalkLayer
from resolvers.context import Info

_PAGE_FIELDS = frozenset({"edges", "nodes", "pageInfo"})
_NO_PROPS = frozenset({"__typename", "id", "localId"})
_LABELS = {label.value: label for label in Label}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Plan:
    """``page``: whether edges, nodes or pageInfo are selected (``page_info``: pageInfo);
    ``props``: the properties the selected node fields need (None: all); ``below``: the plain
    walk layers the selection goes on to from the page's nodes (see :data:`WALK_FIELDS`)."""

    page: bool
    props: Projection
    page_info: bool = True
    below: tuple[WalkLayer, ...] = ()


WALK_FIELDS: dict[tuple[str, str], tuple[str, Direction, tuple[str, ...] | None]] = {
    ("Street", "communities"): ("PART_OF", Direction.IN, ("Community",)),
    ("Community", "grids"): ("PART_OF", Direction.IN, ("Grid",)),
    ("Grid", "buildings"): ("PART_OF", Direction.IN, ("Building",)),
    ("Building", "households"): ("PART_OF", Direction.IN, ("Household",)),
    ("Household", "residents"): ("LIVES_IN", Direction.IN, None),
}
"""Connection fields that are plain walks, by (GraphQL type, field): the relationship type,
direction and labels their resolver passes to ``related`` (labels sorted).  A selection that
goes down a chain of them (community → grids → buildings → households) is read in one walk
(:meth:`loaders.batch.Loaders.walk`: one statement on Neo4j) by the topmost one, which primes
the loaders of the others.  An entry that disagreed with its resolver would only cost that
layer its own round trip again (the loader keys would differ); ``tests/api/test_n_plus_one.py``
checks that the chain is read in one walk."""


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


@cache
def _withheld(label: Label) -> frozenset[str]:
    """Personal properties of ``label`` masked to null whole for a viewer without the right."""
    out = set()
    for name in PII_FIELDS.get(label, frozenset()):
        try:
            if mask_value(label.value, name, "x" * 18) is None:
                out.add(name)
        except Exception:  # a masker that refuses the probe masks in part: fetched when selected
            continue
    return frozenset(out)


@cache
def _required(label: Label) -> frozenset[str]:
    """The required properties of ``label`` that are not personal (always fetched)."""
    pii = PII_FIELDS.get(label, frozenset())
    return frozenset(k for k, spec in NODE_SPECS[label].props.items() if spec.required and k not in pii)


def variable_values(raw: GraphQLResolveInfo[Any]) -> VariableValues:
    """The request's variables as graphql-core's ``get_argument_values`` reads them.

    Strawberry's executor hands resolvers the coerced variables as a plain dict where
    graphql-core 3.3 has a :class:`~graphql.execution.values.VariableValues`; given the dict,
    ``get_argument_values`` raises ``AttributeError`` for any argument given as a variable.

    >>> variable_values(type("Info", (), {"variable_values": {"n": 3}})()).coerced
    {'n': 3}
    """
    given: Any = raw.variable_values
    return given if isinstance(given, VariableValues) else VariableValues(sources={}, coerced=dict(given or {}))


def _fields(raw: GraphQLResolveInfo[Any], selections: SelectionSetNode | None) -> Iterator[FieldNode]:
    """The fields of a selection set, fragments expanded (whatever their type condition or
    directives: asking for more is safe)."""
    if selections is None:
        return
    for sel in selections.selections:
        if isinstance(sel, FieldNode):
            yield sel
        elif isinstance(sel, InlineFragmentNode):
            yield from _fields(raw, sel.selection_set)
        elif isinstance(sel, FragmentSpreadNode):
            fragment = raw.fragments.get(sel.name.value)
            if fragment is not None:
                yield from _fields(raw, fragment.selection_set)


def _node_types(raw: GraphQLResolveInfo[Any], return_type: GraphQLOutputType) -> list[GraphQLObjectType]:
    """The object types a connection's nodes can have."""
    connection = get_named_type(return_type)
    if not isinstance(connection, GraphQLObjectType) or "nodes" not in connection.fields:
        return []
    node = get_named_type(connection.fields["nodes"].type)
    if is_abstract_type(node):
        return list(raw.schema.get_possible_types(node))
    return [node] if isinstance(node, GraphQLObjectType) else []


def _plan(info: Info) -> Plan:
    raw = info._raw_info
    ctx = info.context
    sizes = (ctx.config.default_page_size, ctx.config.max_page_size)
    return _plan_of(raw, raw.field_nodes, raw.return_type, ctx.viewer.sees_pii, sizes)


def _plan_of(
    raw: GraphQLResolveInfo[Any],
    field_nodes: list[FieldNode],
    return_type: GraphQLOutputType,
    sees_pii: bool,
    sizes: tuple[int, int],
) -> Plan:
    """The plan of the connection field ``field_nodes`` (one response key) of ``return_type``;
    ``sizes``: the service's default and largest page."""
    node_fields: list[FieldNode] = []
    page = page_info = False
    for field_node in field_nodes:
        for sel in _fields(raw, field_node.selection_set):
            name = sel.name.value
            if name in _PAGE_FIELDS:
                page = True
                page_info = page_info or name == "pageInfo"
            if name == "nodes":
                node_fields += _fields(raw, sel.selection_set)
            elif name == "edges":
                for inner in _fields(raw, sel.selection_set):
                    if inner.name.value == "node":
                        node_fields += _fields(raw, inner.selection_set)
    types = _node_types(raw, return_type)
    below = _below(raw, types, node_fields, sees_pii, sizes) if page else ()
    labels = [_LABELS[t.name] for t in types if t.name in _LABELS]
    if not labels or len(labels) != len(types):
        return Plan(page=page, props=None, page_info=page_info, below=below)
    known: set[str] = set()
    for label in labels:
        known.update(NODE_SPECS[label].props)
    wanted: set[str] = set()
    for field in node_fields:
        name = field.name.value
        if name in _NO_PROPS:
            continue
        prop = _snake(name)
        if prop in known:
            wanted.add(prop)
            continue
        defs = [t.fields[name] for t in types if name in t.fields]
        if defs and all(is_composite_type(get_named_type(d.type)) for d in defs):
            continue  # a walk to other nodes
        return Plan(page=page, props=None, page_info=page_info, below=below)
    for label in labels:
        wanted |= _required(label)
    if not sees_pii:
        for label in labels:
            wanted -= _withheld(label)
    return Plan(page=page, props=frozenset(wanted), page_info=page_info, below=below)


def _below(
    raw: GraphQLResolveInfo[Any],
    types: list[GraphQLObjectType],
    node_fields: list[FieldNode],
    sees_pii: bool,
    sizes: tuple[int, int],
) -> tuple[WalkLayer, ...]:
    """The walk layers under a connection whose nodes have ``types`` and select ``node_fields``:
    its one plain walk field (:data:`WALK_FIELDS`) asking for a first page, with the layers
    under that.  None when the nodes may have several types, or select several walk fields (the
    walk is a chain), or the field pages past a cursor or backwards (its resolver reads the
    whole list then)."""
    if len(types) != 1:
        return ()
    node_type = types[0]
    by_key: dict[str, list[FieldNode]] = {}
    for field in node_fields:
        if (node_type.name, field.name.value) in WALK_FIELDS:
            by_key.setdefault(field.alias.value if field.alias else field.name.value, []).append(field)
    if len(by_key) != 1:
        return ()
    (fields,) = by_key.values()
    name = fields[0].name.value
    if any(f.name.value != name for f in fields):
        return ()
    definition = node_type.fields[name]
    try:
        args = get_argument_values(definition, fields[0], variable_values(raw))
    except Exception:  # a bad argument: the field's own resolver says what is wrong
        return ()
    if any(args.get(k) is not None for k in ("after", "last", "before")):
        return ()
    default, largest = sizes
    first = args.get("first")
    size = first if first is not None else min(default, largest)
    if not isinstance(size, int) or size <= 0 or size > largest:
        return ()
    plan = _plan_of(raw, fields, definition.type, sees_pii, sizes)
    if not plan.page:
        return ()
    rel_type, direction, labels = WALK_FIELDS[node_type.name, name]
    return (WalkLayer(rel_type, direction, labels, size + 1, plan.props), *plan.below)


def connection_plan(info: Info) -> Plan:
    """What the connection field being resolved needs from the store (see the module
    docstring); worked out once per request for each place in the document."""
    raw = info._raw_info
    memo: dict[int, tuple[Any, Plan]] = info.context.loaders.memo
    first = raw.field_nodes[0]
    key = id(first)
    hit = memo.get(key)
    if hit is not None and hit[0] is first:
        return hit[1]
    plan = _plan(info)
    memo[key] = (first, plan)  # the node is kept, so its id cannot be reused meanwhile
    return plan
