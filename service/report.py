"""The report of ``civicmesh report``: one self-contained ``index.html`` and ``report.json``.

:func:`build_report` runs every analysis of :mod:`analytics` on one projection (coverage
with active coverage as of a date, vanguard load, uncovered households, reach, expansion
plans per resource kind, structure completeness, brokerage and the coverage plan), draws
the plots with matplotlib (no pyplot, no display: ``Figure`` objects rendered to SVG, text
as paths so that the page needs no fonts) and writes

- ``index.html``: summary figures, the plots inline as SVG, the key tables; opens offline;
- ``report.json``: every figure of the report (the analyses' ``to_dict()`` and the tables);
- with ``png=True``, each plot as ``plots/NAME.png`` too (slides, checking by eye).

Plot text is English plus area and unit names; names are drawn in a CJK font when one is
installed (Noto Sans CJK, Source Han Sans, WenQuanYi...), else ids replace them.  No
personal information appears: the projection carries none (ids of households and members
only).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Stage = Callable[[str], AbstractContextManager[None]]
"""``stage("drawing plots")``: a context manager around a long step (progress reporting)."""

EXPANSION_K = 20
TOP = 20
STAR_ORDER = ("DEMONSTRATION", "EXCELLENT", "QUALIFIED", "UNQUALIFIED", "null")
STAR_COLOURS = ("#b2182b", "#ef8a62", "#67a9cf", "#2166ac", "#bdbdbd")
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Serif CJK SC",
)
"""Fonts tried, in order, for Chinese names in plots."""

BLUE, LIGHT, GREY, RED, GREEN = "#2c7fb8", "#a6cee3", "#969696", "#d7301f", "#31a354"


# --- tables shared with the CLI ---------------------------------------------------------------


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


def analyse(
    G: Any,
    area: str | None,
    as_of: dt.date,
    *,
    resource: str | None = None,
    index: Any = None,
    stage: Stage | None = None,
) -> Findings:
    """Run the report's analyses on ``G`` (a store projection) for ``area`` (None: the city)."""
    import analytics as A

    step: Stage = stage or (lambda _: nullcontext())
    idx = index or A.AreaIndex.build(G)
    label = idx.check(area)
    link = A.Linkage.build(G)
    model = A.ReachModel.build(G, idx)
    by = {"City": "Grid", "Street": "Grid", "Community": "Grid", "Grid": "Building"}.get(label)
    with step("coverage and vanguard load"):
        cov = A.coverage(G, area, as_of=as_of, by=by, breakdown=by is not None, index=idx, linkage=link)
        load = A.vanguard_load(G, area, include_all=True, index=idx, linkage=link)
        uncovered = A.uncovered_households(G, area, limit=0, index=idx, linkage=link)
    with step("reach and expansion plans"):
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
    with step("structure and brokerage"):
        st = A.structure(G, area, index=idx)
        grids = grid_rows(G, idx, area, st)
        broker = None
        if label != "Building":
            broker = A.brokerage(G, area, top=10, index=idx, model=model)
    with step("coverage plan (min-cost flow per grid)"):
        plan = A.coverage_plan(G, area, index=idx, linkage=link)
        plan_grids = [r.to_dict() for r in plan.grids]
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
    )


def _names(G: Any, idx: Any, area: str | None, plan: Any) -> dict[str, str | None]:
    """Names of the streets and communities of the scope and of the units, alliances and areas of ``plan``."""
    names: dict[str, str | None] = {
        a: idx.name(a) for lab in ("Street", "Community") for a in idx.areas_under(area, lab)
    }
    for step in plan.steps:
        for node in (step.unit, step.alliance, step.area):
            if node is not None and node in G:
                name = G.nodes[node].get("name")
                names[node] = None if name is None else str(name)
    return names


def summary(f: Findings) -> list[tuple[str, str, Any]]:
    """The headline figures: (label, shown value, raw value)."""
    cov, load, rch, st, plan = f.coverage, f.load, f.reach, f.structure, f.plan
    active = cov.active
    rows: list[tuple[str, str, Any]] = [
        ("households", _n(cov.households.total), cov.households.total),
        ("households linked by a vanguard", _ratio(cov.households.covered, cov.households.rate), cov.households.rate),
        ("party members linked (non-vanguard)", _ratio(cov.members.covered, cov.members.rate), cov.members.rate),
    ]
    if active is not None:
        rows.append(
            (
                f"households visited {active.window_start} … {active.as_of}",
                _ratio(active.households, active.rate) + f", {_pct(active.share_of_covered)} of the linked",
                active.rate,
            )
        )
    rows += [
        ("vanguards", _n(load.vanguards), load.vanguards),
        ("overloaded vanguards", _n(len(load.overloaded)), len(load.overloaded)),
        ("idle vanguards (no links)", _n(len(load.idle)), len(load.idle)),
        (
            "households reached by an alliance unit",
            _ratio(rch.households.reached, rch.households.rate),
            rch.households.rate,
        ),
        (
            "grids with a grid branch or party group",
            _ratio(st.grids_with_branch, st.grids_with_branch_rate),
            st.grids_with_branch_rate,
        ),
        (
            "buildings with a party group",
            _ratio(st.buildings_with_group, st.buildings_with_group_rate),
            st.buildings_with_group_rate,
        ),
        (
            "communities served by an alliance",
            _ratio(st.communities_with_alliance, st.communities_with_alliance_rate),
            st.communities_with_alliance_rate,
        ),
        ("grids off the ~300-household norm", _n(len(st.grids_off_norm)), len(st.grids_off_norm)),
        ("households linked after the coverage plan", _ratio(plan.after.covered, plan.after.rate), plan.after.rate),
    ]
    return rows


def _n(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f}%"


def _ratio(n: int, rate: float | None) -> str:
    return f"{n:,} ({_pct(rate)})"


# --- plots ---------------------------------------------------------------------------------------


def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs (None when there is none)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    return next((n for n in sorted(installed) if "CJK" in n), None)


class Plotter:
    """Draws the report's figures (matplotlib ``Figure`` objects, no pyplot state)."""

    def __init__(self, cjk: str | None) -> None:
        self.cjk = cjk
        self.rc: Any = {
            "font.family": ["DejaVu Sans", cjk] if cjk else ["DejaVu Sans"],
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.unicode_minus": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "civicmesh",
        }

    def label(self, node: str, name: str | None) -> str:
        """``name (id)`` when names can be drawn, else the id."""
        return f"{name} ({node})" if self.cjk and name else node

    def figure(self, width: float, height: float) -> Any:
        from matplotlib.figure import Figure

        return Figure(figsize=(width, height), layout="constrained")

    # each plot returns a Figure, or None when there is nothing to draw
    def coverage(self, f: Findings) -> Any:
        cov = f.coverage
        rows = [r for r in cov.breakdown if r.households.total > 0]
        if not rows:
            return None
        level = (cov.by or "area").lower()
        rows.sort(key=lambda r: (r.households.rate or 0.0, r.area))
        overall = cov.households.rate or 0.0
        if len(rows) <= 40:
            fig = self.figure(8, max(2.4, 0.28 * len(rows) + 1.2))
            ax = fig.add_subplot()
            y = list(range(len(rows)))
            ax.barh(y, [100 * (r.households.rate or 0) for r in rows], color=BLUE, height=0.7, label="linked")
            if cov.active is not None:
                ax.barh(
                    y,
                    [100 * (r.active.rate or 0) if r.active else 0 for r in rows],
                    color=LIGHT,
                    height=0.35,
                    label=f"visited in the month to {cov.active.as_of}",
                )
            ax.scatter(
                [100 * (r.members.rate or 0) for r in rows],
                y,
                marker="D",
                s=14,
                color="black",
                zorder=3,
                label="party members linked",
            )
            ax.axvline(100 * overall, color=RED, linestyle="--", linewidth=1, label=f"overall {_pct(overall)}")
            ax.set_yticks(y, [self.label(r.area, r.name) for r in rows])
            ax.set_xlim(0, 100)
            ax.set_xlabel("share of households linked by a vanguard (%)")
            ax.set_title(f"Linkage coverage per {level}, lowest first")
            ax.legend(loc="lower right", fontsize=7, frameon=False)
            return fig
        fig = self.figure(10, 3.6)
        left, right = fig.subplots(1, 2, width_ratios=(1.6, 1))
        rates = [100 * (r.households.rate or 0) for r in rows]
        left.bar(range(len(rows)), rates, width=1.0, color=BLUE, label="linked")
        if cov.active is not None:
            left.bar(
                range(len(rows)),
                [100 * (r.active.rate or 0) if r.active else 0 for r in rows],
                width=1.0,
                color=LIGHT,
                label=f"visited in the month to {cov.active.as_of}",
            )
        left.axhline(100 * overall, color=RED, linestyle="--", linewidth=1, label=f"overall {_pct(overall)}")
        left.set_xlim(-0.5, len(rows) - 0.5)
        left.set_ylim(0, _upper(rates))
        left.set_xticks([])
        left.set_xlabel(f"{len(rows):,} {level}s, sorted by coverage")
        left.set_ylabel("households linked (%)")
        left.set_title(f"Linkage coverage per {level}")
        left.legend(loc="upper left", fontsize=7, frameon=False)
        bins = _percent_bins(rates)
        right.hist(rates, bins=bins, color=BLUE, label="linked")
        if cov.active is not None:
            right.hist(
                [100 * (r.active.rate or 0) for r in rows if r.active],
                bins=bins,
                histtype="step",
                color="black",
                linewidth=1.2,
                label="visited in the month",
            )
        right.yaxis.set_major_locator(_integer_locator())
        right.set_xlabel("households linked (%)")
        right.set_ylabel(f"{level}s")
        right.set_title(f"Distribution over {level}s")
        right.legend(fontsize=7, frameon=False)
        return fig

    def load(self, f: Findings) -> Any:
        load = f.load
        if not load.loads:
            return None
        counts: dict[tuple[int, int], int] = {}
        for v in load.loads:
            counts[(v.members, v.households)] = counts.get((v.members, v.households), 0) + 1
        fig = self.figure(7.5, 4.0)
        ax = fig.add_subplot()
        over_m = load.overload_factor * load.members_norm
        over_h = load.overload_factor * load.households_norm
        points = sorted(counts.items())
        colours = [GREY if (m, h) == (0, 0) else RED if m > over_m or h > over_h else BLUE for (m, h), _ in points]
        biggest = max(counts.values())
        ax.scatter(
            [m for (m, _), _ in points],
            [h for (_, h), _ in points],
            s=[12 + 160 * (c / biggest) ** 0.5 for _, c in points],
            c=colours,
            alpha=0.65,
            edgecolors="none",
        )
        top_m = max(max(m for m, _ in counts), over_m) * 1.1 + 1
        top_h = max(max(h for _, h in counts), over_h) * 1.1 + 1
        ax.axvline(load.members_norm, color=GREEN, linestyle="--", linewidth=1)
        ax.axhline(load.households_norm, color=GREEN, linestyle="--", linewidth=1)
        ax.axvline(over_m, color=RED, linestyle=":", linewidth=1)
        ax.axhline(over_h, color=RED, linestyle=":", linewidth=1)
        ax.text(
            load.members_norm,
            top_h,
            f"norm {load.members_norm} members ",
            color=GREEN,
            va="top",
            ha="right",
            rotation=90,
            fontsize=7,
        )
        ax.text(
            -0.4,
            load.households_norm,
            f"norm N = {load.households_norm} households",
            color=GREEN,
            va="bottom",
            fontsize=7,
        )
        ax.text(-0.4, over_h, f"overloaded above {over_h:g} households", color=RED, va="bottom", fontsize=7)
        ax.text(
            over_m,
            top_h,
            f"overloaded above {over_m:g} members ",
            color=RED,
            va="top",
            ha="right",
            rotation=90,
            fontsize=7,
        )
        idle = counts.get((0, 0), 0)
        if idle:
            ax.annotate(f"{idle:,} idle", (0, 0), xytext=(8, 8), textcoords="offset points", fontsize=7, color=GREY)
        ax.set_xlim(-0.5, top_m)
        ax.set_ylim(-0.5, top_h)
        ax.set_xlabel("party members a vanguard links")
        ax.set_ylabel("households a vanguard links")
        ax.set_title(
            f"Vanguard load (1+{load.members_norm}+N): {load.vanguards:,} vanguards, "
            f"{len(load.overloaded):,} overloaded, {idle:,} idle (dot area ~ vanguards)"
        )
        return fig

    def reach(self, f: Findings) -> Any:
        rch = f.reach
        if not rch.resources:
            return None
        fig = self.figure(10, 3.8)
        left, right = fig.subplots(1, 2)
        per_unit = [u.households for u in rch.units]
        if per_unit:
            lo, hi = min(per_unit), max(per_unit)
            if hi / max(lo, 1) > 50:
                import numpy as np

                bins: Any = np.logspace(np.log10(max(lo, 1)), np.log10(hi + 1), 25)
                left.set_xscale("log")
            else:
                bins = 20
            left.hist(per_unit, bins=bins, color=BLUE)
        left.yaxis.set_major_locator(_integer_locator())
        left.set_xlabel("households a member unit reaches")
        left.set_ylabel("member units")
        left.set_title(f"Reach per unit ({len(per_unit):,} units reach someone)")
        kinds = list(reversed(rch.resources))
        y = list(range(len(kinds)))
        rates = [100 * (k.households.rate or 0) for k in kinds]
        right.barh(y, rates, color=[BLUE if k.units else RED for k in kinds], height=0.7)
        for i, k in enumerate(kinds):
            text = f" {k.units} unit{'s' if k.units != 1 else ''}" if k.units else " no unit offers it"
            right.text(rates[i], i, text, va="center", fontsize=7, color="black" if k.units else RED)
        right.set_yticks(y, [k.resource for k in kinds])
        right.set_xlim(0, 118)
        right.set_xlabel("households reached (%)")
        right.set_title("Reach per resource kind")
        return fig

    def branches(self, f: Findings) -> Any:
        if not f.grids:
            return None
        key = "street" if f.label == "City" else "community"
        groups: dict[str, list[int]] = {}
        for g in f.grids:
            counts = groups.setdefault(g[key] or "?", [0, 0])
            counts[0 if g["has_branch"] else 1] += 1
        names = sorted(groups, key=lambda k: (groups[k][1] / max(sum(groups[k]), 1), k))
        fig = self.figure(8, max(1.9, 0.3 * len(names) + 1.3))
        ax = fig.add_subplot()
        y = list(range(len(names)))
        with_branch = [groups[n][0] for n in names]
        without = [groups[n][1] for n in names]
        ax.barh(y, with_branch, color=BLUE, height=0.6, label="with a grid branch or party group")
        ax.barh(y, without, left=with_branch, color=RED, height=0.6, label="without")
        for i, (w, wo) in enumerate(zip(with_branch, without, strict=True)):
            ax.text(w + wo, i, f" {wo:,} of {w + wo:,} without", va="center", fontsize=7)
        ax.set_yticks(y, [self.label(n, f.names.get(n)) for n in names])
        ax.set_xlim(0, max(w + wo for w, wo in zip(with_branch, without, strict=True)) * 1.25)
        ax.xaxis.set_major_locator(_integer_locator())
        ax.set_xlabel("grids")
        ax.set_title(f"Grids with and without a party branch, per {key}")
        fig.legend(loc="outside lower center", ncols=2, fontsize=7, frameon=False)
        return fig

    def grid_sizes(self, f: Findings) -> Any:
        if not f.grids:
            return None
        st = f.structure
        fig = self.figure(8, 3.4)
        ax = fig.add_subplot()
        values = [100 * (g["households"] / g["target"]) for g in f.grids]
        top = max(max(values), 100 * (1 + st.tolerance)) + 10
        width = 10 if top <= 400 else 25
        bins = [width * i for i in range(int(top // width) + 2)]
        inside = [v for v, g in zip(values, f.grids, strict=True) if not g["off_norm"]]
        outside = [v for v, g in zip(values, f.grids, strict=True) if g["off_norm"]]
        ax.hist(
            [inside, outside],
            bins=bins,
            stacked=True,
            color=[BLUE, RED],
            label=["within the norm", f"off the norm ({len(outside):,})"],
        )
        ax.axvspan(100 * (1 - st.tolerance), 100 * (1 + st.tolerance), color=GREEN, alpha=0.08)
        ax.axvline(100, color=GREEN, linestyle="--", linewidth=1)
        ax.yaxis.set_major_locator(_integer_locator())
        ax.set_xlabel(f"households as % of the grid's target (default {st.grid_norm}); normal: ±{st.tolerance:.0%}")
        ax.set_ylabel("grids")
        ax.set_title(f"Grid sizes: {len(f.grids):,} grids")
        ax.legend(fontsize=7, frameon=False)
        return fig

    def stars(self, f: Findings) -> Any:
        spread = [s for s in f.structure.star_spread if s.organizations]
        if not spread:
            return None
        fig = self.figure(8, max(2.2, 0.32 * len(spread) + 1.4))
        ax = fig.add_subplot()
        y = list(range(len(spread)))
        left = [0.0] * len(spread)
        for star, colour in zip(STAR_ORDER, STAR_COLOURS, strict=True):
            shares = [100 * s.counts.get(star, 0) / s.organizations for s in spread]
            ax.barh(y, shares, left=left, color=colour, height=0.7, label="unrated" if star == "null" else star.lower())
            left = [a + b for a, b in zip(left, shares, strict=True)]
        ax.set_yticks(y, [self.label(s.street, s.name) for s in spread])
        ax.set_xlim(0, 100)
        ax.set_xlabel("party organizations (%)")
        ax.set_title("Star ratings of the party organizations per street")
        fig.legend(loc="outside lower center", ncols=5, fontsize=7, frameon=False)
        return fig

    def plan(self, f: Findings) -> Any:
        rows = [r for r in f.plan_grids if r["households"]]
        if not rows or not f.plan.assigned:
            return None
        title = (
            f"Coverage plan: {f.plan.assigned:,} households assigned, "
            f"{_pct(f.plan.before.rate)} -> {_pct(f.plan.after.rate)} linked"
        )
        if len(rows) <= 40:
            rows.sort(key=lambda r: (-(r["rate_after"] or 0), r["grid"]))
            fig = self.figure(8, max(2.0, 0.28 * len(rows) + 1.3))
            ax = fig.add_subplot()
            y = list(range(len(rows)))
            ax.barh(y, [100 * (r["rate_after"] or 0) for r in rows], color=LIGHT, height=0.7, label="after the plan")
            ax.barh(y, [100 * (r["rate_before"] or 0) for r in rows], color=BLUE, height=0.7, label="today")
            ax.set_yticks(y, [self.label(r["grid"], r["name"]) for r in rows])
            ax.invert_yaxis()
            ax.set_xlim(0, 100)
            ax.set_xlabel("households linked (%)")
            ax.set_title(title)
            ax.legend(loc="lower right", fontsize=7, frameon=False)
            return fig
        fig = self.figure(8, 3.2)
        ax = fig.add_subplot()
        bins = _percent_bins([100 * (r["rate_after"] or 0) for r in rows])
        ax.hist([100 * (r["rate_before"] or 0) for r in rows], bins=bins, color=LIGHT, label="today")
        ax.hist(
            [100 * (r["rate_after"] or 0) for r in rows],
            bins=bins,
            histtype="step",
            color=BLUE,
            linewidth=1.5,
            label="after the plan",
        )
        ax.yaxis.set_major_locator(_integer_locator())
        ax.set_xlabel("households linked (%)")
        ax.set_ylabel("grids")
        ax.set_title(title)
        ax.legend(fontsize=7, frameon=False)
        return fig

    def all(self, f: Findings) -> list[tuple[str, str, Any]]:
        """(name, caption, figure) of every plot that has something to show."""
        import matplotlib

        with matplotlib.rc_context(self.rc):
            candidates = [
                ("coverage", "Linkage coverage per area", self.coverage(f)),
                ("load", "Vanguard load against the 1+10+N norm", self.load(f)),
                ("reach", "Alliance resource reach", self.reach(f)),
                ("branches", "Grids without a party branch", self.branches(f)),
                ("grid_sizes", "Grid sizes against the norm", self.grid_sizes(f)),
                ("stars", "Star ratings per street", self.stars(f)),
                ("plan", "Coverage before and after the plan", self.plan(f)),
            ]
            return [(n, c, fig) for n, c, fig in candidates if fig is not None]


def _upper(percentages: Sequence[float]) -> float:
    """A round upper axis limit for percentages: 100, or less when they are all small."""
    top = max(percentages, default=0.0) * 1.15
    for limit in (10, 20, 30, 40, 50, 60, 80):
        if top <= limit:
            return float(limit)
    return 100.0


def _percent_bins(percentages: Sequence[float]) -> list[float]:
    """Histogram bins over 0 … :func:`_upper`: 1, 2 or 5 points wide."""
    upper = _upper(percentages)
    width = 1 if upper <= 30 else 2 if upper <= 60 else 5
    return [float(width * i) for i in range(int(upper // width) + 1)]


def _integer_locator() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def svg_of(fig: Any, prefix: str) -> str:
    """The figure as an inline ``<svg>`` element whose ids are prefixed (unique in the page)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', text)
    return text


# --- HTML ----------------------------------------------------------------------------------------

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
margin:0;color:#222;background:#fafafa}
header{background:#7f0000;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85;font-size:13px}
nav{padding:8px 32px;background:#eee;font-size:13px}nav a{margin-right:14px;color:#7f0000}
main{padding:8px 32px 40px;max-width:1180px}section{margin-top:26px}
h2{border-bottom:2px solid #7f0000;padding-bottom:4px;font-size:18px}h3{font-size:14px;margin:18px 0 6px}
p.note{font-size:12px;color:#555;max-width:900px}
figure{margin:10px 0;background:#fff;border:1px solid #ddd;padding:6px;display:table}
figure svg{max-width:100%;height:auto;display:block}figcaption{font-size:12px;color:#555}
table{border-collapse:collapse;font-size:12px;margin:6px 0;background:#fff}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f0f0f0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid2{display:flex;flex-wrap:wrap;gap:24px}.grid2>div{flex:1 1 420px}
.more{font-size:11px;color:#777}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def html_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Sequence[bool] | None = None, more: int = 0
) -> str:
    """An HTML table; ``numeric[i]`` right-aligns column ``i``."""
    flags = list(numeric) if numeric is not None else [False] * len(headers)
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in headers), "</tr></thead><tbody>"]
    count = 0
    for row in rows:
        count += 1
        cells = (f'<td class="n">{_e(v)}</td>' if flags[i] else f"<td>{_e(v)}</td>" for i, v in enumerate(row))
        out.append("<tr>" + "".join(cells) + "</tr>")
    if not count:
        out.append(f'<tr><td colspan="{len(headers)}">none</td></tr>')
    out.append("</tbody></table>")
    if more:
        out.append(f'<p class="more">… and {more:,} more (see report.json)</p>')
    return "".join(out)


def _top(rows: Sequence[Any], n: int = TOP) -> tuple[list[Any], int]:
    return list(rows[:n]), max(len(rows) - n, 0)


def _grid_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, Callable[[Any], str]]]) -> str:
    """The first rows of per-grid figures: grid, name, then ``(header, key, format)`` columns."""
    shown, more = _top(rows)
    return html_table(
        ("grid", "name", *(header for header, _, _ in columns)),
        [(r["grid"], r["name"], *(fmt(r[key]) for _, key, fmt in columns)) for r in shown],
        numeric=(False, False, *(True for _ in columns)),
        more=more,
    )


def render_html(f: Findings, figures: Sequence[tuple[str, str, str]], meta: dict[str, Any]) -> str:
    """The page: ``figures`` are (name, caption, inline svg)."""
    svg = {name: (caption, markup) for name, caption, markup in figures}

    def fig(name: str) -> str:
        if name not in svg:
            return ""
        caption, markup = svg[name]
        return f"<figure>{markup}<figcaption>{_e(caption)}</figcaption></figure>"

    scope = "the city" if f.area is None else f"{f.label} {f.area}" + (f" {f.name}" if f.name else "")
    cov, load, rch, st, plan = f.coverage, f.load, f.reach, f.structure, f.plan
    level = (cov.by or "area").lower()
    parts: list[str] = []

    parts.append('<section id="summary"><h2>Summary</h2>')
    parts.append(html_table(("figure", "value"), [(k, v) for k, v, _ in summary(f)], numeric=(False, True)))
    parts.append("</section>")

    parts.append('<section id="coverage"><h2>Linkage coverage (党员联户 1+10+N)</h2>')
    parts.append(
        '<p class="note">A household (a non-vanguard party member) is linked when a vanguard member LINKS it; '
        f"visited: linked and VISITED by that vanguard in the 31 days up to {_e(f.as_of)} ({_e(meta['as_of_source'])})."
        "</p>"
    )
    parts.append(fig("coverage"))
    if cov.breakdown:
        worst = sorted(cov.breakdown, key=lambda r: (r.households.rate if r.households.rate is not None else 2, r.area))
        shown, more = _top(worst)
        parts.append(f"<h3>{_e(level.capitalize())}s with the lowest coverage</h3>")
        parts.append(
            html_table(
                (level, "name", "households", "linked", "rate", "visited", "members", "linked", "rate"),
                [
                    (
                        r.area,
                        r.name,
                        _n(r.households.total),
                        _n(r.households.covered),
                        _pct(r.households.rate),
                        _pct(r.active.rate) if r.active else "-",
                        _n(r.members.total),
                        _n(r.members.covered),
                        _pct(r.members.rate),
                    )
                    for r in shown
                ],
                numeric=(False, False, True, True, True, True, True, True, True),
                more=more,
            )
        )
        gaps = sorted(
            (r for r in cov.breakdown if r.households.total > r.households.covered),
            key=lambda r: (-(r.households.total - r.households.covered), r.area),
        )
        shown, more = _top(gaps)
        parts.append(f"<h3>Uncovered households per {_e(level)} ({f.uncovered_total:,} in all, most first)</h3>")
        parts.append(
            html_table(
                (level, "name", "households", "uncovered"),
                [
                    (r.area, r.name, _n(r.households.total), _n(r.households.total - r.households.covered))
                    for r in shown
                ],
                numeric=(False, False, True, True),
                more=more,
            )
        )
    parts.append("</section>")

    parts.append('<section id="load"><h2>Vanguard load</h2>')
    parts.append(
        f'<p class="note">Norms: about {load.members_norm} party members and N = {load.households_norm} households '
        f"per vanguard; overloaded above {load.overload_factor:g}x either norm; idle: no links at all. "
        f"Mean load: {_e(_num(load.mean_members))} members, {_e(_num(load.mean_households))} households.</p>"
    )
    parts.append(fig("load"))
    over = sorted(load.overloaded, key=lambda v: (-v.households, -v.members, v.id))
    parts.append('<div class="grid2"><div>')
    shown, more = _top(over)
    parts.append(f"<h3>Overloaded vanguards ({len(over):,}, most households first)</h3>")
    parts.append(
        html_table(
            ("vanguard", "members", "households", "grid", "building"),
            [(v.id, v.members, v.households, *f.member_grid.get(v.id, ("", ""))) for v in shown],
            numeric=(False, True, True, False, False),
            more=more,
        )
    )
    parts.append("</div><div>")
    shown, more = _top(load.idle)
    parts.append(f"<h3>Idle vanguards ({len(load.idle):,})</h3>")
    parts.append(
        html_table(
            ("vanguard", "grid", "building"), [(v.id, *f.member_grid.get(v.id, ("", ""))) for v in shown], more=more
        )
    )
    parts.append("</div></div></section>")

    parts.append('<section id="reach"><h2>Alliance resource reach (党建联盟)</h2>')
    parts.append(
        '<p class="note">A member unit reaches a household when it JOINED an alliance that SERVES an area containing '
        f"the household, or MANAGES its building. {rch.households.reached:,} of {rch.households.total:,} households "
        f"({_pct(rch.households.rate)}) are reached by at least one unit.</p>"
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
                    _n(r.households.reached),
                    _pct(r.households.rate),
                    _n(r.households.total - r.households.reached),
                )
                for r in rch.resources
            ],
            numeric=(False, True, True, True, True),
        )
    )
    shown, more = _top(rch.units, 10)
    parts.append("</div><div><h3>Units reaching the most households</h3>")
    parts.append(
        html_table(
            ("unit", "name", "kind", "households"),
            [(u.id, u.name, u.kind, _n(u.households)) for u in shown],
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
                    _n(p.reached_before),
                    _n(p.reached_after),
                    _n(p.reached_after - p.reached_before),
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
        f"<h3>Expansion plan for {_e(f.detailed if f.detailed != 'ANY' else 'any resource')}: "
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
                    _n(s.gain),
                    _n(s.reached),
                )
                for i, s in enumerate(detail.steps[:TOP], 1)
            ],
            numeric=(True, False, False, False, False, True, True),
        )
    )
    parts.append("</section>")

    parts.append('<section id="structure"><h2>Structure completeness (组织覆盖)</h2>')
    parts.append(
        html_table(
            ("", "total", "with", "rate"),
            [
                (
                    "grids with a grid branch or party group",
                    _n(st.grids),
                    _n(st.grids_with_branch),
                    _pct(st.grids_with_branch_rate),
                ),
                (
                    "buildings with a party group",
                    _n(st.buildings),
                    _n(st.buildings_with_group),
                    _pct(st.buildings_with_group_rate),
                ),
                (
                    "communities served by an alliance",
                    _n(st.communities),
                    _n(st.communities_with_alliance),
                    _pct(st.communities_with_alliance_rate),
                ),
            ],
            numeric=(False, True, True, True),
        )
    )
    parts.append(fig("branches") + fig("grid_sizes") + fig("stars"))
    parts.append('<div class="grid2"><div>')
    shown, more = _top(st.grids_without_branch)
    names = {g["grid"]: g["name"] for g in f.grids}
    parts.append(f"<h3>Grids without a branch ({len(st.grids_without_branch):,})</h3>")
    parts.append(html_table(("grid", "name"), [(g, names.get(g)) for g in shown], more=more))
    parts.append("</div><div>")
    off = sorted(st.grids_off_norm, key=lambda s: (-abs(s.deviation), s.id))
    shown, more = _top(off)
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
            ("street", "name", "organizations", *("unrated" if s == "null" else s.lower() for s in STAR_ORDER)),
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
        shown, more = _top(b.articulation_points, 10)
        parts.append(
            html_table(
                ("articulation point", "label", "households cut off", "households unreached"),
                [(p.id, p.label, _n(p.households_disconnected), _n(p.households_unreached)) for p in shown],
                numeric=(False, False, True, True),
                more=more,
            )
        )
        parts.append("</div></div>")
    parts.append("</section>")

    parts.append('<section id="plan"><h2>Coverage plan</h2>')
    parts.append(
        f'<p class="note">Uncovered households assigned to vanguards of their grid with spare capacity (N = '
        f"{plan.households_norm} minus the households they link), the vanguard's own building first (a min-cost "
        f"flow per grid). {plan.assigned:,} households assigned ({plan.same_building:,} in the vanguard's building, "
        f"{plan.same_grid:,} elsewhere in the grid) by {plan.vanguards_used:,} vanguards; "
        f"{len(plan.unassigned):,} stay uncovered: their grid has no spare capacity left.</p>"
    )
    parts.append(
        html_table(
            ("", "households", "linked", "rate"),
            [
                ("today", _n(plan.before.total), _n(plan.before.covered), _pct(plan.before.rate)),
                ("after the plan", _n(plan.after.total), _n(plan.after.covered), _pct(plan.after.rate)),
            ],
            numeric=(False, True, True, True),
        )
    )
    parts.append(fig("plan"))
    ranked = sorted((r for r in f.plan_grids if r["assigned"]), key=lambda r: (-r["assigned"], r["grid"]))
    parts.append("<h3>Grids gaining the most</h3>")
    parts.append(
        _grid_table(
            ranked,
            (
                ("households", "households", _n),
                ("before", "rate_before", _pct),
                ("after", "rate_after", _pct),
                ("assigned", "assigned", _n),
                ("same building", "same_building", _n),
            ),
        )
    )
    short = sorted((r for r in f.plan_grids if r["left_uncovered"]), key=lambda r: (-r["left_uncovered"], r["grid"]))
    if short:
        parts.append(
            f"<h3>Grids still short after the plan</h3><p>{_n(sum(r['left_uncovered'] for r in short))} households "
            f"in {_n(len(short))} grids stay unlinked: no vanguard of their grid can take them (none has spare "
            f"capacity left, or the household is the vanguard's own). The new vanguards below, at N = "
            f"{f.plan.households_norm} households each, would cover them.</p>"
        )
        parts.append(
            _grid_table(
                short,
                (
                    ("households", "households", _n),
                    ("after", "rate_after", _pct),
                    ("left unlinked", "left_uncovered", _n),
                    ("spare capacity", "spare_capacity", _n),
                    ("vanguards needed", "vanguards_needed", _n),
                ),
            )
        )
    parts.append("</section>")

    nav = "".join(
        f'<a href="#{a}">{t}</a>'
        for a, t in (
            ("summary", "Summary"),
            ("coverage", "Coverage"),
            ("load", "Vanguard load"),
            ("reach", "Reach"),
            ("structure", "Structure"),
            ("plan", "Coverage plan"),
        )
    )
    title = f"civicmesh report: {scope}"
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
        f"<header><h1>{_e(title)}</h1><p>as of {_e(f.as_of)} · {_e(meta['store'])} · generated "
        f"{_e(meta['generated_at'])} · no personal information (ids only)</p></header><nav>{nav}</nav><main>"
        + "".join(parts)
        + "</main></body></html>\n"
    )


def _named(node: str | None, names: dict[str, str | None]) -> str:
    if node is None:
        return ""
    name = names.get(node)
    return f"{node} {name}" if name else node


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def _expansion_note(plan: Any) -> str:
    if plan.steps:
        return ""
    if plan.reached_before >= plan.households_total:
        return "everyone is reached"
    if plan.candidates == 0 and plan.reached_before == 0:
        return "no unit offers it: recruit one"
    return "no candidate reaches anyone new"


# --- JSON and the whole report -----------------------------------------------------------------


def report_json(f: Findings, meta: dict[str, Any]) -> dict[str, Any]:
    """Every figure of the report, JSON-ready."""
    plan = f.plan.to_dict()
    plan["unassigned_count"] = len(plan.pop("unassigned"))
    per_area = [
        {
            "area": r.area,
            "name": r.name,
            "households": r.households.total,
            "uncovered": r.households.total - r.households.covered,
        }
        for r in f.coverage.breakdown
    ]
    return {
        "meta": meta,
        "summary": {k: raw for k, _, raw in summary(f)},
        "coverage": f.coverage.to_dict(),
        "vanguard_load": f.load.to_dict(),
        "vanguard_homes": {v: {"grid": g or None, "building": b or None} for v, (g, b) in f.member_grid.items()},
        "uncovered": {"total": f.uncovered_total, "by": f.coverage.by, "per_area": per_area},
        "reach": f.reach.to_dict(),
        "expansion": {
            "k": EXPANSION_K,
            "detailed": f.detailed,
            "plans": {kind: p.to_dict() for kind, p in f.expansions.items()},
        },
        "structure": f.structure.to_dict(),
        "grid_sizes": f.grids,
        "brokerage": None if f.brokerage is None else f.brokerage.to_dict(),
        "plan": plan,
        "plan_by_grid": f.plan_grids,
    }


def build_report(
    G: Any,
    *,
    out_dir: Path,
    area: str | None = None,
    as_of: dt.date,
    as_of_source: str = "given",
    store: str = "",
    resource: str | None = None,
    png: bool = False,
    stage: Stage | None = None,
    index: Any = None,
) -> list[Path]:
    """Analyse ``G`` and write ``out_dir/index.html`` and ``out_dir/report.json``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A store projection (the whole graph).
    out_dir : Path
        Created when missing; existing ``index.html``/``report.json`` are replaced.
    area : str, optional
        A Street, Community, Grid or Building id; None for the whole city.
    as_of : date
        The end of the active-coverage month.
    as_of_source : str
        Why that date (shown in the report): ``given``, ``latest visit on record``...
    store : str
        Where the graph came from (shown in the report).
    resource : str, optional
        The resource kind whose expansion plan is listed step by step (default: the one
        gaining most).
    png : bool
        Also write ``out_dir/plots/NAME.png``.
    stage : callable, optional
        Progress reporting: ``stage(text)`` is a context manager around each long step.
    index : AreaIndex, optional
        A prebuilt index of ``G``.

    Returns
    -------
    list of Path
        The files written.
    """
    step: Stage = stage or (lambda _: nullcontext())
    findings = analyse(G, area, as_of, resource=resource, index=index, stage=step)
    meta = {
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "store": store,
        "area": area,
        "area_label": findings.label,
        "area_name": findings.name,
        "as_of": as_of.isoformat(),
        "as_of_source": as_of_source,
        "nodes": G.number_of_nodes(),
        "relationships": G.number_of_edges(),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with step("drawing plots"):
        plotter = Plotter(cjk_font())
        figures = plotter.all(findings)
        inline = [(name, caption, svg_of(fig, f"f{i}")) for i, (name, caption, fig) in enumerate(figures)]
        if png:
            plots = out_dir / "plots"
            plots.mkdir(exist_ok=True)
            for name, _, fig in figures:
                path = plots / f"{name}.png"
                fig.savefig(path, format="png", dpi=110)
                written.append(path)
    page = out_dir / "index.html"
    page.write_text(render_html(findings, inline, meta), encoding="utf-8")
    data = out_dir / "report.json"
    data.write_text(json.dumps(report_json(findings, meta), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [page, data, *written]
