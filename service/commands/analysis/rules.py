"""The rules of the analysis commands: which ``--by``, ``--resource``, ``--area`` and periods make sense."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from service.commands.analysis.vocabulary import AREA_LABELS, LEVELS, UsageError, plural

if TYPE_CHECKING:
    from service.commands.analysis.workspace import Workspace


def check_by(ws: Workspace, by: str | None) -> str | None:
    """The breakdown label for ``--by`` (None: the default one level down)."""
    if by is None:
        return None
    label = LEVELS[by]
    order = ("City", *AREA_LABELS)
    if order.index(label) <= order.index(ws.area_label):
        below = [lvl for lvl, lab in LEVELS.items() if order.index(lab) > order.index(ws.area_label)]
        options = f"--by {' or --by '.join(below)}" if below else "no --by (a building has no areas below it)"
        raise UsageError(
            f"--area {ws.area} is a {ws.area_label.lower()}: it has no {plural(by)} below it; use {options}"
        )
    return label


def check_period(
    date_from: dt.date, date_to: dt.date, as_of: dt.date | None
) -> tuple[dt.date, dt.date, dt.date | None]:
    """``--from``, ``--to`` and ``--as-of`` when they make a period (``--as-of`` not before ``--from``)."""
    if date_from > date_to:
        raise UsageError(f"--from {date_from} is after --to {date_to}; the period runs from the earlier day")
    if as_of is not None and as_of < date_from:
        raise UsageError(f"--as-of {as_of} is before --from {date_from}: nothing reported in the period is known then")
    return date_from, date_to, as_of


def check_resource(resource: str | None) -> str | None:
    """The resource kind ``--resource`` names (None when not given); any case, ``-`` for ``_``."""
    if resource is None:
        return None
    from graph_schema import ResourceKind

    known = [k.value for k in ResourceKind]
    value = resource.strip().upper().replace("-", "_")
    if value not in known:
        raise UsageError(f"unknown resource kind {resource!r}; choose one of {', '.join(known)}")
    return value


def check_brokerage_area(ws: Workspace) -> None:
    """Brokerage works on grids and above: a building is refused, with its grid as the hint."""
    if ws.area_label == "Building":
        area = ws.area
        grid = ws.index.path(area).grid if area is not None else None
        raise UsageError(
            f"brokerage works on grids and above; --area {area} is a building"
            + (f": try its grid, --area {grid}" if grid else "")
        )


def uncovered_breakdown(ws: Workspace) -> str | None:
    """The level ``analyze uncovered`` counts per: grids above a grid, none in a grid or building."""
    return "Grid" if ws.area_label in ("City", "Street", "Community") else None


ACTIONS: dict[str, tuple[Literal["JOIN", "SERVE"], ...]] = {
    "both": ("JOIN", "SERVE"),
    "join": ("JOIN",),
    "serve": ("SERVE",),
}
"""``--actions`` and the expansion actions it allows."""
