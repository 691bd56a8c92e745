"""Linkage coverage (``analyze coverage``): the summary, active coverage, the breakdown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, limit, num, pct

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def coverage_output(ws: Workspace, report: Any, sort: str) -> Output:
    """Coverage: summary, active coverage, breakdown rows."""
    rows = list(report.breakdown)
    if sort == "rate":
        rows.sort(key=lambda r: (r.households.rate if r.households.rate is not None else 2.0, r.area))
    active = report.active

    def table(top: int | None) -> str:
        title = f"Linkage coverage (党员联户) of {ws.scope()}"
        summary = Table(
            title,
            (("", "<"), ("total", ">"), ("covered", ">"), ("rate", ">")),
            [
                [
                    "households",
                    num(report.households.total),
                    num(report.households.covered),
                    pct(report.households.rate),
                ],
                [
                    "party members (non-vanguard)",
                    num(report.members.total),
                    num(report.members.covered),
                    pct(report.members.rate),
                ],
            ],
        )
        if active is not None:
            summary.rows.append(
                [
                    "households visited in the month",
                    num(report.households.total),
                    num(active.households),
                    pct(active.rate),
                ]
            )
        parts = [summary.render()]
        if active is not None:
            parts[0] += (
                f"\nactive: covered and visited by their vanguard {active.window_start} … {active.as_of}: "
                f"{num(active.households)} households, {pct(active.share_of_covered)} of the covered"
            )
        if report.by is not None:
            shown, more = limit(rows, TABLE_TOP if top is None else top)
            cols: list[tuple[str, str]] = [
                (report.by.lower(), "<"),
                ("name", "<"),
                ("households", ">"),
                ("covered", ">"),
                ("rate", ">"),
                ("members", ">"),
                ("covered", ">"),
                ("rate", ">"),
            ]
            if active is not None:
                cols += [("active", ">"), ("rate", ">")]
            t = Table(
                f"By {report.by.lower()}" + (" (lowest household rate first)" if sort == "rate" else ""),
                cols,
                more=more,
            )
            for r in shown:
                row = [
                    r.area,
                    r.name or "",
                    num(r.households.total),
                    num(r.households.covered),
                    pct(r.households.rate),
                    num(r.members.total),
                    num(r.members.covered),
                    pct(r.members.rate),
                ]
                if active is not None and r.active is not None:
                    row += [num(r.active.households), pct(r.active.rate)]
                t.rows.append(row)
            parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        data: dict[str, Any] = report.to_dict()
        if sort == "rate":
            data["breakdown"] = [r.to_dict() for r in rows]
        return truncate(data, ("breakdown",), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        header = [
            "area",
            "label",
            "name",
            "households_total",
            "households_covered",
            "households_rate",
            "members_total",
            "members_covered",
            "members_rate",
        ]
        if active is not None:
            header += ["active_households", "active_rate", "active_share_of_covered"]
        out: list[list[Any]] = []
        for r in limit(rows, top)[0]:
            row = [
                r.area,
                r.label,
                r.name,
                r.households.total,
                r.households.covered,
                r.households.rate,
                r.members.total,
                r.members.covered,
                r.members.rate,
            ]
            if active is not None and r.active is not None:
                row += [r.active.households, r.active.rate, r.active.share_of_covered]
            out.append(row)
        return header, out

    return Output(table, as_json, as_csv)
