"""Activities (``analyze activities``): per organization and alliance and month, and the secretary projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, key_values, limit, mean, num

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace

ACTIVITY_ROWS: tuple[str, ...] = ("holders", "months", "projects")
"""``analyze activities --rows``: per organization or alliance, per month, or the secretary projects."""


def activities_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Activities held, households served, members taking part; secretary projects by stage and category."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        t0 = report.total
        parts = [
            key_values(
                f"Activities of {ws.scope()}, {report.date_from} to {report.date_to}",
                [
                    ("activities", num(t0.activities)),
                    ("by kind", ", ".join(f"{k} {num(v)}" for k, v in report.by_kind.items()) or "-"),
                    ("households served", f"{num(t0.households_served)} ({num(t0.residents_served)} residents)"),
                    ("party members taking part", num(t0.members_taking_part)),
                    ("alliance units taking part", num(t0.units_taking_part)),
                    (
                        "secretary projects (书记项目)",
                        ", ".join(f"{k} {num(v)}" for k, v in report.projects_by_stage.items())
                        + f"; mean resident review {mean(report.mean_review)}"
                        + f"; stalled {num(len(report.stalled_projects))}",
                    ),
                ],
            )
        ]
        t = Table("Per month", (("month", "<"), ("activities", ">"), ("households", ">"), ("members", ">")))
        t.rows = [
            [m.month, num(m.served.activities), num(m.served.households_served), num(m.served.members_taking_part)]
            for m in report.months
        ]
        parts.append(t.render())
        shown, more = limit(report.holders, n)
        t = Table(
            "Per organization and alliance (most activities first)",
            (
                ("holder", "<"),
                ("label", "<"),
                ("name", "<"),
                ("activities", ">"),
                ("households", ">"),
                ("members", ">"),
            ),
            more=more,
        )
        t.rows = [
            [
                h.holder,
                h.label,
                h.name or "",
                num(h.served.activities),
                num(h.served.households_served),
                num(h.served.members_taking_part),
            ]
            for h in shown
        ]
        parts.append(t.render())
        t = Table(
            "Secretary projects by category",
            (("category", "<"), ("projects", ">"), ("by stage", "<"), ("reviewed", ">"), ("mean review", ">")),
        )
        t.rows = [
            [
                c.category,
                num(c.projects),
                ", ".join(f"{k} {v}" for k, v in c.by_stage.items()),
                num(c.reviewed),
                mean(c.mean_review),
            ]
            for c in report.projects_by_category
        ]
        parts.append(t.render())
        shown, more = limit([p for p in report.projects if p.stalled], n)
        t = Table(
            "Stalled projects (still proposed or led, long past)",
            (("project", "<"), ("title", "<"), ("stage", "<"), ("since", "<"), ("days", ">"), ("led by", "<")),
            more=more,
        )
        t.rows = [
            [p.project, p.title or "", p.stage, p.since or "", num(p.days_in_stage), p.led_by or ""] for p in shown
        ]
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(report.to_dict(), ("holders", "projects"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "months":
            header = ["month", "activities", "households_served", "residents_served", "members_taking_part"]
            return header, [
                [
                    m.month,
                    m.served.activities,
                    m.served.households_served,
                    m.served.residents_served,
                    m.served.members_taking_part,
                ]
                for m in report.months
            ]
        if rows_kind == "projects":
            header = [
                "project",
                "title",
                "category",
                "stage",
                "since",
                "days_in_stage",
                "stalled",
                "review_score",
                "led_by",
                "events",
            ]
            return header, [
                [
                    p.project,
                    p.title,
                    p.category,
                    p.stage,
                    p.since,
                    p.days_in_stage,
                    p.stalled,
                    p.review_score,
                    p.led_by,
                    p.events,
                ]
                for p in limit(report.projects, top)[0]
            ]
        header = [
            "holder",
            "label",
            "name",
            "activities",
            "households_served",
            "residents_served",
            "members_taking_part",
        ]
        return header, [
            [
                h.holder,
                h.label,
                h.name,
                h.served.activities,
                h.served.households_served,
                h.served.residents_served,
                h.served.members_taking_part,
            ]
            for h in limit(report.holders, top)[0]
        ]

    return Output(table, as_json, as_csv)
