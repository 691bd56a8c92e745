"""The arguments of ``civicmesh analyze ...`` and ``civicmesh report``."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph_schema.assessments import round_problem
from graph_schema.contract import (
    GRID_HOUSEHOLDS_NORM,
    GRID_SIZE_TOLERANCE,
    HOUSEHOLDS_NORM,
    INSTRUCTOR_NORM,
    MEMBERS_NORM,
    OVERLOAD_FACTOR,
    check_norm,
)
from service.commands.analysis.formatters import APPEAL_ROWS, ASSESSMENT_ROWS, WORKER_ROWS
from service.commands.analysis.run import run_analysis, run_report
from service.commands.analysis.vocabulary import APPEAL_ORDERS, LEVELS, RESPOND_WITHIN_DAYS, TABLE_TOP
from service.commands.analysis.work_parser import register_work


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _round(text: str) -> str:
    problem = round_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{problem[1]}, got {text!r}")
    return text


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {n}")
    return n


def _norm(name: str, kind: type[int] | type[float] = int) -> Any:
    """An argparse type for the norm ``name``: a number within the contract's range (``NORM_RANGES``)."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a {'whole ' if kind is int else ''}number, got {text!r}"
            ) from None
        try:
            check_norm(name, value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return value

    return parse


def _common(p: argparse.ArgumentParser, *, by: bool = False, rows: Sequence[str] = ()) -> None:
    p.add_argument("--area", metavar="ID", help="a street, community, grid or building id (default: the whole city)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format (default table)")
    p.add_argument(
        "--top",
        type=_positive,
        metavar="N",
        help=f"list at most N rows (default {TABLE_TOP} in tables, all in json and csv)",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write the output to FILE instead of stdout")
    p.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="report stages on stderr: auto (those longer than a second), always or never",
    )
    p.add_argument("--store", default=argparse.SUPPRESS, help="same as civicmesh --store (given after the command)")
    if by:
        p.add_argument("--by", choices=tuple(LEVELS), help="break down by this level (default: one level below)")
        p.add_argument(
            "--sort", choices=("id", "rate"), default="id", help="order of the breakdown: id, or rate (lowest first)"
        )
    if rows:
        p.add_argument(
            "--rows", choices=rows, default=rows[0], help=f"which rows --format csv writes (default {rows[0]})"
        )


def register(sub: Any) -> None:
    """Add ``analyze`` (with one sub-command per analysis) and ``report`` to the ``civicmesh`` parser."""
    a: argparse.ArgumentParser = sub.add_parser(
        "analyze",
        help="coverage, vanguard load, reach, expansion, structure, brokerage, coverage plan, appeals, workers, "
        "star ratings (assessment) and the monthly work (contact, registration, activities, points) of an area",
        description=(
            "Run one analysis on the store's graph, for the whole city or one --area, and print it as a table, "
            "JSON or CSV. Definitions: docs/design.md, 'Analytics definitions'."
        ),
    )
    analyses = a.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")

    p = analyses.add_parser("coverage", help="linkage coverage (1+10+N) of households and party members")
    _common(p, by=True)
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="also count households visited by their vanguard in the 31 days up to this date",
    )
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("load", help="vanguard load: linked members and households against the norms")
    _common(p)
    p.add_argument(
        "--members-norm",
        type=_norm("members_norm"),
        default=MEMBERS_NORM,
        help=f"linked members per vanguard (default {MEMBERS_NORM})",
    )
    p.add_argument(
        "--households-norm",
        type=_norm("households_norm"),
        default=HOUSEHOLDS_NORM,
        help=f"linked households, N (default {HOUSEHOLDS_NORM})",
    )
    p.add_argument(
        "--overload-factor",
        type=_norm("overload_factor", float),
        default=OVERLOAD_FACTOR,
        help=f"overloaded above this multiple (default {OVERLOAD_FACTOR:g})",
    )
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("uncovered", help="households no vanguard links, per grid and one by one")
    _common(p)
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("reach", help="households the alliance member units reach, per unit, resource and area")
    _common(p, by=True, rows=("breakdown", "units", "resources"))
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("expansion", help="the k joins or serves that would reach the most unreached households")
    _common(p)
    p.add_argument("--k", type=_positive, default=20, help="how many steps (default 20)")
    p.add_argument(
        "--resource",
        metavar="KIND",
        help="only units offering this resource kind (FUNDING, ELDERLY_CARE, ...); default any",
    )
    p.add_argument(
        "--actions", choices=("both", "join", "serve"), default="both", help="which actions to consider (default both)"
    )
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("structure", help="grids with a branch, buildings with a group, communities in an alliance")
    _common(p, rows=("grids", "stars", "gaps"))
    p.add_argument(
        "--grid-norm",
        type=_norm("grid_norm"),
        default=GRID_HOUSEHOLDS_NORM,
        help=f"households per grid (default {GRID_HOUSEHOLDS_NORM})",
    )
    p.add_argument(
        "--tolerance",
        type=_norm("tolerance", float),
        default=GRID_SIZE_TOLERANCE,
        help=f"relative deviation still normal (default {GRID_SIZE_TOLERANCE:g})",
    )
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser(
        "assessment",
        help="双强双优 star ratings in rounds: spread per street, rose or fell, disagreeing checks, overdue "
        "rectifications",
    )
    _common(p, rows=ASSESSMENT_ROWS)
    p.add_argument(
        "--round", type=_round, metavar="YYYY-N", help="the round to look at, e.g. 2026-2 (default: the latest)"
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the day rectifications are overdue against (default: the latest assessment's day)",
    )
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("brokerage", help="betweenness and articulation points of organizations and units")
    _common(p, rows=("brokers", "articulation"))
    p.add_argument(
        "--sample",
        type=_positive,
        default=256,
        help="betweenness from this many sampled sources (default 256; --exact for all)",
    )
    p.add_argument("--exact", action="store_true", help="exact betweenness (every source)")
    p.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("plan", help="assign uncovered households to vanguards with spare capacity")
    _common(p, rows=("assignments", "grids"))
    p.add_argument(
        "--households-norm",
        type=_norm("households_norm"),
        default=HOUSEHOLDS_NORM,
        help=f"N of 1+10+N (default {HOUSEHOLDS_NORM})",
    )
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser(
        "appeals",
        help="residents' appeals (接诉即办): response, resolution and satisfaction rates, overdue, hot spots, handlers",
    )
    _common(p, rows=APPEAL_ROWS)
    p.add_argument(
        "--from", dest="date_from", type=_date, required=True, metavar="YYYY-MM-DD", help="first day of the period"
    )
    p.add_argument(
        "--to", dest="date_to", type=_date, required=True, metavar="YYYY-MM-DD", help="last day of the period"
    )
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="the day the figures are taken on (default: --to)")
    p.add_argument("--by", choices=tuple(LEVELS), help="break down by this level (default: one level below)")
    p.add_argument(
        "--sort",
        choices=APPEAL_ORDERS,
        default=APPEAL_ORDERS[0],
        help="order of the breakdown, worst first: lowest rate of resolved (default), responded, on_time or "
        "satisfied; most overdue; or id",
    )
    p.add_argument(
        "--respond-within-days",
        type=int,
        default=RESPOND_WITHIN_DAYS,
        metavar="N",
        help=f"responded: accepted or rejected at most N days after the report (default {RESPOND_WITHIN_DAYS})",
    )
    p.set_defaults(run=run_analysis)

    register_work(analyses, _common, _date, run_analysis)

    p = analyses.add_parser(
        "workers",
        help="the people who work the grid: grids without a grid worker, instructor load, unguided property companies",
    )
    _common(p, rows=WORKER_ROWS)
    p.add_argument(
        "--instructor-norm",
        type=_norm("instructor_norm"),
        default=INSTRUCTOR_NORM,
        help=f"organizations an instructor guides (default {INSTRUCTOR_NORM})",
    )
    p.add_argument(
        "--overload-factor",
        type=_norm("overload_factor", float),
        default=OVERLOAD_FACTOR,
        help=f"overloaded above this multiple (default {OVERLOAD_FACTOR:g})",
    )
    p.set_defaults(run=run_analysis)

    r: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="write an HTML report (index.html with plots) and report.json for the city or an area",
        description=(
            "Write DIR/index.html, a self-contained report (plots inline, opens offline), and DIR/report.json "
            "with every figure in it."
        ),
    )
    r.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write index.html and report.json")
    r.add_argument("--area", metavar="ID", help="a street, community, grid or building id (default: the whole city)")
    r.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="date of the active-coverage month (default: the latest visit on record)",
    )
    r.add_argument("--resource", metavar="KIND", help="the resource kind whose expansion plan is detailed")
    r.add_argument("--png", action="store_true", help="also write each plot as DIR/plots/NAME.png")
    r.add_argument("--progress", choices=("auto", "always", "never"), default="auto", help="report stages on stderr")
    r.add_argument("--store", default=argparse.SUPPRESS, help="same as civicmesh --store (given after the command)")
    r.set_defaults(run=run_report)
