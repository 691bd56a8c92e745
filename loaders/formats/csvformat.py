"""The CSV bulk format: neo4j-admin import headers, cell values and file names (read by
:mod:`loaders.formats.csvreading`, written by :mod:`loaders.formats.exporting`).

A folder holds one file per label and one per relationship type and pair of end labels::

    Household.csv                       id:ID(Household),:LABEL,name,address,size:int,tags:string[]
    PART_OF__Household__Building.csv    :START_ID(Household),:END_ID(Building),:TYPE
    LINKS__PartyMember__Household.csv   :START_ID(PartyMember),:END_ID(Household),:TYPE,since

Header cells follow the neo4j-admin convention ``name:type``: ``id:ID(Label)`` is the node
id (stored as the ``id`` property, in the id space named after the label), ``:LABEL`` the
labels (``Household;Entity``: the contract label plus ``Entity``, which the Neo4j store's
uniqueness constraint is on), ``:START_ID(Label)`` / ``:END_ID(Label)`` the ends of a
relationship and ``:TYPE`` its type.  Properties carry the neo4j-admin type of their
contract type: ``size:int``, ``vanguard:boolean``, ``tags:string[]`` (items separated by
``;``); strings, and dates (plain ``YYYY-MM-DD`` strings in every store), have no suffix.
An empty cell is an absent property.

Relationship files are split by end labels because a neo4j-admin id space is one label:
``LINKS`` can end at a ``PartyMember`` or a ``Household``, so its rows go to
``LINKS__PartyMember__PartyMember.csv`` and ``LINKS__PartyMember__Household.csv``.  On
import, the part of a file name before the first ``.`` or ``__`` names its label or type
(``Household.csv``, ``Household.part2.csv``, ``PART_OF.csv``), unless ``:LABEL`` /
``:TYPE`` columns say it row by row.

The same folder loads into an empty Neo4j with::

    neo4j-admin database import full neo4j --nodes=Street.csv --nodes=Community.csv ... \\
        --relationships=PART_OF__Community__Street.csv ... --multiline-fields=true

(one ``--nodes`` per node file, one ``--relationships`` per relationship file).
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal

from graph_schema.contract import NODE_SPECS, REL_SPECS, Label, Prop, RelType, ValueType

ENTITY_LABEL: Final = "Entity"
"""The extra label every node carries in Neo4j (see ``graph_schema.ddl``)."""

LIST_SEPARATOR: Final = ";"

SUFFIX: Final[dict[str, str]] = {
    "string": "",
    "date": "",
    "int": "int",
    "float": "double",
    "bool": "boolean",
    "string[]": "string[]",
}
"""The neo4j-admin type written after a property of each contract type."""

_ACCEPTED: Final[dict[str, frozenset[str]]] = {
    "string": frozenset({"", "string"}),
    "date": frozenset({"", "string"}),
    "int": frozenset({"int", "long", "short", "byte"}),
    "float": frozenset({"double", "float"}),
    "bool": frozenset({"boolean"}),
    "string[]": frozenset({"string[]"}),
}
"""neo4j-admin types accepted on import for each contract type."""

_KNOWN_TYPES: Final = frozenset(
    {
        "string",
        "int",
        "long",
        "short",
        "byte",
        "double",
        "float",
        "boolean",
        "char",
        "date",
        "datetime",
        "localdatetime",
        "time",
        "localtime",
        "duration",
        "point",
    }
)

Role = Literal["id", "label", "start", "end", "type", "ignore", "property"]

_HEADER = re.compile(r"^(?P<name>[^:]*)(?::(?P<kind>[A-Za-z_]+(?:\[\])?)(?:\((?P<group>[^)]*)\))?)?$")
_SPECIAL: Final[dict[str, Role]] = {
    "ID": "id",
    "LABEL": "label",
    "START_ID": "start",
    "END_ID": "end",
    "TYPE": "type",
    "IGNORE": "ignore",
}
_LABELS: Final = frozenset(label.value for label in Label)
_TYPES: Final = frozenset(t.value for t in RelType)


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is for a person."""


@dataclass(frozen=True, slots=True)
class Column:
    """One parsed header cell.

    ``role`` is ``property`` for data columns; ``type`` is the neo4j-admin type written
    after the colon (``""`` when there is none, lower case, ``[]`` kept for arrays);
    ``group`` is the id space of ``:ID``/``:START_ID``/``:END_ID`` columns.
    """

    header: str
    role: Role
    name: str = ""
    type: str = ""
    group: str | None = None

    @property
    def label_group(self) -> str | None:
        """The contract label that the id space names, if it names one."""
        return self.group if self.group in _LABELS else None


def parse_header(cell: str) -> Column:
    """Parse one header cell.

    >>> parse_header("id:ID(Household)")
    Column(header='id:ID(Household)', role='id', name='id', type='', group='Household')
    >>> parse_header("tags:string[]").type
    'string[]'
    >>> parse_header("since").role
    'property'

    Raises
    ------
    CellError
        When the cell is not ``name``, ``name:type`` or ``:KIND(group)``.
    """
    text = cell.strip()
    m = _HEADER.match(text)
    if not m or (not m.group("name") and not m.group("kind")):
        raise CellError(f"{cell!r} is not a column header (expected name, name:type or :ID(Label))")
    name, kind, group = m.group("name").strip(), m.group("kind") or "", m.group("group")
    special = _SPECIAL.get(kind.upper()) if kind else None
    if special is not None:
        return Column(cell, special, name, "", group)
    if group is not None:
        raise CellError(f"{cell!r}: only :ID, :START_ID and :END_ID take an id space in brackets")
    if not name:
        raise CellError(f"{cell!r} has no property name before the colon")
    base = kind.lower().removesuffix("[]")
    if kind and base not in _KNOWN_TYPES:
        raise CellError(f"{cell!r}: {kind!r} is not a neo4j-admin type (e.g. int, boolean, string[])")
    return Column(cell, "property", name, kind.lower(), None)


def header_for(name: str, prop: Prop) -> str:
    """The header cell of a property: ``size:int``, ``tags:string[]``, ``address``.

    >>> from graph_schema.contract import Prop
    >>> header_for("vanguard", Prop(type="bool"))
    'vanguard:boolean'
    """
    suffix = SUFFIX[prop.type]
    return f"{name}:{suffix}" if suffix else name


def type_matches(prop: Prop, column_type: str) -> bool:
    """Whether a column declared as ``column_type`` loads ``prop`` with its contract type."""
    return column_type in _ACCEPTED[prop.type]


def type_words(value_type: ValueType) -> str:
    """How a person would name a contract type, for messages."""
    return {
        "string": "text",
        "date": "a date (YYYY-MM-DD)",
        "int": "a whole number",
        "float": "a number",
        "bool": "true or false",
        "string[]": "a list of values separated by ';'",
    }[value_type]


_INT = re.compile(r"[+-]?\d+\Z")


def _int(text: str) -> int:
    t = text.strip()
    if not _INT.match(t):
        raise CellError(f"{text!r} is not a whole number")
    return int(t)


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"{text!r} is not a finite number")
    return value


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t == "true":
        return True
    if t == "false":
        return False
    raise CellError(f"{text!r} is not true or false")


def _list(text: str) -> list[str]:
    items = text.split(LIST_SEPARATOR)
    if any(not item for item in items):
        raise CellError(f"{text!r} has an empty item (separate items with a single ';')")
    return items


Decoder = Callable[[str], Any] | None
"""Turns a non-empty cell into a value; None means the text is the value."""

DECODERS: Final[dict[str, Decoder]] = {
    "string": None,
    "date": None,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "string[]": _list,
}
"""Cell decoders by contract type; they raise :class:`CellError` with a readable message."""


_intern = sys.intern

NO_PROPERTIES: Final[Mapping[str, Any]] = MappingProxyType({})
"""Shared by every record without properties (most relationships): one object, not a million."""


def _interned_list(text: str) -> list[str]:
    return [_intern(item) for item in _list(text)]


def decoder_for_property(prop: Prop) -> Decoder:
    """The decoder of a contract property; values from a closed set (enums) are interned,
    so that a million ``"BUILDING"`` cells are one string in memory."""
    if prop.enum is not None:
        return _interned_list if prop.type == "string[]" else _intern
    return DECODERS[prop.type]


def decoder_for_column(column_type: str) -> Decoder:
    """The decoder for a declared neo4j-admin column type (used when no contract type applies)."""
    base = column_type.removesuffix("[]")
    if column_type.endswith("[]"):
        return _list
    if base in ("int", "long", "short", "byte"):
        return _int
    if base in ("double", "float"):
        return _float
    if base == "boolean":
        return _bool
    return None


def encode(value: Any) -> str:
    """A property value as a cell.

    >>> encode(True), encode(3), encode(["FLOATING", "KEY_GROUP"]), encode("东门路1号")
    ('true', '3', 'FLOATING;KEY_GROUP', '东门路1号')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        items = [encode(v) for v in value]
        if any(LIST_SEPARATOR in item for item in items):
            raise ValueError(f"list item in {value!r} contains ';', which separates list items")
        return LIST_SEPARATOR.join(items)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def stem_prefix(file_name: str) -> str:
    """The part of a file name that names a label or type: before the first ``.`` or ``__``.

    >>> stem_prefix("PART_OF__Household__Building.csv"), stem_prefix("Household.2.csv")
    ('PART_OF', 'Household')
    """
    head = file_name.split(".", 1)[0]
    return head.split("__", 1)[0]


def is_label(name: str) -> bool:
    return name in _LABELS


def is_type(name: str) -> bool:
    return name in _TYPES


def node_file_name(label: str) -> str:
    """``Household.csv``."""
    return f"{label}.csv"


def relationship_file_name(rel_type: str, start_label: str, end_label: str) -> str:
    """``PART_OF__Household__Building.csv``."""
    return f"{rel_type}__{start_label}__{end_label}.csv"


def label_cell(label: str) -> str:
    """The ``:LABEL`` cell of a node: its label plus ``Entity``."""
    return f"{label}{LIST_SEPARATOR}{ENTITY_LABEL}"


# --- templates -----------------------------------------------------------------------------


def node_header(label: str, *, include_pii: bool = True) -> list[str]:
    """The header row of a label's node file.

    >>> node_header("Street")
    ['id:ID(Street)', ':LABEL', 'name', 'code']
    """
    props = NODE_SPECS[Label(label)].props
    return [f"id:ID({label})", ":LABEL", *(header_for(n, p) for n, p in props.items() if include_pii or not p.pii)]


def relationship_header(rel_type: str, start_label: str, end_label: str) -> list[str]:
    """The header row of a relationship file.

    >>> relationship_header("LINKS", "PartyMember", "Household")
    [':START_ID(PartyMember)', ':END_ID(Household)', ':TYPE', 'since']
    """
    props = REL_SPECS[RelType(rel_type)].props
    return [
        f":START_ID({start_label})",
        f":END_ID({end_label})",
        ":TYPE",
        *(header_for(n, p) for n, p in props.items()),
    ]


def write_header_files(folder: Path) -> list[Path]:
    """Write one header-only CSV file per label and per (type, start label, end label).

    Returns
    -------
    list of Path
        The files written, in name order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for label in Label:
        path = folder / node_file_name(label.value)
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerow(node_header(label.value))
        written.append(path)
    for rtype, spec in REL_SPECS.items():
        for start, end in sorted(spec.pairs):
            path = folder / relationship_file_name(rtype.value, start.value, end.value)
            with path.open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh, lineterminator="\n").writerow(relationship_header(rtype.value, start.value, end.value))
            written.append(path)
    return sorted(written)
