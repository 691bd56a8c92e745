"""``index.html``: the report's page, one function per section, the plots inline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from service.formatting import STAR_ORDER, escape, html_table, limit, mean, num, pct, star_label
from service.report.assessment_section import assessment_section
from service.report.findings import EXPANSION_K, TOP, Findings, slowest_handlers, summary
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


def _reach_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """Alliance resource reach and the expansion plans."""
    rch = f.reach
    parts: list[str] = []
    parts.append('<section id="reach"><h2>Alliance resource reach (党建联盟)</h2>')
    parts.append(
        '<p class="note">A member unit reaches a household when it JOINED an alliance that SERVES an area containing '
        f"the household, or MANAGES its building. {rch.households.reached:,} of {rch.households.total:,} households "
        f"({pct(rch.households.rate)}) are reached by at least one unit.</p>"
    )
    parts.append(fig("reach"))
    parts.append('<div class="grid2"><div><h3>Per resource kind</h3>')
    parts.append(
        html_table(
            ("resource", "units", "households reached", "rate", "unreached"),
            [
                (
                    r.resource,
                    r.units,
                    num(r.households.reached),
                    pct(r.households.rate),
                    num(r.households.total - r.households.reached),
                )
                for r in rch.resources
            ],
            numeric=(False, True, True, True, True),
        )
    )
    shown, more = limit(rch.units, 10)
    parts.append("</div><div><h3>Units reaching the most households</h3>")
    parts.append(
        html_table(
            ("unit", "name", "kind", "households"),
            [(u.id, u.name, u.kind, num(u.households)) for u in shown],
            numeric=(False, False, False, True),
            more=more,
        )
    )
    parts.append("</div></div>")
    parts.append(f"<h3>Expansion: {EXPANSION_K} new joins or serves, greedily, per resource kind</h3>")
    parts.append(
        html_table(
            ("resource", "reached today", f"after {EXPANSION_K} steps", "gain", "steps", "note"),
            [
                (
                    kind if kind != "ANY" else "any resource",
                    num(p.reached_before),
                    num(p.reached_after),
                    num(p.reached_after - p.reached_before),
                    len(p.steps),
                    _expansion_note(p),
                )
                for kind, p in f.expansions.items()
            ],
            numeric=(False, True, True, True, True, False),
        )
    )
    detail = f.expansions[f.detailed]
    parts.append(
        f"<h3>Expansion plan for {escape(f.detailed if f.detailed != 'ANY' else 'any resource')}: "
        f"{detail.reached_before:,} → {detail.reached_after:,} households</h3>"
    )
    parts.append(
        html_table(
            ("#", "action", "unit", "alliance", "area", "gain", "reached"),
            [
                (
                    i,
                    s.action,
                    _named(s.unit, f.names),
                    _named(s.alliance, f.names),
                    _named(s.area, f.names),
                    num(s.gain),
                    num(s.reached),
                )
                for i, s in enumerate(detail.steps[:TOP], 1)
            ],
            numeric=(True, False, False, False, False, True, True),
        )
    )
    parts.append("</section>")
    return "".join(parts)


def _structure_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """Structure completeness, grid sizes, star ratings and brokerage."""
    st = f.structure
    parts: list[str] = []
    parts.append('<section id="structure"><h2>Structure completeness (组织覆盖)</h2>')
    parts.append(
        html_table(
            ("", "total", "with", "rate"),
            [
                (
                    "grids with a grid branch or party group",
                    num(st.grids),
                    num(st.grids_with_branch),
                    pct(st.grids_with_branch_rate),
                ),
                (
                    "buildings with a party group",
                    num(st.buildings),
                    num(st.buildings_with_group),
                    pct(st.buildings_with_group_rate),
                ),
                (
                    "communities served by an alliance",
                    num(st.communities),
                    num(st.communities_with_alliance),
                    pct(st.communities_with_alliance_rate),
                ),
                (
                    "vanguard stations set by a party group",
                    num(st.stations),
                    num(st.stations_with_group),
                    pct(st.stations_with_group_rate),
                ),
            ],
            numeric=(False, True, True, True),
        )
    )
    parts.append(
        f"<p>{num(st.communities - st.villages)} communities (社区) and {num(st.villages)} villages (村); "
        f"{num(st.grids_with_group_only)} grids have a grid party group (网格党小组) and no branch.</p>"
    )
    parts.append(fig("branches") + fig("grid_sizes") + fig("stars"))
    parts.append('<div class="grid2"><div>')
    shown, more = limit(st.grids_without_branch, TOP)
    names = {g["grid"]: g["name"] for g in f.grids}
    parts.append(f"<h3>Grids without a branch ({len(st.grids_without_branch):,})</h3>")
    parts.append(html_table(("grid", "name"), [(g, names.get(g)) for g in shown], more=more))
    parts.append("</div><div>")
    off = sorted(st.grids_off_norm, key=lambda s: (-abs(s.deviation), s.id))
    shown, more = limit(off, TOP)
    parts.append(f"<h3>Grids off the size norm ({len(off):,}, most off first)</h3>")
    parts.append(
        html_table(
            ("grid", "name", "households", "target", "deviation"),
            [(s.id, s.name, s.households, s.target, f"{s.deviation:+.0%}") for s in shown],
            numeric=(False, False, True, True, True),
            more=more,
        )
    )
    parts.append("</div></div>")
    if st.communities_without_alliance:
        parts.append(f"<h3>Communities no alliance serves ({len(st.communities_without_alliance):,})</h3>")
        parts.append(html_table(("community",), [(c,) for c in st.communities_without_alliance[:TOP]]))
    parts.append("<h3>Star ratings per street</h3>")
    parts.append(
        html_table(
            ("street", "name", "branches", *(star_label(s) for s in STAR_ORDER)),
            [(s.street, s.name, s.organizations, *(s.counts.get(k, 0) for k in STAR_ORDER)) for s in st.star_spread],
            numeric=(False, False, True, True, True, True, True, True),
        )
    )
    if f.brokerage is not None:
        b = f.brokerage
        parts.append(
            f"<h3>Brokers of the organization graph ({b.nodes:,} nodes, {b.edges:,} edges; betweenness "
            f"{'exact' if b.k is None else f'sampled from {b.k} sources'})</h3>"
        )
        parts.append('<div class="grid2"><div>')
        parts.append(
            html_table(
                ("id", "label", "name", "betweenness"),
                [(x.id, x.label, x.name, f"{x.betweenness:.4f}") for x in b.brokers],
                numeric=(False, False, False, True),
            )
        )
        parts.append("</div><div>")
        shown, more = limit(b.articulation_points, 10)
        parts.append(
            html_table(
                ("articulation point", "label", "households cut off", "households unreached"),
                [(p.id, p.label, num(p.households_disconnected), num(p.households_unreached)) for p in shown],
                numeric=(False, False, True, True),
                more=more,
            )
        )
        parts.append("</div></div>")
    parts.append("</section>")
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


def _appeal_rows(rows: Sequence[Any], names: dict[str, str | None] | None = None) -> str:
    shown, more = limit(rows, TOP)
    return html_table(
        ("area", "name", "received", "responded", "resolved", "on time", "satisfied", "open", "overdue"),
        [
            (
                r.area,
                r.name or "",
                num(r.received),
                pct(r.responded.rate),
                pct(r.resolved.rate),
                pct(r.on_time.rate),
                pct(r.satisfied.rate),
                num(r.open),
                num(r.overdue),
            )
            for r in shown
        ],
        numeric=(False, False, True, True, True, True, True, True, True),
        more=more,
    )


def _days(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"


def _appeals_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
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
            ("building", "name", "grid", "category", "appeals", "first", "last"),
            [(h.building, h.name or "", h.grid or "", h.category, num(h.appeals), h.first, h.last) for h in shown],
            numeric=(False, False, False, False, True, False, False),
            more=more,
        )
    )
    slow = slowest_handlers(ap)
    parts.append(
        "<h3>The slowest handlers (lowest resolution rate, then slowest median)</h3>"
        + html_table(
            ("handler", "kind", "name", "assigned", "resolved", "on time", "satisfied", "overdue", "median days"),
            [
                (
                    h.id,
                    h.kind,
                    h.name or "",
                    num(h.assigned),
                    pct(h.resolved.rate),
                    pct(h.on_time.rate),
                    pct(h.satisfied.rate),
                    num(h.overdue),
                    _days(h.median_days),
                )
                for h in slow
            ],
            numeric=(False, False, False, True, True, True, True, True, True),
            more=max(len(ap.handlers) - len(slow), 0),
        )
    )
    ttr = ap.time_to_resolve
    parts.append(
        "<h3>Days to resolve</h3>"
        + html_table(
            ("group", "received", "resolved", "median days", "p90 days"),
            [
                (g.group, num(g.received), num(g.resolved), _days(g.median_days), _days(g.p90_days))
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
            [
                (
                    u.id,
                    u.name or "",
                    num(u.structural_households),
                    num(u.measured_households),
                    num(u.measured_within_structural),
                    num(u.assigned),
                    num(u.resolved),
                )
                for u in units
            ],
            numeric=(False, False, True, True, True, True, True),
            more=more,
        )
    )
    rt = ap.roundtable
    verdict = {True: "faster", False: "not faster", None: "not comparable (one group has none resolved)"}[rt.faster]
    parts.append(
        f'<p class="note">Roundtables (圆桌会议): discussed appeals resolved in a median of '
        f"{_days(rt.discussed.median_days)} days ({num(rt.discussed.resolved)} of {num(rt.discussed.received)}), "
        f"the others in {_days(rt.others.median_days)} ({num(rt.others.resolved)} of {num(rt.others.received)}): "
        f"{verdict}.</p>"
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
        _reach_section,
        _structure_section,
        _plan_section,
        _appeals_section,
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


def _named(node: str | None, names: dict[str, str | None]) -> str:
    if node is None:
        return ""
    name = names.get(node)
    return f"{node} {name}" if name else node


def _expansion_note(plan: Any) -> str:
    if plan.steps:
        return ""
    if plan.reached_before >= plan.households_total:
        return "everyone is reached"
    if plan.candidates == 0 and plan.reached_before == 0:
        return "no unit offers it: recruit one"
    return "no candidate reaches anyone new"
