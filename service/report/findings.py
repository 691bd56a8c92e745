"""The report's figures: every analysis on one session, and the headline summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_schema.contract import GRID_HOUSEHOLDS_NORM
from loaders.progress import Progress, step
from service.formatting import num, pct, ratio

if TYPE_CHECKING:
    from analytics import AnalyticsSession

EXPANSION_K = 20
"""Steps of the expansion plans."""
TOP = 20
"""Rows of a list shown in the page (all of them are in report.json)."""


def twelve_months_to(day: dt.date) -> dt.date:
    """The first day of the twelve months ending on ``day`` (the day after the same date a year before).

    >>> twelve_months_to(dt.date(2024, 3, 31)), twelve_months_to(dt.date(2024, 2, 29))
    (datetime.date(2023, 4, 1), datetime.date(2023, 3, 1))
    """
    try:
        before = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        before = day.replace(year=day.year - 1, day=28)
    return before + dt.timedelta(days=1)


def latest_visit(G: Any) -> dt.date | None:
    """The date of the most recent VISITED relationship in the graph (None when there is none)."""
    latest = ""
    for _, _, data in G.edges(data=True):
        if data.get("type") == "VISITED":
            on = str(data.get("on", ""))[:10]
            if on > latest:
                latest = on
    try:
        return dt.date.fromisoformat(latest) if latest else None
    except ValueError:
        return None


def grid_rows(G: Any, index: Any, area: str | None, structure: Any) -> list[dict[str, Any]]:
    """One row per grid under ``area``: households, target, deviation, off norm, has a branch.

    ``structure`` is the :class:`analytics.StructureReport` of the same area (its norm,
    tolerance and grids without a branch).
    """
    from analytics.structure import target_ok

    without = set(structure.grids_without_branch)
    out: list[dict[str, Any]] = []
    for g in index.areas_under(area, "Grid"):
        raw = G.nodes[g].get("target_households")
        try:
            target = int(raw) if raw is not None and int(raw) > 0 else int(structure.grid_norm)
        except (TypeError, ValueError):
            target = int(structure.grid_norm)
        n = index.household_count(g)
        out.append(
            {
                "grid": g,
                "name": index.name(g),
                "community": index.path(g).community,
                "street": index.path(g).street,
                "households": n,
                "target": target,
                "deviation": n / target - 1,
                "off_norm": not target_ok(n, target, structure.tolerance),
                "has_branch": g not in without,
            }
        )
    return out


# --- the figures of the report ----------------------------------------------------------------


@dataclass
class Findings:
    """Every analysis of the report, computed on one projection."""

    area: str | None
    label: str
    name: str | None
    as_of: dt.date
    by: str | None
    coverage: Any
    load: Any
    uncovered_total: int
    reach: Any
    expansions: dict[str, Any]
    """Resource kind (``ANY`` for any) → :class:`analytics.ExpansionPlan`."""
    detailed: str
    """The expansion plan shown step by step."""
    structure: Any
    grids: list[dict[str, Any]]
    plan: Any
    plan_grids: list[dict[str, Any]]
    brokerage: Any | None
    member_grid: dict[str, tuple[str, str]]
    """Vanguard id → (grid, building) where they live, for the overloaded and idle lists."""
    names: dict[str, str | None]
    """Names of the streets and communities of the scope (plot labels)."""
    appeals: Any = None
    """:class:`analytics.AppealStats` of the twelve months up to ``as_of``, by community where
    there are communities below the scope (else one level down)."""
    appeals_by_street: Any = None
    """The same by street (the city's report only)."""
    work: Any = None
    """:class:`service.report.work.WorkFindings`: monthly contact, registration, activities, points of
    the twelve months up to ``as_of``."""
    workers: Any = None
    """:class:`analytics.WorkersReport` of the scope (the people who work the grid)."""
    assessment: Any = None
    """:class:`analytics.assessment.AssessmentReport` of the latest round, overdue as of ``as_of``."""


def analyse(
    session: AnalyticsSession,
    area: str | None,
    as_of: dt.date,
    *,
    resource: str | None = None,
    progress: Progress | None = None,
) -> Findings:
    """Run the report's analyses on the session's projection for ``area`` (None: the city)."""
    import analytics as A

    G = session.graph
    idx = session.index
    label = idx.check(area)
    link = session.linkage
    model = session.model
    by = {"City": "Grid", "Street": "Grid", "Community": "Grid", "Grid": "Building"}.get(label)
    with step(progress, "coverage and vanguard load"):
        cov = A.coverage(G, area, as_of=as_of, by=by, breakdown=by is not None, index=idx, linkage=link)
        load = A.vanguard_load(G, area, include_all=True, index=idx, linkage=link)
        uncovered = A.uncovered_households(G, area, limit=0, index=idx, linkage=link)
    with step(progress, "reach and expansion plans"):
        rch = A.reach(G, area, by=by, breakdown=by is not None, index=idx, model=model)
        plans: dict[str, Any] = {"ANY": A.expansion_plan(G, EXPANSION_K, area=area, index=idx, model=model)}
        for kind in model.resource_kinds():
            plans[kind] = A.expansion_plan(G, EXPANSION_K, area=area, resource=kind, index=idx, model=model)
    if resource is not None:
        detailed = resource
        if detailed not in plans:
            plans[detailed] = A.expansion_plan(G, EXPANSION_K, area=area, resource=resource, index=idx, model=model)
    else:
        gains = sorted(
            ((p.reached_after - p.reached_before, -p.reached_before, k) for k, p in plans.items() if k != "ANY"),
            reverse=True,
        )
        detailed = gains[0][2] if gains and gains[0][0] > 0 else "ANY"
    with step(progress, "structure and brokerage"):
        st = A.structure(G, area, index=idx)
        grids = grid_rows(G, idx, area, st)
        broker = None
        if label != "Building":
            broker = A.brokerage(G, area, top=10, index=idx, model=model)
    with step(progress, "coverage plan (min-cost flow per grid)"):
        plan = A.coverage_plan(G, area, index=idx, linkage=link)
        plan_grids = [r.to_dict() for r in plan.grids]
    with step(progress, "appeals (接诉即办)"):
        appeals, appeals_by_street = _appeals(session, area, label, as_of)
    with step(progress, "monthly work (月联, 三报到, activities, 积分)"):
        from service.report.work import analyse_work

        work = analyse_work(session, area, label, twelve_months_to(as_of), as_of)
    with step(progress, "workers (工作人员)"):
        workers = A.workers_report(G, area, index=idx)
    with step(progress, "star ratings (双强双优)"):
        from analytics.assessment import assessment_report

        ratings = assessment_report(G, area, as_of=as_of, index=idx)
    member_grid = {v.id: (v.grid or "", v.building or "") for v in (*load.overloaded, *load.idle)}
    return Findings(
        area=area,
        label=label,
        name=idx.name(area),
        as_of=as_of,
        by=by,
        coverage=cov,
        load=load,
        uncovered_total=uncovered.total,
        reach=rch,
        expansions=plans,
        detailed=detailed,
        structure=st,
        grids=grids,
        plan=plan,
        plan_grids=plan_grids,
        brokerage=broker,
        member_grid=member_grid,
        names=_names(G, idx, area, plans[detailed]),
        appeals=appeals,
        appeals_by_street=appeals_by_street,
        work=work,
        workers=workers,
        assessment=ratings,
    )


def _appeals(session: AnalyticsSession, area: str | None, label: str, as_of: dt.date) -> tuple[Any, Any]:
    """The appeals of the twelve months up to ``as_of``: by community (or one level down), and by street."""
    import analytics as A

    G, idx = session.graph, session.index
    start = twelve_months_to(as_of)
    by = "Community" if label in ("City", "Street") else None
    appeals, model = session.appeals, session.model
    stats = A.appeal_stats(G, area, date_from=start, date_to=as_of, by=by, index=idx, appeals=appeals, model=model)
    streets = None
    if label == "City":
        streets = A.appeal_stats(
            G, area, date_from=start, date_to=as_of, by="Street", index=idx, appeals=appeals, model=model
        )
    return stats, streets


def _names(G: Any, idx: Any, area: str | None, plan: Any) -> dict[str, str | None]:
    """Names of the streets and communities of the scope and of the units, alliances and areas of ``plan``."""
    names: dict[str, str | None] = {
        a: idx.name(a) for lab in ("Street", "Community") for a in idx.areas_under(area, lab)
    }
    for s in plan.steps:
        for node in (s.unit, s.alliance, s.area):
            if node is not None and node in G:
                name = G.nodes[node].get("name")
                names[node] = None if name is None else str(name)
    return names


def slowest_handlers(stats: Any, top: int = TOP) -> list[Any]:
    """The handlers that resolve least (lowest resolution rate), then slowest (largest median days)."""
    return list(stats.handlers[:top])


def summary(f: Findings) -> list[tuple[str, str, Any]]:
    """The headline figures: (label, shown value, raw value)."""
    cov, load, rch, st, plan = f.coverage, f.load, f.reach, f.structure, f.plan
    active = cov.active
    rows: list[tuple[str, str, Any]] = [
        ("households", num(cov.households.total), cov.households.total),
        ("households linked by a vanguard", ratio(cov.households.covered, cov.households.rate), cov.households.rate),
        ("party members linked (non-vanguard)", ratio(cov.members.covered, cov.members.rate), cov.members.rate),
    ]
    if active is not None:
        rows.append(
            (
                f"households visited {active.window_start} … {active.as_of}",
                ratio(active.households, active.rate) + f", {pct(active.share_of_covered)} of the linked",
                active.rate,
            )
        )
    rows += [
        ("vanguards", num(load.vanguards), load.vanguards),
        ("overloaded vanguards", num(len(load.overloaded)), len(load.overloaded)),
        ("idle vanguards (no links)", num(len(load.idle)), len(load.idle)),
        (
            "households reached by an alliance unit",
            ratio(rch.households.reached, rch.households.rate),
            rch.households.rate,
        ),
        (
            "grids with a grid branch or party group",
            ratio(st.grids_with_branch, st.grids_with_branch_rate),
            st.grids_with_branch_rate,
        ),
        (
            "buildings with a party group",
            ratio(st.buildings_with_group, st.buildings_with_group_rate),
            st.buildings_with_group_rate,
        ),
        (
            "communities served by an alliance",
            ratio(st.communities_with_alliance, st.communities_with_alliance_rate),
            st.communities_with_alliance_rate,
        ),
        (f"grids off the ~{GRID_HOUSEHOLDS_NORM}-household norm", num(len(st.grids_off_norm)), len(st.grids_off_norm)),
        ("households linked after the coverage plan", ratio(plan.after.covered, plan.after.rate), plan.after.rate),
    ]
    ap = f.appeals
    if ap is not None:
        rows += [
            (f"appeals received {ap.date_from} … {ap.date_to}", num(ap.received), ap.received),
            ("appeals responded in time (响应率)", ratio(ap.responded.count, ap.responded.rate), ap.responded.rate),
            ("appeals resolved (解决率)", ratio(ap.resolved.count, ap.resolved.rate), ap.resolved.rate),
            (
                "reviewed appeals satisfied (满意率)",
                ratio(ap.satisfied.count, ap.satisfied.rate),
                ap.satisfied.rate,
            ),
            ("appeals overdue", num(ap.overdue), ap.overdue),
        ]
    wk = f.workers
    if wk is not None:
        rows += [
            ("grids without a grid worker (网格员)", num(len(wk.workerless_grids)), len(wk.workerless_grids)),
            ("overloaded instructors (党建指导员)", num(len(wk.overloaded)), len(wk.overloaded)),
            (
                "property companies without an instructor",
                num(len(wk.unguided_property_companies)),
                len(wk.unguided_property_companies),
            ),
        ]
    return rows
