"""The fast path of execution: simple parts of a result completed without graphql-core's
per-field machinery.

graphql-core executes every field of every object the same way: a ``Path``, a
``GraphQLResolveInfo``, strawberry's resolver wrapper, an awaitable check and a recursive
``complete_value``.  For the plain attributes that make up most of a large result (the ids and
names of 6,155 households under a community) that machinery is nearly all of the cost.

:class:`FastExecutionContext` completes a value of an object type (or a list of them, the hot
case: a connection's ``nodes`` or ``edges``) directly when every field of its collected
sub-selection is *simple*:

- ``__typename``;
- a strawberry field without a resolver (strawberry's default resolver, ``getattr``), without
  arguments, field extensions (permission classes are field extensions) or exception handlers;
- a strawberry field whose resolver is a plain synchronous method taking ``self`` only (no
  ``info``, no arguments), which is called as it is (e.g. an edge's ``cursor``);

with no directives on the field's nodes, no ``@defer`` around it, and of a leaf type (scalar
or enum) or an object type whose own sub-selection is simple, or a list of these.  Personal
data is never read this way: every personal field asks the viewer (``Viewer.reveal``) in a
resolver that takes ``info``, so it is not simple and graphql-core resolves it as before.

The result is built by ``getattr``, the leaf type's ``coerce_output_value`` and non-null
checks.  Anything unexpected (a None for a non-null field, a leaf that cannot be serialised,
an ``is_type_of`` that fails, a value that is not a list, any exception) abandons the fast
path for that value and graphql-core completes it again from the start, so that errors, their
paths and the nulls they cause are exactly graphql-core's.  What is simple is decided once per
(type, collected field nodes) per request, as graphql-core caches the collected sub-fields, and
nothing is fast when a schema extension or middleware hooks each resolution.  A single object
(not in a list) is completed fast only from the second one of its selection on: for one object
deciding costs more than it saves.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    OperationType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path

from graph_schema import Node as Record
from loaders.batch import SharedLoader
from loaders.walk import walk_tree, walk_tree_from
from resolvers.compiled import (
    ROOT_FIELDS,
    YIELD_EVERY,
    Builder,
    Compiler,
    ConnSpec,
    NotCompiled,
    RootSpec,
    mentions_walk,
)
from resolvers.lanes import yield_to_light
from resolvers.limits import CodedExecutionContext
from resolvers.selection import WALK_FIELDS

COMPILED_WALKS_AT_ONCE = 2
"""Compiled reads of one request that run at a time: a document that compiles in many places
(every relationship of a node, aliased) would otherwise send one walk per place at once."""

Completer = Callable[[Any], Any]
"""Completes one value of a type (raises :class:`Fallback` or any exception when it cannot)."""

BACKREF = "strawberry-definition"  # strawberry's key for its definition in a GraphQL type's extensions


class Fallback(Exception):
    """The fast path cannot complete this value: graphql-core does it."""


_FALLBACK = Fallback()


def _non_null(inner: Completer) -> Completer:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            raise _FALLBACK
        return inner(value)

    return complete


def _list(inner: Completer) -> Completer:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is not list and type(value) is not tuple:
            raise _FALLBACK  # an iterable of another kind, or not one: graphql-core says which
        return [inner(item) for item in value]

    return complete


def _leaf(leaf: GraphQLLeafType) -> Completer:
    coerce = leaf.coerce_output_value

    def complete(value: Any) -> Any:
        if value is None:
            return None
        if value is Undefined or isinstance(value, Exception):
            raise _FALLBACK  # graphql-core raises a returned exception as the field's error
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _FALLBACK
        return coerced

    return complete


def _object(is_type_of: Callable[[Any, Any], Any] | None, fields: list[tuple[str, Any, int]]) -> Completer:
    """Completes an object from (response name, attribute name / method / type name, how) triples."""

    def complete(value: Any) -> Any:
        if value is None:
            return None
        if (
            value is Undefined
            or isinstance(value, Exception)
            or (is_type_of is not None and is_type_of(value, None) is not True)
        ):
            raise _FALLBACK
        out: dict[str, Any] = {}
        for name, what, how in fields:
            if how == _ATTR:
                out[name] = what[1](getattr(value, what[0]))
            elif how == _METHOD:
                out[name] = what[1](what[0](value))
            else:
                out[name] = what
        return out

    return complete


_ATTR, _METHOD, _TYPENAME = 0, 1, 2


class FastExecutionContext(CodedExecutionContext):
    """The schema's execution context: strawberry's (with coded variable errors), completing
    simple values directly (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._fast = not (manager is not None and manager.middlewares)
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        converter = getattr(strawberry_schema, "schema_converter", None)
        if getattr(converter, "_exception_handler_specs", None):
            self._fast = False  # a handler may turn a resolver's exception into a value
        self._completers: dict[tuple[int, int], tuple[Any, Any, Completer | None]] = {}
        self._seen: dict[tuple[int, int], FieldDetailsList] = {}
        self._specs: dict[tuple[int, int], tuple[Any, Any, ConnSpec | None]] = {}
        self._compiled_loaders: dict[int, SharedLoader[str, Any]] = {}
        self._compiler: Compiler | None = None
        self._walk_slots = asyncio.Semaphore(COMPILED_WALKS_AT_ONCE)

    def build_response(self, data: dict[str, Any] | None) -> Any:
        """graphql-core's response, and then the context's one reference cycle broken: its
        ``async_helpers`` hold bound methods of the context itself, so without this the whole
        request's execution state (field plans, collected fields, errors: ~75 objects for a
        ``node(id)``) was garbage only the cycle collector could free, and its passes were where
        light requests waited (docs/design.md, "fewer cycles per request").  Resolvers keep the
        helpers they were given in their ``info``; a subscription's executor is copied per event
        and keeps its own."""
        result = super().build_response(data)
        if isinstance(result, ExecutionResult) and self.operation.operation is not OperationType.SUBSCRIPTION:
            self.async_helpers = None  # type: ignore[assignment]
        return result

    # --- deciding what is simple ----------------------------------------------------------
    def completer(self, return_type: GraphQLOutputType, field_details_list: FieldDetailsList) -> Completer | None:
        """How to complete values of ``return_type`` selected by ``field_details_list``
        directly, or None when that selection is not simple (cached per request)."""
        key = (id(return_type), id(field_details_list))
        cached = self._completers.get(key)
        if cached is not None:
            return cached[2]
        made = self._make_completer(return_type, field_details_list)
        self._completers[key] = (return_type, field_details_list, made)  # keeps both alive: ids stay unique
        return made

    def _make_completer(self, return_type: GraphQLOutputType, field_details_list: FieldDetailsList) -> Completer | None:
        if isinstance(return_type, GraphQLNonNull):
            inner = self.completer(return_type.of_type, field_details_list)
            return None if inner is None else _non_null(inner)
        if isinstance(return_type, GraphQLList):
            inner = self.completer(return_type.of_type, field_details_list)
            return None if inner is None else _list(inner)
        if isinstance(return_type, GraphQLLeafType):
            return _leaf(return_type)
        if isinstance(return_type, GraphQLObjectType):
            return self._object_completer(return_type, field_details_list)
        return None  # an interface or a union: graphql-core resolves the runtime type

    def _object_completer(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Completer | None:
        definition = (object_type.extensions or {}).get(BACKREF)
        if definition is None or getattr(definition, "is_type_of", None) is not None:
            return None  # not a strawberry type, or an is_type_of of its own (it may read info)
        grouped, new_defer_usages, _forbidden = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        fields: list[tuple[str, Any, int]] = []
        for response_name, details in grouped.items():
            if any(d.defer_usage is not None or d.fragment_variable_values is not None for d in details):
                return None
            if any(d.node.directives or d.node.arguments for d in details):
                return None
            field_name = details[0].node.name.value
            if field_name == "__typename":
                fields.append((response_name, object_type.name, _TYPENAME))
                continue
            field_def = self.schema.get_field(object_type, field_name)
            if field_def is None or field_def.args:
                return None
            read = _reader(field_def)
            if read is None:
                return None
            sub = self.completer(field_def.type, details)
            if sub is None:
                return None
            fields.append((response_name, (read[0], sub), read[1]))
        return _object(object_type.is_type_of, fields)

    def _met_before(self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> bool:
        """Whether an object of this selection was completed before in this request: deciding
        costs more than it saves for an object met once (a ``node(id)``'s parent)."""
        key = (id(return_type), id(field_details_list))
        if key in self._completers:
            return True
        seen = self._seen
        if key in seen:
            return True
        seen[key] = field_details_list  # kept alive: its id stays unique
        return False

    # --- compiled nested reads (resolvers.compiled) ------------------------------------------
    compiled = True
    """Whether trees of plain walk fields are read and built compiled (a class switch: the
    differential tests and the bench turn it off to compare).  A request runs at most
    :data:`COMPILED_WALKS_AT_ONCE` compiled walks at a time (design doc, section 13, "compiled
    nested reads")."""

    def compiled_spec(self, parent_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> ConnSpec | None:
        """The compiled form of a walk field's selection, or None (cached per request)."""
        key = (id(parent_type), id(field_details_list))
        cached = self._specs.get(key)
        if cached is not None:
            return cached[2]
        spec = None
        if (parent_type.name, field_details_list[0].node.name.value) in WALK_FIELDS:
            compiler = self._get_compiler()
            if compiler is None:
                return None
            spec = compiler.connection(parent_type, field_details_list)
        self._specs[key] = (parent_type, field_details_list, spec)  # kept alive: ids stay unique
        return spec

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        if self._fast and self.compiled and position_context is None:
            record = getattr(source, "record", None)
            if isinstance(record, Record):
                spec = self.compiled_spec(parent_type, field_details_list)
                if spec is not None:
                    return self._execute_compiled(spec, record, parent_type, source, field_details_list, path)
            elif parent_type is self.schema.query_type and field_details_list[0].node.name.value in ROOT_FIELDS:
                root = self.compiled_root(parent_type, field_details_list)
                if root is not None:
                    return self._execute_compiled_root(root, parent_type, source, field_details_list, path)
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    async def _execute_compiled(
        self,
        spec: ConnSpec,
        record: Record,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        loader = self._compiled_loader(spec)
        compiled = lambda: loader.load(record.id)  # noqa: E731
        return await self._compiled_or_normal(compiled, parent_type, source, field_details_list, path)

    async def _compiled_or_normal(
        self,
        compiled: Callable[[], Awaitable[Any]],
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        """``compiled()``'s answer; on a value the normal path reports as an error (``NotCompiled``)
        the normal path reads and completes the field again; another error is the field's."""
        try:
            return await compiled()
        except NotCompiled:
            pass
        except Exception as raw_error:
            field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
            assert field_def is not None
            self.handle_field_error(raw_error, field_def.type, field_details_list, path)
            return None
        result = super().execute_field(parent_type, source, field_details_list, path, None)
        return await result if self.is_awaitable(result) else result

    def _get_compiler(self) -> Compiler | None:
        compiler = self._compiler
        if compiler is None:
            config = getattr(self.context_value, "config", None)
            if config is None:
                return None
            sizes = (config.default_page_size, config.max_page_size)
            compiler = Compiler(
                self.schema, self.collect_subfields, self.variable_values, sizes, WALK_FIELDS, self.fragments
            )
            self._compiler = compiler
        return compiler

    def compiled_root(self, parent_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> RootSpec | None:
        """The compiled form of a root lookup (``node(id:)``) and the walks under it, or None."""
        if not mentions_walk(field_details_list, self.fragments, {name for _type, name in WALK_FIELDS}):
            return None  # a lone point read
        compiler = self._get_compiler()
        return None if compiler is None else compiler.root(parent_type, field_details_list)

    async def _execute_compiled_root(
        self,
        root: RootSpec,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        """The root found and walked from in one store call (``loaders.walk.walk_tree_from``)."""
        loaders = self.context_value.loaders

        async def compiled() -> Any:
            scope = await loaders.scope()
            async with self._walk_slots:
                row, rows = await walk_tree_from(
                    loaders.store, root.node_id, root.label, root.props, root.walk_trees(), scope=scope
                )
            return await Builder(scope).build_root(root, row, rows)

        return await self._compiled_or_normal(compiled, parent_type, source, field_details_list, path)

    def _compiled_loader(self, spec: ConnSpec) -> SharedLoader[str, Any]:
        """The batched read and build of ``spec`` under each of its parents (one per spec)."""
        loader = self._compiled_loaders.get(id(spec))
        if loader is None:
            loaders = self.context_value.loaders

            async def load(ids: list[str]) -> list[Any]:
                scope = await loaders.scope()
                async with self._walk_slots:  # a document compiled in many places: a few walks at a time
                    rows = await walk_tree(loaders.store, ids, spec.walk_tree(), scope=scope)
                builder = Builder(scope)
                built = await builder.build(spec, rows)
                return [built[i] if i in built else builder.empty(spec) for i in ids]

            loader = SharedLoader(load_fn=load)
            self._compiled_loaders[id(spec)] = loader
        return loader

    # --- the hooks into graphql-core's completion -------------------------------------------
    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._fast and position_context is None and self._met_before(return_type, field_details_list):
            complete = self.completer(return_type, field_details_list)
            if complete is not None:
                try:
                    return complete(result)
                except Exception:  # graphql-core completes it again and reports what went wrong
                    pass
        return super().complete_object_value(return_type, field_details_list, info, path, result, position_context)

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> Any:
        if (
            self._fast
            and position_context is None
            and (type(items) is list or type(items) is tuple)
            and not any(d.node.directives for d in field_details_list)  # @stream
        ):
            complete = self.completer(item_type, field_details_list)
            if complete is not None:
                if len(items) > YIELD_EVERY:
                    return self._complete_long(complete, items, item_type, field_details_list, info, path)
                try:
                    return [complete(item) for item in items]
                except Exception:  # graphql-core completes it again and reports what went wrong
                    pass
        return super().complete_iterable_value(item_type, field_details_list, info, path, items, position_context)

    async def _complete_long(
        self,
        complete: Completer,
        items: list[Any] | tuple[Any, ...],
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
    ) -> Any:
        """A long list completed fast in chunks of :data:`YIELD_EVERY`, yielding to the event
        loop between them (a big answer must not hold the loop for long)."""
        out: list[Any] = []
        try:
            for start in range(0, len(items), YIELD_EVERY):
                if start:
                    await yield_to_light()
                out += [complete(item) for item in items[start : start + YIELD_EVERY]]
            return out
        except Exception:  # graphql-core completes it again and reports what went wrong
            pass
        result = super().complete_iterable_value(item_type, field_details_list, info, path, items, None)
        return await result if self.is_awaitable(result) else result


def _reader(field_def: GraphQLField) -> tuple[Any, int] | None:
    """How the fast path reads a field: (attribute name, _ATTR) for a strawberry field without
    a resolver, (function, _METHOD) for a resolver that takes ``self`` only; None otherwise."""
    field = (field_def.extensions or {}).get(BACKREF)
    if field is None or getattr(field, "extensions", None):
        return None
    if getattr(field_def.resolve, "_is_default", False):
        return (field.python_name, _ATTR) if field.default_resolver is getattr else None
    resolver = getattr(field, "base_resolver", None)
    if resolver is None or field.arguments or resolver.is_async:
        return None
    if resolver.self_parameter is None or resolver.info_parameter is not None:
        return None
    if resolver.root_parameter is not None or resolver.parent_parameter is not None:
        return None
    func = resolver.wrapped_func
    if not inspect.isfunction(func) or len(inspect.signature(func).parameters) != 1:
        return None  # a static or class method, a partial, a callable object: the wrapper knows best
    return func, _METHOD


__all__ = ["Completer", "Fallback", "FastExecutionContext"]
