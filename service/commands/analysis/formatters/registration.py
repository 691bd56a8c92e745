"""Registration (``analyze registration``): in-service members who reported home (三报到) and served there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, key_values, limit, num, pct

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace

REGISTRATION_ROWS: tuple[str, ...] = ("communities", "units", "unregistered", "candidates")
"""``analyze registration --rows``: per community, per workplace unit, the unregistered, the plan's candidates."""


def _share(n: int, rate: float | None) -> str:
    return f"{num(n)} ({pct(rate)})"


def registration_output(ws: Workspace, report: Any, plan: Any | None, rows_kind: str) -> Output:
    """三报到: in service, reported, served; per community and unit; the unregistered; the plan option."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        pairs = [
            ("in service (在职党员 living here)", num(report.in_service)),
            ("reported home (报到)", f"{_share(report.reported.count, report.reported.rate)} of those in service"),
            ("served (服务)", f"{_share(report.served.count, report.served.rate)} of those reported"),
        ]
        if plan is not None:
            pairs.append(
                (
                    "candidate vanguards",
                    f"{num(len(plan.candidates))} registered members who served, at {plan.candidate_capacity} "
                    f"households each: the coverage plan covers {num(plan.extra_households)} more households "
                    f"({num(plan.without.after.covered)} -> {num(plan.with_candidates.after.covered)} of "
                    f"{num(plan.without.after.total)})",
                )
            )
        parts = [
            key_values(
                f"Registration (三报到) of the in-service members of {ws.scope()}, {report.date_from} to "
                f"{report.date_to}",
                pairs,
            )
        ]
        shown, more = limit(report.communities, n)
        t = Table(
            "Per community",
            (("community", "<"), ("name", "<"), ("in service", ">"), ("reported", ">"), ("served", ">")),
            more=more,
        )
        t.rows = [
            [c.community, c.name or "", num(c.in_service), pct(c.reported.rate), pct(c.served.rate)] for c in shown
        ]
        parts.append(t.render())
        shown, more = limit(report.units, n)
        t = Table(
            "Per workplace unit (lowest share reported first)",
            (("unit", "<"), ("kind", "<"), ("name", "<"), ("in service", ">"), ("reported", ">")),
            more=more,
        )
        t.rows = [[u.unit or "", u.kind, u.name or "", num(u.in_service), pct(u.reported.rate)] for u in shown]
        parts.append(t.render())
        shown, more = limit(report.unregistered, n)
        t = Table(
            "Not reported home",
            (("member", "<"), ("building", "<"), ("community", "<"), ("unit", "<"), ("reported elsewhere", "<")),
            more=more,
        )
        t.rows = [
            [u.member, u.building or "", u.community or "", u.unit or "", "yes" if u.reported_elsewhere else "no"]
            for u in shown
        ]
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        data = truncate(report.to_dict(), ("communities", "units", "unregistered"), top)
        if plan is not None:
            data["plan"] = {
                "candidate_capacity": plan.candidate_capacity,
                "candidates": list(plan.candidates[:top] if top is not None else plan.candidates),
                "candidates_used": plan.candidates_used,
                "covered_before": plan.without.before.covered,
                "covered_without_candidates": plan.without.after.covered,
                "covered_with_candidates": plan.with_candidates.after.covered,
                "households": plan.without.after.total,
                "extra_households": plan.extra_households,
            }
        return data

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "units":
            header = ["unit", "kind", "name", "in_service", "reported", "reported_rate"]
            return header, [
                [u.unit, u.kind, u.name, u.in_service, u.reported.count, u.reported.rate]
                for u in limit(report.units, top)[0]
            ]
        if rows_kind == "unregistered":
            header = ["member", "building", "community", "unit", "reported_elsewhere"]
            return header, [
                [u.member, u.building, u.community, u.unit, u.reported_elsewhere]
                for u in limit(report.unregistered, top)[0]
            ]
        if rows_kind == "candidates":
            used: dict[str, int] = {}
            if plan is not None:
                for a in plan.with_candidates.assignments:
                    used[a.vanguard] = used.get(a.vanguard, 0) + 1
            cands = plan.candidates if plan is not None else ()
            return ["member", "households_assigned"], [[c, used.get(c, 0)] for c in limit(cands, top)[0]]
        header = ["community", "name", "in_service", "reported", "reported_rate", "served", "served_rate"]
        return header, [
            [c.community, c.name, c.in_service, c.reported.count, c.reported.rate, c.served.count, c.served.rate]
            for c in limit(report.communities, top)[0]
        ]

    return Output(table, as_json, as_csv)
