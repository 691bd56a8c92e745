"""Residents' appeals (``analyze appeals``): the 接诉即办 rates, the breakdown, trend, hot spots, handlers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, limit, num, pct
from service.table_rows import (
    AREA_FIGURES,
    HANDLER_COLUMNS,
    area_figures,
    days,
    handler_row,
    hot_spot_row,
    text_columns,
    unit_reach_row,
)

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace

APPEAL_ROWS = ("breakdown", "trend", "handlers", "hot-spots", "units")
"""What ``--format csv --rows`` can write."""

_AREA_HEADER = [
    "received",
    "responded",
    "responded_rate",
    "resolved",
    "resolved_rate",
    "on_time",
    "on_time_rate",
    "satisfied",
    "reviewed",
    "satisfied_rate",
    "overdue",
    "open",
    "with_vanguard_help",
]


def _figures(r: Any) -> list[Any]:
    return [
        r.received,
        r.responded.count,
        r.responded.rate,
        r.resolved.count,
        r.resolved.rate,
        r.on_time.count,
        r.on_time.rate,
        r.satisfied.count,
        r.satisfied.reviewed,
        r.satisfied.rate,
        r.overdue,
        r.open,
        r.with_vanguard_help,
    ]


def appeals_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Appeals: the rates, then the breakdown (worst first), trend, hot spots, handlers and units."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        r = report
        head = f"Residents' appeals (接诉即办) of {ws.scope()}, reported {r.date_from} … {r.date_to}, as of {r.as_of}"
        summary = Table(head, (("", "<"), ("count", ">"), ("rate", ">")))
        summary.rows += [
            ["received", num(r.received), ""],
            [
                f"responded within {r.respond_within_days} day(s) (响应率)",
                num(r.responded.count),
                pct(r.responded.rate),
            ],
            ["resolved (解决率)", num(r.resolved.count), pct(r.resolved.rate)],
            ["resolved on time", num(r.on_time.count), pct(r.on_time.rate)],
            [
                f"satisfied of {num(r.satisfied.reviewed)} reviewed (满意率)",
                num(r.satisfied.count),
                pct(r.satisfied.rate),
            ],
            ["resolved with a vanguard's help", num(r.with_vanguard_help), ""],
            ["open now", num(r.open), ""],
            ["overdue (any report date)", num(r.overdue), ""],
        ]
        parts = [summary.render()]
        if r.by is not None:
            shown, more = limit(r.breakdown, n)
            t = Table(
                f"By {r.by.lower()} (worst first: {r.order.replace('_', ' ')})",
                ((r.by.lower(), "<"), ("name", "<"), *((h, ">") for h in AREA_FIGURES)),
                more=more,
            )
            t.rows += [[row.area, row.name or "", *area_figures(row)] for row in shown]
            parts.append(t.render())
        t = Table(
            "Month by month",
            (
                ("month", "<"),
                ("received", ">"),
                ("responded", ">"),
                ("resolved", ">"),
                ("on time", ">"),
                ("satisfied", ">"),
            ),
        )
        for m in r.trend:
            t.rows.append(
                [
                    m.month,
                    num(m.received),
                    pct(m.responded.rate),
                    pct(m.resolved.rate),
                    pct(m.on_time.rate),
                    pct(m.satisfied.rate),
                ]
            )
        parts.append(t.render())
        t = Table(
            "Days to resolve (median, p90)",
            (("by", "<"), ("group", "<"), ("received", ">"), ("resolved", ">"), ("median", ">"), ("p90", ">")),
        )
        ttr = r.time_to_resolve
        for by, group in (
            ("", [ttr["overall"]]),
            ("category", ttr["by_category"]),
            ("handler", ttr["by_handler_kind"]),
        ):
            for g in group:
                t.rows.append([by, g.group, num(g.received), num(g.resolved), days(g.median_days), days(g.p90_days)])
        parts.append(t.render())
        shown, more = limit(r.hot_spots, n)
        t = Table(
            "Hot spots: repeated appeals of one category in one building within 90 days",
            (
                ("building", "<"),
                ("name", "<"),
                ("grid", "<"),
                ("category", "<"),
                ("appeals", ">"),
                ("from", "<"),
                ("to", "<"),
            ),
            more=more,
        )
        t.rows += [hot_spot_row(h) for h in shown]
        parts.append(t.render() if shown else "Hot spots: none")
        shown, more = limit(r.handlers, n)
        t = Table(
            "Handlers (worst first: lowest resolution rate, then slowest)",
            text_columns(HANDLER_COLUMNS),
            more=more,
        )
        t.rows += [handler_row(h) for h in shown]
        parts.append(t.render())
        shown, more = limit(r.unit_reach, n)
        t = Table(
            "Alliance units: measured reach (households whose appeals they resolved) beside structural reach",
            (
                ("unit", "<"),
                ("name", "<"),
                ("structural", ">"),
                ("measured", ">"),
                ("within", ">"),
                ("assigned", ">"),
                ("resolved", ">"),
            ),
            more=more,
        )
        t.rows += [unit_reach_row(u) for u in shown]
        parts.append(t.render())
        rt = r.roundtable
        verdict = {True: "faster", False: "not faster", None: "not comparable"}[rt.faster]
        parts.append(
            f"Roundtables (圆桌会议): discussed appeals resolved in a median {days(rt.discussed.median_days)} days "
            f"({num(rt.discussed.resolved)} resolved), the others in {days(rt.others.median_days)} "
            f"({num(rt.others.resolved)}): {verdict}"
        )
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        data: dict[str, Any] = report.to_dict()
        return truncate(data, ("breakdown", "hot_spots", "handlers", "unit_reach"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "trend":
            return ["month", "from", "to", *_AREA_HEADER[:10]], [
                [m.month, m.date_from, m.date_to, *_figures_of_month(m)] for m in limit(report.trend, top)[0]
            ]
        if rows_kind == "handlers":
            header = ["handler", "kind", "name", "assigned", "resolved", "resolved_rate", "on_time", "on_time_rate"]
            header += ["satisfied", "reviewed", "satisfied_rate", "overdue", "median_days"]
            return header, [
                [
                    h.id,
                    h.kind,
                    h.name,
                    h.assigned,
                    h.resolved.count,
                    h.resolved.rate,
                    h.on_time.count,
                    h.on_time.rate,
                    h.satisfied.count,
                    h.satisfied.reviewed,
                    h.satisfied.rate,
                    h.overdue,
                    h.median_days,
                ]
                for h in limit(report.handlers, top)[0]
            ]
        if rows_kind == "hot-spots":
            return ["building", "name", "grid", "community", "category", "appeals", "first", "last", "appeal_ids"], [
                [h.building, h.name, h.grid, h.community, h.category, h.appeals, h.first, h.last, ";".join(h.ids)]
                for h in limit(report.hot_spots, top)[0]
            ]
        if rows_kind == "units":
            header = ["unit", "name", "structural_households", "measured_households", "measured_within_structural"]
            return [*header, "assigned", "resolved"], [
                [
                    u.id,
                    u.name,
                    u.structural_households,
                    u.measured_households,
                    u.measured_within_structural,
                    u.assigned,
                    u.resolved,
                ]
                for u in limit(report.unit_reach, top)[0]
            ]
        return ["area", "label", "name", *_AREA_HEADER], [
            [r.area, r.label, r.name, *_figures(r)] for r in limit(report.breakdown, top)[0]
        ]

    return Output(table, as_json, as_csv)


def _figures_of_month(m: Any) -> list[Any]:
    return [
        m.received,
        m.responded.count,
        m.responded.rate,
        m.resolved.count,
        m.resolved.rate,
        m.on_time.count,
        m.on_time.rate,
        m.satisfied.count,
        m.satisfied.reviewed,
        m.satisfied.rate,
    ]
