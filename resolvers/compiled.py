"""Compiled nested reads: a tree of plain walk fields answered in one store call and built
straight into the response.

When a walk field (:data:`resolvers.selection.WALK_FIELDS`) is selected with a sub-selection
that is a *tree* of plain walk fields whose leaves are simple, the fast execution context
(:mod:`resolvers.execution`) does not resolve it field by field.  It compiles the selection
once per request into a :class:`ConnSpec` tree, reads the tree from the store in one call per
chain (:func:`loaders.walk.walk_tree`: one statement on Neo4j for a chain such as community →
grids → buildings → households), and builds the connection's *response value* directly: dicts
keyed by response name, global ids and cursors encoded as :mod:`resolvers.connections` does.
No Node, Edge or strawberry object is made per node and no DataLoader is primed; siblings (the
same field under each node of a list) share one batched read.

What compiles (anything else keeps the normal path):

- the walk field's arguments: ``first`` only (absent: the default page; 0 up to the largest
  page); ``after``, ``last``, ``before`` and a ``first`` the normal path refuses do not;
- its connection's fields ``nodes``, ``edges { cursor node __typename }``, ``pageInfo`` (its
  four fields and ``__typename``) and ``__typename``; not ``totalCount``;
- the nodes' fields ``__typename``, ``id``, the non-personal properties of :data:`PROPS`
  (passed through unchanged by the types' ``from_record``) and further walk fields;
- no directives on any of these fields, no ``@defer``, no field extensions or permission
  classes on the walk fields, and no schema middleware (the fast context checks).

A compiled tree right under ``node(id:)`` (:data:`ROOT_FIELDS`) is read *with its root*
(:class:`RootSpec`, :func:`loaders.walk.walk_tree_from`): one store call finds the node by id
and the label its global id names, under the scope condition of the point read, with the
properties its selection asks for, and walks from it (one statement on Neo4j), where the
normal path makes the point read and then the walk.  It compiles when the id decodes and the
selection on the id's type compiles with at least one walk field; a root missing, outside the
scope or of another type is null, nothing walked.  A bad id keeps the normal path, which
reports it.

Personal properties never compile, so nothing is masked, withheld or disclosed on this path;
the scope applies inside the store's statement on every layer, and a name-only node of the
scope shows only its name, as :meth:`loaders.scope.Scope.present` does.  A value the normal
path would turn into an error (a null for a non-null field, a leaf that does not serialise)
makes the field fall back to the normal path, which reads again and reports it.  Building
yields to the event loop every :data:`YIELD_EVERY` nodes, so that a big answer does not hold
the loop for long stretches.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    get_argument_values,
)
from graphql.execution.collect_fields import FieldDetailsList, FragmentDetails

from graph_schema import Label
from graph_schema.ids import to_global_id
from loaders.cursors import encode_cursor
from loaders.scope import Scope
from loaders.walk import Row, WalkLayer, WalkTree, collector_paused
from resolvers.lanes import yield_to_light
from resolvers.node import decode_id

BACKREF = "strawberry-definition"
YIELD_EVERY = 1000
"""Nodes built between two yields to the event loop (about 1-3 ms of work)."""

PROPS: dict[str, frozenset[str]] = {
    "Street": frozenset({"name", "code"}),
    "Community": frozenset({"name", "code"}),
    "Grid": frozenset({"name"}),
    "Building": frozenset({"name", "address"}),
    "Household": frozenset({"name", "size"}),
}
"""Node fields (by GraphQL type) read straight from a record's property of the same name: the
types' ``from_record`` pass them through unchanged (``name`` as ``Node.name``, a missing one
as ""; the others as ``properties.get``), and none of them is personal."""

_LABELS = {label.value for label in Label}
_ID, _TYPENAME, _PROP, _NAME, _CONN = 0, 1, 2, 3, 4
_PAGE_FIELDS = frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"})


class NotCompiled(Exception):
    """The selection (or a value in it) is not for the compiled path."""


_NOT = NotCompiled()


@dataclass(eq=False)
class NodeShape:
    """How one node of the GraphQL type ``type_name`` is built: (response name, kind, what)
    per field, in response order."""

    type_name: str
    fields: list[tuple[str, int, Any]]


@dataclass(eq=False)
class ConnSpec:
    """A compiled walk field: the layer it reads, the page size, and how its connection value is
    built: (response name, part, what) per field, part one of ``nodes``, ``edges``,
    ``pageInfo``, ``__typename``."""

    layer: WalkLayer
    size: int
    fields: list[tuple[str, str, Any]]
    children: list[ConnSpec] = field(default_factory=list)
    tree: WalkTree | None = None

    def walk_tree(self) -> WalkTree:
        if self.tree is None:
            self.tree = WalkTree(self.layer, tuple(c.walk_tree() for c in self.children))
        return self.tree

    def all(self) -> list[ConnSpec]:
        """This spec and every one below it, deepest first."""
        out: list[ConnSpec] = []
        for child in self.children:
            out += child.all()
        out.append(self)
        return out


@dataclass(eq=False)
class RootSpec:
    """A compiled ``node(id:)``: the root's id and label (from the global id), how the root is
    built, the properties it reads, and the walk fields under it (at least one)."""

    node_id: str
    label: str
    shape: NodeShape
    props: frozenset[str]
    children: list[ConnSpec]

    def walk_trees(self) -> tuple[WalkTree, ...]:
        return tuple(c.walk_tree() for c in self.children)


ROOT_FIELDS = frozenset({"node"})
"""Query fields whose root a compiled read finds itself, in the walk's statement: single-root
lookups by global id whose resolver returns the node of the id's type in the viewer's scope, or
null (``resolvers.lookup.LookupQuery.node``)."""

Collect = Callable[[GraphQLObjectType, FieldDetailsList], Any]


class Compiler:
    """Compiles walk fields for one request (``collect``: the execution context's
    ``collect_subfields``; ``variables``: the request's; ``sizes``: default and largest page)."""

    def __init__(
        self,
        schema: Any,
        collect: Collect,
        variables: Any,
        sizes: tuple[int, int],
        walks: Any,
        fragments: Mapping[str, FragmentDetails] | None = None,
    ) -> None:
        self.schema = schema
        self.collect = collect
        self.variables = variables
        self.sizes = sizes
        self.walks = walks
        self.fragments = fragments
        self.walk_names = frozenset(name for _type, name in walks)

    def connection(self, parent: GraphQLObjectType, details: FieldDetailsList) -> ConnSpec | None:
        """The compiled walk field ``details`` of ``parent``, or None."""
        try:
            return self._connection(parent, details)
        except NotCompiled:
            return None

    def _connection(self, parent: GraphQLObjectType, details: FieldDetailsList) -> ConnSpec:
        name = details[0].node.name.value
        walk = self.walks.get((parent.name, name))
        if walk is None:
            raise _NOT
        _plain(details)
        definition = parent.fields.get(name)
        if definition is None or _has_hooks(definition):
            raise _NOT
        try:
            args = get_argument_values(definition, details[0].node, self.variables)
        except Exception:
            raise _NOT from None
        if any(args.get(k) is not None for k in ("after", "last", "before")):
            raise _NOT
        default, largest = self.sizes
        first = args.get("first")
        size = first if first is not None else min(default, largest)
        if not isinstance(size, int) or size < 0 or size > largest:
            raise _NOT
        connection = _object(definition.type)
        grouped = self._sub(connection, details)
        fields: list[tuple[str, str, Any]] = []
        children: list[ConnSpec] = []
        props: set[str] = set()
        node_type: GraphQLObjectType | None = None
        for response, sub in grouped.items():
            part = sub[0].node.name.value
            if part == "__typename":
                fields.append((response, part, connection.name))
            elif part == "pageInfo":
                page_type = _object(connection.fields[part].type)
                inner = self._sub(page_type, sub)
                names = [(r, d[0].node.name.value) for r, d in inner.items()]
                if any(n not in _PAGE_FIELDS for _r, n in names):
                    raise _NOT
                fields.append((response, part, (page_type.name, names)))
            elif part == "nodes":
                node_type = _object(connection.fields[part].type)
                shape = self._node(node_type, sub, children, props)
                fields.append((response, part, shape))
            elif part == "edges":
                edge_type = _object(connection.fields[part].type)
                inner = self._sub(edge_type, sub)
                edge_fields: list[tuple[str, str, Any]] = []
                for r, d in inner.items():
                    n = d[0].node.name.value
                    if n == "__typename":
                        edge_fields.append((r, n, edge_type.name))
                    elif n == "cursor":
                        edge_fields.append((r, n, None))
                    elif n == "node":
                        node_type = _object(edge_type.fields[n].type)
                        edge_fields.append((r, n, self._node(node_type, d, children, props)))
                    else:
                        raise _NOT
                fields.append((response, part, edge_fields))
            else:
                raise _NOT  # totalCount and anything else
        rel_type, direction, labels = walk
        layer = WalkLayer(rel_type, direction, labels, size + 1, frozenset(props | {"name"}))
        return ConnSpec(layer, size, fields, children)

    def root(self, parent: GraphQLObjectType, details: FieldDetailsList) -> RootSpec | None:
        """The compiled ``node(id:)`` field ``details`` of the query type ``parent``, or None:
        its id decodes, the node's type is one of :data:`PROPS`'s and its selection on that
        type compiles with at least one walk field (the normal path reports a bad id)."""
        try:
            return self._root(parent, details)
        except NotCompiled:
            return None

    def _root(self, parent: GraphQLObjectType, details: FieldDetailsList) -> RootSpec:
        name = details[0].node.name.value
        if name not in ROOT_FIELDS or not mentions_walk(details, self.fragments, self.walk_names):
            raise _NOT
        _plain(details)
        definition = parent.fields.get(name)
        if definition is None or _has_hooks(definition) or not isinstance(definition.type, GraphQLInterfaceType):
            raise _NOT  # a nullable Node
        try:
            args = get_argument_values(definition, details[0].node, self.variables)
            label, node_id = decode_id(args["id"])
        except Exception:
            raise _NOT from None
        node_type = self.schema.get_type(label)
        if not isinstance(node_type, GraphQLObjectType) or not self.schema.is_sub_type(definition.type, node_type):
            raise _NOT
        children: list[ConnSpec] = []
        props: set[str] = set()
        shape = self._node(node_type, details, children, props)
        if not children:
            raise _NOT  # a lone point read: the shared point reads serve it
        return RootSpec(node_id, label, shape, frozenset(props | {"name"}), children)

    def _node(
        self, node_type: GraphQLObjectType, details: FieldDetailsList, children: list[ConnSpec], props: set[str]
    ) -> NodeShape:
        if node_type.name not in _LABELS:
            raise _NOT
        allowed = PROPS.get(node_type.name, frozenset())
        out: list[tuple[str, int, Any]] = []
        for response, sub in self._sub(node_type, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                out.append((response, _TYPENAME, node_type.name))
                continue
            definition = node_type.fields[name]
            if (node_type.name, name) in self.walks:
                child = self._connection(node_type, sub)
                children.append(child)
                out.append((response, _CONN, child))
                continue
            if sub[0].node.arguments or definition.args or _has_hooks(definition) or not _default(definition):
                raise _NOT
            if name == "id":
                out.append((response, _ID, None))
            elif name in allowed:
                leaf = definition.type
                non_null = isinstance(leaf, GraphQLNonNull)
                inner = leaf.of_type if isinstance(leaf, GraphQLNonNull) else leaf
                if not isinstance(inner, GraphQLLeafType):
                    raise _NOT
                props.add(name)
                out.append((response, _NAME if name == "name" else _PROP, (name, inner.coerce_output_value, non_null)))
            else:
                raise _NOT
        return NodeShape(node_type.name, out)

    def _sub(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> dict[str, FieldDetailsList]:
        grouped, new_defer_usages, _forbidden = self.collect(object_type, details)
        if new_defer_usages:
            raise _NOT
        for sub in grouped.values():
            _plain(sub)
        return dict(grouped)


def _names_walk(
    selections: SelectionSetNode | None,
    depth: int,
    fragments: Mapping[str, FragmentDetails] | None,
    walk_names: Collection[str],
) -> bool:
    """:func:`mentions_walk` for one selection set (a module function: a nested closure that
    calls itself is a reference cycle, garbage for the cycle collector at every request)."""
    if selections is None or depth > 2:
        return False
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in walk_names:
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _names_walk(selection.selection_set, depth + 1, fragments, walk_names):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            fragment = None if fragments is None else fragments.get(selection.name.value)
            if fragment is None or _names_walk(fragment.definition.selection_set, depth + 1, fragments, walk_names):
                return True
    return False


def mentions_walk(
    details: FieldDetailsList, fragments: Mapping[str, FragmentDetails] | None, walk_names: Collection[str]
) -> bool:
    """Whether the selection of a root field names a walk field among its own fields or those of
    its fragments (an unknown fragment counts as naming one): a lone point read (most
    ``node(id)`` requests) is told apart in microseconds, before anything is compiled."""
    return any(_names_walk(d.node.selection_set, 0, fragments, walk_names) for d in details)


def _plain(details: FieldDetailsList) -> None:
    if any(d.defer_usage is not None or d.fragment_variable_values is not None or d.node.directives for d in details):
        raise _NOT


def _object(type_: GraphQLOutputType) -> GraphQLObjectType:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    if not isinstance(type_, GraphQLObjectType):
        raise _NOT
    return type_


def _has_hooks(definition: Any) -> bool:
    """Whether a field has strawberry extensions (permission classes are extensions)."""
    field_ = (definition.extensions or {}).get(BACKREF)
    return field_ is None or bool(getattr(field_, "extensions", None))


def _default(definition: Any) -> bool:
    """Whether a field is read by strawberry's default resolver (an attribute)."""
    return bool(getattr(definition.resolve, "_is_default", False))


# --- building the answer -------------------------------------------------------------
Built = dict[tuple[str, int], dict[str, Any]]


class Builder:
    """Builds the connection values of a compiled tree from its rows (see :func:`build`)."""

    def __init__(self, scope: Scope | None) -> None:
        self.hidden = frozenset() if scope is None else scope.name_only - scope.ids
        self.count = 0

    async def build(self, top: ConnSpec, rows: dict[WalkTree, dict[str, list[Row]]]) -> dict[str, Any]:
        """Parent id → the connection value of ``top`` under it, for every parent walked from."""
        done: dict[int, dict[str, Any]] = {}
        await self._build(top, rows, done)
        return done[id(top)]

    async def build_root(
        self, root: RootSpec, row: Row | None, rows: dict[WalkTree, dict[str, list[Row]]]
    ) -> dict[str, Any] | None:
        """The value of a compiled ``node(id:)``: None without a root, else the root built with
        the connections under it."""
        if row is None:
            return None
        done: dict[int, dict[str, Any]] = {}
        for child in root.children:
            await self._build(child, rows, done)
        with collector_paused():
            built: dict[str, Any] = self._node(root.shape, row, done, {})
        return built

    async def _build(self, top: ConnSpec, rows: dict[WalkTree, dict[str, list[Row]]], done: dict[int, Any]) -> None:
        for spec in top.all():
            found = list(rows.get(spec.walk_tree(), {}).items())
            values: dict[str, Any] = {}
            built: Built = {}  # (node id, id of its shape) → the node built
            at = 0
            while at < len(found):
                with collector_paused():  # between two yields only
                    while at < len(found) and self.count < YIELD_EVERY:
                        parent, children = found[at]
                        values[parent] = self._connection(spec, children, done, built)
                        at += 1
                if self.count >= YIELD_EVERY:
                    self.count = 0
                    await yield_to_light()
            done[id(spec)] = values

    def _connection(
        self, spec: ConnSpec, children: list[Row], done: dict[int, dict[str, Any]], built: Built
    ) -> dict[str, Any]:
        size = spec.size
        chosen = children[:size]
        out: dict[str, Any] = {}
        for response, part, what in spec.fields:
            if part == "nodes":
                out[response] = [self._node(what, row, done, built) for row in chosen]
            elif part == "edges":
                edges = []
                for row in chosen:
                    edge: dict[str, Any] = {}
                    for r, n, w in what:
                        if n == "node":
                            edge[r] = self._node(w, row, done, built)
                        elif n == "cursor":
                            edge[r] = encode_cursor("", row[0])
                        else:
                            edge[r] = w
                    edges.append(edge)
                out[response] = edges
            elif part == "pageInfo":
                type_name, names = what
                page: dict[str, Any] = {}
                for r, n in names:
                    if n == "hasNextPage":
                        page[r] = len(children) > size
                    elif n == "hasPreviousPage":
                        page[r] = False
                    elif n == "startCursor":
                        page[r] = encode_cursor("", chosen[0][0]) if chosen else None
                    elif n == "endCursor":
                        page[r] = encode_cursor("", chosen[-1][0]) if chosen else None
                    else:
                        page[r] = type_name
                out[response] = page
            else:
                out[response] = what
        return out

    def _node(self, shape: NodeShape, row: Row, done: dict[int, dict[str, Any]], built: Built) -> Any:
        node_id, label, props = row
        key = (node_id, id(shape))
        hit = built.get(key)
        if hit is not None:
            return hit
        if label != shape.type_name:
            raise _NOT  # a node of another type than the field declares
        self.count += 1
        name_only = node_id in self.hidden
        out: dict[str, Any] = {}
        for response, kind, what in shape.fields:
            if kind == _NAME:
                value: Any = props.get("name", "")
                out[response] = what[1](str(value))
            elif kind == _ID:
                out[response] = to_global_id(label, node_id)
            elif kind == _TYPENAME:
                out[response] = what
            elif kind == _PROP:
                value = None if name_only else props.get(what[0])
                if value is None:
                    if what[2]:
                        raise _NOT
                    out[response] = None
                else:
                    coerced = what[1](value)
                    if coerced is None or coerced is Undefined:
                        raise _NOT
                    out[response] = coerced
            else:
                below = done[id(what)].get(node_id)
                out[response] = self.empty(what) if below is None else below
        built[key] = out
        return out

    def empty(self, spec: ConnSpec) -> dict[str, Any]:
        """The connection value of ``spec`` under a node that reaches nothing."""
        return self._connection(spec, [], {}, {})


__all__ = [
    "PROPS",
    "ROOT_FIELDS",
    "YIELD_EVERY",
    "Builder",
    "Compiler",
    "ConnSpec",
    "NotCompiled",
    "RootSpec",
    "mentions_walk",
]
