"""Reading an import's input: which reader a path needs, and records made in memory.

:func:`read_path` sends a CSV folder (or ``.csv`` file) to :mod:`loaders.formats.csvreading`,
a ``.json`` document to :mod:`loaders.formats.jsonformat` and an ``.xlsx`` workbook to
:mod:`loaders.formats.xlsxformat`; :func:`read_records` wraps generated records.  Either way
the result is one :class:`~loaders.formats.sources.Parsed` for :mod:`loaders.formats.checking`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from graph_schema.records import Node, Relationship
from loaders.formats.jsonformat import read_json
from loaders.formats.sources import Kind, Parsed, Source
from loaders.progress import Progress

__all__ = ["read_path", "read_records"]


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
        from loaders.formats.csvreading import read_csv

        return read_csv(path, progress=progress)
    if suffix == ".json":
        return read_json(path, progress=progress)
    if suffix in (".xlsx", ".xlsm"):
        from loaders.formats.xlsxformat import read_xlsx

        return read_xlsx(path, progress=progress)
    raise ValueError(f"{path}: import reads a folder of CSV files, a .json document or an .xlsx workbook")
