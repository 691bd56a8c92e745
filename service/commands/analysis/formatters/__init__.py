"""What ``civicmesh analyze`` prints for each analysis: one module per analysis, each a function
``NAME_output(ws, report, ...) -> Output`` (the table, the JSON document, the CSV rows)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Output:
    """What a command prints: a table, a JSON document and the CSV rows (header, rows)."""

    table: Callable[[int | None], str]
    json: Callable[[int | None], dict[str, Any]]
    csv: Callable[[int | None], tuple[Sequence[str], Sequence[Sequence[Any]]]]


def truncate(data: dict[str, Any], lists: Sequence[str], top: int | None) -> dict[str, Any]:
    """``data`` with each of ``lists`` cut to ``top`` items (for ``--format json --top N``)."""
    if top is None:
        return data
    return {k: (v[:top] if k in lists and isinstance(v, list) else v) for k, v in data.items()}


# the formatters import Output and truncate from here: import them last
from service.commands.analysis.formatters.activities import ACTIVITY_ROWS, activities_output  # noqa: E402
from service.commands.analysis.formatters.appeals import APPEAL_ROWS, appeals_output  # noqa: E402
from service.commands.analysis.formatters.assessment import ASSESSMENT_ROWS, assessment_output  # noqa: E402
from service.commands.analysis.formatters.brokerage import brokerage_output  # noqa: E402
from service.commands.analysis.formatters.contact import CONTACT_ROWS, contact_output  # noqa: E402
from service.commands.analysis.formatters.coverage import coverage_output  # noqa: E402
from service.commands.analysis.formatters.expansion import expansion_output  # noqa: E402
from service.commands.analysis.formatters.load import load_output  # noqa: E402
from service.commands.analysis.formatters.plan import plan_output  # noqa: E402
from service.commands.analysis.formatters.points import POINTS_ROWS, points_output  # noqa: E402
from service.commands.analysis.formatters.reach import reach_output  # noqa: E402
from service.commands.analysis.formatters.registration import REGISTRATION_ROWS, registration_output  # noqa: E402
from service.commands.analysis.formatters.structure import structure_output  # noqa: E402
from service.commands.analysis.formatters.uncovered import uncovered_output  # noqa: E402
from service.commands.analysis.formatters.workers import WORKER_ROWS, workers_output  # noqa: E402

__all__ = [
    "ACTIVITY_ROWS",
    "APPEAL_ROWS",
    "ASSESSMENT_ROWS",
    "CONTACT_ROWS",
    "POINTS_ROWS",
    "REGISTRATION_ROWS",
    "WORKER_ROWS",
    "Output",
    "activities_output",
    "appeals_output",
    "assessment_output",
    "brokerage_output",
    "contact_output",
    "coverage_output",
    "expansion_output",
    "load_output",
    "plan_output",
    "points_output",
    "reach_output",
    "registration_output",
    "structure_output",
    "truncate",
    "uncovered_output",
    "workers_output",
]
