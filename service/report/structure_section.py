"""The report's section on structure completeness (组织覆盖): grids, buildings, star ratings, brokers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.formatting import STAR_ORDER, html_table, limit, num, pct, star_label
from service.report.findings import TOP, Findings


def structure_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
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
