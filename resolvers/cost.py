"""What a request may ask before any work starts: argument ranges and a static cost within a budget.

After validation and before execution, :class:`RequestCost` walks the operation with its
variables' values (fragments and aliases included) and

* checks the arguments whose range is known: page windows (``first``/``last``/``after``/
  ``before`` of every connection, by :func:`resolvers.connections.window`, the same check the
  listing applies), ``ids`` of ``nodes``, the analytics' ``k``, ``top`` and ``first``, and the
  norms (``membersNorm``, ``householdsNorm``: :data:`graph_schema.contract.NORM_RANGES`, the
  ranges the CLI and the analytics apply).  So a mutation whose response selection is out of
  range (``createStreet { street { communities(first: -5) } }``) is refused before it writes;
* adds up the operation's static cost (:func:`operation_cost`) and refuses it with
  ``QUERY_TOO_COSTLY`` (naming the cost, the budget and the costliest fields) above the
  budget (``SchemaLimits.max_cost``).

**The cost model.**  A point is about a tenth of a millisecond of work on the ``jiangyin``
preset (365k nodes), the largest city the service is sized for:

* a field of an object type costs 1 (one node or object read), a scalar field 0;
* a connection multiplies what is selected inside it by its page size (``first`` or ``last``,
  the default page size otherwise), a connection from a node to its neighbours by no more than
  :data:`FANOUT` (twice their mean number on jiangyin); ``nodes(ids:)`` by the number of ids;
* an analytics field costs what it was measured to take (``bench/analytics_bench.py`` and
  ``docs/design.md`` section 7.10), as a function of its arguments (:data:`ANALYTICS_COSTS`);
* aliases multiply: every aliased field is counted (identical analytics requests are still
  computed once, see :mod:`resolvers.analytics.flights`, but the budget is static).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
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
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension

from graph_schema.contract import NORM_RANGES, check_norm
from resolvers.connections import window
from resolvers.context import ApiConfig
from resolvers.errors import ClientError

Args = Mapping[str, Any]

# --- the weights -----------------------------------------------------------------------------
# Measured on jiangyin (365k nodes, 626k relationships) with the session's indexes built, on the
# 2-core development machine; a point is 0.1 ms.  See docs/design.md, "What a request may cost".


def _brokerage(args: Args) -> int:
    """0.5 s of organization graph and articulation points, then 1.1 ms per sampled source
    (k = 16: 0.52 s, 256: 0.76 s, 1024: 1.58 s, 4096: 4.87 s measured)."""
    return 5_000 + 11 * int(args.get("k") or 0)


def _plan(args: Args) -> int:
    """0.4 s, then 90 ms per household of a vanguard's capacity up to 32, where every
    uncovered household finds a vanguard (norm 1: 0.51 s, 15: 1.75 s, 100: 3.33 s measured)."""
    return 4_000 + 900 * min(max(int(args.get("householdsNorm") or 0), 0), 32)


def _reach(args: Args) -> int:
    """Reach 20 ms, the greedy expansion ~0.1 ms a step (k = 100: 10 ms measured); 5 ms a step
    counted, for cities whose candidate sets are larger."""
    return 200 + 50 * int(args.get("k") or 0)


def _registration(args: Args) -> int:
    """Registration alone is quick; ``withPlan`` runs the coverage plan twice (with and without the
    candidate vanguards) at their capacity, as ``coveragePlan`` at that norm costs."""
    if not args.get("withPlan"):
        return WORK_COSTS["registrationStats"]
    capacity = int(args.get("candidateCapacity") or 0)
    return WORK_COSTS["registrationStats"] + 2 * _plan({"householdsNorm": max(capacity, 15)})


WORK_COSTS: dict[str, int] = {
    "monthlyContact": 3_800,
    "registrationStats": 2_500,
    "activityStats": 5_600,
    "pointsStats": 8_000,
}
"""The monthly-work fields on jiangyin with twelve months of activity, CPU time of the measure
with the session's work-index parts read (0.38, 0.25, 0.64 and 0.80 s; activities then 13% less
with its months bucketed in one pass, points unchanged within the noise, measured side by side
on 2026-12-02; reading the parts a field needs adds 0.3-1.0 s once per snapshot, the EARNED
columns once per projection: docs/design.md 7.15;
``python bench/analytics_bench.py --only contact|registration|activities|points``)."""

ANALYTICS_COSTS: dict[tuple[str, str], Callable[[Args], int]] = {
    ("Query", "coverage"): lambda args: 1_000,  # 0.08 s (0.10 s with asOf)
    ("CoverageResult", "load"): lambda args: 300,  # 0.03 s
    ("CoverageResult", "uncoveredHouseholds"): lambda args: 2_500,  # 0.25 s
    ("Query", "allianceReach"): _reach,
    ("Query", "structure"): lambda args: 2_500,  # 0.21 s
    ("Query", "brokerage"): _brokerage,
    ("Query", "coveragePlan"): _plan,
    ("Query", "monthlyContact"): lambda args: WORK_COSTS["monthlyContact"],
    ("Query", "registrationStats"): _registration,
    ("Query", "activityStats"): lambda args: WORK_COSTS["activityStats"],
    ("Query", "pointsStats"): lambda args: WORK_COSTS["pointsStats"],
    ("Query", "workerStats"): lambda args: 1_500,  # 0.15 s CPU (the label index of every node, then workers)
    ("Query", "assessment"): lambda args: 10_000,  # 0.96 s on jiangyin (a loaded machine)
}
"""The cost of each analytics field, by (type, field), from its arguments (GraphQL names)."""

_FANOUT_JIANGYIN: dict[tuple[str, str], tuple[int, float]] = {
    ("Alliance", "AllianceMember"): (54, 12.2),
    ("Alliance", "Community"): (4, 1.6),
    ("Alliance", "PartyOrganization"): (1, 1.0),
    ("Alliance", "Street"): (1, 1.0),
    ("AllianceMember", "Alliance"): (3, 1.6),
    ("AllianceMember", "Building"): (593, 207.0),
    ("AllianceMember", "PartyOrganization"): (1, 1.0),
    ("Building", "AllianceMember"): (1, 1.0),
    ("Building", "Grid"): (1, 1.0),
    ("Building", "Household"): (104, 30.7),
    ("Building", "PartyOrganization"): (1, 1.0),
    ("Building", "VanguardStation"): (1, 1.0),
    ("Community", "Alliance"): (4, 1.5),
    ("Community", "Grid"): (21, 12.0),
    ("Community", "PartyMember"): (349, 203.1),
    ("Community", "PartyOrganization"): (1, 1.0),
    ("Community", "Street"): (1, 1.0),
    ("Grid", "Building"): (35, 9.5),
    ("Grid", "Community"): (1, 1.0),
    ("Grid", "PartyOrganization"): (1, 1.0),
    ("Household", "Building"): (1, 1.0),
    ("Household", "PartyMember"): (8, 2.5),
    ("PartyMember", "Community"): (1, 1.0),
    ("PartyMember", "Household"): (145, 4.0),
    ("PartyMember", "PartyMember"): (15, 1.8),
    ("PartyMember", "PartyOrganization"): (15, 1.0),
    ("PartyMember", "VanguardStation"): (1, 1.0),
    ("PartyOrganization", "Alliance"): (1, 1.0),
    ("PartyOrganization", "AllianceMember"): (1, 1.0),
    ("PartyOrganization", "Building"): (1, 1.0),
    ("PartyOrganization", "Community"): (1, 1.0),
    ("PartyOrganization", "Grid"): (1, 1.0),
    ("PartyOrganization", "PartyMember"): (67, 6.0),
    ("PartyOrganization", "PartyOrganization"): (40, 2.0),
    ("PartyOrganization", "Street"): (1, 1.0),
    ("Street", "Alliance"): (1, 1.0),
    ("Street", "Community"): (14, 5.2),
    ("Street", "PartyOrganization"): (1, 1.0),
    ("VanguardStation", "Building"): (1, 1.0),
    ("VanguardStation", "PartyMember"): (1, 1.0),
    # workers and guidance stations (generated jiangyin, issue 16)
    ("AllianceMember", "Worker"): (2, 1.4),
    ("Building", "Worker"): (1, 1.0),
    ("Community", "Worker"): (11, 6.5),
    ("Grid", "Worker"): (1, 1.0),
    ("GuidanceStation", "Street"): (1, 1.0),
    ("GuidanceStation", "Worker"): (61, 37.1),
    ("PartyMember", "Worker"): (1, 1.0),
    ("PartyOrganization", "Worker"): (2, 1.0),
    ("Street", "GuidanceStation"): (2, 1.2),
    ("Street", "Worker"): (112, 42.1),
    ("Worker", "AllianceMember"): (1, 1.0),
    ("Worker", "Building"): (1, 1.0),
    ("Worker", "Community"): (1, 1.0),
    ("Worker", "Grid"): (1, 1.0),
    ("Worker", "PartyOrganization"): (18, 1.7),
    ("Worker", "Street"): (1, 1.0),
}
"""(parent label, child label) → the most relationships one parent node has with child nodes on
jiangyin, and their mean over the parents that have any (``python bench/cost_fanout.py``)."""

FANOUT: dict[tuple[str, str], int] = {pair: max(math.ceil(2 * mean), 2) for pair, (_, mean) in _FANOUT_JIANGYIN.items()}
"""What a connection from a node of one label to nodes of another is charged at most: twice the
mean on jiangyin (at least 2).  The mean, not the most: a product of maxima over nested levels
(the street with the most communities, each with the most grids, …) overstates what a nested
query reads by two or three orders of magnitude (the explorer's view of jiangyin's largest street:
3.7 million by maxima, 11,590 objects read).  A pair not listed is charged its page size."""

_CONNECTION_SUFFIXES = ("SinceConnection", "VisitConnection", "Connection")
_AREAS = ("Street", "Community", "Grid", "Building")


def _fanout(parent: str, connection: str) -> int | None:
    """The most a connection field of ``parent`` returning ``connection`` can hold (None: unknown).

    >>> _fanout("Street", "CommunityConnection"), _fanout("Grid", "BuildingConnection"), _fanout("Query", "X")
    (11, 19, None)
    """
    child = connection
    for suffix in _CONNECTION_SUFFIXES:
        if child.endswith(suffix):
            child = child[: -len(suffix)]
            break
    children = _AREAS if child == "Area" else (child,)
    found = [FANOUT[(parent, c)] for c in children if (parent, c) in FANOUT]
    return sum(found) if found else None


# --- the argument ranges ---------------------------------------------------------------------


def _between(name: str, value: Any, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise ClientError(f"{name} must be between {low} and {high}, got {value}", "BAD_USER_INPUT")


def _norms(args: Args) -> None:
    for name, value in args.items():
        norm = _NORM_ARGUMENTS.get(name)
        if norm is not None and value is not None:
            try:
                check_norm(norm, value)
            except ValueError as exc:
                raise ClientError(f"{name}: {exc}", "BAD_USER_INPUT") from None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_NORM_ARGUMENTS = {_camel(name): name for name in NORM_RANGES}
"""``membersNorm`` → ``members_norm``, …: the norms' GraphQL argument names."""


def _brokerage_args(args: Args) -> None:
    _between("top", args.get("top"), 1, 100)
    _between("k", args.get("k"), 1, 4096)


ARGUMENT_CHECKS: dict[tuple[str, str], Callable[[Args], None]] = {
    ("Query", "brokerage"): _brokerage_args,
    ("Query", "allianceReach"): lambda a: _between("k", a.get("k"), 0, 100),
    ("CoverageResult", "breakdown"): lambda a: _between("first", a.get("first"), 0, 1_000_000),
}
"""Ranges of particular fields' arguments (besides page windows and norms, checked on every field)."""

# --- the walk --------------------------------------------------------------------------------

_Composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType


@dataclass(slots=True)
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues
    config: ApiConfig
    top: list[tuple[str, int]] = field(default_factory=list)
    reads_variables: bool = False
    """Whether the cost or a check read a variable's value (the cost then holds for those values only)."""

    def selections(self, parent: Any, selection_set: SelectionSetNode | None, depth: int = 0) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost = self.field(parent, selection)
                if depth == 0:
                    name = selection.alias.value if selection.alias else selection.name.value
                    self.top.append((name if name == selection.name.value else f"{name}: {selection.name.value}", cost))
                total += cost
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                typ = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(typ, selection.selection_set, depth)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    typ = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selections(typ, fragment.selection_set, depth)
        return total

    def field(self, parent: Any, node: FieldNode) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None)
        if name.startswith("__") or fields is None or name not in fields:
            return 0  # __typename, introspection
        definition = fields[name]
        args = get_argument_values(definition, node, self.variables)
        _norms(args)
        check = ARGUMENT_CHECKS.get((parent.name, name))
        if check is not None:
            check(args)
        named = get_named_type(definition.type)
        if not self.reads_variables and _with_variables(node) and _variables_matter(parent.name, name, named, args):
            self.reads_variables = True
        many = 1
        if named.name.endswith("Connection") and "first" in definition.args:
            many = window(self.config, args.get("first"), args.get("after"), args.get("last"), args.get("before")).size
            most = _fanout(parent.name, named.name)
            if most is not None:
                many = min(many, most)
        elif name == "nodes" and isinstance(args.get("ids"), list):
            many = len(args["ids"])
        weight = ANALYTICS_COSTS.get((parent.name, name))
        own = weight(args) if weight is not None else (1 if isinstance(named, _Composite) else 0)
        return own + many * self.selections(named, node.selection_set)


def _with_variables(node: FieldNode) -> bool:
    """Whether an argument of ``node`` is (or holds) a variable."""
    return any(_holds_variable(argument.value) for argument in node.arguments or ())


def _holds_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_holds_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_holds_variable(f.value) for f in value.fields)
    return False


def _variables_matter(parent: str, name: str, named: Any, args: Args) -> bool:
    """Whether the cost or a check of this field depends on its arguments' values."""
    return (
        (parent, name) in ARGUMENT_CHECKS
        or (parent, name) in ANALYTICS_COSTS
        or named.name.endswith("Connection")
        or name == "nodes"
        or any(a in _NORM_ARGUMENTS for a in args)
    )


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


@dataclass(frozen=True, slots=True)
class Cost:
    """An operation's static cost and its top-level fields' shares (alias: field, cost)."""

    total: int
    fields: tuple[tuple[str, int], ...]


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
    config: ApiConfig | None = None,
) -> Cost | None:
    """Check the arguments of a validated operation and return its cost (None when the operation
    or its variables cannot be resolved: execution reports that).  An argument out of range
    raises a :class:`~resolvers.errors.ClientError`."""
    config = config or _DEFAULT_CONFIG
    key = (id(schema), id(document), operation_name, id(config))
    known = _KNOWN.get(key)
    if known is not None and known[0] is document and known[1] is schema and known[2] is config:
        return known[3]
    operation = _operation(document, operation_name)
    if operation is None:
        return None
    coerced = get_variable_values(schema, operation.variable_definitions or (), dict(variables or {}))
    if isinstance(coerced, list):
        return None  # BAD_VARIABLES, from execution
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    walk = _Walk(schema, fragments, coerced, config)
    total = walk.selections(root, operation.selection_set)
    cost = Cost(total, tuple(walk.top))
    if not walk.reads_variables:
        if len(_KNOWN) >= _KNOWN_MAX:
            _KNOWN.pop(next(iter(_KNOWN)))
        _KNOWN[key] = (document, schema, config, cost)
    return cost


_DEFAULT_CONFIG = ApiConfig()
_KNOWN_MAX = 256
_KNOWN: dict[tuple[int, int, str | None, int], tuple[DocumentNode, GraphQLSchema, ApiConfig, Cost]] = {}
"""Costs that hold whatever the variables (no check or cost read one), by parsed document: the
documents come from the parse cache, so a repeated request finds its cost without a walk.  The
document, the schema and the config are kept beside the cost (an id is unique only while its object lives)."""


def too_costly(cost: Cost, budget: int) -> ClientError:
    """The refusal of ``cost`` over ``budget``, naming the costliest fields.

    >>> too_costly(Cost(150_168, (("b1: brokerage", 50_056),) * 3), 100_000).message.split(";")[0]
    'This request would cost 150,168 points, more than the 100,000 a request may cost'
    """
    costliest = sorted(cost.fields, key=lambda f: -f[1])[:3]
    named = ", ".join(f"{name} {points:,}" for name, points in costliest)
    error = ClientError(
        f"This request would cost {cost.total:,} points, more than the {budget:,} a request may cost; "
        f"the costliest fields: {named}. Ask for fewer aliases, smaller pages or a smaller k, or split the "
        "request (a point is about 0.1 ms of work on a large city).",
        "QUERY_TOO_COSTLY",
    )
    error.extensions = {**(error.extensions or {}), "cost": cost.total, "budget": budget}
    return error


class RequestCost(SchemaExtension):
    """Checks the arguments and the cost of each operation once it is valid, before execution."""

    def __init__(self, max_cost: int | None) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        self._check()
        yield

    def _check(self) -> None:
        """Runs when validation has run (listed after ``ValidationCache``, whose errors are then
        known: strawberry reads them before the extensions' exits)."""
        ec = self.execution_context
        if ec.pre_execution_errors is None or ec.pre_execution_errors or ec.graphql_document is None:
            return
        context = ec.context
        config = getattr(context, "config", None)
        try:
            cost = operation_cost(
                ec.schema._schema,
                ec.graphql_document,
                ec.operation_name,
                ec.variables,
                config if isinstance(config, ApiConfig) else None,
            )
        except ClientError as exc:
            ec.pre_execution_errors = [exc]
            return
        except GraphQLError:  # an argument that cannot be coerced: execution says so, with its code
            return
        if cost is None:
            return
        if isinstance(getattr(context, "extra", None), dict):
            context.extra["cost"] = cost.total
        if self.max_cost is not None and cost.total > self.max_cost:
            ec.pre_execution_errors = [too_costly(cost, self.max_cost)]


__all__ = ["ANALYTICS_COSTS", "ARGUMENT_CHECKS", "Cost", "RequestCost", "operation_cost", "too_costly"]
