"""The people who work the grid (``analyze workers``): grids without a worker, instructor load,
property companies no instructor guides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graph_schema import ENUM_ZH
from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, limit, num, pct

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace

WORKER_ROWS: tuple[str, ...] = ("grids", "instructors", "companies")
"""``analyze workers --rows``: what ``--format csv`` writes: the grids without a worker, every
instructor's load, or the property companies no instructor guides."""

_ROLE_ZH = ENUM_ZH["WorkerRole"]


def workers_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Workers: counts by role, grids without a grid worker, instructor load, unguided companies."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        t = Table(f"Workers (工作人员) of {ws.scope()}", (("role", "<"), ("workers", ">")))
        t.rows = [[f"{role} {_ROLE_ZH.get(role, '')}", num(count)] for role, count in report.by_role.items()]
        t.rows.append(["full-time (专职)", num(report.full_time)])
        parts = [t.render()]
        rate = report.grids_with_worker / report.grids if report.grids else None
        s = Table("Grids and instructors", (("", "<"), ("value", ">")))
        s.rows = [
            ["grids", num(report.grids)],
            ["grids with a grid worker (网格员)", f"{num(report.grids_with_worker)} ({pct(rate)})"],
            ["grids with part-time workers only", num(report.part_time_only)],
            ["instructors (党建指导员)", num(report.instructors)],
            ["organizations they guide", num(report.guided_organizations)],
            [
                "organizations per instructor (mean)",
                "-" if report.mean_organizations is None else f"{report.mean_organizations:.1f}",
            ],
            [
                f"overloaded (more than {report.overload_factor:g} x {report.instructor_norm})",
                num(len(report.overloaded)),
            ],
            ["idle (guide nothing)", num(len(report.idle))],
            ["property companies (物业公司)", num(report.property_companies)],
            ["  with no instructor", num(len(report.unguided_property_companies))],
        ]
        parts.append(s.render())
        shown, more = limit(report.workerless_grids, n)
        g = Table(
            "Grids without a grid worker",
            (("grid", "<"), ("name", "<"), ("community", "<"), ("households", ">")),
            more=more,
        )
        g.rows = [[x.id, x.name or "", ws.name(x.community) if x.community else "", num(x.households)] for x in shown]
        parts.append(g.render())
        overloaded = sorted(report.overloaded, key=lambda x: (-x.organizations, x.id))
        shown, more = limit(overloaded, n)
        o = Table(
            "Overloaded instructors (most organizations first)",
            (("instructor", "<"), ("full-time", "<"), ("organizations", ">"), ("station", "<")),
            more=more,
        )
        o.rows = [[x.id, "yes" if x.full_time else "no", num(x.organizations), x.station or ""] for x in shown]
        parts.append(o.render())
        shown, more = limit(report.unguided_property_companies, n)
        c = Table(
            "Property companies no instructor guides",
            (("unit", "<"), ("name", "<"), ("branch", "<"), ("buildings", ">")),
            more=more,
        )
        c.rows = [[u.id, u.name or "", u.branch or "-", num(u.buildings)] for u in shown]
        parts.append(c.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        lists = ("workerless_grids", "overloaded", "idle", "unguided_property_companies", "loads")
        return truncate(report.to_dict(), lists, top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "instructors":
            header = ["instructor", "full_time", "organizations", "status", "station"]
            return header, [
                [x.id, x.full_time, x.organizations, x.status, x.station] for x in limit(report.loads, top)[0]
            ]
        if rows_kind == "companies":
            header = ["unit", "name", "branch", "buildings"]
            return header, [
                [u.id, u.name, u.branch, u.buildings] for u in limit(report.unguided_property_companies, top)[0]
            ]
        header = ["grid", "name", "community", "households"]
        return header, [[g.id, g.name, g.community, g.households] for g in limit(report.workerless_grids, top)[0]]

    return Output(table, as_json, as_csv)
