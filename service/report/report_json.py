"""``report.json``: every figure of the report, JSON-ready."""

from __future__ import annotations

from typing import Any

from service.report.findings import EXPANSION_K, Findings, slowest_handlers, summary
from service.report.work import work_json


def report_json(f: Findings, meta: dict[str, Any]) -> dict[str, Any]:
    """Every figure of the report, JSON-ready."""
    plan = f.plan.to_dict()
    plan["unassigned_count"] = len(plan.pop("unassigned"))
    per_area = [
        {
            "area": r.area,
            "name": r.name,
            "households": r.households.total,
            "uncovered": r.households.total - r.households.covered,
        }
        for r in f.coverage.breakdown
    ]
    return {
        "meta": meta,
        "summary": {k: raw for k, _, raw in summary(f)},
        "coverage": f.coverage.to_dict(),
        "vanguard_load": f.load.to_dict(),
        "vanguard_homes": {v: {"grid": g or None, "building": b or None} for v, (g, b) in f.member_grid.items()},
        "uncovered": {"total": f.uncovered_total, "by": f.coverage.by, "per_area": per_area},
        "reach": f.reach.to_dict(),
        "expansion": {
            "k": EXPANSION_K,
            "detailed": f.detailed,
            "plans": {kind: p.to_dict() for kind, p in f.expansions.items()},
        },
        "structure": f.structure.to_dict(),
        "grid_sizes": f.grids,
        "brokerage": None if f.brokerage is None else f.brokerage.to_dict(),
        "plan": plan,
        "plan_by_grid": f.plan_grids,
        "appeals": None if f.appeals is None else f.appeals.to_dict(),
        "appeals_by_street": None if f.appeals_by_street is None else f.appeals_by_street.to_dict()["breakdown"],
        "slowest_handlers": [] if f.appeals is None else [h.to_dict() for h in slowest_handlers(f.appeals)],
        "work": work_json(f.work),
        "workers": None if f.workers is None else f.workers.to_dict(),
        "assessment": None if f.assessment is None else f.assessment.to_dict(),
    }
