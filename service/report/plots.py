"""The report's plots: matplotlib ``Figure`` objects (no pyplot, no display), rendered to SVG.

Text is drawn as paths (the page needs no fonts); Chinese names are drawn in a CJK font when
one is installed (:data:`CJK_FONTS`), else ids replace them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from service.formatting import STAR_ORDER, pct, star_label
from service.report.findings import Findings

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
            ax.axvline(100 * overall, color=RED, linestyle="--", linewidth=1, label=f"overall {pct(overall)}")
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
        left.axhline(100 * overall, color=RED, linestyle="--", linewidth=1, label=f"overall {pct(overall)}")
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
            ax.barh(y, shares, left=left, color=colour, height=0.7, label=star_label(star))
            left = [a + b for a, b in zip(left, shares, strict=True)]
        ax.set_yticks(y, [self.label(s.street, s.name) for s in spread])
        ax.set_xlim(0, 100)
        ax.set_xlabel("party organizations (%)")
        ax.set_title("Star ratings of the branches per street")
        fig.legend(loc="outside lower center", ncols=5, fontsize=7, frameon=False)
        return fig

    def plan(self, f: Findings) -> Any:
        rows = [r for r in f.plan_grids if r["households"]]
        if not rows or not f.plan.assigned:
            return None
        title = (
            f"Coverage plan: {f.plan.assigned:,} households assigned, "
            f"{pct(f.plan.before.rate)} -> {pct(f.plan.after.rate)} linked"
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

    def appeals(self, f: Findings) -> Any:
        """Appeals received per month (bars) and the month's response, resolution and satisfaction rates."""
        ap = f.appeals
        if ap is None or not ap.received:
            return None
        months = list(ap.trend)
        fig = self.figure(8, 3.2)
        ax = fig.add_subplot()
        x = list(range(len(months)))
        ax.bar(x, [m.received for m in months], color=LIGHT, width=0.7, label="received")
        ax.set_xticks(x, [m.month for m in months], rotation=45, ha="right", fontsize=7)
        ax.yaxis.set_major_locator(_integer_locator())
        ax.set_ylabel("appeals received")
        rates = ax.twinx()
        rates.spines["right"].set_visible(True)
        for name, colour, values in (
            ("responded in time", BLUE, [m.responded.rate for m in months]),
            ("resolved", GREEN, [m.resolved.rate for m in months]),
            ("satisfied (of reviewed)", RED, [m.satisfied.rate for m in months]),
        ):
            points = [(i, 100 * v) for i, v in zip(x, values, strict=True) if v is not None]
            if points:
                rates.plot(
                    [p[0] for p in points],
                    [p[1] for p in points],
                    color=colour,
                    marker="o",
                    markersize=3,
                    linewidth=1.4,
                    label=name,
                )
        rates.set_ylim(0, 105)
        rates.set_ylabel("rate (%)")
        ax.set_title(
            f"Appeals (接诉即办) month by month: {ap.received:,} received, {pct(ap.resolved.rate)} resolved"
            if self.cjk
            else f"Appeals month by month: {ap.received:,} received, {pct(ap.resolved.rate)} resolved"
        )
        fig.legend(loc="outside lower center", ncols=4, fontsize=7, frameon=False)
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
                ("appeals", "Appeals received per month and their rates", self.appeals(f)),
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
