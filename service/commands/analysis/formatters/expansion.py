"""The greedy expansion plan (``analyze expansion``): the joins and serves, step by step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.commands.analysis.formatters import Output, truncate
from service.formatting import Table, limit, num

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def expansion_output(ws: Workspace, plan: Any) -> Output:
    """Expansion: which JOINs/SERVEs would reach most unreached households."""

    def describe(step: Any) -> str:
        if step.action == "JOIN":
            return f"{step.unit} {ws.name(step.unit)} joins {step.alliance} {ws.name(step.alliance)}"
        return f"{step.alliance} {ws.name(step.alliance)} serves {step.area} {ws.name(step.area)}"

    def table(top: int | None) -> str:
        what = f"offering {plan.resource}" if plan.resource else "(any resource)"
        head = (
            f"Expansion plan (greedy, k = {plan.k}) in {ws.scope()}: households reached by a unit {what}: "
            f"{num(plan.reached_before)} -> {num(plan.reached_after)} of {num(plan.households_total)} "
            f"({num(plan.candidates)} candidate actions)"
        )
        parts = [head]
        if not plan.steps:
            parts.append(
                {
                    "NO_UNIT_OFFERS_RESOURCE": f"No member unit offers {plan.resource}: no join or serve can reach "
                    "anyone with it; recruit a unit that offers it.",
                    "ALL_REACHED": "Every household is reached already.",
                    "K_IS_ZERO": "No steps were asked for (k = 0).",
                }.get(plan.why_empty or "", "No join or serve among the candidates reaches anyone new.")
            )
            return "\n\n".join(parts)
        shown, more = limit(plan.steps, top)
        t = Table(
            "Steps",
            (("#", ">"), ("action", "<"), ("what", "<"), ("gain", ">"), ("reached", ">")),
            more=more,
            max_width=80,
        )
        for i, s in enumerate(shown, 1):
            t.rows.append([str(i), s.action, describe(s), num(s.gain), num(s.reached)])
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return truncate(plan.to_dict(), ("steps",), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        rows = [
            [i, s.action, s.unit, s.alliance, s.area, s.gain, s.reached]
            for i, s in enumerate(limit(plan.steps, top)[0], 1)
        ]
        return ["step", "action", "unit", "alliance", "area", "gain", "reached"], rows

    return Output(table, as_json, as_csv)
