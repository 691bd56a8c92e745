"""Spreadsheets: reading an XLSX workbook for import, and writing its template.

A workbook has one sheet per label (``Household`` or ``户``) and per relationship type
(``PART_OF`` or ``隶属``).  Chinese names with a ``/`` (``街道/镇``, which Excel does not
allow in a sheet name) may be written with ``、``, ``_``, ``-`` or nothing instead, or
shortened to the part before the slash.  A sheet named ``说明`` or ``README`` is ignored.

Row 1 holds the headers: the English property names or their Chinese names
(``graph_schema.Prop.zh``), plus ``id``/``编号`` and ``name``/``名称`` for nodes and
``start``/``起点`` and ``end``/``终点`` for relationships.  English headers may carry a
neo4j-admin type (``size:int``), which is ignored: the contract gives every column its type.
Lists are separated by ``;`` (or ``；``); booleans are ``true``/``false``, ``是``/``否``,
``yes``/``no`` or ``1``/``0``; dates are date cells or ``YYYY-MM-DD`` text.  An enum's value
may be written as itself or as its Chinese term (``示范`` for ``DEMONSTRATION``, ``已受理`` for
``ACCEPTED``: ``graph_schema.contract.ENUM_ZH``), in single cells and in lists; the Chinese
template offers the Chinese terms in its drop-downs.  Empty rows are skipped; rows are
numbered as Excel shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, Literal

from graph_schema.assessments import TEMPLATE_SHEET, normalize_score, template_rows
from graph_schema.contract import NODE_SPECS, REL_SPECS, Label, Prop, RelType, enum_terms, enum_value
from graph_schema.records import Node, Relationship
from loaders.formats.csvformat import CellError, type_words
from loaders.formats.sources import ImportProblem, Parsed, Source
from loaders.formats.xlsxexport import continued
from loaders.progress import NoProgress, Progress

IGNORED_SHEETS: Final = frozenset({"说明", "readme", TEMPLATE_SHEET})
ID_NAMES: Final = ("id", "编号")
NAME_NAMES: Final = ("name", "名称")
START_NAMES: Final = ("start", "起点")
END_NAMES: Final = ("end", "终点")

Target = tuple[Literal["node"], Label] | tuple[Literal["rel"], RelType]


def _zh_variants(zh: str) -> set[str]:
    if "/" not in zh:
        return {zh}
    head = zh.split("/", 1)[0]
    return {zh, head, *(zh.replace("/", sep) for sep in ("、", "_", "-", "", "／"))}


def sheet_targets() -> dict[str, Target]:
    """Accepted sheet names (case-folded) and what they hold."""
    out: dict[str, Target] = {}
    for label, spec in NODE_SPECS.items():
        out[label.value.casefold()] = ("node", label)
        for name in _zh_variants(spec.zh):
            out.setdefault(name, ("node", label))
    for rtype, rspec in REL_SPECS.items():
        out[rtype.value.casefold()] = ("rel", rtype)
        for name in _zh_variants(rspec.zh):
            out.setdefault(name, ("rel", rtype))
    return out


def column_names(props: dict[str, Prop], structural: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Accepted headers (case-folded) of a sheet and the field each one fills."""
    out: dict[str, str] = {}
    for field, names in structural.items():
        for n in names:
            out[n.casefold()] = field
    for name, prop in props.items():
        out[name.casefold()] = name
        if prop.zh:
            out.setdefault(prop.zh, name)
    return out


def _structural(target: Target) -> dict[str, tuple[str, ...]]:
    if target[0] == "node":
        if "name" not in NODE_SPECS[target[1]].props:  # appeals and activities have a title
            return {"id": ID_NAMES}
        return {"id": ID_NAMES, "name": NAME_NAMES}
    return {"start": START_NAMES, "end": END_NAMES}


_TRUE: Final = frozenset({"true", "是", "yes", "y", "1", "√", "✓"})
_FALSE: Final = frozenset({"false", "否", "no", "n", "0", "×", "✗"})


def _text(value: Any) -> str:
    """A cell as text: numbers without a trailing ``.0`` (ids, codes and phones typed as numbers)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def cell_value(prop: Prop, value: Any) -> Any:
    """Turn one spreadsheet cell into a property value of ``prop``'s type.

    Returns None for an empty cell.

    >>> from graph_schema.contract import Prop
    >>> cell_value(Prop(type="int"), 3.0), cell_value(Prop(type="bool"), "是")
    (3, True)
    >>> cell_value(Prop(type="string[]"), "FLOATING； KEY_GROUP")
    ['FLOATING', 'KEY_GROUP']
    >>> from graph_schema.contract import AppealStatus, HouseholdTag
    >>> cell_value(Prop(enum=AppealStatus), "已受理")
    'ACCEPTED'
    >>> cell_value(Prop(type="string[]", enum=HouseholdTag), "独居老人;LOW_INCOME")
    ['ELDERLY_ALONE', 'LOW_INCOME']

    Raises
    ------
    CellError
        When the cell cannot be that type.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    t = prop.type
    if t == "int":
        if isinstance(value, bool):
            raise CellError(f"{value!r} is not a whole number")
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            raise CellError(f"{value!r} is not a whole number")
        text = _text(value)
        try:
            return int(text)
        except ValueError:
            raise CellError(f"{text!r} is not a whole number") from None
    if t == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        try:
            return float(_text(value))
        except ValueError:
            raise CellError(f"{_text(value)!r} is not a number") from None
    if t == "bool":
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(f"{text!r} is not true or false (or 是/否)")
    if t == "date":
        if isinstance(value, (dt.date, dt.datetime)):
            return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        return _text(value)
    if t == "string[]":
        if isinstance(value, (dt.date, dt.datetime, bool)):
            raise CellError(f"{value!r} is not {type_words(t)}")
        items = [item.strip() for item in _text(value).replace("；", ";").split(";")]
        if prop.enum is not None:
            return [enum_value(prop.enum, item) for item in items if item]
        if prop.check == "assessment_score":
            return [normalize_score(item) for item in items if item]
        return [item for item in items if item]
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not {type_words(t)}")
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError(f"a date cell is not {type_words(t)}; format the column as text")
    if prop.enum is not None:
        return enum_value(prop.enum, _text(value))
    return _text(value)


def _blank(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_xlsx(path: Path, parsed: Parsed | None = None, progress: Progress | None = None) -> Parsed:
    """Read an XLSX workbook: one sheet per label or relationship type (see the module docstring).

    Returns
    -------
    Parsed
        Records located by file, sheet, Excel row and column header.
    """
    from openpyxl import load_workbook

    out = parsed if parsed is not None else Parsed()
    prog = progress or NoProgress()
    name = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        src = out.add_source(Source(name, "xlsx"))
        out.problems.append(src.problem(0, "", "BAD_XLSX", f"cannot be read as an XLSX workbook ({exc})"))
        return out
    targets = sheet_targets()
    prog.stage("reading")
    try:
        for sheet in book.worksheets:
            title = str(sheet.title)
            if title.strip().casefold() in IGNORED_SHEETS:
                continue
            target = targets.get(title.strip().casefold()) or targets.get(title.strip())
            base = continued(title)  # a continuation sheet of an export: 隶属(2)
            if target is None and base is not None:
                target = targets.get(base.casefold()) or targets.get(base)
            src = out.add_source(Source(name, "xlsx", title))
            if target is None:
                out.problems.append(
                    src.problem(
                        0,
                        "",
                        "UNKNOWN_SHEET",
                        "is neither a label nor a relationship type (name sheets like Household or 户, "
                        "PART_OF or 隶属; a sheet named 说明 or README is ignored)",
                    )
                )
                continue
            _read_sheet(sheet.iter_rows(values_only=True), src, target, out, prog)
    finally:
        book.close()
    prog.done()
    return out


def _read_sheet(rows: Iterable[tuple[Any, ...]], src: Source, target: Target, out: Parsed, progress: Progress) -> None:
    it = iter(rows)
    header = next(it, None)
    if header is None or _blank(header):
        return
    props = NODE_SPECS[target[1]].props if target[0] == "node" else REL_SPECS[target[1]].props
    owner = target[1].value
    accepted = column_names(props, _structural(target))
    header_problems: list[ImportProblem] = []
    fields: list[tuple[int, str, str]] = []
    seen: dict[str, str] = {}
    for index, cell in enumerate(header):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        text = _text(cell)
        key = text.split(":", 1)[0].strip() if ":" in text else text
        field = accepted.get(key.casefold()) or accepted.get(key)
        if field is None:
            structural = " / ".join(n for names in _structural(target).values() for n in names)
            known = ", ".join(f"{n} ({p.zh})" if p.zh else n for n, p in props.items() if n != "name")
            header_problems.append(
                src.problem(
                    1,
                    text,
                    "UNKNOWN_COLUMN",
                    f"{owner} has no column {text!r} (known: {structural}; {known or 'no properties'})",
                )
            )
            continue
        if field in seen:
            header_problems.append(
                src.problem(1, text, "DUPLICATE_COLUMN", f"{field} already has a column ({seen[field]})")
            )
            continue
        seen[field] = text
        fields.append((index, field, text))
        src.columns[field] = text
    needed = ["id"] if target[0] == "node" else ["start", "end"]
    needed += [n for n, p in props.items() if p.required]
    missing = [n for n in needed if n not in src.columns]
    for n in missing:
        header_problems.append(src.problem(1, n, "MISSING_COLUMN", f"there is no {n} column, and it is required"))
    src.missing = frozenset(missing)
    if header_problems:
        out.problems.extend(header_problems)
        src.broken = f"the header of sheet {src.sheet} has problems ({', '.join(p.column for p in header_problems)})"
    is_node = target[0] == "node"
    for rowno, values in enumerate(it, start=2):
        if _blank(values):
            continue
        data: dict[str, Any] = {}
        problems: list[ImportProblem] | None = None
        for index, field, text in fields:
            value = values[index] if index < len(values) else None
            if field in ("id", "start", "end"):
                data[field] = "" if value is None else _text(value)
                continue
            try:
                converted = cell_value(props[field], value)
            except CellError as exc:
                problems = (problems or []) + [src.problem(rowno, text, "BAD_VALUE", str(exc))]
                continue
            if converted is not None:
                data[field] = converted
        if is_node:
            node_id = data.pop("id", "")
            node = Node(owner, node_id, data)
            out.add_node(node, src, rowno, _named(problems, f"{owner} {node_id}"))
        else:
            start, end = data.pop("start", ""), data.pop("end", "")
            rel = Relationship(owner, start, end, data)
            out.add_relationship(rel, src, rowno, _named(problems, rel.describe()))
        progress.advance()


def _named(problems: list[ImportProblem] | None, record: str) -> list[ImportProblem] | None:
    if not problems:
        return None
    return [ImportProblem(p.file, p.row, p.column, p.code, p.message, p.sheet, record, p.kind) for p in problems]


# --- the template ----------------------------------------------------------------------------


_CHECK_NOTES: Final = {
    "division_code": "Administrative division code: 6, 9 or 12 digits",
    "resident_id": "Resident ID number (GB 11643), 18 characters",
    "credit_code": "Unified social credit code (GB 32100), 18 characters",
    "mobile": "Mobile number: 11 digits starting 13-19",
    "appeal_history": "Each entry <ISO date-time>|<from status or ->|<to status>|<actor>, oldest first",
    "assessment_round": "Round of the campaign: <year>-<n>, as 2026-1",
    "assessment_score": "Each entry <category>:<requirements met>, as 组织设置:5 (sheet 考核模板 lists them)",
}


def _describe(name: str, prop: Prop) -> str:
    lines = [f"{name} / {prop.zh}" if prop.zh else name, type_words(prop.type).capitalize()]
    lines[-1] += ", required" if prop.required else ", optional"
    if prop.minimum is not None:
        lines.append(f"At least {prop.minimum}")
    if prop.maximum is not None:
        lines.append(f"At most {prop.maximum}")
    if prop.enum is not None:
        terms = enum_terms(prop.enum)
        lines.append("Allowed: " + ", ".join(f"{e.value} ({terms[e.value]})" for e in prop.enum))
    if prop.check is not None:
        lines.append(_CHECK_NOTES[prop.check])
    if prop.pii:
        lines.append("Personal information (PIPL): collect only when needed")
    return "\n".join(lines)


def write_template(path: Path, *, lang: Literal["zh", "en"] = "zh") -> Path:
    """Write the XLSX import template: one sheet per label and relationship type.

    Row 1 holds the headers (Chinese names with ``lang="zh"``, English with ``"en"``); each
    header cell carries a comment with its English and Chinese names, type, whether it is
    required and the allowed values; single-choice columns get a drop-down list.  A first
    sheet ``说明`` explains the format (the import ignores it).

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    readme = book.active
    readme.title = "说明"
    for line in (
        "civicmesh import template / 导入模板",
        "One sheet per label (nodes) and per relationship type. Headers may be English or Chinese.",
        "每个标签(节点)和关系类型一个工作表；表头可用英文或中文。",
        "Nodes: id (编号) must be unique across the whole graph.",
        "Relationships: start (起点) and end (终点) are node ids.",
        "Lists: separate values with ';'. Booleans: true/false or 是/否. Dates: YYYY-MM-DD.",
        "Choices (enums) may be English values or their Chinese terms: 示范 or DEMONSTRATION, 已受理 or ACCEPTED.",
        "选项可填英文值或中文：示范 或 DEMONSTRATION，已受理 或 ACCEPTED。",
        "Hover over a header for its type and allowed values. Import: civicmesh import FILE.xlsx",
    ):
        readme.append([line])
    readme.column_dimensions["A"].width = 110
    bold = Font(bold=True)

    def header_cell(sheet: Any, col: int, text: str, note: str) -> None:
        cell = sheet.cell(row=1, column=col, value=text)
        cell.font = bold
        comment = Comment(note, "civicmesh")
        comment.width, comment.height = 320, 40 + 18 * note.count("\n")
        cell.comment = comment
        sheet.column_dimensions[get_column_letter(col)].width = max(12, 2 * len(text) + 4)

    def fill(sheet: Any, columns: list[tuple[str, str, Prop | None, str]]) -> None:
        for col, (english, zh, prop, note) in enumerate(columns, start=1):
            header_cell(sheet, col, zh if lang == "zh" and zh else english, note)
            if prop is not None and prop.enum is not None and prop.type != "string[]":
                terms = enum_terms(prop.enum)
                allowed = ",".join(terms[e.value] if lang == "zh" else e.value for e in prop.enum)
                dv = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True)
                letter = get_column_letter(col)
                dv.add(f"{letter}2:{letter}100000")
                sheet.add_data_validation(dv)
        sheet.freeze_panes = "A2"

    for label, spec in NODE_SPECS.items():
        sheet = book.create_sheet(label.value)
        columns: list[tuple[str, str, Prop | None, str]] = [
            ("id", "编号", None, "id / 编号\nText, required; unique across the whole graph")
        ]
        columns += [(n, p.zh, p, _describe(n, p)) for n, p in spec.props.items()]
        fill(sheet, columns)
    for rtype, rspec in REL_SPECS.items():
        sheet = book.create_sheet(rtype.value)
        starts = " or ".join(sorted(rspec.start_labels))
        ends = " or ".join(sorted(rspec.end_labels))
        columns = [
            ("start", "起点", None, f"start / 起点\nId of a {starts}, required"),
            ("end", "终点", None, f"end / 终点\nId of a {ends}, required"),
        ]
        columns += [(n, p.zh, p, _describe(n, p)) for n, p in rspec.props.items()]
        fill(sheet, columns)
    guide = book.create_sheet(TEMPLATE_SHEET)
    for row in template_rows():
        guide.append(list(row))
    guide.column_dimensions["B"].width = 16
    guide.column_dimensions["D"].width = 30
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
