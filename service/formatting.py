"""Numbers and tables as the command line and the report print them: one place for both.

- numbers: :func:`pct` (a rate), :func:`num` (a count, or a float with two decimals),
  :func:`mean` (one decimal), :func:`ratio` (a count and its rate);
- lists: :func:`limit` (the first rows and how many were left out), :data:`STAR_ORDER`;
- plain-text tables for terminals: :func:`display_width` (Chinese counts double),
  :func:`clip`, :func:`pad`, :class:`Table`, :func:`key_values`; CSV: :func:`csv_text`;
- HTML tables for the report: :func:`html_table`.
"""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph_schema.contract import Star

STAR_ORDER: tuple[str, ...] = (*(s.value for s in Star), "null")
"""Star ratings from the best down, then ``null`` (unrated): the columns of the star spread.

>>> STAR_ORDER
('DEMONSTRATION', 'EXCELLENT', 'QUALIFIED', 'UNQUALIFIED', 'null')
"""


def star_label(star: str) -> str:
    """A :data:`STAR_ORDER` entry as a column heading.

    >>> [star_label(s) for s in STAR_ORDER]
    ['demonstration', 'excellent', 'qualified', 'unqualified', 'unrated']
    """
    return "unrated" if star == "null" else star.lower()


# --- numbers ---------------------------------------------------------------------------------


def pct(rate: float | None) -> str:
    """A rate as a percentage with one decimal, ``-`` for an undefined rate.

    >>> pct(0.18855), pct(1.0), pct(None)
    ('18.9%', '100.0%', '-')
    """
    return "-" if rate is None else f"{100 * rate:.1f}%"


def num(n: int | float | None) -> str:
    """A count with thousands separators (``-`` for None)."""
    if n is None:
        return "-"
    return f"{n:,}" if isinstance(n, int) else f"{n:,.2f}"


def mean(x: float | None) -> str:
    """A mean with one decimal (``-`` for None).

    >>> mean(12.5833), mean(None)
    ('12.6', '-')
    """
    return "-" if x is None else f"{x:.1f}"


def ratio(n: int, rate: float | None) -> str:
    """A count and its rate.

    >>> ratio(39200, 0.13435)
    '39,200 (13.4%)'
    """
    return f"{n:,} ({pct(rate)})"


def limit(rows: Sequence[Any], top: int | None) -> tuple[list[Any], int]:
    """The first ``top`` rows (all for None) and how many were left out."""
    if top is None or top >= len(rows):
        return list(rows), 0
    return list(rows[:top]), len(rows) - top


# --- plain-text tables -----------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters (Chinese) count 2.

    >>> display_width("g-01"), display_width("尚贤社区"), display_width("1栋")
    (4, 8, 3)
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns, with an ellipsis when cut.

    >>> clip("江阴市永泰科技有限公司", 9)
    '江阴市永…'
    """
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` display columns (``<`` left, ``>`` right)."""
    gap = " " * max(width - display_width(text), 0)
    return gap + text if align == ">" else text + gap


@dataclass
class Table:
    """A plain-text table: a title, columns (``>`` right-aligned for numbers) and rows."""

    title: str
    columns: Sequence[tuple[str, str]]
    rows: list[list[str]] = field(default_factory=list)
    more: int = 0
    """Rows left out (shown as a footer line)."""
    max_width: int = 40

    def render(self) -> str:
        """The table as lines of text, columns separated by two spaces."""
        cells = [[clip(c, self.max_width) for c in row] for row in self.rows]
        widths = [display_width(h) for h, _ in self.columns]
        for row in cells:
            for i, c in enumerate(row):
                widths[i] = max(widths[i], display_width(c))
        lines = [self.title] if self.title else []
        lines.append("  ".join(pad(h, widths[i], a) for i, (h, a) in enumerate(self.columns)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        for row in cells:
            lines.append("  ".join(pad(c, widths[i], self.columns[i][1]) for i, c in enumerate(row)).rstrip())
        if not cells:
            lines.append("(none)")
        if self.more:
            lines.append(f"… and {self.more:,} more (--top N shows more, --format csv all of them)")
        return "\n".join(lines)


def key_values(title: str, pairs: Sequence[tuple[str, str]]) -> str:
    """A title and ``label  value`` lines, the values aligned.

    >>> print(key_values("Load", [("vanguards", "5"), ("idle", "1")]))
    Load
    vanguards  5
    idle       1
    """
    width = max((display_width(k) for k, _ in pairs), default=0)
    return "\n".join([title, *(f"{pad(k, width)}  {v}" for k, v in pairs)])


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """RFC 4180 CSV (``\\r\\n`` line ends as the csv module writes them), header first."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


# --- HTML tables -----------------------------------------------------------------------------


def escape(value: Any) -> str:
    """``value`` as HTML text (None as nothing)."""
    return html.escape("" if value is None else str(value))


def html_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Sequence[bool] | None = None, more: int = 0
) -> str:
    """An HTML table; ``numeric[i]`` right-aligns column ``i``."""
    flags = list(numeric) if numeric is not None else [False] * len(headers)
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in headers), "</tr></thead><tbody>"]
    count = 0
    for row in rows:
        count += 1
        cells = (f'<td class="n">{escape(v)}</td>' if flags[i] else f"<td>{escape(v)}</td>" for i, v in enumerate(row))
        out.append("<tr>" + "".join(cells) + "</tr>")
    if not count:
        out.append(f'<tr><td colspan="{len(headers)}">none</td></tr>')
    out.append("</tbody></table>")
    if more:
        out.append(f'<p class="more">… and {more:,} more (see report.json)</p>')
    return "".join(out)
