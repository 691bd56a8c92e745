"""Uncovered households (``analyze uncovered``): how many per grid, then the households."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, limit, num, pct

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def uncovered_output(ws: Workspace, report: Any, coverage_report: Any) -> Output:
    """Uncovered households: how many per grid, then the households themselves."""
    per_grid = sorted(
        (r for r in coverage_report.breakdown if r.households.total > r.households.covered),
        key=lambda r: (-(r.households.total - r.households.covered), r.area),
    )

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        head = f"Households no vanguard links in {ws.scope()}: {num(report.total)}"
        parts = [head]
        if coverage_report.by is not None:
            shown, more = limit(per_grid, n)
            t = Table(
                f"Uncovered households per {coverage_report.by.lower()} (most first)",
                (
                    (coverage_report.by.lower(), "<"),
                    ("name", "<"),
                    ("households", ">"),
                    ("uncovered", ">"),
                    ("share", ">"),
                ),
                more=more,
            )
            for r in shown:
                gap = r.households.total - r.households.covered
                t.rows.append(
                    [
                        r.area,
                        r.name or "",
                        num(r.households.total),
                        num(gap),
                        pct(gap / r.households.total if r.households.total else None),
                    ]
                )
            parts.append(t.render())
        shown, more = limit(report.households, n)
        t = Table(
            "Uncovered households (by grid, building, id)",
            (("household", "<"), ("building", "<"), ("grid", "<"), ("size", ">"), ("tags", "<")),
            more=more + (report.total - len(report.households)),
        )
        for h in shown:
            t.rows.append([h.id, h.building or "", h.grid or "", num(h.size), ";".join(h.tags)])
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(report.to_dict(), ("households",), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        rows = [[h.id, h.building, h.grid, h.size, ";".join(h.tags)] for h in limit(report.households, top)[0]]
        return ["household", "building", "grid", "size", "tags"], rows

    return Output(table, as_json, as_csv)
