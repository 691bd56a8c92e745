"""``civicmesh import|export|template|generate``: moving data in and out of the store.

Exit codes: 0 done; 1 the input has problems and nothing was written (or ``--check`` found
problems); 2 a usage error (missing file, unknown format or area); 3 the store refused a
batch half-way (run the same import again to complete it).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from loaders.bulk import pause_gc
from service.settings import Settings

if TYPE_CHECKING:
    from loaders.formats.exporting import Format

T = TypeVar("T")


def register(sub: Any) -> None:
    """Add the data commands to the ``civicmesh`` parser."""
    from loaders.formats.batches import DEFAULT_BATCH_SIZE
    from loaders.formats.exporting import FORMATS
    from loaders.synthetic import PRESETS

    p: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="import a CSV folder, a JSON document or an XLSX workbook into the store",
        description=(
            "Import PATH into the store: a folder of CSV files in the neo4j-admin header convention "
            "(Household.csv, PART_OF__Household__Building.csv, ...), a .json graph document or an .xlsx "
            "workbook (see `civicmesh template`). Everything is checked first and every problem is "
            "reported with file, row and column; by default an input with any problem writes nothing. "
            "Importing the same input twice changes nothing, and an interrupted import completes when run again: "
            "until then the store carries an import marker, and the service reports it in /readyz and refuses "
            "analytics."
        ),
    )
    p.add_argument("path", nargs="?", type=Path, help="CSV folder, .json or .xlsx file")
    p.add_argument("--preset", choices=PRESETS, help="import a generated synthetic city instead of a file")
    p.add_argument("--seed", type=int, default=0, help="seed of --preset (default 0)")
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the valid records and list the rejected ones, with reasons, in the rejects file",
    )
    p.add_argument(
        "--rejects", type=Path, help="where to list problems (default with --skip-invalid: PATH.rejects.csv)"
    )
    p.add_argument("--check", action="store_true", help="only check the input against the store; write nothing")
    p.add_argument(
        "--force",
        action="store_true",
        help="import even though an import of another source did not complete (by default refused)",
    )
    p.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=f"records per write (default {DEFAULT_BATCH_SIZE:,})"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress display on stderr")
    p.set_defaults(run=run_import)

    e: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="export the graph (or one area) as csv, json, graphml, gexf, cytoscape or xlsx",
        description=(
            "Export the store to PATH, in a deterministic order. Personal information is left out unless "
            "--include-pii. With --area ID: that Street/Community/Grid/Building, everything under it through "
            "PART_OF, the members living there, the organizations governing there, the stations located there, "
            "and the relationships among them."
        ),
    )
    e.add_argument("path", type=Path, help="a folder for csv, else a file")
    e.add_argument(
        "--format", choices=FORMATS, help="default: from PATH (.json, .graphml, .gexf, .cyjs, .xlsx, else csv)"
    )
    e.add_argument("--area", help="export only this area (a Street, Community, Grid or Building id)")
    e.add_argument("--include-pii", action="store_true", help="include personal information (names, phones, IDs)")
    e.add_argument("--no-progress", action="store_true", help="no progress display on stderr")
    e.set_defaults(run=run_export)

    t: argparse.ArgumentParser = sub.add_parser(
        "template", help="write an import template (XLSX workbook, or CSV headers)"
    )
    t.add_argument("--xlsx", type=Path, help="write the XLSX template here")
    t.add_argument("--csv", type=Path, help="write header-only CSV files into this folder")
    t.add_argument("--lang", choices=("zh", "en"), default="zh", help="XLSX header language (default zh)")
    t.set_defaults(run=run_template)

    g: argparse.ArgumentParser = sub.add_parser(
        "generate",
        help="write a synthetic city as a JSON document or a CSV folder",
        description="Generate a synthetic city; the same preset and seed give byte-identical output.",
    )
    g.add_argument("--preset", choices=PRESETS, default="demo", help="size of the city (default demo)")
    g.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    g.add_argument("--out", type=Path, required=True, help="PATH.json for a JSON document, else a CSV folder")
    g.add_argument("--import", dest="do_import", action="store_true", help="also import it into the store")
    g.add_argument("--no-progress", action="store_true", help="no progress display on stderr")
    g.set_defaults(run=run_generate)


# --- helpers ---------------------------------------------------------------------------------


def _err(message: str) -> None:
    print(f"civicmesh: {message}", file=sys.stderr)


def _progress(args: argparse.Namespace) -> Any:
    from loaders.progress import NoProgress, ProgressBar

    return NoProgress() if args.no_progress else ProgressBar(sys.stderr)


def _with_store(settings: Settings, work: Callable[[Any], Any]) -> Any:
    from service.stores import make_store

    # Neo4j logs a warning for every query that names a relationship type the database has
    # not seen yet (normal while importing into an empty one); keep stderr for real problems.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result: list[Any] = []

    async def main() -> None:
        store = make_store(settings)
        await store.open()
        try:
            result.append(await work(store))
        finally:
            await store.close()

    # The coroutine returns nothing: Python 3.11's asyncio.run formats the main task (and
    # so its result) when it restores the SIGINT handler, which is slow for big results.
    asyncio.run(main())
    return result[0]


def _generate(preset: str, seed: int, progress: Any) -> Any:
    from loaders.synthetic import generate

    return generate(preset, seed, progress=progress)


# --- import ----------------------------------------------------------------------------------


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    """``civicmesh import``."""
    from loaders.formats.batches import ImportAborted
    from loaders.formats.importing import ImportInProgress, import_parsed
    from loaders.formats.reading import read_path, read_records
    from loaders.formats.rejects import rejects_path, write_rejects
    from loaders.formats.sources import counted

    if (args.path is None) == (args.preset is None):
        _err("import needs a PATH or --preset (not both)")
        return 2
    if args.batch_size < 1:
        _err("--batch-size must be at least 1")
        return 2
    progress = _progress(args)
    with pause_gc():
        if args.preset is not None:
            city = _generate(args.preset, args.seed, progress)
            source = f"preset {args.preset} (seed {args.seed})"
            parsed = read_records(city.nodes, city.relationships, source)
            del city
        else:
            source = str(args.path)
            try:
                parsed = read_path(args.path, progress)
            except (FileNotFoundError, ValueError) as exc:
                _err(str(exc))
                return 2

        async def work(store: Any) -> Any:
            from service.commands.audit import record_cli

            try:
                report = await import_parsed(
                    store,
                    parsed,
                    source=source,
                    skip_invalid=args.skip_invalid,
                    check_only=args.check,
                    batch_size=args.batch_size,
                    progress=progress,
                    force=args.force,
                )
            except ImportAborted:
                await record_cli(store, "import", code="ABORTED")
                raise
            if not args.check:
                await record_cli(store, "import", code=_import_code(report))
            return report

        try:
            report = _with_store(settings, work)
        except ImportAborted as exc:
            _err(str(exc))
            return 3
        except ImportInProgress as exc:
            _err(str(exc))
            return 2
    for problem in report.problems:
        print(problem, file=sys.stderr)
    rejects = args.rejects
    if rejects is None and args.skip_invalid and report.problems:
        rejects = rejects_path(args.path) if args.path is not None else Path(f"{args.preset}.rejects.csv")
    if rejects is not None:
        count = write_rejects(rejects, report.problems)
        print(f"civicmesh: {counted(count, 'problem')} listed in {rejects}")
    print(f"civicmesh: {report.summary()}")
    if report.problems and not report.written:
        return 1
    return 0


def _import_code(report: Any) -> str | None:
    """The audit code of an import: None when all was written, PARTIAL when rows were skipped,
    INVALID when problems kept it from writing."""
    if not report.problems:
        return None
    return "PARTIAL" if report.written else "INVALID"


# --- export ----------------------------------------------------------------------------------


def _pii_names(include_pii: bool) -> list[str]:
    """The personal fields an export includes (for the audit trail), in GraphQL's spelling."""
    if not include_pii:
        return []
    from graph_schema import PII_FIELDS
    from resolvers.errors import camel

    return sorted({camel(f) for fields in PII_FIELDS.values() for f in fields})


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """``civicmesh export``."""
    from graph_schema.records import NotFoundError
    from loaders.formats.exporting import export_store, format_for_path

    fmt = args.format or format_for_path(args.path)
    if fmt == "csv" and args.path.exists() and not args.path.is_dir():
        _err(f"{args.path} is a file; csv exports to a folder (or choose --format)")
        return 2
    progress = _progress(args)

    async def work(store: Any) -> Any:
        from service.commands.audit import record_cli

        report = await export_store(
            store, args.path, fmt, area=args.area, include_pii=args.include_pii, progress=progress
        )
        await record_cli(store, "export", targets=[args.area] if args.area else [], fields=_pii_names(args.include_pii))
        return report

    with pause_gc():
        try:
            report = _with_store(settings, work)
        except (NotFoundError, ValueError) as exc:
            _err(str(exc))
            return 2
    print(f"civicmesh: {report.summary()}")
    return 0


# --- template --------------------------------------------------------------------------------


def run_template(args: argparse.Namespace, settings: Settings) -> int:
    """``civicmesh template``: the XLSX template and/or header-only CSV files."""
    if args.xlsx is None and args.csv is None:
        _err("template needs --xlsx FILE and/or --csv FOLDER")
        return 2
    if args.xlsx is not None:
        from loaders.formats.xlsxformat import write_template

        write_template(args.xlsx, lang=args.lang)
        print(f"civicmesh: wrote the import template {args.xlsx}")
    if args.csv is not None:
        from loaders.formats.csvformat import write_header_files

        files = write_header_files(args.csv)
        print(f"civicmesh: wrote {len(files)} header-only CSV files in {args.csv}")
    return 0


# --- generate --------------------------------------------------------------------------------


def run_generate(args: argparse.Namespace, settings: Settings) -> int:
    """``civicmesh generate``: a synthetic city as JSON or a CSV folder (with PII: it is invented)."""
    from loaders.formats.exporting import write_export
    from loaders.formats.graphdata import GraphData
    from loaders.formats.sources import counted

    fmt: Format = "json" if args.out.suffix.lower() == ".json" else "csv"
    if fmt == "csv" and args.out.exists() and not args.out.is_dir():
        _err(f"{args.out} is a file; give a folder for CSV or a .json path")
        return 2
    progress = _progress(args)
    with pause_gc():
        city = _generate(args.preset, args.seed, progress)
        data = GraphData.sorted(city.nodes, city.relationships)
        files = write_export(args.out, data, fmt, include_pii=True)
        where = f"{counted(len(files), 'file')} in {args.out}" if fmt == "csv" else str(args.out)
        print(
            f"civicmesh: generated {args.preset} (seed {args.seed}): {counted(len(data.nodes), 'node')} and "
            f"{counted(len(data.relationships), 'relationship')}, written to {where}"
        )
        if not args.do_import:
            return 0
        from loaders.formats.batches import ImportAborted
        from loaders.formats.importing import import_records

        async def work(store: Any) -> Any:
            return await import_records(
                store,
                data.nodes,
                data.relationships,
                source=f"preset {args.preset} (seed {args.seed})",
                progress=progress,
            )

        try:
            report = _with_store(settings, work)
        except ImportAborted as exc:
            _err(str(exc))
            return 3
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"civicmesh: {report.summary()}")
    return 0 if report.ok else 1
