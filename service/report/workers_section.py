"""The report's section on the people who work the grid (工作人员, docs/design.md 7.13)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph_schema import ENUM_ZH
from service.formatting import html_table, limit, mean, num, pct

TOP = 20
_ROLE_ZH = ENUM_ZH["WorkerRole"]


def workers_section(f: Any, fig: Callable[[str], str], meta: dict[str, Any]) -> str:
    """Workers by role, grids without a grid worker, overloaded instructors, unguided property companies."""
    w = f.workers
    parts: list[str] = ['<section id="workers"><h2>The people who work the grid (工作人员)</h2>']
    if w is None:
        parts.append('<p class="note">No workers on record.</p></section>')
        return "".join(parts)
    parts.append(
        '<p class="note">A grid has a worker when a grid worker (网格员) WORKS_IN it; an instructor (党建指导员) '
        f"is overloaded above {w.overload_factor:g} × {w.instructor_norm} organizations guided; a property company "
        "is guided when an instructor GUIDES it or its party branch.</p>"
    )
    rate = w.grids_with_worker / w.grids if w.grids else None
    rows = [(f"{role} {_ROLE_ZH.get(role, '')}", num(n)) for role, n in w.by_role.items()]
    rows += [
        ("full-time (专职)", num(w.full_time)),
        ("grids with a grid worker", f"{num(w.grids_with_worker)} of {num(w.grids)} ({pct(rate)})"),
        ("instructors, organizations per instructor", f"{num(w.instructors)}, {mean(w.mean_organizations)}"),
        ("overloaded instructors", num(len(w.overloaded))),
        (
            "property companies without an instructor",
            f"{num(len(w.unguided_property_companies))} of {num(w.property_companies)}",
        ),
    ]
    parts.append(html_table(("workers", "value"), rows, numeric=(False, True)))
    shown, more = limit(list(w.workerless_grids), TOP)
    parts.append("<h3>Grids without a grid worker</h3>")
    parts.append(
        html_table(
            ("grid", "name", "community", "households"),
            [(g.id, g.name or "", g.community or "", num(g.households)) for g in shown],
            numeric=(False, False, False, True),
            more=more,
        )
    )
    shown, more = limit(sorted(w.overloaded, key=lambda x: (-x.organizations, x.id)), TOP)
    parts.append("<h3>Overloaded instructors, most organizations first</h3>")
    parts.append(
        html_table(
            ("instructor", "full-time", "organizations", "station"),
            [(x.id, "yes" if x.full_time else "no", num(x.organizations), x.station or "") for x in shown],
            numeric=(False, False, True, False),
            more=more,
        )
    )
    shown, more = limit(list(w.unguided_property_companies), TOP)
    parts.append("<h3>Property companies no instructor guides</h3>")
    parts.append(
        html_table(
            ("unit", "name", "party branch", "buildings managed"),
            [(u.id, u.name or "", u.branch or "-", num(u.buildings)) for u in shown],
            numeric=(False, False, False, True),
            more=more,
        )
    )
    parts.append("</section>")
    return "".join(parts)
