"""``civicmesh analyze ...`` and ``civicmesh report``: the analytics from the command line.

::

    civicmesh analyze coverage  [--area ID] [--as-of DATE] [--by grid] [--format table|json|csv]
    civicmesh analyze load      [--area ID]                      vanguard load against 1+10+N
    civicmesh analyze uncovered [--area ID]                      households no vanguard links
    civicmesh analyze reach     [--area ID] [--by grid] [--rows breakdown|units|resources]
    civicmesh analyze expansion [--area ID] [--k 20] [--resource ELDERLY_CARE]
    civicmesh analyze structure [--area ID] [--rows grids|stars|gaps]
    civicmesh analyze brokerage [--area ID] [--top 10] [--sample 256]
    civicmesh analyze plan      [--area ID] [--households-norm 15]
    civicmesh analyze appeals   [--area ID] --from DATE --to DATE [--as-of DATE] [--by grid]
                                [--sort resolved|responded|on_time|satisfied|overdue|id]
                                [--rows breakdown|trend|handlers|hot-spots|units]
    civicmesh analyze contact|registration|activities|points [--area ID] --from DATE --to DATE
                                [--by grid] [--plan] [--stalled-after-days 90] [--leaders 10]
    civicmesh analyze workers   [--area ID] [--instructor-norm 6] [--rows grids|instructors|companies]
    civicmesh analyze assessment [--area ID] [--round 2026-2] [--as-of DATE]
                                [--rows spread|changes|disagreements|overdue]
    civicmesh report --out DIR  [--area ID] [--as-of DATE]

Every analysis reads the store once (``GraphStore.project``, only the labels and relationship
types it needs) and runs the pure functions of :mod:`analytics` on that graph.  ``--format
json`` prints the result's ``to_dict()`` (``--top`` shortens its lists), ``csv`` the rows of
one list (the breakdown, unless ``--rows`` says otherwise), ``table`` a summary and the lists
as aligned plain-text tables (Chinese names count double width).  Stages that take more than
a second (opening the store, the projection, brokerage...) are reported on stderr.

Exit codes: 0 done; 1 the store cannot be opened or read; 2 a usage error: an unknown area
id, an id that is not an area, a breakdown level not below the area, a bad date or period.

Where things are: :mod:`.vocabulary` (levels, projections, errors), :mod:`.parser` (the
arguments), :mod:`.workspace` (opening the store, checking ``--area``, the analytics
session), :mod:`.rules` (which ``--by``, ``--resource``, ``--area`` make sense),
:mod:`.formatters` (one module per analysis: its table, JSON and CSV), :mod:`.run`
(compute and print); numbers and tables: :mod:`service.formatting`; progress on stderr:
:class:`loaders.progress.StageTicker`.
"""

from __future__ import annotations

from loaders.progress import StageTicker
from service.commands.analysis.formatters import Output
from service.commands.analysis.parser import register
from service.commands.analysis.run import compute, render, run_analysis, run_report
from service.commands.analysis.vocabulary import (
    ANALYSES,
    AREA_LABELS,
    LABEL_NAMES,
    LEVELS,
    PROJECTIONS,
    TABLE_TOP,
    StoreError,
    UsageError,
    plural,
)
from service.commands.analysis.workspace import Workspace, open_workspace
from service.formatting import Table, clip, display_width

__all__ = [
    "ANALYSES",
    "AREA_LABELS",
    "LABEL_NAMES",
    "LEVELS",
    "PROJECTIONS",
    "TABLE_TOP",
    "Output",
    "StageTicker",
    "StoreError",
    "Table",
    "UsageError",
    "Workspace",
    "clip",
    "compute",
    "display_width",
    "open_workspace",
    "plural",
    "register",
    "render",
    "run_analysis",
    "run_report",
]
