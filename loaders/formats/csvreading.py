"""Reading a CSV folder in the bulk format of :mod:`loaders.formats.csvformat`.

Each file is read by its header: a node file (``id:ID(Label)``) or a relationship file
(``:START_ID(Label)``, ``:END_ID(Label)``), its label or type named by the file name or by
``:LABEL`` / ``:TYPE`` columns.  Header problems reject every row of the file; cells that
cannot be read are problems of their row.  Every problem names file, row and column.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from graph_schema.contract import NODE_SPECS, REL_SPECS, Label, Prop, RelType
from graph_schema.records import Node, Relationship
from loaders.formats.csvformat import (
    ENTITY_LABEL,
    LIST_SEPARATOR,
    NO_PROPERTIES,
    CellError,
    Column,
    Decoder,
    decoder_for_column,
    decoder_for_property,
    header_for,
    is_label,
    is_type,
    parse_header,
    stem_prefix,
    type_matches,
    type_words,
)
from loaders.formats.sources import ImportProblem, Parsed, Source
from loaders.progress import NoProgress, Progress

__all__ = ["read_csv"]

_LABELS: Final = frozenset(label.value for label in Label)
_intern = sys.intern

Unreadable = list[tuple[str, str]] | None
"""(column, reason) of each cell of a row that could not be read; None when all could."""


def _close_name(name: str, known: dict[str, Prop]) -> str:
    """A hint for an unknown column: its English name when it is a Chinese one."""
    for english, prop in known.items():
        if prop.zh and prop.zh == name:
            return f"; in CSV files use the English name {header_for(english, prop)}"
    return ""


def _property_columns(
    src: Source,
    columns: list[tuple[int, Column]],
    props: dict[str, Prop] | None,
    owner: str,
    header_problems: list[ImportProblem],
) -> list[tuple[int, str, str, Decoder]]:
    """(cell index, property, header, decoder) of the usable property columns of a file,
    each recorded in ``src.columns``.

    With ``props`` (the file's label or type is known) columns are checked against the
    contract: unknown names and types that disagree with the contract are header problems
    and their cells are not read, and a required property without a column is a header
    problem (``src.missing``).
    """
    out: list[tuple[int, str, str, Decoder]] = []
    seen: dict[str, str] = {}
    for index, col in columns:
        if col.name in seen:
            header_problems.append(
                src.problem(1, col.header, "DUPLICATE_COLUMN", f"{col.name} already has a column ({seen[col.name]})")
            )
            continue
        seen[col.name] = col.header
        if col.name == "id":
            header_problems.append(
                src.problem(1, col.header, "UNKNOWN_COLUMN", "the id goes in the id:ID(Label) column, not a property")
            )
            continue
        if props is None:
            out.append((index, col.name, col.header, decoder_for_column(col.type)))
            continue
        prop = props.get(col.name)
        if prop is None:
            known = ", ".join(sorted(props)) or "none"
            header_problems.append(
                src.problem(
                    1,
                    col.header,
                    "UNKNOWN_COLUMN",
                    f"{owner} has no property {col.name!r} (known: {known}){_close_name(col.name, props)}",
                )
            )
            continue
        if not type_matches(prop, col.type):
            wanted = header_for(col.name, prop)
            header_problems.append(
                src.problem(
                    1,
                    col.header,
                    "BAD_COLUMN_TYPE",
                    f"{owner}.{col.name} is {type_words(prop.type)}: write the header as {wanted}"
                    + (" (dates are plain strings, no :date type)" if prop.type == "date" else ""),
                )
            )
            continue
        out.append((index, col.name, col.header, decoder_for_property(prop)))
    for _, name, header, _ in out:
        src.columns[name] = header
    if props is not None:
        present = {col.name for _, col in columns}
        missing = [k for k, p in props.items() if p.required and k not in present]
        for k in missing:
            header_problems.append(
                src.problem(1, k, "MISSING_COLUMN", f"there is no {k} column, and {owner}.{k} is required")
            )
        src.missing = frozenset(missing)
    return out


def _data_rows(reader: Iterator[list[str]], progress: Progress) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header with their row numbers (the header is row 1), blank rows
    left out; progress is told every 5,000 rows."""
    tick = 0
    for rowno, cells in enumerate(reader, start=2):
        n = len(cells)
        if n <= 1 and (n == 0 or not cells[0]):
            continue
        yield rowno, cells
        tick += 1
        if tick == 5000:
            progress.advance(tick)
            tick = 0
    progress.advance(tick)


def _cell_values(cells: list[str], pcols: list[tuple[int, str, str, Decoder]]) -> tuple[dict[str, Any], Unreadable]:
    """The property values of one row, and (column, reason) of each cell that could not be read."""
    n = len(cells)
    values: dict[str, Any] = {}
    unreadable: Unreadable = None
    for index, name, header, decode in pcols:
        if index < n:
            cell = cells[index]
            if cell:
                if decode is None:
                    values[name] = cell
                else:
                    try:
                        values[name] = decode(cell)
                    except CellError as exc:
                        if unreadable is None:
                            unreadable = []
                        unreadable.append((header, str(exc)))
    return values, unreadable


def _row_problems(
    src: Source,
    rowno: int,
    cells: list[str],
    width: int,
    record: str,
    problems: list[ImportProblem] | None,
    unreadable: Unreadable,
) -> list[ImportProblem] | None:
    """The problems of a row so far, then its unreadable cells and the cells beyond the header."""
    n = len(cells)
    if unreadable:
        problems = (problems or []) + [
            src.problem(rowno, header, "BAD_VALUE", reason, record) for header, reason in unreadable
        ]
    if n > width and any(cells[width:]):
        extra = f"the row has {n} cells but the header has {width} columns"
        problems = (problems or []) + [src.problem(rowno, "", "EXTRA_CELLS", extra, record)]
    return problems


def read_csv(path: Path, parsed: Parsed | None = None, progress: Progress | None = None) -> Parsed:
    """Read a folder of CSV files (or one CSV file) in the neo4j-admin header convention.

    Files are read in name order; anything that does not end in ``.csv`` is ignored.  A
    file with an ``:ID`` column holds nodes, one with ``:START_ID`` and ``:END_ID`` columns
    relationships.

    Parameters
    ----------
    path
        A folder, or a single ``.csv`` file.
    parsed
        Add to this rather than a new :class:`Parsed`.
    progress
        Told about rows as they are read.

    Returns
    -------
    Parsed
        Records with their file and row (the header is row 1), and every reading problem.
    """
    out = parsed if parsed is not None else Parsed()
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv") if path.is_dir() else [path]
    prog = progress or NoProgress()
    prog.stage("reading")
    for file in files:
        _read_file(file, out, prog)
    prog.done()
    return out


def _read_file(file: Path, out: Parsed, progress: Progress) -> None:
    name = file.name
    try:
        with file.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            try:
                header = next(reader)
            except StopIteration:
                src = out.add_source(Source(name, "csv"))
                out.problems.append(src.problem(0, "", "EMPTY_FILE", "the file is empty (no header row)"))
                return
            _read_rows(name, header, reader, out, progress)
    except UnicodeDecodeError:
        src = out.add_source(Source(name, "csv"))
        data = file.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
        else:  # pragma: no cover - the text reader and bytes.decode agree
            line = 0
        out.problems.append(
            src.problem(line, "", "NOT_UTF8", "this line is not UTF-8 text; save the file as UTF-8 CSV")
        )
    except csv.Error as exc:
        src = out.add_source(Source(name, "csv"))
        out.problems.append(src.problem(0, "", "BAD_CSV", f"cannot be read as CSV: {exc}"))


def _read_rows(name: str, header: list[str], reader: Iterator[list[str]], out: Parsed, progress: Progress) -> None:
    src = out.add_source(Source(name, "csv"))
    header_problems: list[ImportProblem] = []
    parsed_cols: list[tuple[int, Column]] = []
    for index, cell in enumerate(header):
        if not cell.strip() and index == len(header) - 1 and index > 0:
            continue  # a trailing comma
        try:
            parsed_cols.append((index, parse_header(cell)))
        except CellError as exc:
            header_problems.append(src.problem(1, cell, "BAD_HEADER", str(exc)))
    by_role: dict[str, list[tuple[int, Column]]] = {}
    for index, col in parsed_cols:
        by_role.setdefault(col.role, []).append((index, col))
    for role in ("id", "label", "start", "end", "type"):
        for _, col in by_role.get(role, [])[1:]:
            header_problems.append(src.problem(1, col.header, "DUPLICATE_COLUMN", f"a second :{role.upper()} column"))
    prefix = stem_prefix(name)
    if "id" in by_role and ("start" in by_role or "end" in by_role):
        out.problems.append(
            src.problem(
                0,
                "",
                "BAD_HEADER",
                "has both an :ID column and :START_ID/:END_ID columns; put nodes and relationships in separate files",
            )
        )
        return
    width = len(header)
    if "id" in by_role:
        _read_node_rows(src, prefix, by_role, header_problems, width, reader, out, progress)
    elif "start" in by_role and "end" in by_role:
        _read_rel_rows(src, prefix, by_role, header_problems, width, reader, out, progress)
    else:
        out.problems.append(
            src.problem(
                0,
                "",
                "BAD_HEADER",
                "is neither a node file (it needs an id:ID(Label) column) nor a "
                "relationship file (it needs :START_ID(Label) and :END_ID(Label) columns)",
            )
        )


def _finish_header(src: Source, header_problems: list[ImportProblem], out: Parsed) -> None:
    if header_problems:
        out.problems.extend(header_problems)
        columns = ", ".join(dict.fromkeys(p.column for p in header_problems if p.column))
        src.broken = f"the header of {src.file} has problems ({columns or 'see row 1'})"


def _read_node_rows(
    src: Source,
    prefix: str,
    by_role: dict[str, list[tuple[int, Column]]],
    header_problems: list[ImportProblem],
    width: int,
    reader: Iterator[list[str]],
    out: Parsed,
    progress: Progress,
) -> None:
    fixed = prefix if is_label(prefix) else None
    label_cols = by_role.get("label", [])
    if fixed is None and not label_cols:
        out.problems.append(
            src.problem(
                0,
                "",
                "UNKNOWN_LABEL",
                f"cannot tell which label {src.file} holds: name the file after it "
                f"(e.g. Household.csv) or add a :LABEL column",
            )
        )
        return
    id_index, id_col = by_role["id"][0]
    src.columns["id"] = id_col.header
    src.id_group = id_col.label_group
    if fixed is not None and src.id_group is not None and src.id_group != fixed:
        header_problems.append(
            src.problem(1, id_col.header, "BAD_HEADER", f"the id space {src.id_group} is not the file's label {fixed}")
        )
    label_index = label_cols[0][0] if label_cols else None
    if label_cols:
        src.columns["label"] = label_cols[0][1].header
    props = NODE_SPECS[Label(fixed)].props if fixed is not None else None
    pcols = _property_columns(src, by_role.get("property", []), props, fixed or "", header_problems)
    _finish_header(src, header_problems, out)
    label_header = src.columns.get("label", "")
    labels = _LABELS
    for rowno, cells in _data_rows(reader, progress):
        n = len(cells)
        problems: list[ImportProblem] | None = None
        node_id = _intern(cells[id_index]) if id_index < n else ""
        label = fixed or ""
        if label_index is not None:
            raw = cells[label_index] if label_index < n else ""
            names = [x for x in raw.split(LIST_SEPARATOR) if x and x != ENTITY_LABEL]
            bad = None
            if len(names) != 1 or names[0] not in labels:
                bad = f"{raw!r} does not name one label (e.g. Household;Entity)"
            elif fixed is not None and names[0] != fixed:
                bad = f"this row is a {names[0]}, but {src.file} holds {fixed} nodes"
            else:
                label = names[0]
            if bad is not None:
                problems = [src.problem(rowno, label_header, "BAD_LABEL", bad, f"node {node_id}")]
                label = label or (names[0] if names else "")
            elif src.id_group is not None and label != src.id_group:
                problems = [
                    src.problem(
                        rowno,
                        label_header,
                        "BAD_LABEL",
                        f"this row is a {label}, but its id is in the {src.id_group} id space",
                        f"node {node_id}",
                    )
                ]
        values, unreadable = _cell_values(cells, pcols)
        if unreadable or n > width:
            problems = _row_problems(src, rowno, cells, width, f"{label} {node_id}", problems, unreadable)
        out.add_node(Node(label, node_id, values), src, rowno, problems)


def _read_rel_rows(
    src: Source,
    prefix: str,
    by_role: dict[str, list[tuple[int, Column]]],
    header_problems: list[ImportProblem],
    width: int,
    reader: Iterator[list[str]],
    out: Parsed,
    progress: Progress,
) -> None:
    fixed = prefix if is_type(prefix) else None
    type_cols = by_role.get("type", [])
    if fixed is None and not type_cols:
        out.problems.append(
            src.problem(
                0,
                "",
                "UNKNOWN_TYPE",
                f"cannot tell which relationship type {src.file} holds: name the file "
                f"after it (e.g. PART_OF.csv or PART_OF__Household__Building.csv) or add a :TYPE column",
            )
        )
        return
    start_index, start_col = by_role["start"][0]
    end_index, end_col = by_role["end"][0]
    src.columns["start"], src.columns["end"] = start_col.header, end_col.header
    src.start_group, src.end_group = start_col.label_group, end_col.label_group
    type_index = type_cols[0][0] if type_cols else None
    if type_cols:
        src.columns["type"] = type_cols[0][1].header
    props = REL_SPECS[RelType(fixed)].props if fixed is not None else None
    pcols = _property_columns(src, by_role.get("property", []), props, fixed or "", header_problems)
    _finish_header(src, header_problems, out)
    type_header = src.columns.get("type", "")
    for rowno, cells in _data_rows(reader, progress):
        n = len(cells)
        problems: list[ImportProblem] | None = None
        start = _intern(cells[start_index]) if start_index < n else ""
        end = _intern(cells[end_index]) if end_index < n else ""
        rtype = fixed or ""
        if type_index is not None:
            raw = cells[type_index] if type_index < n else ""
            if fixed is not None and raw and raw != fixed:
                problems = [
                    src.problem(
                        rowno,
                        type_header,
                        "BAD_TYPE",
                        f"this row is a {raw}, but {src.file} holds {fixed}",
                        f"{raw} {start} -> {end}",
                    )
                ]
            elif fixed is None:
                rtype = raw
        values, unreadable = _cell_values(cells, pcols)
        if unreadable or n > width:
            problems = _row_problems(src, rowno, cells, width, f"{rtype} {start} -> {end}", problems, unreadable)
        out.add_relationship(Relationship(rtype, start, end, values or NO_PROPERTIES), src, rowno, problems)
