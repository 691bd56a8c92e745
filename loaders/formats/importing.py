"""Bulk import with validation: CSV folders, JSON documents, XLSX workbooks, generated cities.

An import runs in three steps, each in its own module.

1. **Read** the input into records, each remembering its file (sheet), row and columns
   (:mod:`loaders.formats.reading` picks the reader: :mod:`~loaders.formats.csvreading`,
   :mod:`~loaders.formats.jsonformat`, :mod:`~loaders.formats.xlsxformat`).  Cells that
   cannot be read (``'three'`` in an ``int`` column, an unknown column…) are problems.
2. **Check** every record against the contract, and the whole set against itself and the
   store (:mod:`loaders.formats.checking`, with the rules of :mod:`graph_schema.validation`):
   duplicate ids across files, relationships whose ends are neither in the input nor in the
   store, ends of the wrong label, a second ``PART_OF`` (or other single) parent, in the input
   or against the store.  Every problem is reported with file, row, column and reason
   (:class:`~loaders.formats.sources.ImportProblem`); :mod:`loaders.formats.rejects` lists
   them in a CSV file.
3. **Write** in batches of ``batch_size`` records (:mod:`loaders.formats.batches`): nodes
   first, parents before children (streets, communities, grids, buildings, households, then
   the other labels), then relationships (``PART_OF`` first).

By default an input with any problem writes nothing.  With ``skip_invalid`` the valid
records are written and the rejected ones reported; a relationship whose end node was
rejected is rejected too.  Writes are upserts (a node record replaces the node, a
relationship is merged on type, ends and key), so importing the same input twice changes
nothing, and an import that was killed half-way is completed by running it again: the check
accepts what the first run already wrote.

While it writes, the store carries an import marker (:meth:`loaders.store.GraphStore.begin_import`:
source, start, batches written), removed when the last batch is written.  A marker left by a
killed import keeps the service's ``/readyz`` at 503 and its analytics refused; an import of
the same source resumes it and removes it, one of another source is refused
(:class:`ImportInProgress`) unless forced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph_schema.records import Node, Relationship
from loaders.formats.batches import DEFAULT_BATCH_SIZE, write_plan
from loaders.formats.checking import check, store_is_empty
from loaders.formats.reading import read_path, read_records
from loaders.formats.sources import ImportProblem, Parsed, counted
from loaders.progress import Progress
from loaders.store import GraphStore

__all__ = [
    "ImportInProgress",
    "ImportReport",
    "import_parsed",
    "import_path",
    "import_records",
    "load_demo_if_empty",
]


class ImportInProgress(Exception):
    """The store carries the marker of an unfinished import of another source."""


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


async def import_parsed(
    store: GraphStore,
    parsed: Parsed,
    *,
    source: str,
    skip_invalid: bool = False,
    check_only: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    force: bool = False,
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
    force
        Write even though an import of another source did not complete (its marker is replaced).

    Raises
    ------
    ImportInProgress
        When an import of another source did not complete and ``force`` is not given.
    """
    unfinished = await store.current_import()
    if unfinished is not None and unfinished.source != source and not force and not check_only:
        raise ImportInProgress(
            f"{unfinished.describe()}: import {unfinished.source} again to complete it, or give --force to "
            f"import {source} over it"
        )
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
    marker = await store.begin_import(source)
    done = marker.batches_done

    async def written(batches: int) -> None:
        await store.import_progress(done + batches)

    report.nodes_written, report.relationships_written, report.batches = await write_plan(
        store, plan, batch_size=batch_size, progress=progress, on_batch=written
    )
    await store.end_import()
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
