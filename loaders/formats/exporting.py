"""Export: the graph (or one area of it) as CSV, JSON, GraphML, GEXF or Cytoscape.js JSON.

Every format is written in one deterministic order, whatever the store: nodes by id,
relationships by (start id, type, end id, key).  Personal information (the contract's PII
properties: names of party members, heads of household, phones, ID numbers) is left out
unless ``include_pii`` is set.

Formats
-------
``csv``
    A folder in the bulk format of :mod:`loaders.formats.csvformat` (neo4j-admin headers), one
    file per label and per (type, start label, end label).  Exporting into a folder first
    removes the bulk-format files already there, so the folder holds exactly this export.
``json``
    The graph document of docs/design.md (:mod:`loaders.formats.jsonformat`), one record per line:
    ``{"nodes":[{"label","id","properties"}],"relationships":[{"type","start","end","properties"}]}``.
``graphml``
    GraphML through networkx: node attributes ``label`` and the properties, edge attributes
    ``type`` and the properties; lists are joined with ``;`` (GraphML has no list type).
``gexf``
    GEXF 1.2 through networkx: the node label (what Gephi shows) is the name (the id when
    the name is personal information left out), the contract label is the attribute
    ``class``; the edge label is the relationship type.  Lists are joined with ``;``.
``xlsx``
    A workbook with one sheet per label and relationship type, Chinese sheet names, headers and
    enum values, that the XLSX import reads back (:mod:`loaders.formats.xlsxexport`).
``cytoscape``
    Cytoscape.js elements ``{"elements":{"nodes":[{"data":{...}}],"edges":[{"data":{...}}]}}``;
    node data has ``id``, ``label`` and the properties, edge data ``id``, ``source``,
    ``target``, ``type`` and the properties.

csv and json round-trip: export, import into an empty store, export again gives the same
bytes.  Absent properties are left out, and so are empty lists (a CSV cell cannot tell
them apart).  (An export without PII lacks party members' names, which the contract requires, so
back up with ``include_pii``.)

Areas
-----
With ``area``, the export holds the nodes that lie within that area (a Street, Community,
Grid or Building) in the sense of ``graph_schema.WITHIN_VIA``: the area itself and
everything under it through ``PART_OF`` (communities, grids, buildings, households), the
party members who ``LIVES_IN`` those households, the party organizations that ``GOVERNS``
those areas, the vanguard stations ``LOCATED_IN`` those buildings, the appeals that
``CONCERNS`` them and the activities ``HELD_IN`` them, and the assessments that ``ASSESSES``
those organizations (``graph_schema.contract.WITHIN_THROUGH``; who assessed one is exported
only when inside too, else the assessment goes without its ``ASSESSED_BY``); the handler of each of those appeals
(its ``ASSIGNED_TO`` end, wherever it is: with that relationship only, as an assigned appeal
without its handler would be refused on import); and every relationship between two
exported nodes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import networkx as nx

from graph_schema.contract import (
    AREA_LABELS,
    HIERARCHY,
    NODE_SPECS,
    REL_SPECS,
    WITHIN_THROUGH,
    WITHIN_VIA,
    Label,
    Prop,
    RelType,
)
from graph_schema.privacy import public_properties
from graph_schema.records import Node, NotFoundError, Relationship
from loaders.bulk import chunks
from loaders.formats.csvformat import (
    encode,
    header_for,
    is_label,
    is_type,
    label_cell,
    node_file_name,
    relationship_file_name,
    stem_prefix,
)
from loaders.formats.graphdata import GraphData, clean_properties, node_properties
from loaders.formats.jsonformat import write_items, write_json
from loaders.formats.sources import counted
from loaders.formats.xlsxexport import write_xlsx
from loaders.progress import NoProgress, Progress
from loaders.store import Direction, GraphStore

__all__ = [
    "FORMATS",
    "ExportReport",
    "Format",
    "collect",
    "export_store",
    "format_for_path",
    "write_csv",
    "write_cytoscape",
    "write_export",
    "write_gexf",
    "write_graphml",
]

Format = Literal["csv", "json", "graphml", "gexf", "cytoscape", "xlsx"]
FORMATS: Final[tuple[Format, ...]] = ("csv", "json", "graphml", "gexf", "cytoscape", "xlsx")
_LABELS: Final = {label.value: label for label in Label}
_TYPES: Final = {t.value: t for t in RelType}


@dataclass(slots=True)
class ExportReport:
    """What an export wrote."""

    path: Path
    format: Format
    nodes: int
    relationships: int
    files: list[Path]

    def summary(self) -> str:
        where = f"{counted(len(self.files), 'file')} in {self.path}" if self.format == "csv" else str(self.path)
        nodes, rels = counted(self.nodes, "node"), counted(self.relationships, "relationship")
        return f"exported {nodes} and {rels} as {self.format} to {where}"


def format_for_path(path: Path) -> Format:
    """The format a path's suffix suggests: ``.json``, ``.graphml``, ``.gexf``,
    ``.cyjs`` (Cytoscape), ``.xlsx``, anything else a CSV folder."""
    suffix = path.suffix.lower()
    return {".json": "json", ".graphml": "graphml", ".gexf": "gexf", ".cyjs": "cytoscape", ".xlsx": "xlsx"}.get(  # type: ignore[return-value]
        suffix, "csv"
    )


# --- collecting ----------------------------------------------------------------------------


async def collect(store: GraphStore, *, area: str | None = None, progress: Progress | None = None) -> GraphData:
    """Everything in the store, or everything within ``area`` (see the module docstring).

    Raises
    ------
    NotFoundError
        When ``area`` is not a node of the store.
    ValueError
        When ``area`` is not a Street, Community, Grid or Building.
    """
    prog = progress or NoProgress()
    if area is None:
        prog.stage("reading")
        nodes: list[Node] = []
        async for batch in store.scan_nodes():
            nodes += batch
            prog.advance(len(batch))
        rels: list[Relationship] = []
        async for rbatch in store.scan_relationships():
            rels += rbatch
            prog.advance(len(rbatch))
        prog.done()
        return GraphData.sorted(nodes, rels)
    return await _collect_area(store, area, prog)


async def _collect_area(store: GraphStore, area: str, prog: Progress) -> GraphData:
    found = (await store.get_nodes([area]))[0]
    if found is None:
        raise NotFoundError(f"there is no node with id {area!r} to export")
    area_labels = {label.value for label in AREA_LABELS}
    if found.label not in area_labels:
        raise ValueError(f"{area!r} is a {found.label}; --area takes the id of a {', '.join(sorted(area_labels))}")
    prog.stage("reading")
    selected: dict[str, Node] = {found.id: found}
    depth = len(HIERARCHY)
    for node, _ in (await store.descendants([area], "PART_OF", max_depth=depth))[0]:
        selected[node.id] = node
    prog.advance(len(selected))
    by_label: dict[str, list[str]] = {}
    for node in selected.values():
        by_label.setdefault(node.label, []).append(node.id)
    for label, via in WITHIN_VIA.items():
        if via is None:
            continue
        targets = sorted(i for lab in REL_SPECS[via].end_labels for i in by_label.get(lab.value, []))
        for chunk in chunks(targets):
            for edges in await store.neighbours(chunk, via.value, Direction.IN, labels=[label.value]):
                for edge in edges:
                    selected.setdefault(edge.node.id, edge.node)
            prog.advance(len(chunk))
    for label, (through, target) in WITHIN_THROUGH.items():  # assessments of the branches found
        targets = sorted(i for i, n in selected.items() if n.label == target.value)
        for chunk in chunks(targets):
            for edges in await store.neighbours(chunk, through.value, Direction.IN, labels=[label.value]):
                for edge in edges:
                    selected.setdefault(edge.node.id, edge.node)
    appeals = sorted(by_id for by_id, n in selected.items() if n.label == Label.APPEAL.value)
    handlers_only: set[str] = set()
    for chunk in chunks(appeals):  # their handlers, wherever they are
        for edges in await store.neighbours(chunk, RelType.ASSIGNED_TO.value, Direction.OUT):
            for edge in edges:
                if edge.node.id not in selected:
                    selected[edge.node.id] = edge.node
                    handlers_only.add(edge.node.id)
    by_label = {}
    for node in selected.values():
        by_label.setdefault(node.label, []).append(node.id)
    rels: list[Relationship] = []
    for rtype, spec in REL_SPECS.items():
        starts = sorted(i for lab in spec.start_labels for i in by_label.get(lab.value, []))
        ends = sorted(lab.value for lab in spec.end_labels)
        for chunk in chunks(starts):
            for edges in await store.neighbours(chunk, rtype.value, Direction.OUT, labels=ends):
                rels += [
                    e.relationship
                    for e in edges
                    if e.node.id in selected
                    and (rtype is RelType.ASSIGNED_TO or not {e.relationship.start, e.node.id} & handlers_only)
                ]
    prog.advance(len(rels))
    prog.done()
    return GraphData.sorted(selected.values(), rels)


# --- writers -------------------------------------------------------------------------------


def _columns(props: dict[str, Prop], include_pii: bool) -> list[tuple[str, str]]:
    return [(name, header_for(name, p)) for name, p in props.items() if include_pii or not p.pii]


def write_csv(folder: Path, data: GraphData, *, include_pii: bool = False) -> list[Path]:
    """Write the bulk CSV folder; returns the files written, in name order.

    Bulk-format files already in the folder (named after a label or type) are removed
    first, so that the folder holds exactly this graph.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        prefix = stem_prefix(old.name)
        if is_label(prefix) or is_type(prefix):
            old.unlink()
    labels: dict[str, str] = {}
    by_label: dict[str, list[Node]] = {}
    for node in data.nodes:
        labels[node.id] = node.label
        by_label.setdefault(node.label, []).append(node)
    written: list[Path] = []
    for label_name in sorted(by_label):
        spec = NODE_SPECS[_LABELS[label_name]]
        cols = _columns(spec.props, include_pii)
        path = folder / node_file_name(label_name)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([f"id:ID({label_name})", ":LABEL", *(h for _, h in cols)])
            cell = label_cell(label_name)
            for node in by_label[label_name]:
                p = node.properties if include_pii else public_properties(label_name, node.properties)
                w.writerow([node.id, cell, *(encode(p.get(name)) for name, _ in cols)])
        written.append(path)
    groups: dict[tuple[str, str, str], list[Relationship]] = {}
    for rel in data.relationships:
        key = (rel.type, labels.get(rel.start, ""), labels.get(rel.end, ""))
        groups.setdefault(key, []).append(rel)
    for (rtype, start_label, end_label), rels in sorted(groups.items()):
        if not start_label or not end_label:
            raise ValueError(f"{rels[0].describe()}: an end node is not part of the export")
        rspec = REL_SPECS[_TYPES[rtype]]
        rcols = _columns(rspec.props, True)
        path = folder / relationship_file_name(rtype, start_label, end_label)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([f":START_ID({start_label})", f":END_ID({end_label})", ":TYPE", *(h for _, h in rcols)])
            for rel in rels:
                p = rel.properties
                w.writerow([rel.start, rel.end, rtype, *(encode(p.get(name)) for name, _ in rcols)])
        written.append(path)
    return sorted(written)


def _flat(props: dict[str, Any]) -> dict[str, Any]:
    return {k: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in props.items()}


def edge_id(rel: Relationship) -> str:
    """A stable, unique id for a relationship: ``start|key|end`` (e.g. ``h-1|PART_OF|b-1``)."""
    return f"{rel.start}|{rel.key}|{rel.end}"


def _networkx(data: GraphData, include_pii: bool, gexf: bool) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for node in data.nodes:
        props = _flat(node_properties(node, include_pii))
        if gexf:
            g.add_node(node.id, label=str(props.get("name", node.id)), **{"class": node.label}, **props)
        else:
            g.add_node(node.id, label=node.label, **props)
    for rel in data.relationships:
        props = _flat(clean_properties(rel.properties))
        if gexf:
            g.add_edge(rel.start, rel.end, key=rel.key, id=edge_id(rel), label=rel.type, **props)
        else:
            g.add_edge(rel.start, rel.end, key=edge_id(rel), type=rel.type, **props)
    return g


def write_graphml(path: Path, data: GraphData, *, include_pii: bool = False) -> list[Path]:
    """Write GraphML (networkx); lists are joined with ``;``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(_networkx(data, include_pii, gexf=False), path, encoding="utf-8", prettyprint=True)
    return [path]


def write_gexf(path: Path, data: GraphData, *, include_pii: bool = False) -> list[Path]:
    """Write GEXF 1.2 (networkx), without the writer's date stamp so that output is reproducible."""
    from networkx.readwrite.gexf import GEXFWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(_networkx(data, include_pii, gexf=True))
    with path.open("wb") as fh:
        writer.write(fh)
    return [path]


def _cytoscape_edge(rel: Relationship) -> dict[str, Any]:
    props = clean_properties(rel.properties)
    return {"data": {"id": edge_id(rel), "source": rel.start, "target": rel.end, "type": rel.type, **props}}


def write_cytoscape(path: Path, data: GraphData, *, include_pii: bool = False) -> list[Path]:
    """Write Cytoscape.js elements JSON, one element per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write('{"elements": {\n"nodes": [\n')
        write_items(
            fh,
            ({"data": {"id": n.id, "label": n.label, **node_properties(n, include_pii)}} for n in data.nodes),
        )
        fh.write('],\n"edges": [\n')
        write_items(fh, (_cytoscape_edge(r) for r in data.relationships))
        fh.write("]\n}}\n")
    return [path]


_WRITERS: Final = {
    "csv": write_csv,
    "json": write_json,
    "graphml": write_graphml,
    "gexf": write_gexf,
    "cytoscape": write_cytoscape,
    "xlsx": write_xlsx,
}


def write_export(
    path: Path, data: GraphData, fmt: Format, *, include_pii: bool = False, progress: Progress | None = None
) -> list[Path]:
    """Write ``data`` to ``path`` in ``fmt``; returns the files written.  ``progress`` follows the
    writing of the formats that take long (xlsx)."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        return write_xlsx(path, data, include_pii=include_pii, progress=progress)
    return writer(path, data, include_pii=include_pii)


async def export_store(
    store: GraphStore,
    path: Path,
    fmt: Format,
    *,
    area: str | None = None,
    include_pii: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Export the store (or one area of it) to ``path`` in ``fmt``.

    Raises
    ------
    NotFoundError, ValueError
        For an ``area`` that is not an area node of the store, or an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    data = await collect(store, area=area, progress=progress)
    files = write_export(path, data, fmt, include_pii=include_pii, progress=progress)
    return ExportReport(path, fmt, len(data.nodes), len(data.relationships), files)
