"""Bulk import with validation: CSV folders, JSON documents, XLSX workbooks, generated cities.

An import runs in three steps.

1. **Read** the input into records, each remembering its file (sheet), row and columns
   (:mod:`loaders.formats.csvformat`, :mod:`loaders.formats.xlsxformat`, :func:`read_json`).  Cells that
   cannot be read (``'three'`` in an ``int`` column, an unknown column…) are problems.
2. **Check** every record against the contract with :mod:`graph_schema.validation`, and the
   whole set against itself and the store: duplicate ids across files, relationships whose
   ends are neither in the input nor in the store, ends of the wrong label, a second
   ``PART_OF`` (or other single) parent, in the input or against the store.  Every problem
   is reported with file, row, column and reason (:class:`~loaders.formats.sources.ImportProblem`).
3. **Write** in batches of ``batch_size`` records (:class:`graph_schema.WriteBatch`): nodes
   first, parents before children (streets, communities, grids, buildings, households, then
   the other labels), then relationships (``PART_OF`` first).

By default an input with any problem writes nothing.  With ``skip_invalid`` the valid
records are written and the rejected ones reported; a relationship whose end node was
rejected is rejected too.  Writes are upserts (a node record replaces the node, a
relationship is merged on type, ends and key), so importing the same input twice changes
nothing, and an import that was killed half-way is completed by running it again: the check
accepts what the first run already wrote.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from graph_schema.contract import HIERARCHY, REL_SPECS, Label, RelType
from graph_schema.records import Node, Problem, Relationship, ValidationError
from graph_schema.validation import WriteBatch, node_problems, relationship_problems
from loaders.formats.sources import ImportProblem, Kind, Parsed, Source, counted
from loaders.progress import NoProgress, Progress
from loaders.store import Direction, GraphStore

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ImportAborted",
    "ImportReport",
    "Plan",
    "check",
    "import_parsed",
    "import_path",
    "import_records",
    "load_demo_if_empty",
    "read_json",
    "read_path",
    "read_records",
    "rejects_path",
    "store_is_empty",
    "write_plan",
    "write_rejects",
]

DEFAULT_BATCH_SIZE: Final = 10_000
"""Records per :class:`graph_schema.WriteBatch`."""

LOOKUP_CHUNK: Final = 5_000
"""Ids per store look-up while checking."""

_LABEL_RANK: Final[dict[str, int]] = {
    label.value: rank
    for rank, label in enumerate(
        [Label.STREET, Label.COMMUNITY, Label.GRID, Label.BUILDING, Label.HOUSEHOLD]
        + [lab for lab in Label if lab not in HIERARCHY and lab is not Label.STREET]
    )
}
_TYPE_RANK: Final[dict[str, int]] = {t.value: rank for rank, t in enumerate(RelType)}
_TYPES: Final = {t.value: t for t in RelType}
_SINGLE: Final = frozenset(t.value for t, spec in REL_SPECS.items() if spec.single)


def _node_rank(label: str) -> tuple[int, str]:
    return _LABEL_RANK.get(label, len(_LABEL_RANK)), label


def _rel_rank(key: tuple[str, str]) -> tuple[int, int, str, str]:
    rtype, start_label = key
    return _TYPE_RANK.get(rtype, len(_TYPE_RANK)), _LABEL_RANK.get(start_label, len(_LABEL_RANK)), rtype, start_label


class ImportAborted(RuntimeError):
    """The store refused a batch although the check passed (e.g. another writer changed
    the graph meanwhile).  What was written before that batch stays written; running the
    import again completes it."""


# --- reading -------------------------------------------------------------------------------


def _json_problem(src: Source, row: int, column: str, code: str, message: str, record: str = "") -> ImportProblem:
    return src.problem(row, column, code, message, record)


def read_json(path: Path, parsed: Parsed | None = None, progress: Progress | None = None) -> Parsed:
    """Read a JSON graph document ``{"nodes": [...], "relationships": [...]}``.

    Nodes are ``{"label", "id", "properties"}`` and relationships ``{"type", "start",
    "end", "properties"}`` (``properties`` may be left out); ``null`` properties are absent.
    Problems are located as ``city.json nodes[11].properties.size`` (0-based index).
    """
    out = parsed if parsed is not None else Parsed()
    prog = progress or NoProgress()
    name = path.name
    file_src = out.add_source(Source(name, "json"))
    try:
        doc = json.loads(path.read_bytes())
    except UnicodeDecodeError as exc:
        out.problems.append(file_src.problem(0, "", "NOT_UTF8", f"is not UTF-8 text (byte {exc.start})"))
        return out
    except json.JSONDecodeError as exc:
        out.problems.append(
            file_src.problem(0, "", "BAD_JSON", f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
        )
        return out
    if not isinstance(doc, dict):
        out.problems.append(
            file_src.problem(0, "", "BAD_JSON", 'must be an object {"nodes": [...], "relationships": [...]}')
        )
        return out
    for key in doc:
        if key not in ("nodes", "relationships"):
            out.problems.append(
                file_src.problem(
                    0, key, "UNKNOWN_FIELD", f"unknown top-level field {key!r} (expected nodes, relationships)"
                )
            )
    nodes_src = out.add_source(Source(name, "json", "nodes", {"id": "id", "label": "label"}))
    rels_src = out.add_source(Source(name, "json", "relationships", {"type": "type", "start": "start", "end": "end"}))
    prog.stage("reading")
    for section, src in (("nodes", nodes_src), ("relationships", rels_src)):
        items = doc.get(section, [])
        if not isinstance(items, list):
            out.problems.append(file_src.problem(0, section, "BAD_JSON", f"{section} must be a list"))
            continue
        for index, item in enumerate(items):
            if section == "nodes":
                _json_node(item, index, src, out)
            else:
                _json_rel(item, index, src, out)
        prog.advance(len(items))
    prog.done()
    return out


def _json_fields(
    item: Any, index: int, src: Source, wanted: tuple[str, ...], what: str, problems: list[ImportProblem]
) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        problems.append(src.problem(index, "", "BAD_RECORD", f"must be an object with {what}"))
        return None
    for key in item:
        if key not in wanted and key != "properties":
            problems.append(src.problem(index, key, "UNKNOWN_FIELD", f"unknown field {key!r} (expected {what})"))
    props = item.get("properties", {})
    if props is None:
        props = {}
    if not isinstance(props, dict):
        problems.append(src.problem(index, "properties", "BAD_RECORD", "properties must be an object"))
        props = {}
    out: dict[str, Any] = {"properties": {k: v for k, v in props.items() if v is not None}}
    for key in wanted:
        value = item.get(key)
        if not isinstance(value, str):
            got = "missing" if value is None else f"got {json.dumps(value, ensure_ascii=False)}"
            problems.append(src.problem(index, key, "BAD_RECORD", f"{key} must be a string ({got})"))
            value = "" if value is None else str(value)
        out[key] = value
    return out


def _json_node(item: Any, index: int, src: Source, out: Parsed) -> None:
    problems: list[ImportProblem] = []
    fields = _json_fields(item, index, src, ("label", "id"), "label, id and properties", problems)
    if fields is None:
        out.problems.extend(problems)
        return
    node = Node(fields["label"], fields["id"], fields["properties"])
    out.add_node(node, src, index, [_with_record(p, f"{node.label} {node.id}") for p in problems])


def _json_rel(item: Any, index: int, src: Source, out: Parsed) -> None:
    problems: list[ImportProblem] = []
    fields = _json_fields(item, index, src, ("type", "start", "end"), "type, start, end and properties", problems)
    if fields is None:
        out.problems.extend(problems)
        return
    rel = Relationship(fields["type"], fields["start"], fields["end"], fields["properties"])
    out.add_relationship(rel, src, index, [_with_record(p, rel.describe()) for p in problems])


def _with_record(p: ImportProblem, record: str) -> ImportProblem:
    return ImportProblem(p.file, p.row, p.column, p.code, p.message, p.sheet, record, p.kind)


def read_records(
    nodes: Iterable[Node], relationships: Iterable[Relationship], name: str = "records", kind: Kind = "records"
) -> Parsed:
    """Records made in memory (a generated city), as a :class:`Parsed` located by index."""
    out = Parsed()
    nodes_src = out.add_source(Source(name, kind, "nodes", {"id": "id", "label": "label"}))
    rels_src = out.add_source(Source(name, kind, "relationships", {"type": "type", "start": "start", "end": "end"}))
    out.nodes = [(n, nodes_src, i) for i, n in enumerate(nodes)]
    out.relationships = [(r, rels_src, i) for i, r in enumerate(relationships)]
    return out


def read_path(path: Path, progress: Progress | None = None) -> Parsed:
    """Read a CSV folder (or ``.csv`` file), a ``.json`` document or an ``.xlsx`` workbook.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When ``path`` is a file of another kind.
    """
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".csv":
        from loaders.formats.csvformat import read_csv

        return read_csv(path, progress=progress)
    if suffix == ".json":
        return read_json(path, progress=progress)
    if suffix in (".xlsx", ".xlsm"):
        from loaders.formats.xlsxformat import read_xlsx

        return read_xlsx(path, progress=progress)
    raise ValueError(f"{path}: import reads a folder of CSV files, a .json document or an .xlsx workbook")


# --- checking ------------------------------------------------------------------------------


@dataclass(slots=True)
class Plan:
    """The outcome of :func:`check`: what to write, in order, and every problem found."""

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    nodes_read: int = 0
    relationships_read: int = 0
    rejected_nodes: int = 0
    rejected_relationships: int = 0


class _Collector:
    """Problems in reading order (source, row), whatever order they were found in."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, int, ImportProblem]] = []

    def add(self, src: Source, row: int, problem: ImportProblem) -> None:
        self._items.append((src.order, row, len(self._items), problem))

    def sorted(self) -> list[ImportProblem]:
        self._items.sort(key=lambda t: (t[0], t[1], t[2]))
        return [t[3] for t in self._items]


_MISSING_END_HINT = "in this import or in the store"


def _mapped(p: Problem, src: Source, row: int) -> ImportProblem:
    """A graph_schema problem of one record, located at its file, row and column."""
    column = src.column(p.field) if p.field else ""
    if p.field == "label" and "label" not in src.columns:
        column = ""
    message = p.message
    if p.code == "MISSING_ENDPOINT" and message.startswith("no node with id '' "):
        message = f"the {p.field} id is empty"
    elif p.code == "MISSING_ENDPOINT" and message.startswith("no node with id "):
        head, _, tail = message.partition(" (")
        message = f"{head} {_MISSING_END_HINT}" + (f" ({tail}" if tail else "")
    return src.problem(row, column, p.code, message, p.record)


async def store_is_empty(store: GraphStore) -> bool:
    """Whether the store has no node of any label."""
    for label in Label:
        if await store.count_nodes(label.value) > 0:
            return False
    return True


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for at in range(0, len(items), size):
        yield items[at : at + size]


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
    found = _Collector()
    by_place = {(s.file, s.sheet): s for s in reversed(parsed.sources)}
    for fp in parsed.problems:
        found.add(by_place.get((fp.file, fp.sheet)) or Source(fp.file, fp.kind), fp.row, fp)
    nodes, rels = parsed.nodes, parsed.relationships
    prog.stage("checking", len(nodes) + len(rels))

    node_bad = bytearray(len(nodes))
    first: dict[str, int] = {}
    for i, (node, src, row) in enumerate(nodes):
        read_problems = parsed.node_problems.get(i)
        if read_problems:
            node_bad[i] = 1
            for rp in read_problems:
                found.add(src, row, rp)
        unreadable = {rp.column for rp in read_problems} if read_problems else ()
        for p in node_problems(node, f"{node.label} {node.id}"):
            if p.code == "REQUIRED" and (p.field in src.missing or src.column(p.field) in unreadable):
                continue
            node_bad[i] = 1
            found.add(src, row, _mapped(p, src, row))
        if src.broken is not None:
            node_bad[i] = 1
        if node.id:
            j = first.get(node.id)
            if j is None:
                first[node.id] = i
            else:
                twin, osrc, orow = nodes[j]
                what = "" if twin.label == node.label else f" by a {twin.label}"
                found.add(
                    src,
                    row,
                    src.problem(
                        row,
                        src.column("id"),
                        "DUPLICATE_ID",
                        f"id {node.id!r} is already used{what} at {osrc.where(orow)}; ids are unique across the graph",
                        f"{node.label} {node.id}",
                    ),
                )
                node_bad[i] = 1
    prog.advance(len(nodes))

    labels: dict[str, str] = {node_id: nodes[i][0].label for node_id, i in first.items()}
    store_labels: dict[str, str] = {}
    store_parents: dict[tuple[str, str], str] = {}
    if store is not None and not await store_is_empty(store):
        referenced = {r.start for r, _, _ in rels} | {r.end for r, _, _ in rels}
        wanted = list(first) + sorted(i for i in referenced if i not in first and i)
        for chunk in _chunks(wanted, LOOKUP_CHUNK):
            for node_id, got in zip(chunk, await store.get_nodes(chunk), strict=True):
                if got is not None:
                    store_labels[node_id] = got.label
        for node_id, i in first.items():
            have = store_labels.get(node_id)
            node, src, row = nodes[i]
            if have is not None and have != node.label:
                node_bad[i] = 1
                found.add(
                    src,
                    row,
                    src.problem(
                        row,
                        src.column("id"),
                        "DUPLICATE_ID",
                        f"id {node_id!r} already belongs to a {have} in the store; ids are unique across the graph",
                        f"{node.label} {node_id}",
                    ),
                )
        by_type: dict[str, set[str]] = {}
        for r, _, _ in rels:
            if r.type in _SINGLE and r.start in store_labels:
                by_type.setdefault(r.type, set()).add(r.start)
        for rtype, starts in by_type.items():
            ordered = sorted(starts)
            for chunk in _chunks(ordered, LOOKUP_CHUNK):
                edges = await store.neighbours(chunk, rtype, Direction.OUT)
                for start, found_edges in zip(chunk, edges, strict=True):
                    if found_edges:
                        store_parents[(rtype, start)] = found_edges[0].node.id
    if store_labels:
        store_labels.update(labels)
        all_labels = store_labels
    else:
        all_labels = labels
    rejected_ids = {node_id: i for node_id, i in first.items() if node_bad[i]} if cascade else {}

    rel_bad = bytearray(len(rels))
    parents: dict[tuple[str, str], int] = {}
    for k, (rel, src, row) in enumerate(rels):
        record = rel.describe()
        read_problems = parsed.rel_problems.get(k)
        bad = False
        if read_problems:
            bad = True
            for rp in read_problems:
                found.add(src, row, rp)
        unreadable = {rp.column for rp in read_problems} if read_problems else ()
        flagged: set[str] = set()
        for p in relationship_problems(rel, all_labels, record):
            if p.code == "REQUIRED" and (p.field in src.missing or src.column(p.field) in unreadable):
                continue
            bad = True
            flagged.add(p.field)
            found.add(src, row, _mapped(p, src, row))
        for end_field, node_id, group in (("start", rel.start, src.start_group), ("end", rel.end, src.end_group)):
            have = all_labels.get(node_id)
            if group is not None and have is not None and have != group and end_field not in flagged:
                bad = True
                column = src.column(end_field)
                found.add(
                    src,
                    row,
                    src.problem(
                        row,
                        column,
                        "ENDPOINT_LABEL",
                        f"{node_id!r} is a {have}, but column {column} takes {group} ids",
                        record,
                    ),
                )
            if node_id in rejected_ids and end_field not in flagged:
                bad = True
                nrow = nodes[rejected_ids[node_id]]
                found.add(
                    src,
                    row,
                    src.problem(
                        row,
                        src.column(end_field),
                        "ENDPOINT_REJECTED",
                        f"{end_field} {node_id!r} was rejected (see {nrow[1].where(nrow[2])})",
                        record,
                    ),
                )
        if src.broken is not None:
            bad = True
        if not bad and rel.type in _SINGLE:
            key = (rel.type, rel.start)
            j = parents.get(key)
            if j is not None and rels[j][0].end != rel.end:
                other = rels[j]
                bad = True
                found.add(
                    src,
                    row,
                    src.problem(
                        row,
                        src.column("end"),
                        "SECOND_PARENT",
                        f"{rel.start!r} already has {rel.type} {other[0].end!r} at {other[1].where(other[2])}; "
                        f"only one is allowed",
                        record,
                    ),
                )
            elif j is None and store_parents.get(key, rel.end) != rel.end:
                bad = True
                hint = " (move it instead of linking it twice)" if rel.type == "PART_OF" else ""
                found.add(
                    src,
                    row,
                    src.problem(
                        row,
                        src.column("end"),
                        "SECOND_PARENT",
                        f"{rel.start!r} already has {rel.type} {store_parents[key]!r} in the store; "
                        f"only one is allowed{hint}",
                        record,
                    ),
                )
            elif j is None:
                parents[key] = k
        if bad:
            rel_bad[k] = 1
    prog.advance(len(rels))

    for src in parsed.sources:
        if cascade and src.broken is not None:
            count = sum(1 for _, s, _ in nodes if s is src) + sum(1 for _, s, _ in rels if s is src)
            if count:
                found.add(
                    src,
                    1,
                    src.problem(1, "", "FILE_REJECTED", f"all {count:,} rows are rejected: {src.broken}"),
                )
    prog.done()

    plan = Plan(nodes_read=len(nodes), relationships_read=len(rels))
    plan.problems = found.sorted()
    plan.rejected_nodes = sum(node_bad)
    plan.rejected_relationships = sum(rel_bad)
    # write order without sorting a million records: buckets by label, and by type and start label
    node_buckets: dict[str, list[Node]] = {}
    for i, (node, _, _) in enumerate(nodes):
        if not node_bad[i]:
            bucket = node_buckets.get(node.label)
            if bucket is None:
                bucket = node_buckets[node.label] = []
            bucket.append(node)
    accepted_nodes = [n for label in sorted(node_buckets, key=_node_rank) for n in node_buckets[label]]
    rel_buckets: dict[tuple[str, str], list[Relationship]] = {}
    for k, (rel, _, _) in enumerate(rels):
        if not rel_bad[k]:
            key = (rel.type, all_labels.get(rel.start, "") if rel.type == "PART_OF" else "")
            rbucket = rel_buckets.get(key)
            if rbucket is None:
                rbucket = rel_buckets[key] = []
            rbucket.append(rel)
    accepted_rels = [r for key in sorted(rel_buckets, key=_rel_rank) for r in rel_buckets[key]]
    plan.nodes, plan.relationships = accepted_nodes, accepted_rels
    return plan


# --- writing -------------------------------------------------------------------------------


@dataclass(slots=True)
class ImportReport:
    """What an import read, found and wrote."""

    source: str
    nodes_read: int = 0
    relationships_read: int = 0
    nodes_written: int = 0
    relationships_written: int = 0
    rejected_nodes: int = 0
    rejected_relationships: int = 0
    batches: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    written: bool = False
    """Whether anything was written (False when problems stopped the import, or for a check)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line for people, e.g. ``read 1,204 nodes and 2,310 relationships from city; wrote …``."""
        read = (
            f"read {counted(self.nodes_read, 'node')} and {counted(self.relationships_read, 'relationship')} "
            f"from {self.source}"
        )
        problems = counted(len(self.problems), "problem")
        if self.written:
            text = (
                f"{read}; wrote {counted(self.nodes_written, 'node')} and "
                f"{counted(self.relationships_written, 'relationship')} in {counted(self.batches, 'batch')}"
            )
            if self.rejected_nodes or self.rejected_relationships:
                text += (
                    f"; rejected {counted(self.rejected_nodes, 'node')} and "
                    f"{counted(self.rejected_relationships, 'relationship')} ({problems})"
                )
            return text
        if self.problems:
            return f"{read}; found {problems}, nothing was written"
        return f"{read}; no problems found"


async def write_plan(
    store: GraphStore, plan: Plan, *, batch_size: int = DEFAULT_BATCH_SIZE, progress: Progress | None = None
) -> tuple[int, int, int]:
    """Write a checked plan in batches: nodes first, then relationships.

    The plan's lists are emptied as batches are written, so written records can be freed.

    Returns
    -------
    tuple of int
        Nodes written, relationships written, batches.

    Raises
    ------
    ImportAborted
        When the store refuses a batch; earlier batches stay written.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    prog = progress or NoProgress()
    total = len(plan.nodes) + len(plan.relationships)
    node_batches = deque(plan.nodes[at : at + batch_size] for at in range(0, len(plan.nodes), batch_size))
    rel_batches = deque(
        plan.relationships[at : at + batch_size] for at in range(0, len(plan.relationships), batch_size)
    )
    plan.nodes, plan.relationships = [], []
    prog.stage("writing", total)
    nodes = rels = batches = 0
    while node_batches or rel_batches:
        if node_batches:
            batch = WriteBatch(nodes=node_batches.popleft())
        else:
            batch = WriteBatch(relationships=rel_batches.popleft())
        try:
            await store.write(batch)
        except ValidationError as exc:
            prog.done()
            raise ImportAborted(
                f"the store refused batch {batches + 1} after {nodes + rels:,} records were written "
                f"(the graph changed while importing?); run the import again to complete it.\n{exc}"
            ) from exc
        nodes += len(batch.nodes)
        rels += len(batch.relationships)
        batches += 1
        prog.advance(len(batch.nodes) + len(batch.relationships))
    prog.done()
    return nodes, rels, batches


async def import_parsed(
    store: GraphStore,
    parsed: Parsed,
    *,
    source: str,
    skip_invalid: bool = False,
    check_only: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportReport:
    """Check ``parsed`` against the store and write it (see the module docstring).

    ``parsed`` is consumed: its records are released once checked, so that written
    records can be freed while the rest are written.

    Parameters
    ----------
    store
        An open store.
    parsed
        What a reader produced.
    source
        How to name the input in the report.
    skip_invalid
        Write the valid records even when some are rejected.
    check_only
        Check, write nothing.
    batch_size
        Records per write batch.
    progress
        Told about the checking and writing stages.
    """
    plan = await check(parsed, store, cascade=skip_invalid, progress=progress)
    # the plan holds what is written; the parsed rows (and, batch by batch, the written
    # records) can go, so that a city-sized import fits beside the store's own graph
    parsed.nodes.clear()
    parsed.relationships.clear()
    parsed.node_problems.clear()
    parsed.rel_problems.clear()
    report = ImportReport(
        source,
        nodes_read=plan.nodes_read,
        relationships_read=plan.relationships_read,
        rejected_nodes=plan.rejected_nodes,
        rejected_relationships=plan.rejected_relationships,
        problems=plan.problems,
    )
    if check_only or (plan.problems and not skip_invalid):
        return report
    report.nodes_written, report.relationships_written, report.batches = await write_plan(
        store, plan, batch_size=batch_size, progress=progress
    )
    report.written = True
    return report


async def import_path(
    store: GraphStore,
    path: Path,
    *,
    skip_invalid: bool = False,
    check_only: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a CSV folder, a JSON document or an XLSX workbook into ``store``.

    By default any problem writes nothing; with ``skip_invalid`` the valid records are
    written.  See :func:`import_parsed` for the parameters.

    Raises
    ------
    FileNotFoundError, ValueError
        When ``path`` does not exist or is not a kind of input that import reads.
    ImportAborted
        When the store refused a batch after the check passed.
    """
    parsed = read_path(path, progress)
    return await import_parsed(
        store,
        parsed,
        source=str(path),
        skip_invalid=skip_invalid,
        check_only=check_only,
        batch_size=batch_size,
        progress=progress,
    )


async def import_records(
    store: GraphStore,
    nodes: Iterable[Node],
    relationships: Iterable[Relationship],
    *,
    source: str = "records",
    skip_invalid: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportReport:
    """Import records made in memory (e.g. a generated city) with the same checks."""
    parsed = read_records(nodes, relationships, source)
    return await import_parsed(
        store, parsed, source=source, skip_invalid=skip_invalid, batch_size=batch_size, progress=progress
    )


def rejects_path(path: Path) -> Path:
    """The default rejects file of an input: ``<PATH>.rejects.csv`` next to it.

    >>> rejects_path(Path("data/city")).as_posix(), rejects_path(Path("book.xlsx")).as_posix()
    ('data/city.rejects.csv', 'book.xlsx.rejects.csv')
    """
    return path.with_name(path.name.rstrip("/") + ".rejects.csv")


REJECT_COLUMNS: Final = ("file", "sheet", "row", "column", "record", "code", "message")


def write_rejects(path: Path, problems: Iterable[ImportProblem]) -> int:
    """Write problems as CSV, one per line: file, sheet, row, column, record, code, message.

    Returns
    -------
    int
        The number of problems written.
    """
    import csv

    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(REJECT_COLUMNS)
        for p in problems:
            w.writerow([p.file, p.sheet, p.row, p.column, p.record, p.code, p.message])
            count += 1
    return count


# --- the demo city -------------------------------------------------------------------------


async def load_demo_if_empty(store: GraphStore) -> bool:
    """Import the ``demo`` synthetic city (seed 0) when the store has no nodes.

    Called by the service at start-up so that a fresh embedded store has something to
    show.

    Returns
    -------
    bool
        True when the demo city was imported, False when the store already had nodes.
    """
    if not await store_is_empty(store):
        return False
    from loaders.synthetic import generate

    city = generate("demo", 0)
    report = await import_records(store, city.nodes, city.relationships, source="preset demo (seed 0)")
    if not report.written:
        raise RuntimeError(
            "the demo city did not pass the import checks:\n" + "\n".join(map(str, report.problems[:20]))
        )
    return True
