"""Computing the monthly-work analyses for ``civicmesh analyze contact|registration|activities|points``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from loaders.progress import step
from service.commands.analysis.formatters import (
    Output,
    activities_output,
    contact_output,
    points_output,
    registration_output,
)
from service.commands.analysis.rules import check_by, check_period

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace

WORK_ANALYSES: tuple[str, ...] = ("contact", "registration", "activities", "points")


def compute_work(name: str, ws: Workspace, args: argparse.Namespace) -> Output:
    """Run monthly-work analysis ``name`` on the workspace and wrap its result for printing."""
    import analytics as A

    date_from, date_to, _ = check_period(args.date_from, args.date_to, None)
    with step(ws.progress, "reading the activities, visits, registrations and points"):
        work = ws.session.work
    period: dict[str, Any] = {"date_from": date_from, "date_to": date_to, "index": ws.index, "work": work}
    if name == "contact":
        report = A.monthly_contact(ws.G, ws.area, by=check_by(ws, args.by), linkage=ws.linkage, **period)
        return contact_output(ws, report, args.rows)
    if name == "registration":
        reg = A.registration(ws.G, ws.area, **period)
        plan = None
        if args.plan:
            with step(ws.progress, "solving the coverage plan with and without the candidates"):
                plan = A.registration_plan(
                    ws.G, ws.area, candidate_capacity=args.candidate_capacity, linkage=ws.linkage, **period
                )
        return registration_output(ws, reg, plan, args.rows)
    if name == "activities":
        acts = A.activity_stats(ws.G, ws.area, stalled_after_days=args.stalled_after_days, **period)
        return activities_output(ws, acts, args.rows)
    if name == "points":
        # the members' rows are printed in json and csv only, at most --top of them
        shown = 0 if args.format == "table" else args.top
        pts = A.points_stats(ws.G, ws.area, top=args.leaders, members_limit=shown, **period)
        return points_output(ws, pts, args.rows)
    raise AssertionError(name)
