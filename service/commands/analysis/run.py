"""Running ``civicmesh analyze NAME`` and ``civicmesh report``: read, compute, print."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from loaders.progress import StageTicker, step
from service.commands.analysis.formatters import (
    Output,
    appeals_output,
    assessment_output,
    brokerage_output,
    coverage_output,
    expansion_output,
    load_output,
    plan_output,
    reach_output,
    structure_output,
    uncovered_output,
    workers_output,
)
from service.commands.analysis.rules import (
    ACTIONS,
    check_brokerage_area,
    check_by,
    check_period,
    check_resource,
    uncovered_breakdown,
)
from service.commands.analysis.vocabulary import ANALYSES, PROJECTIONS, StoreError, UsageError
from service.commands.analysis.work_run import WORK_ANALYSES, compute_work
from service.commands.analysis.workspace import Workspace, _where, open_workspace
from service.formatting import csv_text
from service.settings import Settings


def _err(message: str) -> None:
    print(f"civicmesh: {message}", file=sys.stderr)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8", newline="")
    _err(f"wrote {out}")


def compute(name: str, ws: Workspace, args: argparse.Namespace) -> Output:
    """Run analysis ``name`` on the workspace and wrap its result for printing."""
    import analytics as A

    area = ws.area
    if name == "coverage":
        report = A.coverage(ws.G, area, as_of=args.as_of, by=check_by(ws, args.by), index=ws.index, linkage=ws.linkage)
        return coverage_output(ws, report, args.sort)
    if name == "load":
        load = A.vanguard_load(
            ws.G,
            area,
            members_norm=args.members_norm,
            households_norm=args.households_norm,
            overload_factor=args.overload_factor,
            include_all=True,
            index=ws.index,
            linkage=ws.linkage,
        )
        return load_output(ws, load)
    if name == "uncovered":
        unc = A.uncovered_households(ws.G, area, index=ws.index, linkage=ws.linkage)
        by = uncovered_breakdown(ws)
        cov = A.coverage(ws.G, area, by=by, breakdown=by is not None, index=ws.index, linkage=ws.linkage)
        return uncovered_output(ws, unc, cov)
    if name == "reach":
        rep = A.reach(ws.G, area, by=check_by(ws, args.by), index=ws.index, model=ws.model)
        return reach_output(ws, rep, args.rows, args.sort)
    if name == "expansion":
        actions = ACTIONS[args.actions]
        expansion = A.expansion_plan(
            ws.G,
            args.k,
            area=area,
            resource=check_resource(args.resource),
            actions=actions,
            index=ws.index,
            model=ws.model,
        )
        return expansion_output(ws, expansion)
    if name == "structure":
        st = A.structure(ws.G, area, grid_norm=args.grid_norm, tolerance=args.tolerance, index=ws.index)
        return structure_output(ws, st, args.rows)
    if name == "brokerage":
        check_brokerage_area(ws)
        k = None if args.exact else args.sample
        top = args.top if args.top is not None else 10
        with step(ws.progress, "computing betweenness and articulation points"):
            br = A.brokerage(ws.G, area, top=top, k=k, seed=args.seed, index=ws.index, model=ws.model)
        return brokerage_output(ws, br, args.rows)
    if name == "plan":
        with step(ws.progress, "solving the assignment (min-cost flow per grid)"):
            plan = A.coverage_plan(ws.G, area, households_norm=args.households_norm, index=ws.index, linkage=ws.linkage)
        by_grid = [r.to_dict() for r in plan.grids] if ws.area_label != "Building" else None
        return plan_output(ws, plan, by_grid, args.rows)
    if name == "appeals":
        date_from, date_to, as_of = check_period(args.date_from, args.date_to, args.as_of)
        with step(ws.progress, "reading the appeals"):
            appeals = ws.session.appeals
        stats = A.appeal_stats(
            ws.G,
            area,
            date_from=date_from,
            date_to=date_to,
            as_of=as_of,
            by=check_by(ws, args.by),
            order=args.sort,
            respond_within_days=args.respond_within_days,
            index=ws.index,
            appeals=appeals,
            model=ws.model,
        )
        return appeals_output(ws, stats, args.rows)
    if name in WORK_ANALYSES:
        return compute_work(name, ws, args)
    if name == "workers":
        workers = A.workers_report(
            ws.G,
            area,
            instructor_norm=args.instructor_norm,
            overload_factor=args.overload_factor,
            include_all=True,
            index=ws.index,
        )
        return workers_output(ws, workers, args.rows)
    if name == "assessment":
        from analytics.assessment import assessment_report

        ratings = assessment_report(ws.G, area, round=args.round, as_of=args.as_of, index=ws.index)
        return assessment_output(ws, ratings, args.rows)
    raise AssertionError(name)


def render(output: Output, fmt: str, top: int | None) -> str:
    """The text of ``output`` in ``fmt``."""
    if fmt == "json":
        return json.dumps(output.json(top), ensure_ascii=False, indent=2)
    if fmt == "csv":
        header, rows = output.csv(top)
        return csv_text(header, rows)
    return output.table(top)


def run_analysis(args: argparse.Namespace, settings: Settings) -> int:
    """``civicmesh analyze NAME``."""
    name: str = args.analysis
    progress = StageTicker(args.progress)
    try:
        ws = open_workspace(settings, args.area, progress, PROJECTIONS[ANALYSES[name]])
        with step(progress, f"computing {name}"):
            output = compute(name, ws, args)
            text = render(output, args.format, args.top)
    except UsageError as exc:
        _err(str(exc))
        return 2
    except StoreError as exc:
        _err(str(exc))
        return 1
    _emit(text, args.out)
    return 0


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    """``civicmesh report --out DIR``."""
    from service.report import build_report, latest_visit

    progress = StageTicker(args.progress)
    try:
        resource = check_resource(args.resource)
        ws = open_workspace(settings, args.area, progress)
        as_of = args.as_of
        as_of_source = "given"
        if as_of is None:
            as_of = latest_visit(ws.G)
            as_of_source = "latest visit on record"
            if as_of is None:
                as_of = dt.date.today()
                as_of_source = "today (no visits on record)"
        files = build_report(
            ws.G,
            out_dir=args.out,
            area=ws.area,
            as_of=as_of,
            as_of_source=as_of_source,
            store=_where(settings),
            resource=resource,
            png=args.png,
            progress=progress,
            session=ws.session,
        )
    except UsageError as exc:
        _err(str(exc))
        return 2
    except StoreError as exc:
        _err(str(exc))
        return 1
    for path in files:
        _err(f"wrote {path}")
    return 0
