"""The coverage plan (``analyze plan``): before and after, per grid, the assignments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.commands.analysis.vocabulary import TABLE_TOP
from service.formatting import Table, key_values, limit, num, pct

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def plan_output(ws: Workspace, plan: Any, by_grid: list[dict[str, Any]] | None, rows_kind: str) -> Output:
    """Coverage plan: before/after, per grid, the assignments."""
    ranked = sorted(by_grid or [], key=lambda r: (-r["assigned"], r["grid"]))

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        summary = key_values(
            f"Coverage plan (vanguards with spare capacity take uncovered households of their grid; "
            f"N = {plan.households_norm}) for {ws.scope()}",
            [
                (
                    "households covered",
                    f"{num(plan.before.covered)} ({pct(plan.before.rate)}) -> "
                    f"{num(plan.after.covered)} ({pct(plan.after.rate)}) of {num(plan.before.total)}",
                ),
                (
                    "assigned",
                    f"{num(plan.assigned)} ({num(plan.same_building)} in the vanguard's own building, "
                    f"{num(plan.same_grid)} elsewhere in the grid)",
                ),
                (
                    "spare capacity used",
                    f"{num(plan.assigned)} of {num(plan.capacity)} by {num(plan.vanguards_used)} vanguards",
                ),
                ("left uncovered", num(len(plan.unassigned))),
            ],
        )
        parts = [summary]
        if by_grid is not None:
            shown, more = limit([r for r in ranked if r["assigned"]], n)
            t = Table(
                "Per grid (most assignments first)",
                (
                    ("grid", "<"),
                    ("name", "<"),
                    ("households", ">"),
                    ("before", ">"),
                    ("after", ">"),
                    ("assigned", ">"),
                    ("same bldg", ">"),
                    ("left", ">"),
                    ("need", ">"),
                ),
                more=more,
            )
            t.rows = [
                [
                    r["grid"],
                    r["name"] or "",
                    num(r["households"]),
                    pct(r["rate_before"]),
                    pct(r["rate_after"]),
                    num(r["assigned"]),
                    num(r["same_building"]),
                    num(r["left_uncovered"]),
                    num(r["vanguards_needed"]),
                ]
                for r in shown
            ]
            parts.append(t.render())
            short = sum(1 for r in by_grid if r["left_uncovered"])
            if short:
                parts.append(
                    f"{num(short)} grids stay short after the plan: 'left' households there have no vanguard with "
                    f"spare capacity; 'need' is how many new vanguards (N = {plan.households_norm}) would cover them."
                )
        shown, more = limit(plan.assignments, n)
        t = Table(
            "Assignments",
            (("household", "<"), ("vanguard", "<"), ("building", "<"), ("grid", "<"), ("same building", "<")),
            more=more,
        )
        t.rows = [[a.household, a.vanguard, a.building, a.grid, "yes" if a.same_building else "no"] for a in shown]
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(plan.to_dict(), ("assignments", "unassigned"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "grids":
            header = [
                "grid",
                "name",
                "households",
                "covered_before",
                "covered_after",
                "rate_before",
                "rate_after",
                "assigned",
                "same_building",
                "same_grid",
            ]
            return header, [[r[k] for k in header] for r in limit(by_grid or [], top)[0]]
        return ["household", "vanguard", "building", "grid", "same_building"], [
            [a.household, a.vanguard, a.building, a.grid, a.same_building] for a in limit(plan.assignments, top)[0]
        ]

    return Output(table, as_json, as_csv)
