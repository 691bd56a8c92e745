"""Brokerage (``analyze brokerage``): the top brokers and the articulation points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP, plural
from service.formatting import Table, limit, num

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def brokerage_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Brokerage: top brokers by betweenness and the articulation points."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        sample = "exact" if report.k is None else f"sampled from {report.k} sources, seed {report.seed}"
        head = (
            f"Brokerage (organization graph of {ws.scope()}: {num(report.nodes)} nodes, {num(report.edges)} edges, "
            f"{num(report.components)} {plural('component', report.components)}; betweenness {sample})"
        )
        t = Table("Top brokers", (("id", "<"), ("label", "<"), ("name", "<"), ("betweenness", ">"), ("degree", ">")))
        t.rows = [[b.id, b.label, b.name or "", f"{b.betweenness:.4f}", num(b.degree)] for b in report.brokers]
        shown, more = limit(report.articulation_points, n)
        a = Table(
            "Articulation points (their removal splits the structure)",
            (
                ("id", "<"),
                ("label", "<"),
                ("name", "<"),
                ("pieces", ">"),
                ("households cut off", ">"),
                ("households unreached", ">"),
            ),
            more=more,
        )
        a.rows = [
            [p.id, p.label, p.name or "", num(p.pieces), num(p.households_disconnected), num(p.households_unreached)]
            for p in shown
        ]
        return "\n\n".join([head, t.render(), a.render()])

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(report.to_dict(), ("articulation_points",), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "articulation":
            return ["id", "label", "name", "pieces", "households_disconnected", "households_unreached"], [
                [p.id, p.label, p.name, p.pieces, p.households_disconnected, p.households_unreached]
                for p in limit(report.articulation_points, top)[0]
            ]
        return ["id", "label", "name", "betweenness", "degree"], [
            [b.id, b.label, b.name, b.betweenness, b.degree] for b in report.brokers
        ]

    return Output(table, as_json, as_csv)
