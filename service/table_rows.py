"""The rows that the CLI's text tables and the report's HTML tables both show, said once.

Appeals (接诉即办): a breakdown row (per street, community or grid) shows the same seven figures
in both (the count received, four rates, the open and the overdue count); a handler's row, a hot
spot's row and an alliance unit's measured reach are the same in both too.  Monthly contact (月联):
an area's row.  Headers may be shorter in the CLI's narrow tables.  Columns are ``(header, numeric)``
pairs: the CLI right-aligns the numeric ones, the report gives them the number style.  Days
(median, p90) read ``-`` when there is nothing to measure.
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


HANDLER_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("handler", False),
    ("kind", False),
    ("name", False),
    ("assigned", True),
    ("resolved", True),
    ("on time", True),
    ("satisfied", True),
    ("overdue", True),
    ("median days", True),
)
"""The columns of :func:`handler_row`."""


def handler_row(h: Any) -> list[str]:
    """A handler's row: who, how many assigned, three rates, the overdue and the median days.

    >>> from types import SimpleNamespace as R
    >>> rate = lambda r: R(rate=r)
    >>> handler_row(R(id="po-1", kind="PartyOrganization", name=None, assigned=4, resolved=rate(0.5),
    ...               on_time=rate(0.25), satisfied=rate(None), overdue=1, median_days=3.5))
    ['po-1', 'PartyOrganization', '', '4', '50.0%', '25.0%', '-', '1', '3.5']
    """
    return [
        h.id,
        h.kind,
        h.name or "",
        num(h.assigned),
        pct(h.resolved.rate),
        pct(h.on_time.rate),
        pct(h.satisfied.rate),
        num(h.overdue),
        days(h.median_days),
    ]


HOT_SPOT_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("building", False),
    ("name", False),
    ("grid", False),
    ("category", False),
    ("appeals", True),
    ("first", False),
    ("last", False),
)
"""The columns of :func:`hot_spot_row`."""


def hot_spot_row(h: Any) -> list[str]:
    """A hot spot's row: the building, its grid, the category, how many appeals, the first and last day.

    >>> from types import SimpleNamespace as R
    >>> hot_spot_row(R(building="b-1", name=None, grid="g-1", category="NOISE", appeals=3,
    ...                first="2026-01-02", last="2026-03-01"))
    ['b-1', '', 'g-1', 'NOISE', '3', '2026-01-02', '2026-03-01']
    """
    return [h.building, h.name or "", h.grid or "", h.category, num(h.appeals), h.first, h.last]


def unit_reach_row(u: Any) -> list[str]:
    """An alliance unit's measured reach beside its structural reach, and what it handled.

    >>> from types import SimpleNamespace as R
    >>> unit_reach_row(R(id="u-1", name="Bank", structural_households=1200, measured_households=40,
    ...                  measured_within_structural=35, assigned=12, resolved=9))
    ['u-1', 'Bank', '1,200', '40', '35', '12', '9']
    """
    return [
        u.id,
        u.name or "",
        num(u.structural_households),
        num(u.measured_households),
        num(u.measured_within_structural),
        num(u.assigned),
        num(u.resolved),
    ]


def contact_area_row(a: Any) -> list[str]:
    """An area's monthly contact (月联): its vanguards, the share in contact, the lapsed, active coverage.

    >>> from types import SimpleNamespace as R
    >>> contact_area_row(R(area="g-1", name=None, vanguards=8, in_contact=R(rate=0.75), lapsed=2,
    ...                    active_coverage=R(rate=None)))
    ['g-1', '', '8', '75.0%', '2', '-']
    """
    return [a.area, a.name or "", num(a.vanguards), pct(a.in_contact.rate), num(a.lapsed), pct(a.active_coverage.rate)]


def text_columns(columns: tuple[tuple[str, bool], ...]) -> tuple[tuple[str, str], ...]:
    """The columns for :class:`service.formatting.Table`: numbers right-aligned.

    >>> text_columns((("name", False), ("count", True)))
    (('name', '<'), ('count', '>'))
    """
    return tuple((header, ">" if numeric else "<") for header, numeric in columns)


def days(x: float | None) -> str:
    """A number of days as measured (``-`` for None).

    >>> days(3.0), days(2.5), days(None)
    ('3', '2.5', '-')
    """
    return "-" if x is None else f"{x:g}"
