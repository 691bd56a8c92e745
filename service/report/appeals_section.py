"""The report's section on residents' appeals (接诉即办, docs/design.md 7.11)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from service.formatting import escape, html_table, limit, num, pct
from service.report.findings import TOP, Findings, slowest_handlers
from service.table_rows import (
    AREA_FIGURES,
    HANDLER_COLUMNS,
    HOT_SPOT_COLUMNS,
    area_figures,
    days,
    handler_row,
    hot_spot_row,
    unit_reach_row,
)


def _appeal_rows(rows: Sequence[Any]) -> str:
    shown, more = limit(rows, TOP)
    return html_table(
        ("area", "name", *AREA_FIGURES),
        [(r.area, r.name or "", *area_figures(r)) for r in shown],
        numeric=(False, False, *(True for _ in AREA_FIGURES)),
        more=more,
    )


def appeals_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """接诉即办: rates per street and community, the monthly trend, hot spots, the slowest handlers."""
    ap = f.appeals
    parts: list[str] = ['<section id="appeals"><h2>Residents\' appeals (接诉即办)</h2>']
    if ap is None:
        parts.append("</section>")
        return "".join(parts)
    parts.append(
        f'<p class="note">Appeals reported {escape(ap.date_from)} … {escape(ap.date_to)}, as of {escape(ap.as_of)}. '
        f"Responded: accepted or rejected within {ap.respond_within_days} day(s) of the report; resolved: RESOLVED or "
        "CLOSED by then; on time: by the due date; satisfied: SATISFIED or BASICALLY_SATISFIED over the reviewed; "
        "overdue: still open past the due date, whatever the report date. Rates are over the appeals received; worst "
        "first is the lowest resolution rate.</p>"
    )
    parts.append(
        html_table(
            ("received", "responded", "resolved", "on time", "satisfied", "open", "overdue", "with a vanguard's help"),
            [
                (
                    num(ap.received),
                    f"{num(ap.responded.count)} ({pct(ap.responded.rate)})",
                    f"{num(ap.resolved.count)} ({pct(ap.resolved.rate)})",
                    f"{num(ap.on_time.count)} ({pct(ap.on_time.rate)})",
                    f"{num(ap.satisfied.count)} of {num(ap.satisfied.reviewed)} ({pct(ap.satisfied.rate)})",
                    num(ap.open),
                    num(ap.overdue),
                    num(ap.with_vanguard_help),
                )
            ],
            numeric=(True,) * 8,
        )
    )
    if ap.received == 0 and ap.open == 0:
        parts.append('<p class="note">No appeals on record in this period.</p></section>')
        return "".join(parts)
    parts.append(fig("appeals"))
    if f.appeals_by_street is not None:
        parts.append("<h3>Per street, worst first</h3>" + _appeal_rows(f.appeals_by_street.breakdown))
    if ap.by is not None:
        parts.append(f"<h3>Per {escape(ap.by.lower())}, worst first</h3>" + _appeal_rows(ap.breakdown))
    shown, more = limit(ap.hot_spots, TOP)
    parts.append(
        "<h3>Hot spots: repeated appeals of one category in one building within 90 days</h3>"
        + html_table(
            [h for h, _ in HOT_SPOT_COLUMNS],
            [hot_spot_row(h) for h in shown],
            numeric=[n for _, n in HOT_SPOT_COLUMNS],
            more=more,
        )
    )
    slow = slowest_handlers(ap)
    parts.append(
        "<h3>The slowest handlers (lowest resolution rate, then slowest median)</h3>"
        + html_table(
            [h for h, _ in HANDLER_COLUMNS],
            [handler_row(h) for h in slow],
            numeric=[n for _, n in HANDLER_COLUMNS],
            more=max(len(ap.handlers) - len(slow), 0),
        )
    )
    ttr = ap.time_to_resolve
    parts.append(
        "<h3>Days to resolve</h3>"
        + html_table(
            ("group", "received", "resolved", "median days", "p90 days"),
            [
                (g.group, num(g.received), num(g.resolved), days(g.median_days), days(g.p90_days))
                for g in (ttr["overall"], *ttr["by_category"], *ttr["by_handler_kind"])
            ],
            numeric=(False, True, True, True, True),
        )
    )
    units, more = limit([u for u in ap.unit_reach if u.assigned], TOP)
    parts.append(
        "<h3>Alliance units: measured reach beside structural reach</h3>"
        + html_table(
            ("unit", "name", "structural households", "measured households", "of them reached", "assigned", "resolved"),
            [unit_reach_row(u) for u in units],
            numeric=(False, False, True, True, True, True, True),
            more=more,
        )
    )
    rt = ap.roundtable
    verdict = {True: "faster", False: "not faster", None: "not comparable (one group has none resolved)"}[rt.faster]
    parts.append(
        f'<p class="note">Roundtables (圆桌会议): discussed appeals resolved in a median of '
        f"{days(rt.discussed.median_days)} days ({num(rt.discussed.resolved)} of {num(rt.discussed.received)}), "
        f"the others in {days(rt.others.median_days)} ({num(rt.others.resolved)} of {num(rt.others.received)}): "
        f"{verdict}.</p>"
    )
    parts.append("</section>")
    return "".join(parts)
