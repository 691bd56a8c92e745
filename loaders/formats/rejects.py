"""The rejects file of an import: every problem as one CSV line, for people to fix and re-import."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from loaders.formats.sources import ImportProblem

__all__ = ["REJECT_COLUMNS", "rejects_path", "write_rejects"]

REJECT_COLUMNS: Final = ("file", "sheet", "row", "column", "record", "code", "message")


def rejects_path(path: Path) -> Path:
    """The default rejects file of an input: ``<PATH>.rejects.csv`` next to it.

    >>> rejects_path(Path("data/city")).as_posix(), rejects_path(Path("book.xlsx")).as_posix()
    ('data/city.rejects.csv', 'book.xlsx.rejects.csv')
    """
    return path.with_name(path.name.rstrip("/") + ".rejects.csv")


def write_rejects(path: Path, problems: Iterable[ImportProblem]) -> int:
    """Write problems as CSV, one per line: file, sheet, row, column, record, code, message.

    Returns
    -------
    int
        The number of problems written.
    """
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(REJECT_COLUMNS)
        for p in problems:
            w.writerow([p.file, p.sheet, p.row, p.column, p.record, p.code, p.message])
            count += 1
    return count
