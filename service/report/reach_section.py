"""The report's section on alliance resource reach (党建联盟) and its expansion plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.formatting import escape, html_table, limit, num, pct
from service.report.findings import EXPANSION_K, TOP, Findings


def reach_section(f: Findings, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
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
