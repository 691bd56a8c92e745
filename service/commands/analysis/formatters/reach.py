"""Alliance resource reach (``analyze reach``): overall, per resource kind, per unit, per area."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, limit, num, pct

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def reach_output(ws: Workspace, report: Any, rows_kind: str, sort: str) -> Output:
    """Reach: overall, per resource kind, per unit, per area below."""
    breakdown = list(report.breakdown)
    if sort == "rate":
        breakdown.sort(key=lambda r: (r.households.rate if r.households.rate is not None else 2.0, r.area))
    kinds = [r.resource for r in report.resources]

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        h = report.households
        parts = [
            f"Alliance resource reach (党建联盟资源覆盖) in {ws.scope()}: {num(h.reached)} of {num(h.total)} "
            f"households reached by some member unit ({pct(h.rate)})"
        ]
        t = Table(
            "Per resource kind",
            (("resource", "<"), ("units", ">"), ("households", ">"), ("rate", ">"), ("unreached", ">")),
        )
        for r in report.resources:
            t.rows.append(
                [
                    r.resource,
                    num(r.units),
                    num(r.households.reached),
                    pct(r.households.rate),
                    num(r.households.total - r.households.reached),
                ]
            )
        parts.append(t.render())
        shown, more = limit(report.units, n)
        t = Table(
            "Member units (most households reached first)",
            (("unit", "<"), ("name", "<"), ("kind", "<"), ("resources", "<"), ("households", ">")),
            more=more,
        )
        for u in shown:
            t.rows.append([u.id, u.name or "", u.kind or "", ",".join(u.resources), num(u.households)])
        parts.append(t.render())
        if report.by is not None:
            shown, more = limit(breakdown, n)
            t = Table(
                f"By {report.by.lower()}",
                ((report.by.lower(), "<"), ("name", "<"), ("households", ">"), ("reached", ">"), ("rate", ">")),
                more=more,
            )
            for r in shown:
                t.rows.append(
                    [r.area, r.name or "", num(r.households.total), num(r.households.reached), pct(r.households.rate)]
                )
            parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        data: dict[str, Any] = report.to_dict()
        if sort == "rate":
            data["breakdown"] = [r.to_dict() for r in breakdown]
        return truncate(data, ("units", "breakdown"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "units":
            return ["unit", "name", "kind", "resources", "households"], [
                [u.id, u.name, u.kind, ";".join(u.resources), u.households] for u in limit(report.units, top)[0]
            ]
        if rows_kind == "resources":
            return ["resource", "units", "households_total", "households_reached", "rate"], [
                [r.resource, r.units, r.households.total, r.households.reached, r.households.rate]
                for r in limit(report.resources, top)[0]
            ]
        header = ["area", "label", "name", "households_total", "households_reached", "rate", *kinds]
        return header, [
            [
                r.area,
                r.label,
                r.name,
                r.households.total,
                r.households.reached,
                r.households.rate,
                *(r.resources.get(k, 0) for k in kinds),
            ]
            for r in limit(breakdown, top)[0]
        ]

    return Output(table, as_json, as_csv)
