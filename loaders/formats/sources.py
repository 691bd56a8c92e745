"""Where imported records come from, and the problems found in them.

Every reader (CSV folder, JSON document, XLSX workbook, generated records) turns its input
into one :class:`Parsed`: nodes and relationships, each with the :class:`Source` (file,
sheet, columns) and row it came from, plus the problems met while reading.  The checks in
:mod:`loaders.formats.importing` add contract problems; every problem names file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from graph_schema.records import Node, Relationship

Kind = Literal["csv", "json", "xlsx", "records"]

_STRUCTURAL = frozenset({"id", "label", "type", "start", "end"})


@dataclass(eq=False, slots=True)
class Source:
    """One place rows come from: a CSV file, an XLSX sheet or a section of a JSON document.

    Attributes
    ----------
    file
        The file name as shown to people (``Household.csv``, ``city.json``, ``book.xlsx``).
    kind
        ``csv``, ``xlsx``, ``json`` or ``records`` (generated, no file).
    sheet
        The XLSX sheet, or the JSON section (``nodes`` / ``relationships``).
    columns
        Field (``id``, ``label``, ``type``, ``start``, ``end`` or a property name) to the
        column as written in the file (``id:ID(Household)``, ``size:int``, ``人数``).
    id_group, start_group, end_group
        The contract label that an ``:ID``/``:START_ID``/``:END_ID`` column's id space
        names, when it names one: ids in that column must be nodes of that label.
    missing
        Required properties that have no column at all (reported once, on the header).
    broken
        When the header itself has problems: why every row of this source is rejected.
    order
        Position of the source in reading order (problems are listed in that order).
    """

    file: str
    kind: Kind
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    id_group: str | None = None
    start_group: str | None = None
    end_group: str | None = None
    missing: frozenset[str] = frozenset()
    broken: str | None = None
    order: int = 0

    def column(self, name: str) -> str:
        """The column (as written) that holds a field; JSON gives a dotted path."""
        found = self.columns.get(name)
        if found is not None:
            return found
        if self.kind in ("json", "records") and name not in _STRUCTURAL:
            return f"properties.{name}"
        return name

    def where(self, row: int) -> str:
        """``Household.csv row 12``, ``book.xlsx sheet 户 row 3`` or ``city.json nodes[11]``."""
        return _location(self.kind, self.file, self.sheet, row, "")

    def problem(self, row: int, column: str, code: str, message: str, record: str = "") -> ImportProblem:
        """A problem at ``row`` (0: the whole source) and ``column`` of this source."""
        return ImportProblem(self.file, row, column, code, message, self.sheet, record, self.kind)


def _location(kind: Kind, file: str, sheet: str, row: int, column: str) -> str:
    if kind in ("json", "records"):
        text = file
        if sheet:
            text += f" {sheet}[{row}]"
            if column:
                text += f".{column}"
        elif column:
            text += f", {column}"
        return text
    text = file
    if sheet:
        text += f" sheet {sheet}"
    if row:
        text += f" row {row}"
    if column:
        text += f", column {column}"
    return text


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One reason an imported record (or a whole file) was refused.

    ``row`` counts like a spreadsheet for CSV and XLSX (the header is row 1, 0 means the
    whole file or sheet) and is the 0-based index in ``nodes`` / ``relationships`` for JSON.
    ``record`` names the record (``Household h-1``, ``PART_OF h-1 -> b-2``) when known.

    >>> print(ImportProblem("Household.csv", 12, "size:int", "BAD_VALUE", "'three' is not a whole number"))
    Household.csv row 12, column size:int: 'three' is not a whole number
    """

    file: str
    row: int
    column: str
    code: str
    message: str
    sheet: str = ""
    record: str = ""
    kind: Kind = "csv"

    @property
    def location(self) -> str:
        """Where the problem is, e.g. ``Household.csv row 12, column size:int``."""
        return _location(self.kind, self.file, self.sheet, self.row, self.column)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def counted(n: int, noun: str) -> str:
    """``1 node``, ``1,204 nodes``, ``1 relationship``, ``0 relationships``.

    >>> counted(1, "relationship"), counted(1204, "node"), counted(2, "batch")
    ('1 relationship', '1,204 nodes', '2 batches')
    """
    if n == 1:
        return f"1 {noun}"
    return f"{n:,} {noun}{'es' if noun.endswith(('ch', 's')) else 's'}"


NodeRow = tuple[Node, Source, int]
RelRow = tuple[Relationship, Source, int]


@dataclass(slots=True)
class Parsed:
    """What a reader produced: records with their sources and rows, and reading problems.

    ``problems`` are about files and headers; ``node_problems`` / ``rel_problems`` map the
    index of a record to the problems met reading its row (bad numbers, booleans…).  A
    record with reading problems is still listed (without the unreadable values) so that
    its id is known.
    """

    nodes: list[NodeRow] = field(default_factory=list)
    relationships: list[RelRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    node_problems: dict[int, list[ImportProblem]] = field(default_factory=dict)
    rel_problems: dict[int, list[ImportProblem]] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)

    def add_source(self, source: Source) -> Source:
        """Register a source and give it its reading order."""
        source.order = len(self.sources)
        self.sources.append(source)
        return source

    def add_node(self, node: Node, source: Source, row: int, problems: list[ImportProblem] | None = None) -> None:
        if problems:
            self.node_problems[len(self.nodes)] = problems
        self.nodes.append((node, source, row))

    def add_relationship(
        self, rel: Relationship, source: Source, row: int, problems: list[ImportProblem] | None = None
    ) -> None:
        if problems:
            self.rel_problems[len(self.relationships)] = problems
        self.relationships.append((rel, source, row))
