"""Monthly contact (``analyze contact``): vanguards in contact month by month, the lapsed, per area."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, key_values, limit, num, pct
from service.table_rows import contact_area_row

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace

CONTACT_ROWS: tuple[str, ...] = ("vanguards", "months", "breakdown")
"""``analyze contact --rows``: one row per vanguard and month, per month, or per area."""


def contact_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Monthly contact (月联): the summary, the months, the areas, the lapsed vanguards."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        parts = [
            key_values(
                f"Monthly contact (月联) of the vanguards of {ws.scope()}, {report.date_from} to {report.date_to}",
                [
                    ("vanguards (with LINKS)", f"{num(report.vanguards)} (and {num(report.idle)} idle)"),
                    (
                        "in contact, last month",
                        f"{num(report.in_contact.covered)} ({pct(report.in_contact.rate)}): met their linked members "
                        "or visited a linked household",
                    ),
                    ("lapsed", f"{num(report.lapsed)}: two months in a row with neither"),
                    (
                        f"active coverage on {report.date_to}",
                        f"{num(report.active_coverage.covered)} of {num(report.active_coverage.total)} households "
                        f"({pct(report.active_coverage.rate)})",
                    ),
                ],
            )
        ]
        t = Table(
            "Per month",
            (
                ("month", "<"),
                ("vanguards", ">"),
                ("met", ">"),
                ("visited", ">"),
                ("visited all", ">"),
                ("in contact", ">"),
            ),
        )
        t.rows = [
            [m.month, num(m.vanguards), num(m.met), num(m.visited), num(m.visited_all), pct(m.in_contact.rate)]
            for m in report.months
        ]
        parts.append(t.render())
        if report.breakdown:
            shown, more = limit(sorted(report.breakdown, key=lambda a: (a.in_contact.rate or 0.0, a.area)), n)
            t = Table(
                f"Per {report.by} (lowest share in contact first)",
                (
                    ("area", "<"),
                    ("name", "<"),
                    ("vanguards", ">"),
                    ("in contact", ">"),
                    ("lapsed", ">"),
                    ("active", ">"),
                ),
                more=more,
            )
            t.rows = [contact_area_row(a) for a in shown]
            parts.append(t.render())
        shown, more = limit([v for v in report.vanguards_detail if v.lapsed], n)
        t = Table(
            "Lapsed vanguards",
            (("vanguard", "<"), ("building", "<"), ("since", "<"), ("months in contact", ">")),
            more=more,
        )
        t.rows = [[v.vanguard, v.building or "", v.lapsed_from or "", num(v.months_in_contact)] for v in shown]
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(report.to_dict(), ("breakdown", "lapsed_vanguards", "vanguards_detail"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "months":
            header = ["month", "vanguards", "met", "visited", "visited_all", "in_contact", "rate"]
            return header, [
                [m.month, m.vanguards, m.met, m.visited, m.visited_all, m.in_contact.covered, m.in_contact.rate]
                for m in limit(report.months, top)[0]
            ]
        if rows_kind == "breakdown":
            header = ["area", "label", "name", "vanguards", "in_contact", "rate", "lapsed", "active", "active_rate"]
            return header, [
                [
                    a.area,
                    a.label,
                    a.name,
                    a.vanguards,
                    a.in_contact.covered,
                    a.in_contact.rate,
                    a.lapsed,
                    a.active_coverage.covered,
                    a.active_coverage.rate,
                ]
                for a in limit(report.breakdown, top)[0]
            ]
        header = ["vanguard", "building", "month", "met", "households_visited", "visited_all", "in_contact", "lapsed"]
        rows = [
            [v.vanguard, v.building, m.month, m.met, m.households_visited, m.visited_all, m.in_contact, v.lapsed]
            for v in limit(report.vanguards_detail, top)[0]
            for m in v.months
        ]
        return header, rows

    return Output(table, as_json, as_csv)
