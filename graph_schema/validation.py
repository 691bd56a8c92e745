"""Validation of nodes, relationships and whole write batches against the contract.

Pure functions: the stores look up what already exists (``Existing``) and call
:func:`validate_batch` inside the same transaction as the write, so that a refused batch
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from graph_schema.appeals import history_entry_problem, history_problems, status_date_problems, was_assigned
from graph_schema.assessments import assessment_rule_problems, round_problem, score_problem
from graph_schema.checksums import (
    credit_code_problem,
    division_code_problem,
    mobile_problem,
    resident_id_problem,
)
from graph_schema.contract import NODE_SPECS, REL_SPECS, Label, Prop, RelType
from graph_schema.end_kinds import CHECKED_TYPES, HELD_LABELS, end_kind_problems, held_end_problems, may_break
from graph_schema.records import Node, Problem, Relationship, RelRef

_CHECKS = {
    "division_code": division_code_problem,
    "resident_id": resident_id_problem,
    "credit_code": credit_code_problem,
    "mobile": mobile_problem,
    "appeal_history": history_entry_problem,
    "assessment_round": round_problem,
    "assessment_score": score_problem,
}
_LABELS = {label.value: label for label in Label}
_TYPES = {t.value: t for t in RelType}
_ENDS = {t: (spec.start_labels, spec.end_labels) for t, spec in REL_SPECS.items()}


@functools.cache
def _enum_values(enum: type[StrEnum]) -> frozenset[str]:
    return frozenset(e.value for e in enum)


def node_record(node: Node) -> str:
    return f"{node.label} {node.id}"


def value_problem(prop: Prop, value: Any) -> tuple[str, str] | None:
    """``(code, message)`` when ``value`` does not fit ``prop``, else None.

    >>> from graph_schema.contract import Prop
    >>> value_problem(Prop(type="int", minimum=1), 0)
    ('RANGE', 'must be at least 1, got 0')
    >>> value_problem(Prop(type="int", minimum=0, maximum=100), 101)
    ('RANGE', 'must be at most 100, got 101')
    >>> value_problem(Prop(type="date"), "2024-02-30")
    ('TYPE', "must be a date YYYY-MM-DD, got '2024-02-30'")
    """
    t = prop.type
    if t == "string" and prop.enum is None and prop.check is None and isinstance(value, str):
        return None
    if t == "string" or t == "date":
        if not isinstance(value, str):
            return "TYPE", f"must be a {'date YYYY-MM-DD' if t == 'date' else 'string'}, got {value!r}"
        if t == "date":
            try:
                dt.date.fromisoformat(value)
                if len(value) != 10:
                    raise ValueError
            except ValueError:
                return "TYPE", f"must be a date YYYY-MM-DD, got {value!r}"
        items: list[Any] = [value]
    elif t == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return "TYPE", f"must be a whole number, got {value!r}"
        if prop.minimum is not None and value < prop.minimum:
            return "RANGE", f"must be at least {prop.minimum}, got {value}"
        if prop.maximum is not None and value > prop.maximum:
            return "RANGE", f"must be at most {prop.maximum}, got {value}"
        return None
    elif t == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return "TYPE", f"must be a number, got {value!r}"
        return None
    elif t == "bool":
        return None if isinstance(value, bool) else ("TYPE", f"must be true or false, got {value!r}")
    else:  # string[]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            return "TYPE", f"must be a list of strings, got {value!r}"
        items = list(value)
    if prop.enum is not None:
        allowed = _enum_values(prop.enum)
        bad = [v for v in items if v not in allowed]
        if bad:
            return "ENUM", f"{bad[0]!r} is not one of {', '.join(sorted(allowed))}"
    if prop.check is not None:
        for v in items:
            refused = _CHECKS[prop.check](v)
            if refused:
                return refused[0], f"{v!r}: {refused[1]}"
    return None


def properties_problems(record: str, props: Mapping[str, Prop], values: Mapping[str, Any], what: str) -> list[Problem]:
    out: list[Problem] = []
    for name, value in values.items():
        spec = props.get(name)
        if spec is None:
            known = ", ".join(sorted(props)) or "none"
            out.append(Problem(record, name, "UNKNOWN_PROPERTY", f"{what} has no property {name!r} (known: {known})"))
        elif value is not None:
            bad = value_problem(spec, value)
            if bad:
                out.append(Problem(record, name, bad[0], bad[1]))
    for name, spec in props.items():
        if spec.required and values.get(name) in (None, ""):
            out.append(Problem(record, name, "REQUIRED", f"{name} is required"))
    return out


def patch_problems(node: Node, record: str | None = None) -> list[Problem]:
    """Problems of a change to one node: the properties it sets must fit, and a required
    property cannot be removed (set to None); the properties it leaves out are not looked at.

    >>> [p.code for p in patch_problems(Node("Household", "h1", {"size": 0, "name": None}))]
    ['RANGE', 'REQUIRED']
    """
    rec = record or node_record(node)
    label = _LABELS.get(node.label)
    if label is None:
        return [Problem(rec, "label", "UNKNOWN_LABEL", f"unknown label {node.label!r}")]
    specs = NODE_SPECS[label].props
    out = [p for p in properties_problems(rec, specs, node.properties, node.label) if p.code != "REQUIRED"]
    for name, value in node.properties.items():
        spec = specs.get(name)
        if spec is not None and spec.required and value in (None, ""):
            out.append(Problem(rec, name, "REQUIRED", f"{name} is required: it cannot be emptied or removed"))
    return out


def node_problems(node: Node, record: str | None = None) -> list[Problem]:
    """Problems of one node on its own (label, id, properties).

    >>> node_problems(Node("Building", "b1", {"name": "1栋", "kind": "TOWER"}))[0].message
    "'TOWER' is not one of BUILDING, COURTYARD"
    """
    rec = record or node_record(node)
    label = _LABELS.get(node.label)
    if label is None:
        return [Problem(rec, "label", "UNKNOWN_LABEL", f"unknown label {node.label!r}")]
    out = []
    if not isinstance(node.id, str) or not node.id.strip():
        out.append(Problem(rec, "id", "REQUIRED", "id must be a non-empty string"))
    out += properties_problems(rec, NODE_SPECS[label].props, node.properties, node.label)
    if label is Label.APPEAL:
        out += appeal_problems(node.properties, rec)
    if label is Label.ASSESSMENT:
        out += [Problem(rec, f, "ASSESSMENT", why) for f, why in assessment_rule_problems(node.properties)]
    return out


_APPEAL: Final = Label.APPEAL.value
_ASSESSMENT: Final = Label.ASSESSMENT.value
_ASSIGNED_TO: Final = RelType.ASSIGNED_TO.value


def appeal_problems(props: Mapping[str, Any], record: str) -> list[Problem]:
    """The rules of an appeal's whole set of properties (:mod:`graph_schema.appeals`): status
    and dates agree (``STATUS_DATES``) and the history is a path of the workflow that ends
    at the status (``HISTORY``).  A patch is checked merged into the stored appeal.

    >>> [str(p) for p in appeal_problems({"status": "CLOSED", "reported_on": "2026-03-01",
    ...     "accepted_on": "2026-03-01", "resolved_on": "2026-03-04"}, "Appeal ap-1")]
    ['Appeal ap-1, closed_on: a CLOSED appeal needs closed_on']
    """
    out = [Problem(record, f, "STATUS_DATES", why) for f, why in status_date_problems(props)]
    out += [Problem(record, f, "HISTORY", why) for f, why in history_problems(props)]
    return out


def missing_handler_problem(props: Mapping[str, Any], record: str, removed_by: str = "") -> Problem:
    """``NO_HANDLER``: an appeal that is ASSIGNED (or RESOLVED or CLOSED after an assignment, as its
    history shows) has no ``ASSIGNED_TO``; ``removed_by`` says what of the write takes it away.

    >>> missing_handler_problem({"status": "ASSIGNED"}, "Appeal ap-1").message
    'an ASSIGNED appeal needs a handler: write its ASSIGNED_TO with it'
    """
    status = props.get("status")
    what = f"an {status}" if str(status).startswith(("A", "E", "I", "O", "U")) else f"a {status}"
    assigned = "" if status == "ASSIGNED" else " that was assigned"
    if removed_by:
        return Problem(record, _ASSIGNED_TO, "NO_HANDLER", f"{what} appeal{assigned} needs a handler: {removed_by}")
    return Problem(
        record, _ASSIGNED_TO, "NO_HANDLER", f"{what} appeal{assigned} needs a handler: write its ASSIGNED_TO with it"
    )


def relationship_problems(
    rel: Relationship, labels: Mapping[str, str], record: str | None = None, *, looked_in: str = ""
) -> list[Problem]:
    """Problems of one relationship, given the labels of the nodes it may connect.

    ``looked_in`` says where a missing end was looked for (an import: ``in this import or in
    the store``).

    >>> for p in relationship_problems(Relationship("PART_OF", "", "g9"), {}, looked_in="in this import"):
    ...     print(p.field, p.code, p.message)
    start MISSING_ENDPOINT the start id is empty
    end MISSING_ENDPOINT no node with id 'g9' in this import (expected a Building or Community or Grid or Street)
    """
    rec = record or rel.describe()
    rtype = _TYPES.get(rel.type)
    if rtype is None:
        return [Problem(rec, "type", "UNKNOWN_TYPE", f"unknown relationship type {rel.type!r}")]
    spec = REL_SPECS[rtype]
    out = properties_problems(rec, spec.props, rel.properties, rel.type)
    ends = []
    starts, ends_allowed = _ENDS[rtype]
    for field_name, node_id, allowed in (
        ("start", rel.start, starts),
        ("end", rel.end, ends_allowed),
    ):
        label = labels.get(node_id)
        names = " or ".join(sorted(allowed)) if label not in allowed else ""
        if label is None and not node_id:
            out.append(Problem(rec, field_name, "MISSING_ENDPOINT", f"the {field_name} id is empty"))
        elif label is None:
            where = f" {looked_in}" if looked_in else ""
            out.append(
                Problem(rec, field_name, "MISSING_ENDPOINT", f"no node with id {node_id!r}{where} (expected a {names})")
            )
        elif label not in allowed:
            out.append(endpoint_label_problem(rec, field_name, node_id, label, f"expected a {names}"))
        ends.append(label)
    if (
        not out
        and ends[0] is not None
        and ends[1] is not None
        and (_LABELS[ends[0]], _LABELS[ends[1]]) not in spec.pairs
    ):
        pairs = ", ".join(f"{s}->{e}" for s, e in sorted(spec.pairs))
        out.append(
            Problem(
                rec, "end", "ENDPOINT_LABEL", f"{rel.type} cannot join a {ends[0]} to a {ends[1]} (allowed: {pairs})"
            )
        )
    return out


def endpoint_label_problem(record: str, end: str, node_id: str, label: str, expected: str) -> Problem:
    """``ENDPOINT_LABEL``: the node at the ``end`` (``start`` or ``end``) of a relationship is a
    ``label``, and ``expected`` says what was wanted there.

    >>> str(endpoint_label_problem("PART_OF h1 -> g1", "end", "g1", "Grid", "expected a Building"))
    "PART_OF h1 -> g1, end: 'g1' is a Grid, expected a Building"
    """
    return Problem(record, end, "ENDPOINT_LABEL", f"{node_id!r} is a {label}, {expected}")


def repeated_id_problem(node: Node, record: str | None = None, *, first_label: str = "", first_at: str = "") -> Problem:
    """``DUPLICATE_ID``: an earlier record of the same write already has this node's id.

    ``first_at`` names where that record is (an import's file and row) and ``first_label``
    its label; without a place the write is one batch.

    >>> repeated_id_problem(Node("Street", "u1"), first_label="Household", first_at="Household.csv row 3").message
    "id 'u1' is already used by a Household at Household.csv row 3; ids are unique across the graph"
    >>> repeated_id_problem(Node("Street", "u1")).message
    "id 'u1' appears more than once in this write"
    """
    rec = record or node_record(node)
    if not first_at:
        return Problem(rec, "id", "DUPLICATE_ID", f"id {node.id!r} appears more than once in this write")
    by = f" by a {first_label}" if first_label and first_label != node.label else ""
    message = f"id {node.id!r} is already used{by} at {first_at}; ids are unique across the graph"
    return Problem(rec, "id", "DUPLICATE_ID", message)


def id_taken_problem(
    node: Node, label: str, record: str | None = None, *, where: str = "", create_only: bool = False
) -> Problem:
    """``DUPLICATE_ID``: the node's id already belongs to a ``label`` in the graph, which is
    refused when the label differs (ids are unique across labels) or when the write must
    create new nodes (``create_only``).  ``where`` names the graph for people (``in the store``).

    >>> id_taken_problem(Node("Grid", "h1"), "Household", where="in the store").message
    "id 'h1' already belongs to a Household in the store; ids are unique across the graph"
    >>> id_taken_problem(Node("Grid", "g1"), "Grid", create_only=True).message
    "id 'g1' is taken (by a Grid)"
    """
    rec = record or node_record(node)
    if create_only:
        return Problem(rec, "id", "DUPLICATE_ID", f"id {node.id!r} is taken (by a {label})")
    place = f" {where}" if where else ""
    message = f"id {node.id!r} already belongs to a {label}{place}; ids are unique across the graph"
    return Problem(rec, "id", "DUPLICATE_ID", message)


def is_single(rel_type: str) -> bool:
    """Whether a node may start only one relationship of this type (``PART_OF``, ``MEMBER_OF``, …).

    >>> is_single("PART_OF"), is_single("GOVERNS"), is_single("NOPE")
    (True, False, False)
    """
    rtype = _TYPES.get(rel_type)
    return rtype is not None and REL_SPECS[rtype].single


def second_parent_problem(
    rel: Relationship, other: str, record: str | None = None, *, where: str = "", written: bool = True
) -> Problem:
    """``SECOND_PARENT``: the start of ``rel`` already has a relationship of this single type, to
    ``other``.  ``where`` says where that one is (``in the store``, ``at PART_OF.csv row 2``);
    ``written`` is False when it is another record of the same import, which nothing needs
    to move.

    >>> second_parent_problem(Relationship("PART_OF", "b1", "g2"), "g1", where="in the store").message
    "'b1' already has PART_OF 'g1' in the store; only one is allowed (move it instead of linking it twice)"
    """
    place = f" {where}" if where else ""
    hint = " (move it instead of linking it twice)" if written and rel.type == "PART_OF" else ""
    message = f"{rel.start!r} already has {rel.type} {other!r}{place}; only one is allowed{hint}"
    return Problem(record or rel.describe(), "end", "SECOND_PARENT", message)


@dataclass(frozen=True, slots=True)
class Existing:
    """What the store already holds that a batch's validity depends on.

    ``labels``: id → label of every id the batch mentions that exists.
    ``parents``: (type, start id) → end id of the existing relationship of each *single*
    type (PART_OF, REPORTS_TO, …) that leaves a start node the batch writes such a
    relationship from.
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    parents: Mapping[tuple[str, str], str] = field(default_factory=dict)
    children: Mapping[str, int] = field(default_factory=dict)
    """For a batch with ``only_leaves``: how many PART_OF children each node it deletes has."""
    appeals: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The stored properties of the appeals of :meth:`WriteBatch.appeal_ids` that exist, and of
    the appeals assigned to a node of ``delete_nodes``."""
    handlers: Mapping[str, str] = field(default_factory=dict)
    """Appeal id → the id of its stored ``ASSIGNED_TO`` end, for the same appeals."""
    current: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """For a batch with ``expect``: the stored properties of each node it names (read under the
    node's write lock), absent for a node that does not exist."""
    ends: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The stored ``level``, ``external`` and ``role`` of each node of
    :meth:`WriteBatch.checked_ends` that exists (``graph_schema.end_kinds``)."""
    held: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    """Node id → (type, start id) of each stored ``ATTACHED_TO``, ``ASSESSES`` and
    ``ASSESSED_BY`` ending at it, for the nodes of :meth:`WriteBatch.held_ids` that exist: the
    relationships a change of the node's kind must keep valid (``end_kinds.held_end_problems``)."""
    assessments: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The stored properties of the assessments of :meth:`WriteBatch.assessment_patch_ids` that
    exist (read under each node's write lock): a patch is checked merged into them."""


@dataclass(frozen=True, slots=True)
class WriteBatch:
    """One atomic write: all of it is applied or none of it.

    Deletions apply before upserts, so a move is ``delete_relationships`` of the old
    parent plus ``relationships`` with the new one.
    """

    nodes: Sequence[Node] = ()
    relationships: Sequence[Relationship] = ()
    delete_relationships: Sequence[RelRef] = ()
    delete_nodes: Sequence[str] = ()
    create_only: bool = False
    """The nodes must be new: an id that exists is refused (``DUPLICATE_ID``) instead of updated."""
    only_leaves: bool = False
    """A node of ``delete_nodes`` that still has PART_OF children is refused (``HAS_CHILDREN``)
    instead of deleted with its links, checked inside the write."""
    patch: bool = False
    """The nodes are changes to existing nodes: each carries only the properties to change
    (``None`` removes one), merged into the stored node inside the write, so two concurrent
    patches of different properties both land.  A node that does not exist is refused
    (``NOT_FOUND``)."""
    expect: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """A guard: node id → properties and the values they must still have when the batch is
    applied (None: absent), checked inside the write under the node's lock.  A node that has
    changed is refused (``CHANGED``, the property as field), one that is gone ``NOT_FOUND``: of
    two concurrent writes that read the same state, the second is refused instead of
    overwriting the first (a workflow transition guards its appeal's status and history)."""

    def __post_init__(self) -> None:
        if self.create_only and self.patch:
            raise ValueError("a write batch cannot be both create_only and patch")

    def mentioned_ids(self) -> set[str]:
        ids = {n.id for n in self.nodes}
        for r in self.relationships:
            ids.add(r.start)
            ids.add(r.end)
        return ids

    def appeal_ids(self) -> set[str]:
        """The appeals whose stored properties and handler the rules of this write need: the
        ones it writes, and the starts of the ``ASSIGNED_TO`` it deletes.  (The appeals assigned
        to a node it deletes are found from ``delete_nodes``.)"""
        ids = {n.id for n in self.nodes if n.label == _APPEAL}
        ids.update(d.start for d in self.delete_relationships if d.type == _ASSIGNED_TO)
        return ids

    def checked_ends(self) -> set[str]:
        """The ends of the ``ATTACHED_TO``, ``ASSESSES`` and ``ASSESSED_BY`` the batch writes: the
        nodes whose kind (level, external, role) :mod:`graph_schema.end_kinds` checks."""
        return {r.end for r in self.relationships if r.type in CHECKED_TYPES}

    def held_ids(self) -> set[str]:
        """The organizations and workers the batch writes whose kind (level, external, role) it
        may change so that a relationship stored at them breaks (``end_kinds.may_break``: a
        level or ``external: true`` of an organization, a role other than instructor).  Their
        stored ``ATTACHED_TO``, ``ASSESSES`` and ``ASSESSED_BY`` must stay valid (``Existing.held``)."""
        return {n.id for n in self.nodes if n.label in HELD_LABELS and may_break(n.label, n.properties)}

    def assessment_patch_ids(self) -> set[str]:
        """The assessments a patch changes: their rules read the whole node (``Existing.assessments``)."""
        return {n.id for n in self.nodes if n.label == _ASSESSMENT} if self.patch else set()

    def single_starts(self) -> set[tuple[str, str]]:
        """(type, start) of every relationship of a single-parent type the batch writes."""
        return {(r.type, r.start) for r in self.relationships if is_single(r.type)}


def expectation_problems(node_id: str, wanted: Mapping[str, Any], current: Mapping[str, Any] | None) -> list[Problem]:
    """Why a node no longer holds the values a guarded write expects (see ``WriteBatch.expect``).

    >>> expectation_problems("ap-1", {"status": "ASSIGNED"}, {"status": "RESOLVED"})[0].message
    "status is now 'RESOLVED', not 'ASSIGNED': the node changed since it was read"
    >>> expectation_problems("ap-1", {"status": "ASSIGNED"}, None)[0].code
    'NOT_FOUND'
    """
    if current is None:
        return [Problem(node_id, "id", "NOT_FOUND", f"there is no node {node_id!r} (any more)")]
    out = []
    for name, value in wanted.items():
        have = current.get(name)
        if have != value:
            out.append(
                Problem(
                    node_id,
                    name,
                    "CHANGED",
                    f"{name} is now {have!r}, not {value!r}: the node changed since it was read",
                )
            )
    return out


def validate_batch(batch: WriteBatch, existing: Existing) -> list[Problem]:
    """Every problem of a write batch, given what exists.  Empty means it may be written."""
    problems: list[Problem] = []
    deleted = set(batch.delete_nodes)
    labels: dict[str, str] = {i: lab for i, lab in existing.labels.items() if i not in deleted}
    seen: dict[str, int] = {}
    for node_id in dict.fromkeys(batch.delete_nodes) if batch.only_leaves else ():
        children = existing.children.get(node_id, 0)
        if children:
            label = existing.labels.get(node_id, "node")
            problems.append(
                Problem(
                    f"{label} {node_id}",
                    "id",
                    "HAS_CHILDREN",
                    f"{label} {node_id!r} still has {children} part(s) (PART_OF); move or delete them first",
                )
            )
    appeals: dict[str, tuple[str, Mapping[str, Any]]] = {}
    """Appeal id → (record, its properties after the write), for the appeals the batch writes."""
    for node in batch.nodes:
        rec = node_record(node)
        if batch.patch:
            problems += patch_problems(node, rec)
            if labels.get(node.id) is None:
                problems.append(Problem(rec, "id", "NOT_FOUND", f"there is no {node.label} {node.id!r} to change"))
            elif node.label == _APPEAL and labels.get(node.id) == _APPEAL:
                merged = {**existing.appeals.get(node.id, {}), **node.properties}
                after = {k: v for k, v in merged.items() if v is not None}
                problems += appeal_problems(after, rec)
                appeals[node.id] = (rec, after)
            elif node.label == _ASSESSMENT and labels.get(node.id) == _ASSESSMENT:
                problems += merged_assessment_problems(existing.assessments.get(node.id, {}), node.properties, rec)
        else:
            if node.label == _APPEAL:
                appeals[node.id] = (rec, node.properties)
            problems += node_problems(node, rec)
        if node.id in seen:
            problems.append(repeated_id_problem(node, rec))
        seen[node.id] = 1
        old = labels.get(node.id)
        if old is not None and (batch.create_only or old != node.label):
            problems.append(id_taken_problem(node, old, rec, create_only=batch.create_only))
        elif node.label in _LABELS:
            labels[node.id] = node.label
    for node_id, wanted in batch.expect.items():
        problems += expectation_problems(node_id, wanted, existing.current.get(node_id))
    removed_parents = {(d.type, d.start, d.end) for d in batch.delete_relationships}
    parents = {
        k: v
        for k, v in existing.parents.items()
        if (k[0], k[1], v) not in removed_parents and k[1] not in deleted and v not in deleted
    }
    new_parent: dict[tuple[str, str], str] = {}
    for rel in batch.relationships:
        rec = rel.describe()
        problems += relationship_problems(rel, labels, rec)
        if not is_single(rel.type):
            continue
        k = (rel.type, rel.start)
        other = new_parent.get(k) or parents.get(k)
        if other is not None and other != rel.end:
            problems.append(second_parent_problem(rel, other, rec))
        else:
            new_parent[k] = rel.end
    problems += _handler_problems(batch, existing, appeals, deleted)
    problems += end_kind_problems(batch, existing, labels)
    problems += held_end_problems(batch, existing)
    return problems


def merged_assessment_problems(stored: Mapping[str, Any], patch: Mapping[str, Any], record: str) -> list[Problem]:
    """``ASSESSMENT``: the rules of an assessment's whole set of properties (section 3.8), for a
    patch merged into the stored node (``None`` removes a property).

    >>> stored = {"round": "2026-2", "kind": "SPOT", "on": "2026-09-01", "result": "QUALIFIED"}
    >>> [str(p) for p in merged_assessment_problems(stored, {"result": "UNQUALIFIED"}, "Assessment as1")]
    ['Assessment as1, rectify_by: an UNQUALIFIED result of a SPOT check needs rectify_by (the rectification deadline)']
    """
    after = {k: v for k, v in {**stored, **patch}.items() if v is not None}
    return [Problem(record, f, "ASSESSMENT", why) for f, why in assessment_rule_problems(after)]


def _handler_problems(
    batch: WriteBatch,
    existing: Existing,
    appeals: Mapping[str, tuple[str, Mapping[str, Any]]],
    deleted: set[str],
) -> list[Problem]:
    """``NO_HANDLER`` for every appeal that needs a handler and has none once the batch is written."""
    assigned_now = {r.start for r in batch.relationships if r.type == _ASSIGNED_TO}
    removed = {(d.start, d.end) for d in batch.delete_relationships if d.type == _ASSIGNED_TO}
    out: list[Problem] = []

    def kept(appeal_id: str) -> str | None:
        handler = existing.handlers.get(appeal_id)
        if handler is None or (appeal_id, handler) in removed or handler in deleted:
            return None
        return handler

    for appeal_id, (rec, props) in appeals.items():
        if appeal_id in deleted or not was_assigned(props) or appeal_id in assigned_now or kept(appeal_id):
            continue
        handler = existing.handlers.get(appeal_id)
        if handler is None:
            out.append(missing_handler_problem(props, rec))
        elif handler in deleted:
            out.append(missing_handler_problem(props, rec, f"this write deletes {handler!r}, its handler"))
        else:
            out.append(missing_handler_problem(props, rec, f"this write removes its ASSIGNED_TO {handler!r}"))
    for appeal_id, props in existing.appeals.items():
        if appeal_id in appeals or appeal_id in deleted or appeal_id in assigned_now:
            continue
        handler = existing.handlers.get(appeal_id)
        if handler is None or kept(appeal_id) or not was_assigned(props):
            continue
        rec = f"{_APPEAL} {appeal_id}"
        if handler in deleted:
            why = f"this write deletes {handler!r}, its handler (assign the appeal to another first)"
        else:
            why = f"this write removes its ASSIGNED_TO {handler!r} without giving it another"
        out.append(missing_handler_problem(props, rec, why))
    return out
