"""Structure completeness (``analyze structure``): the rates, the gaps, grid sizes, star spread."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import STAR_ORDER, Table, limit, num, pct, star_label

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def structure_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Structure: completeness rates, the gaps, grid sizes and star spread."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        t = Table(
            f"Structure completeness (组织覆盖) of {ws.scope()}",
            (("", "<"), ("total", ">"), ("with", ">"), ("rate", ">")),
        )
        t.rows = [
            [
                "grids with a grid branch or party group",
                num(report.grids),
                num(report.grids_with_branch),
                pct(report.grids_with_branch_rate),
            ],
            [
                "buildings with a party group",
                num(report.buildings),
                num(report.buildings_with_group),
                pct(report.buildings_with_group_rate),
            ],
            [
                "communities served by an alliance",
                num(report.communities),
                num(report.communities_with_alliance),
                pct(report.communities_with_alliance_rate),
            ],
            [
                "vanguard stations set by a party group",
                num(report.stations),
                num(report.stations_with_group),
                pct(report.stations_with_group_rate),
            ],
        ]
        kinds = (
            f"{num(report.communities - report.villages)} communities (社区) and {num(report.villages)} villages (村); "
            f"{num(report.grids_with_group_only)} grids have a grid party group and no branch"
        )
        parts = [t.render(), kinds]
        shown, more = limit(report.grids_without_branch, n)
        g = Table("Grids without a branch", (("grid", "<"), ("name", "<")), more=more)
        g.rows = [[x, ws.name(x)] for x in shown]
        parts.append(g.render())
        shown, more = limit(report.communities_without_alliance, n)
        c = Table("Communities no alliance serves", (("community", "<"), ("name", "<")), more=more)
        c.rows = [[x, ws.name(x)] for x in shown]
        parts.append(c.render())
        shown, more = limit(sorted(report.grids_off_norm, key=lambda s: (-abs(s.deviation), s.id)), n)
        o = Table(
            f"Grids off their size norm (outside ±{report.tolerance:.0%} of the target, most off first)",
            (("grid", "<"), ("name", "<"), ("households", ">"), ("target", ">"), ("deviation", ">")),
            more=more,
        )
        o.rows = [[s.id, s.name or "", num(s.households), num(s.target), f"{s.deviation:+.0%}"] for s in shown]
        parts.append(o.render())
        s = Table(
            "Star ratings of the branches per street (party groups are not rated)",
            (
                ("street", "<"),
                ("name", "<"),
                ("orgs", ">"),
                *((star_label(k), ">") for k in STAR_ORDER),
            ),
        )
        for sp in report.star_spread:
            s.rows.append(
                [sp.street, sp.name or "", num(sp.organizations), *(num(sp.counts.get(k, 0)) for k in STAR_ORDER)]
            )
        parts.append(s.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        lists = (
            "grids_off_norm",
            "grids_with_custom_target",
            "grids_without_branch",
            "communities_without_alliance",
            "stations_without_group",
        )
        return truncate(report.to_dict(), lists, top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "stars":
            return ["street", "name", "organizations", *STAR_ORDER], [
                [sp.street, sp.name, sp.organizations, *(sp.counts.get(k, 0) for k in STAR_ORDER)]
                for sp in limit(report.star_spread, top)[0]
            ]
        if rows_kind == "gaps":
            gaps = [["grid_without_branch", x, ws.name(x)] for x in report.grids_without_branch]
            gaps += [["community_without_alliance", x, ws.name(x)] for x in report.communities_without_alliance]
            gaps += [["grid_off_norm", s.id, s.name] for s in report.grids_off_norm]
            return ["gap", "id", "name"], limit(gaps, top)[0]
        from service.report import grid_rows

        rows = grid_rows(ws.G, ws.index, ws.area, report)
        header = ["grid", "name", "community", "households", "target", "deviation", "off_norm", "has_branch"]
        return header, [[r[k] for k in header] for r in limit(rows, top)[0]]

    return Output(table, as_json, as_csv)
