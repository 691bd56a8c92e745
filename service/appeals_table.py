"""The figures of an appeals row (接诉即办), one place for the CLI's text tables and the report's HTML.

A breakdown row (per street, community or grid) shows the same seven figures in both: the count
received, four rates, the open and the overdue count.  Days (median, p90) read ``-`` when there is
nothing to measure.
"""

from __future__ import annotations

from typing import Any

from service.formatting import num, pct

AREA_FIGURES: tuple[str, ...] = ("received", "responded", "resolved", "on time", "satisfied", "open", "overdue")
"""The headers of :func:`area_figures`, in its order (all numeric)."""


def area_figures(row: Any) -> list[str]:
    """The seven figures of one breakdown row, formatted, in the order of :data:`AREA_FIGURES`.

    >>> from types import SimpleNamespace as R
    >>> rate = lambda r: R(rate=r)
    >>> area_figures(R(received=12, responded=rate(0.5), resolved=rate(0.25), on_time=rate(None),
    ...                satisfied=rate(1.0), open=3, overdue=0))
    ['12', '50.0%', '25.0%', '-', '100.0%', '3', '0']
    """
    return [
        num(row.received),
        pct(row.responded.rate),
        pct(row.resolved.rate),
        pct(row.on_time.rate),
        pct(row.satisfied.rate),
        num(row.open),
        num(row.overdue),
    ]


def days(x: float | None) -> str:
    """A number of days as measured (``-`` for None).

    >>> days(3.0), days(2.5), days(None)
    ('3', '2.5', '-')
    """
    return "-" if x is None else f"{x:g}"
