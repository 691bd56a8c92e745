"""Checking an import: every record against the contract, the set against itself and the store.

The rules are :mod:`graph_schema.validation`'s, the same the stores apply to every write;
this module finds the records they apply to across a whole input (and the store) and adds
where each problem is: file (sheet), row and column (:class:`~loaders.formats.sources.ImportProblem`).

- each node on its own (label, id, properties), and each relationship given the labels of
  the nodes it may join, from the input or the store;
- ids: a second record with the same id in the input, or an id that belongs to a node of
  another label in the store (``DUPLICATE_ID``);
- ends: a column whose id space names a label (``:END_ID(Building)``) takes only ids of
  that label (``ENDPOINT_LABEL``); with ``cascade``, a relationship whose end node was
  rejected is rejected too (``ENDPOINT_REJECTED``);
- single parents: a second ``PART_OF`` (or other single-parent relationship) of a node, in
  the input or against the store (``SECOND_PARENT``);
- kinds of ends: a station ATTACHED_TO a party group only, no ASSESSES of an external branch,
  an ASSESSED_BY a worker only of an instructor (``graph_schema.end_kinds``);
- kinds kept: an organization or worker the input replaces keeps the ``ATTACHED_TO``,
  ``ASSESSES`` and ``ASSESSED_BY`` stored at it valid (a rated branch with assessments stays
  rated, a party group with stations a group, an instructor who assessed an instructor);
- handlers: an appeal that is ASSIGNED (or RESOLVED or CLOSED after an assignment) needs an
  ``ASSIGNED_TO``, in the input or in the store (``NO_HANDLER``); the write plan writes each
  appeal in the same batch as its ``ASSIGNED_TO``, which the store checks by the same rule.

Records that the store already holds are accepted as they are, so an import that was killed
half-way passes the check when run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from graph_schema.appeals import was_assigned
from graph_schema.contract import Label, RelType
from graph_schema.end_kinds import CHECKED_TYPES, END_KIND_PROPS, end_kind_problem, held_problems, may_break
from graph_schema.records import Problem, Relationship
from graph_schema.validation import (
    endpoint_label_problem,
    id_taken_problem,
    is_single,
    missing_handler_problem,
    node_problems,
    relationship_problems,
    repeated_id_problem,
    second_parent_problem,
)
from loaders.bulk import chunks
from loaders.formats.batches import Plan, write_order
from loaders.formats.sources import ImportProblem, NodeRow, Parsed, Source
from loaders.progress import NoProgress, Progress
from loaders.store import Direction, GraphStore

__all__ = ["LOOKED_IN", "check", "store_is_empty"]

_ORG: Final = Label.PARTY_ORGANIZATION.value
_ASSESSES: Final = RelType.ASSESSES.value
_KIND_LABELS: Final = frozenset({_ORG, Label.WORKER.value})
_HELD_TYPES: Final = {
    _ORG: (RelType.ATTACHED_TO.value, _ASSESSES),
    Label.WORKER.value: (RelType.ASSESSED_BY.value,),
}
"""The checked relationships that end at an organization, a worker (``graph_schema.end_kinds``)."""
LOOKED_IN: Final = "in this import or in the store"
"""Where the import looks for the ends of a relationship (said when one is missing)."""


async def store_is_empty(store: GraphStore) -> bool:
    """Whether the store has no node of any label."""
    for label in Label:
        if await store.count_nodes(label.value) > 0:
            return False
    return True


class _Collector:
    """Problems in reading order (source, row), whatever order they were found in."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, int, ImportProblem]] = []

    def add(self, src: Source, row: int, problem: ImportProblem) -> None:
        self._items.append((src.order, row, len(self._items), problem))

    def add_located(self, src: Source, row: int, p: Problem) -> None:
        """A graph_schema problem of one record, located at its file, row and column."""
        column = src.column(p.field) if p.field else ""
        if p.field == "label" and "label" not in src.columns:
            column = ""
        self.add(src, row, src.problem(row, column, p.code, p.message, p.record))

    def sorted(self) -> list[ImportProblem]:
        self._items.sort(key=lambda t: (t[0], t[1], t[2]))
        return [t[3] for t in self._items]


_NOTHING: Final[frozenset[str]] = frozenset()
_APPEAL: Final = Label.APPEAL.value
_ASSIGNED_TO: Final = RelType.ASSIGNED_TO.value
_SINGLE: Final = frozenset(t.value for t in RelType if is_single(t.value))


def _contract_problems(problems: list[Problem], src: Source, unreadable: frozenset[str]) -> list[Problem]:
    """The contract's problems of a record, less a required value that was already reported
    (no column for it in the file, or a cell that could not be read)."""
    return [
        p
        for p in problems
        if not (p.code == "REQUIRED" and (p.field in src.missing or src.column(p.field) in unreadable))
    ]


@dataclass(slots=True)
class _Check:
    """The state of one check: what is rejected, and what the input and the store hold."""

    parsed: Parsed
    cascade: bool
    found: _Collector = field(default_factory=_Collector)
    first: dict[str, int] = field(default_factory=dict)
    """Each id of the input to the index of its first node."""
    store_labels: dict[str, str] = field(default_factory=dict)
    store_parents: dict[tuple[str, str], str] = field(default_factory=dict)
    """(single type, start id) to the end id of that relationship in the store."""
    store_handlers: set[str] = field(default_factory=set)
    """The input's appeals that have an ``ASSIGNED_TO`` in the store."""
    """The stored ``level`` of the organizations the input mentions (whether they may be rated)."""
    store_kinds: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The stored level, external and role of the organizations and workers the input mentions
    (``graph_schema.end_kinds``)."""
    store_held: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """(type, start) of each ``ATTACHED_TO``, ``ASSESSES`` and ``ASSESSED_BY`` stored at the
    organizations and workers the input replaces (the kind they are left with must keep them valid)."""
    labels: dict[str, str] = field(default_factory=dict)
    """The label of every id, from the input and the store (the input's first node wins)."""
    node_bad: bytearray = field(default_factory=bytearray)
    rel_bad: bytearray = field(default_factory=bytearray)

    def read_problems(self) -> None:
        """The problems met while reading files and headers, at their source."""
        by_place = {(s.file, s.sheet): s for s in reversed(self.parsed.sources)}
        for fp in self.parsed.problems:
            self.found.add(by_place.get((fp.file, fp.sheet)) or Source(fp.file, fp.kind), fp.row, fp)

    def _row_problems(self, read: list[ImportProblem], src: Source, row: int) -> frozenset[str]:
        """Report the problems met reading one row; the columns that could not be read."""
        for rp in read:
            self.found.add(src, row, rp)
        return frozenset(rp.column for rp in read)

    def check_nodes(self) -> None:
        """Each node on its own, and ids used twice in the input."""
        nodes = self.parsed.nodes
        self.node_bad = bad = bytearray(len(nodes))
        first, read_problems = self.first, self.parsed.node_problems
        for i, (node, src, row) in enumerate(nodes):
            read = read_problems.get(i)
            unreadable = self._row_problems(read, src, row) if read else _NOTHING
            problems = node_problems(node, f"{node.label} {node.id}")
            if problems:
                problems = _contract_problems(problems, src, unreadable)
                for p in problems:
                    self.found.add_located(src, row, p)
            if read or problems or src.broken is not None:
                bad[i] = 1
            if not node.id:
                continue
            j = first.get(node.id)
            if j is None:
                first[node.id] = i
                continue
            twin, osrc, orow = nodes[j]
            self.found.add_located(
                src, row, repeated_id_problem(node, first_label=twin.label, first_at=osrc.where(orow))
            )
            bad[i] = 1
        self.labels = {node_id: nodes[i][0].label for node_id, i in first.items()}

    async def check_against_store(self, store: GraphStore) -> None:
        """Ids that belong to another label in the store; what the store knows of the ends
        and the single parents of the input's relationships."""
        nodes, rels = self.parsed.nodes, self.parsed.relationships
        referenced = {r.start for r, _, _ in rels} | {r.end for r, _, _ in rels}
        wanted = list(self.first) + sorted(i for i in referenced if i not in self.first and i)
        for chunk in chunks(wanted):
            for node_id, got in zip(chunk, await store.get_nodes(chunk), strict=True):
                if got is not None:
                    self.store_labels[node_id] = got.label
                    if got.label in _KIND_LABELS:
                        self.store_kinds[node_id] = {k: got.properties.get(k) for k in END_KIND_PROPS}
        for node_id, i in self.first.items():
            have = self.store_labels.get(node_id)
            node, src, row = nodes[i]
            if have is not None and have != node.label:
                self.node_bad[i] = 1
                self.found.add_located(src, row, id_taken_problem(node, have, where="in the store"))
        by_type: dict[str, set[str]] = {}
        for r, _, _ in rels:
            if r.start in self.store_labels and is_single(r.type):
                by_type.setdefault(r.type, set()).add(r.start)
        for rtype, starts in by_type.items():
            for chunk in chunks(sorted(starts)):
                edges = await store.neighbours(chunk, rtype, Direction.OUT)
                for start, found_edges in zip(chunk, edges, strict=True):
                    if found_edges:
                        self.store_parents[(rtype, start)] = found_edges[0].node.id
        await self._read_held(store)
        appeals = sorted(i for i in self.first if self.store_labels.get(i) == _APPEAL)
        for chunk in chunks(appeals):
            found = await store.neighbours(chunk, _ASSIGNED_TO, Direction.OUT)
            for appeal_id, found_edges in zip(chunk, found, strict=True):
                if found_edges:
                    self.store_handlers.add(appeal_id)
        if self.store_labels:
            self.store_labels.update(self.labels)
            self.labels = self.store_labels

    async def _read_held(self, store: GraphStore) -> None:
        """The checked relationships stored at the input's organizations and workers that exist."""
        nodes, store_labels = self.parsed.nodes, self.store_labels
        for label, types in _HELD_TYPES.items():
            held = sorted(
                i
                for i, k in self.first.items()
                if nodes[k][0].label == label == store_labels.get(i) and may_break(label, nodes[k][0].properties)
            )
            for rtype in types:
                for chunk in chunks(held):
                    for node_id, edges in zip(chunk, await store.neighbours(chunk, rtype, Direction.IN), strict=True):
                        self.store_held.setdefault(node_id, []).extend((rtype, e.node.id) for e in edges)

    def check_held(self) -> None:
        """An organization or worker the input replaces keeps the relationships stored at it
        valid (``graph_schema.end_kinds.held_problems``: its level, external flag and role).  A
        relationship the input writes again counts too: with ``--skip-invalid`` its own row
        may be rejected while the stored one stays."""
        nodes = self.parsed.nodes
        for node_id, stored in self.store_held.items():
            i = self.first[node_id]
            node, src, row = nodes[i]
            if not stored or self.node_bad[i]:
                continue
            counts: dict[str, int] = {}
            for rtype, _ in stored:
                counts[rtype] = counts.get(rtype, 0) + 1
            for p in held_problems(node.label, node_id, node.properties.get, lambda _name: True, counts):
                self.found.add_located(src, row, p)
                self.node_bad[i] = 1

    def check_relationships(self) -> None:
        """Each relationship given the labels of its ends, and single parents."""
        rels = self.parsed.relationships
        self.rel_bad = bad = bytearray(len(rels))
        nodes, labels = self.parsed.nodes, self.labels
        rejected = {node_id: nodes[i] for node_id, i in self.first.items() if self.node_bad[i]} if self.cascade else {}
        parents: dict[tuple[str, str], int] = {}
        read_problems = self.parsed.rel_problems
        for k, (rel, src, row) in enumerate(rels):
            record = rel.describe()
            read = read_problems.get(k)
            unreadable = self._row_problems(read, src, row) if read else _NOTHING
            flagged: set[str] = set()
            contract = relationship_problems(rel, labels, record, looked_in=LOOKED_IN)
            if rel.type in CHECKED_TYPES and not contract:
                contract = self._end_kind_problems(rel)
            if contract:
                for p in _contract_problems(contract, src, unreadable):
                    flagged.add(p.field)
                    self.found.add_located(src, row, p)
            sg, eg = src.start_group, src.end_group
            ends_bad = (
                (sg is not None and labels.get(rel.start, sg) != sg)
                or (eg is not None and labels.get(rel.end, eg) != eg)
                or (rejected and (rel.start in rejected or rel.end in rejected))
            ) and self._check_ends(rel, src, row, record, flagged, rejected)
            if read or flagged or ends_bad or src.broken is not None:
                bad[k] = 1
            elif rel.type in _SINGLE:
                key = (rel.type, rel.start)
                j = parents.get(key)
                if j is not None and rels[j][0].end != rel.end:
                    other, osrc, orow = rels[j]
                    where = f"at {osrc.where(orow)}"
                    problem = second_parent_problem(rel, other.end, record, where=where, written=False)
                    self.found.add_located(src, row, problem)
                    bad[k] = 1
                elif j is None and self.store_parents.get(key, rel.end) != rel.end:
                    problem = second_parent_problem(rel, self.store_parents[key], record, where="in the store")
                    self.found.add_located(src, row, problem)
                    bad[k] = 1
                elif j is None:
                    parents[key] = k

    def _end_kind_problems(self, rel: Relationship) -> list[Problem]:
        """``NOT_GROUP``, ``NOT_RATED`` (an external branch), ``NOT_INSTRUCTOR``: the kind of the
        relationship's end (its properties in the input, else in the store)."""
        i = self.first.get(rel.end)
        props = self.parsed.nodes[i][0].properties if i is not None else self.store_kinds.get(rel.end, {})
        found = end_kind_problem(rel, self.labels.get(rel.end), props.get)
        return [] if found is None else [found]

    def check_handlers(self) -> None:
        """Appeals that need a handler and have no ``ASSIGNED_TO`` in the input or the store;
        with cascade, the relationships of an appeal rejected so are rejected too."""
        nodes, rels = self.parsed.nodes, self.parsed.relationships
        assigned = {r.start for k, (r, _, _) in enumerate(rels) if r.type == _ASSIGNED_TO and not self.rel_bad[k]}
        assigned |= self.store_handlers
        rejected: dict[str, NodeRow] = {}
        for node_id, i in self.first.items():
            node, src, row = nodes[i]
            if node.label != _APPEAL or self.node_bad[i] or node_id in assigned or not was_assigned(node.properties):
                continue
            self.found.add_located(src, row, missing_handler_problem(node.properties, f"{node.label} {node_id}"))
            self.node_bad[i] = 1
            rejected[node_id] = nodes[i]
        if not (rejected and self.cascade):
            return
        for k, (rel, src, row) in enumerate(rels):
            if self.rel_bad[k] or not (rel.start in rejected or rel.end in rejected):
                continue
            self.rel_bad[k] = 1
            self._check_ends(rel, src, row, rel.describe(), set(), rejected)

    def _check_ends(
        self, rel: Relationship, src: Source, row: int, record: str, flagged: set[str], rejected: dict[str, NodeRow]
    ) -> bool:
        """Ends outside their column's id space, and (with cascade) ends that were rejected."""
        bad = False
        for end_field, node_id, group in (("start", rel.start, src.start_group), ("end", rel.end, src.end_group)):
            if end_field in flagged:
                continue
            have = self.labels.get(node_id)
            if group is not None and have is not None and have != group:
                bad = True
                column = src.column(end_field)
                expected = f"but column {column} takes {group} ids"
                self.found.add_located(src, row, endpoint_label_problem(record, end_field, node_id, have, expected))
            if node_id in rejected:
                bad = True
                _, nsrc, nrow = rejected[node_id]
                message = f"{end_field} {node_id!r} was rejected (see {nsrc.where(nrow)})"
                self.found.add(src, row, src.problem(row, src.column(end_field), "ENDPOINT_REJECTED", message, record))
        return bad

    def reject_broken_files(self) -> None:
        """With cascade, one problem per source whose header rejects all its rows."""
        if not self.cascade:
            return
        nodes, rels = self.parsed.nodes, self.parsed.relationships
        for src in self.parsed.sources:
            if src.broken is None:
                continue
            count = sum(1 for _, s, _ in nodes if s is src) + sum(1 for _, s, _ in rels if s is src)
            if count:
                message = f"all {count:,} rows are rejected: {src.broken}"
                self.found.add(src, 1, src.problem(1, "", "FILE_REJECTED", message))

    def plan(self) -> Plan:
        nodes, rels = self.parsed.nodes, self.parsed.relationships
        node_bad, rel_bad = self.node_bad, self.rel_bad
        plan = Plan(nodes_read=len(nodes), relationships_read=len(rels))
        plan.problems = self.found.sorted()
        plan.rejected_nodes = sum(node_bad)
        plan.rejected_relationships = sum(rel_bad)
        plan.nodes, plan.relationships = write_order(
            (n for i, (n, _, _) in enumerate(nodes) if not node_bad[i]),
            (r for k, (r, _, _) in enumerate(rels) if not rel_bad[k]),
            self.labels,
        )
        return plan


async def check(
    parsed: Parsed,
    store: GraphStore | None,
    *,
    cascade: bool = False,
    progress: Progress | None = None,
) -> Plan:
    """Check every record; return what may be written and every problem.

    Parameters
    ----------
    parsed
        What a reader produced.
    store
        The store the records go to: ends of relationships may be there, ids must not
        belong to another label there, and single-parent relationships (``PART_OF``,
        ``REPORTS_TO``, ``LIVES_IN``, ``LOCATED_IN``, ``BRANCH_OF``) must not contradict it.
        None checks the records on their own.
    cascade
        Also reject relationships whose end node was rejected (``--skip-invalid``).
    progress
        Told about records as they are checked.

    Returns
    -------
    Plan
        Records free of problems, nodes then relationships in write order, and all
        problems in reading order.
    """
    prog = progress or NoProgress()
    state = _Check(parsed, cascade)
    state.read_problems()
    prog.stage("checking", len(parsed.nodes) + len(parsed.relationships))
    state.check_nodes()
    prog.advance(len(parsed.nodes))
    if store is not None and not await store_is_empty(store):
        await state.check_against_store(store)
        state.check_held()
    state.check_relationships()
    state.check_handlers()
    prog.advance(len(parsed.relationships))
    state.reject_broken_files()
    prog.done()
    return state.plan()
