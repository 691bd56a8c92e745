"""The JSON graph document, read and written: ``{"nodes": [...], "relationships": [...]}``.

Nodes are ``{"label", "id", "properties"}`` and relationships ``{"type", "start", "end",
"properties"}`` (``properties`` may be left out when reading; ``null`` properties are
absent).  :func:`read_json` gives :class:`~loaders.formats.sources.Parsed` records located as
``city.json nodes[11].properties.size`` (0-based index); :func:`write_json` writes one record
per line in export order, and what it writes reads back to the same records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from graph_schema.records import Node, Relationship
from loaders.formats.graphdata import GraphData, clean_properties, node_properties
from loaders.formats.sources import ImportProblem, Parsed, Source
from loaders.progress import NoProgress, Progress

__all__ = ["json_line", "read_json", "write_items", "write_json"]


# --- reading -------------------------------------------------------------------------------


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


# --- writing -------------------------------------------------------------------------------


def json_line(value: Any) -> str:
    """``value`` as compact JSON on one line, Chinese text as is.

    >>> json_line({"label": "Street", "id": "s1", "properties": {"name": "澄江街道"}})
    '{"label":"Street","id":"s1","properties":{"name":"澄江街道"}}'
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_items(fh: TextIO, items: Iterable[Any]) -> None:
    """The items of a JSON array, one a line, each line but the last ending with a comma.

    >>> import io
    >>> out = io.StringIO()
    >>> write_items(out, [{"id": "s1"}, {"id": "c1"}])
    >>> print(out.getvalue(), end="")
    {"id":"s1"},
    {"id":"c1"}
    """
    separator = ""
    for item in items:
        fh.write(separator + json_line(item))
        separator = ",\n"
    if separator:
        fh.write("\n")


def write_json(path: Path, data: GraphData, *, include_pii: bool = False) -> list[Path]:
    """Write the JSON graph document, one node or relationship per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write('{\n"nodes": [\n')
        write_items(
            fh,
            ({"label": n.label, "id": n.id, "properties": node_properties(n, include_pii)} for n in data.nodes),
        )
        fh.write('],\n"relationships": [\n')
        write_items(
            fh,
            (
                {"type": r.type, "start": r.start, "end": r.end, "properties": clean_properties(r.properties)}
                for r in data.relationships
            ),
        )
        fh.write("]\n}\n")
    return [path]
