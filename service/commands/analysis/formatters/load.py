"""Vanguard load (``analyze load``): the averages, the overloaded and the idle vanguards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, key_values, limit, num

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def _located(ws: Workspace, member: str) -> tuple[str, str]:
    """The grid and building a party member lives in ('' when unknown)."""
    building = ws.index.member_building(member)
    if building is None:
        return "", ""
    return ws.index.path(building).grid or "", building


def load_output(ws: Workspace, report: Any) -> Output:
    """Vanguard load: averages, overloaded and idle vanguards (with where they live)."""
    over = sorted(report.overloaded, key=lambda v: (-v.households, -v.members, v.id))

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        summary = key_values(
            f"Vanguard load (1+{report.members_norm}+N, N = {report.households_norm}) in {ws.scope()}",
            [
                ("vanguards", num(report.vanguards)),
                ("linked party members", f"{num(report.linked_members)} (mean {num(report.mean_members)})"),
                ("linked households", f"{num(report.linked_households)} (mean {num(report.mean_households)})"),
                ("overloaded", f"{num(len(report.overloaded))} (above {report.overload_factor:g}x either norm)"),
                ("idle (no links)", num(len(report.idle))),
            ],
        )
        parts = [summary]
        for title, group in (("Overloaded vanguards (most households first)", over), ("Idle vanguards", report.idle)):
            shown, more = limit(group, n)
            t = Table(
                title,
                (("vanguard", "<"), ("members", ">"), ("households", ">"), ("grid", "<"), ("building", "<")),
                more=more,
            )
            for v in shown:
                grid, building = _located(ws, v.id)
                t.rows.append([v.id, num(v.members), num(v.households), grid, building])
            parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(report.to_dict(), ("overloaded", "idle", "loads"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        rows = []
        for v in limit(report.loads, top)[0]:
            grid, building = _located(ws, v.id)
            rows.append([v.id, v.members, v.households, v.status, grid, building])
        return ["vanguard", "members", "households", "status", "grid", "building"], rows

    return Output(table, as_json, as_csv)
