"""``index.html``: the report's page, one function per section (the larger in ``*_section`` modules), plots inline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from service.formatting import escape, html_table, limit, mean, num, pct
from service.report.appeals_section import appeals_section
from service.report.assessment_section import assessment_section
from service.report.findings import TOP, Findings, summary
from service.report.reach_section import reach_section
from service.report.structure_section import structure_section
from service.report.work import WORK_NAV, work_sections
from service.report.workers_section import workers_section

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
margin:0;color:#222;background:#fafafa}
header{background:#7f0000;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85;font-size:13px}
nav{padding:8px 32px;background:#eee;font-size:13px}nav a{margin-right:14px;color:#7f0000}
main{padding:8px 32px 40px;max-width:1180px}section{margin-top:26px}
h2{border-bottom:2px solid #7f0000;padding-bottom:4px;font-size:18px}h3{font-size:14px;margin:18px 0 6px}
p.note{font-size:12px;color:#555;max-width:900px}
figure{margin:10px 0;background:#fff;border:1px solid #ddd;padding:6px;display:table}
figure svg{max-width:100%;height:auto;display:block}figcaption{font-size:12px;color:#555}
table{border-collapse:collapse;font-size:12px;margin:6px 0;background:#fff}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f0f0f0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid2{display:flex;flex-wrap:wrap;gap:24px}.grid2>div{flex:1 1 420px}
.more{font-size:11px;color:#777}
"""


def _grid_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, Callable[[Any], str]]]) -> str:
    """The first rows of per-grid figures: grid, name, then ``(header, key, format)`` columns."""
    shown, more = limit(rows, TOP)
    return html_table(
        ("grid", "name", *(header for header, _, _ in columns)),
        [(r["grid"], r["name"], *(fmt(r[key]) for _, key, fmt in columns)) for r in shown],
        numeric=(False, False, *(True for _ in columns)),
        more=more,
    )


def _summary_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """The headline figures."""
    parts: list[str] = []
    parts.append('<section id="summary"><h2>Summary</h2>')
    parts.append(html_table(("figure", "value"), [(k, v) for k, v, _ in summary(f)], numeric=(False, True)))
    parts.append("</section>")
    return "".join(parts)


def _coverage_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """Linkage coverage: the plot, the areas with the lowest coverage, the uncovered per area."""
    cov = f.coverage
    level = (cov.by or "area").lower()
    parts: list[str] = []
    parts.append('<section id="coverage"><h2>Linkage coverage (党员联户 1+10+N)</h2>')
    parts.append(
        '<p class="note">A household (a non-vanguard party member) is linked when a vanguard member LINKS it; '
        f"visited: linked and VISITED by that vanguard in the 31 days up to {escape(f.as_of)} "
        f"({escape(meta['as_of_source'])})."
        "</p>"
    )
    parts.append(fig("coverage"))
    if cov.breakdown:
        worst = sorted(cov.breakdown, key=lambda r: (r.households.rate if r.households.rate is not None else 2, r.area))
        shown, more = limit(worst, TOP)
        parts.append(f"<h3>{escape(level.capitalize())}s with the lowest coverage</h3>")
        parts.append(
            html_table(
                (level, "name", "households", "linked", "rate", "visited", "members", "linked", "rate"),
                [
                    (
                        r.area,
                        r.name,
                        num(r.households.total),
                        num(r.households.covered),
                        pct(r.households.rate),
                        pct(r.active.rate) if r.active else "-",
                        num(r.members.total),
                        num(r.members.covered),
                        pct(r.members.rate),
                    )
                    for r in shown
                ],
                numeric=(False, False, True, True, True, True, True, True, True),
                more=more,
            )
        )
        gaps = sorted(
            (r for r in cov.breakdown if r.households.total > r.households.covered),
            key=lambda r: (-(r.households.total - r.households.covered), r.area),
        )
        shown, more = limit(gaps, TOP)
        parts.append(f"<h3>Uncovered households per {escape(level)} ({f.uncovered_total:,} in all, most first)</h3>")
        parts.append(
            html_table(
                (level, "name", "households", "uncovered"),
                [
                    (r.area, r.name, num(r.households.total), num(r.households.total - r.households.covered))
                    for r in shown
                ],
                numeric=(False, False, True, True),
                more=more,
            )
        )
    parts.append("</section>")
    return "".join(parts)


def _load_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """Vanguard load: the norms, the plot, the overloaded and the idle vanguards."""
    load = f.load
    parts: list[str] = []
    parts.append('<section id="load"><h2>Vanguard load</h2>')
    parts.append(
        f'<p class="note">Norms: about {load.members_norm} party members and N = {load.households_norm} households '
        f"per vanguard; overloaded above {load.overload_factor:g}x either norm; idle: no links at all. "
        f"Mean load: {escape(mean(load.mean_members))} members, {escape(mean(load.mean_households))} households.</p>"
    )
    parts.append(fig("load"))
    over = sorted(load.overloaded, key=lambda v: (-v.households, -v.members, v.id))
    parts.append('<div class="grid2"><div>')
    shown, more = limit(over, TOP)
    parts.append(f"<h3>Overloaded vanguards ({len(over):,}, most households first)</h3>")
    parts.append(
        html_table(
            ("vanguard", "members", "households", "grid", "building"),
            [(v.id, v.members, v.households, *f.member_grid.get(v.id, ("", ""))) for v in shown],
            numeric=(False, True, True, False, False),
            more=more,
        )
    )
    parts.append("</div><div>")
    shown, more = limit(load.idle, TOP)
    parts.append(f"<h3>Idle vanguards ({len(load.idle):,})</h3>")
    parts.append(
        html_table(
            ("vanguard", "grid", "building"), [(v.id, *f.member_grid.get(v.id, ("", ""))) for v in shown], more=more
        )
    )
    parts.append("</div></div></section>")
    return "".join(parts)


def _plan_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """The coverage plan: before and after, the grids gaining most, the grids still short."""
    plan = f.plan
    parts: list[str] = []
    parts.append('<section id="plan"><h2>Coverage plan</h2>')
    parts.append(
        f'<p class="note">Uncovered households assigned to vanguards of their grid with spare capacity (N = '
        f"{plan.households_norm} minus the households they link), the vanguard's own building first (a min-cost "
        f"flow per grid). {plan.assigned:,} households assigned ({plan.same_building:,} in the vanguard's building, "
        f"{plan.same_grid:,} elsewhere in the grid) by {plan.vanguards_used:,} vanguards; "
        f"{len(plan.unassigned):,} stay uncovered: their grid has no spare capacity left.</p>"
    )
    parts.append(
        html_table(
            ("", "households", "linked", "rate"),
            [
                ("today", num(plan.before.total), num(plan.before.covered), pct(plan.before.rate)),
                ("after the plan", num(plan.after.total), num(plan.after.covered), pct(plan.after.rate)),
            ],
            numeric=(False, True, True, True),
        )
    )
    parts.append(fig("plan"))
    ranked = sorted((r for r in f.plan_grids if r["assigned"]), key=lambda r: (-r["assigned"], r["grid"]))
    parts.append("<h3>Grids gaining the most</h3>")
    parts.append(
        _grid_table(
            ranked,
            (
                ("households", "households", num),
                ("before", "rate_before", pct),
                ("after", "rate_after", pct),
                ("assigned", "assigned", num),
                ("same building", "same_building", num),
            ),
        )
    )
    short = sorted((r for r in f.plan_grids if r["left_uncovered"]), key=lambda r: (-r["left_uncovered"], r["grid"]))
    if short:
        parts.append(
            f"<h3>Grids still short after the plan</h3><p>{num(sum(r['left_uncovered'] for r in short))} households "
            f"in {num(len(short))} grids stay unlinked: no vanguard of their grid can take them (none has spare "
            f"capacity left, or the household is the vanguard's own). The new vanguards below, at N = "
            f"{f.plan.households_norm} households each, would cover them.</p>"
        )
        parts.append(
            _grid_table(
                short,
                (
                    ("households", "households", num),
                    ("after", "rate_after", pct),
                    ("left unlinked", "left_uncovered", num),
                    ("spare capacity", "spare_capacity", num),
                    ("vanguards needed", "vanguards_needed", num),
                ),
            )
        )
    parts.append("</section>")
    return "".join(parts)


def render_html(f: Findings, figures: Sequence[tuple[str, str, str]], meta: dict[str, Any]) -> str:
    """The page: ``figures`` are (name, caption, inline svg)."""
    svg = {name: (caption, markup) for name, caption, markup in figures}

    def fig(name: str) -> str:
        if name not in svg:
            return ""
        caption, markup = svg[name]
        return f"<figure>{markup}<figcaption>{escape(caption)}</figcaption></figure>"

    scope = "the city" if f.area is None else f"{f.label} {f.area}" + (f" {f.name}" if f.name else "")
    sections = (
        _summary_section,
        _coverage_section,
        _load_section,
        reach_section,
        structure_section,
        _plan_section,
        appeals_section,
        workers_section,
        assessment_section,
    )
    parts = [section(f, fig, meta) for section in sections]
    parts.append(work_sections(f.work))
    nav = "".join(
        f'<a href="#{a}">{t}</a>'
        for a, t in (
            ("summary", "Summary"),
            ("coverage", "Coverage"),
            ("load", "Vanguard load"),
            ("reach", "Reach"),
            ("structure", "Structure"),
            ("plan", "Coverage plan"),
            ("appeals", "Appeals"),
            *(WORK_NAV if f.work is not None else ()),
            ("workers", "Workers"),
            ("assessment", "Star ratings"),
        )
    )
    title = f"civicmesh report: {scope}"
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
        f"<header><h1>{escape(title)}</h1><p>as of {escape(f.as_of)} · {escape(meta['store'])} · generated "
        f"{escape(meta['generated_at'])} · no personal information (ids only)</p></header><nav>{nav}</nav><main>"
        + "".join(parts)
        + "</main></body></html>\n"
    )
