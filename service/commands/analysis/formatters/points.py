"""Points (``analyze points``): per member and month, and leaderboards per branch with their sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, key_values, limit, num

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace

POINTS_ROWS: tuple[str, ...] = ("members", "branches", "months")
"""``analyze points --rows``: per member and month, per branch, per month."""


def _sources(by_source: dict[str, int]) -> str:
    return ", ".join(f"{k} {num(v)}" for k, v in sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0])))


def points_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Points (积分): totals, per month, leaderboards per branch."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        parts = [
            key_values(
                f"Points (积分) of the party members of {ws.scope()}, {report.date_from} to {report.date_to}",
                [
                    ("points", num(report.points)),
                    ("members with points", num(report.members)),
                    ("by source", _sources(report.by_source) or "-"),
                    ("by month", ", ".join(f"{k} {num(v)}" for k, v in report.by_month.items()) or "-"),
                ],
            )
        ]
        shown, more = limit(report.branches, n)
        t = Table(
            "Leaderboards per branch (most points first; members by id, no names)",
            (("branch", "<"), ("name", "<"), ("members", ">"), ("points", ">"), ("leaders", "<"), ("sources", "<")),
            more=more,
        )
        t.max_width = 60
        t.rows = [
            [
                b.branch or "(none)",
                b.name or "",
                num(b.members),
                num(b.points),
                ", ".join(f"{m.member} {m.points}" for m in b.leaders[:3]),
                _sources(b.by_source),
            ]
            for b in shown
        ]
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(report.to_dict(), ("branches", "members_detail"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "branches":
            header = ["branch", "name", "members", "points", "rank", "member", "member_points", "sources"]
            return header, [
                [b.branch, b.name, b.members, b.points, i + 1, m.member, m.points, _sources(m.by_source)]
                for b in limit(report.branches, top)[0]
                for i, m in enumerate(b.leaders)
            ]
        if rows_kind == "months":
            return ["month", "points"], [[k, v] for k, v in report.by_month.items()]
        header = ["member", "branch", "month", "points"]
        return header, [
            [m.member, m.branch, month, pts]
            for m in limit(report.members_detail, top)[0]
            for month, pts in m.by_month.items()
        ]

    return Output(table, as_json, as_csv)
