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

Where things are: :mod:`.findings` (the analyses on one session, the summary),
:mod:`.plots` (the figures), :mod:`.page` (``index.html``, one function per section),
:mod:`.report_json` (``report.json``); numbers and tables: :mod:`service.formatting`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loaders.progress import Progress, step
from service.report.findings import EXPANSION_K, TOP, Findings, analyse, grid_rows, latest_visit, summary
from service.report.page import CSS, render_html
from service.report.plots import CJK_FONTS, Plotter, cjk_font, svg_of
from service.report.report_json import report_json

if TYPE_CHECKING:
    from analytics import AnalyticsSession


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
    progress: Progress | None = None,
    session: AnalyticsSession | None = None,
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
    progress : loaders.progress.Progress, optional
        Where the long steps are reported, one stage each.
    session : AnalyticsSession, optional
        The analytics session of ``G`` (its indexes built already, or built as needed);
        by default a new one.

    Returns
    -------
    list of Path
        The files written.
    """
    from analytics import AnalyticsSession

    if session is None:
        session = AnalyticsSession(G)
    elif session.graph is not G:
        raise ValueError("the session is of another graph than G")
    findings = analyse(session, area, as_of, resource=resource, progress=progress)
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
    with step(progress, "drawing plots"):
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


__all__ = [
    "CJK_FONTS",
    "CSS",
    "EXPANSION_K",
    "TOP",
    "Findings",
    "Plotter",
    "analyse",
    "build_report",
    "cjk_font",
    "grid_rows",
    "latest_visit",
    "render_html",
    "report_json",
    "summary",
    "svg_of",
]
