"""双强双优 star ratings in rounds (``analyze assessment``): spread, changes, disagreements, overdue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph_schema import ENUM_ZH
from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, limit, num

if TYPE_CHECKING:
    from analytics.assessment import AssessmentReport
    from service.commands.analysis.workspace import Workspace

ASSESSMENT_ROWS: tuple[str, ...] = ("spread", "changes", "disagreements", "overdue")
"""``analyze assessment --rows``: which rows ``--format csv`` writes."""

RESULTS: tuple[str, ...] = ("DEMONSTRATION", "EXCELLENT", "QUALIFIED", "UNQUALIFIED", "unassessed")
_ZH = {**ENUM_ZH["Star"], "unassessed": "未评"}


def result_label(result: str) -> str:
    """A result with its Chinese term, as the tables show it.

    >>> result_label("UNQUALIFIED"), result_label("unassessed")
    ('UNQUALIFIED 不合格', 'unassessed 未评')
    """
    return f"{result} {_ZH.get(result, '')}".strip()


def assessment_output(ws: Workspace, report: AssessmentReport, rows_kind: str) -> Output:
    """The star ratings of the branches of an area in a round, and how they changed."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        head = Table(
            f"双强双优 star ratings of {ws.scope()}, round {report.round or '-'} (rounds: "
            f"{', '.join(report.rounds) or 'none'})",
            (("", "<"), ("count", ">")),
        )
        head.rows = [
            ["branches", num(report.branches)],
            [f"assessed in {report.round or '-'}", num(report.assessed)],
            ["rose since the round before", num(len(report.rose))],
            ["fell since the round before", num(len(report.fell))],
            ["cross/spot checks disagreeing with the self-check", num(len(report.disagreements))],
            [f"rectifications overdue as of {report.as_of or '-'}", num(len(report.overdue))],
        ]
        parts = [head.render()]
        s = Table(
            "Final results per street and round",
            (("street", "<"), ("name", "<"), ("round", "<"), *((result_label(r), ">") for r in RESULTS)),
        )
        s.rows = [
            [x.street or "-", x.name or "", x.round, *(num(x.counts.get(r, 0)) for r in RESULTS)] for x in report.spread
        ]
        parts.append(s.render())
        shown, more = limit(report.disagreements, n)
        d = Table(
            "Checks that disagree with the self-check (largest first)",
            (
                ("branch", "<"),
                ("name", "<"),
                ("check", "<"),
                ("on", "<"),
                ("self", "<"),
                ("check said", "<"),
                ("levels", ">"),
            ),
            more=more,
        )
        d.rows = [[x.branch, x.name or "", x.kind, x.on, x.self_result, x.result, f"{x.levels:+d}"] for x in shown]
        parts.append(d.render())
        shown, more = limit(report.overdue, n)
        o = Table(
            "Rectifications overdue (限期整改, most overdue first)",
            (("branch", "<"), ("name", "<"), ("round", "<"), ("rectify by", "<"), ("days over", ">")),
            more=more,
        )
        o.rows = [[x.branch, x.name or "", x.round, x.rectify_by, num(x.days_overdue)] for x in shown]
        parts.append(o.render())
        for title, changes in (("Branches that rose", report.rose), ("Branches that fell", report.fell)):
            shown, more = limit(changes, n)
            c = Table(
                f"{title} ({report.round} against the round before)",
                (("branch", "<"), ("name", "<"), ("before", "<"), ("now", "<"), ("levels", ">")),
                more=more,
            )
            c.rows = [
                [x.branch, x.name or "", f"{x.before} ({x.before_round})", x.after, f"{x.levels:+d}"] for x in shown
            ]
            parts.append(c.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(report.to_dict(), ("rose", "fell", "disagreements", "overdue"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "changes":
            changes = [*report.rose, *report.fell]
            return ["branch", "name", "street", "before_round", "before", "after", "levels"], [
                [c.branch, c.name, c.street, c.before_round, c.before, c.after, c.levels]
                for c in limit(changes, top)[0]
            ]
        if rows_kind == "disagreements":
            return ["branch", "name", "assessment", "kind", "on", "self_result", "result", "levels"], [
                [d.branch, d.name, d.assessment, d.kind, d.on, d.self_result, d.result, d.levels]
                for d in limit(report.disagreements, top)[0]
            ]
        if rows_kind == "overdue":
            return ["branch", "name", "street", "assessment", "round", "rectify_by", "days_overdue"], [
                [o.branch, o.name, o.street, o.assessment, o.round, o.rectify_by, o.days_overdue]
                for o in limit(report.overdue, top)[0]
            ]
        return ["street", "name", "round", "branches", *RESULTS], [
            [x.street, x.name, x.round, x.branches, *(x.counts.get(r, 0) for r in RESULTS)]
            for x in limit(report.spread, top)[0]
        ]

    return Output(table, as_json, as_csv)
