"""XLSX export: the graph as a workbook that community offices read and the XLSX import reads back.

One sheet per label and per relationship type, named in Chinese (``户``, ``隶属``; a ``/`` in a
Chinese name, which Excel does not allow, becomes ``、``: ``街道、镇``), with Chinese headers
(``编号``, ``名称``, ``层级`` …; ``起点`` and ``终点`` for relationships) and Chinese enum
values (``示范``, ``在职党员``, ``独居老人;低收入``), booleans as ``是``/``否``, dates as
``YYYY-MM-DD`` text and whole numbers as numbers: exactly what :func:`loaders.formats.xlsxformat.read_xlsx`
accepts, so an export imports into an empty store as the same graph.  A first sheet ``说明``
(ignored by the import) says what the workbook holds.

A sheet holds at most :data:`MAX_ROWS` records (Excel's limit is 1,048,576 rows); more go on
to continuation sheets ``隶属(2)``, ``隶属(3)`` …, which the import reads as the same type.
Personal information is left out unless ``include_pii``, as in every export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from graph_schema.contract import NODE_SPECS, REL_SPECS, Prop, enum_terms
from graph_schema.privacy import public_properties
from graph_schema.records import Node, Relationship
from loaders.formats.graphdata import GraphData
from loaders.progress import NoProgress, Progress

__all__ = ["MAX_ROWS", "continued", "sheet_name", "write_xlsx"]

MAX_ROWS: Final = 1_000_000
"""Records per sheet before a continuation sheet begins (below Excel's 1,048,575 data rows)."""

_CONTINUED: Final = re.compile(r"^(?P<base>.+?)\s*[（(](?P<n>[2-9]|[1-9]\d+)[)）]$")
_STEP: Final = 5_000
"""Rows between two progress reports."""


def sheet_name(zh: str) -> str:
    """The sheet name of a Chinese label or type name: ``/`` (not allowed in sheet names) becomes ``、``.

    >>> sheet_name("街道/镇"), sheet_name("隶属")
    ('街道、镇', '隶属')
    """
    return zh.replace("/", "、")


def continued(title: str) -> str | None:
    """The sheet a continuation sheet continues (``隶属(2)`` → ``隶属``), or None.

    >>> continued("隶属(2)"), continued("户（12）"), continued("户"), continued("Sheet(1)")
    ('隶属', '户', None, None)
    """
    m = _CONTINUED.match(title.strip())
    return m.group("base") if m else None


def _cell(prop: Prop, value: Any) -> Any:
    """A property value as the import reads it back: Chinese terms, 是/否, lists joined with ``;``."""
    if value is None:
        return None
    if prop.type == "bool":
        return "是" if value else "否"
    if prop.type == "string[]":
        items = [str(v) for v in value]
        if prop.enum is not None:
            terms = enum_terms(prop.enum)
            items = [terms.get(v, v) for v in items]
        return ";".join(items) if items else None
    if prop.enum is not None:
        return enum_terms(prop.enum).get(str(value), str(value))
    return value


def _text_cell(sheet: Any, value: Any) -> Any:
    """Strings that Excel would take for a formula (``=…``) are written as text."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _columns(props: dict[str, Prop], include_pii: bool) -> list[tuple[str, Prop]]:
    return [(name, p) for name, p in props.items() if include_pii or not p.pii]


def _header(sheet: Any, cells: Sequence[str]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    out = []
    for text in cells:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        out.append(cell)
    return out


def _node_rows(nodes: Sequence[Node], cols: list[tuple[str, Prop]], include_pii: bool) -> Iterator[list[Any]]:
    for node in nodes:
        p = node.properties if include_pii else public_properties(node.label, node.properties)
        yield [node.id, *(_cell(prop, p.get(name)) for name, prop in cols)]


def _rel_rows(rels: Sequence[Relationship], cols: list[tuple[str, Prop]]) -> Iterator[list[Any]]:
    for rel in rels:
        yield [rel.start, rel.end, *(_cell(prop, rel.properties.get(name)) for name, prop in cols)]


def write_xlsx(
    path: Path, data: GraphData, *, include_pii: bool = False, progress: Progress | None = None
) -> list[Path]:
    """Write ``data`` as an XLSX workbook (see the module docstring); returns ``[path]``.

    Sheets come in the contract's order (labels, then relationship types), only those with
    records; rows in the export's order (nodes by id, relationships by start, type, end).
    ``progress`` gets one stage ``writing xlsx`` over all records.
    """
    from openpyxl import Workbook

    prog = progress or NoProgress()
    by_label: dict[str, list[Node]] = {}
    for node in data.nodes:
        by_label.setdefault(node.label, []).append(node)
    by_type: dict[str, list[Relationship]] = {}
    for rel in data.relationships:
        by_type.setdefault(rel.type, []).append(rel)
    book = Workbook(write_only=True)
    readme = book.create_sheet("说明")
    for line in (
        "civicmesh export / 导出: one sheet per label and relationship type, Chinese headers and values.",
        "每个标签和关系类型一个工作表，中文表头和中文选项值；可用 civicmesh import 文件.xlsx 导入。",
        f"Nodes / 节点: {len(data.nodes)}; relationships / 关系: {len(data.relationships)}.",
        "Personal information / 个人信息: " + ("included / 已包含" if include_pii else "left out / 未导出"),
    ):
        readme.append([line])
    sheets: list[tuple[str, list[str], Iterator[list[Any]], int]] = []
    for label, spec in NODE_SPECS.items():
        nodes = by_label.get(label.value, [])
        if nodes:
            cols = _columns(spec.props, include_pii)
            sheets.append(
                (spec.zh, ["编号", *(p.zh or n for n, p in cols)], _node_rows(nodes, cols, include_pii), len(nodes))
            )
    for rtype, rspec in REL_SPECS.items():
        rels = by_type.get(rtype.value, [])
        if rels:
            rcols = _columns(rspec.props, True)
            sheets.append(
                (rspec.zh, ["起点", "终点", *(p.zh or n for n, p in rcols)], _rel_rows(rels, rcols), len(rels))
            )
    prog.stage("writing xlsx", sum(count for *_, count in sheets))
    for zh, header, rows, _count in sheets:
        base, part, written, done, sheet = sheet_name(zh), 1, 0, 0, None
        for row in rows:
            if sheet is None or written == MAX_ROWS:
                sheet = book.create_sheet(base if part == 1 else f"{base}({part})")
                sheet.append(_header(sheet, header))
                part, written = part + 1, 0
            sheet.append([_text_cell(sheet, v) for v in row])
            written += 1
            done += 1
            if done % _STEP == 0:
                prog.advance(_STEP)
        prog.advance(done % _STEP)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    prog.done()
    return [path]
