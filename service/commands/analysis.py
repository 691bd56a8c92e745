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
    civicmesh report --out DIR  [--area ID] [--as-of DATE]

Every analysis reads the store once (``GraphStore.project``, only the labels and relationship
types it needs) and runs the pure functions of :mod:`analytics` on that graph.  ``--format
json`` prints the result's ``to_dict()`` (``--top`` shortens its lists), ``csv`` the rows of
one list (the breakdown, unless ``--rows`` says otherwise), ``table`` a summary and the lists
as aligned plain-text tables (Chinese names count double width).  Stages that take more than
a second (opening the store, the projection, brokerage...) are reported on stderr.

Exit codes: 0 done; 1 the store cannot be opened or read; 2 a usage error: an unknown area
id, an id that is not an area, a breakdown level not below the area, a bad date.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import json
import logging
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from graph_schema import AREA_LABELS as _AREA_LABELS
from service.settings import Settings

if TYPE_CHECKING:
    from analytics import AreaIndex, Linkage, ReachModel
    from loaders.store import GraphStore

# --- vocabulary --------------------------------------------------------------------------------

AREA_LABELS: tuple[str, ...] = tuple(label.value for label in _AREA_LABELS)
"""Area labels from the top down: Street, Community, Grid, Building."""

LEVELS: dict[str, str] = {"street": "Street", "community": "Community", "grid": "Grid", "building": "Building"}
"""``--by`` values and the area label each stands for."""

LABEL_NAMES: dict[str, str] = {
    "Street": "street (街道/镇)",
    "Community": "community (社区)",
    "Grid": "grid (网格)",
    "Building": "building (楼栋/院落)",
    "Household": "household (户)",
    "PartyOrganization": "party organization (党组织)",
    "PartyMember": "party member (党员)",
    "VanguardStation": "vanguard station (先锋驿站)",
    "Alliance": "alliance (党建联盟)",
    "AllianceMember": "alliance member unit (联盟成员单位)",
}

_AREAS_AND_HOUSEHOLDS = (*AREA_LABELS, "Household")
PROJECTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "coverage": ((*_AREAS_AND_HOUSEHOLDS, "PartyMember"), ("PART_OF", "LIVES_IN", "LINKS", "VISITED")),
    "reach": ((*_AREAS_AND_HOUSEHOLDS, "Alliance", "AllianceMember"), ("PART_OF", "JOINED", "SERVES", "MANAGES")),
    "structure": (
        (*_AREAS_AND_HOUSEHOLDS, "PartyOrganization", "Alliance"),
        ("PART_OF", "GOVERNS", "REPORTS_TO", "SERVES"),
    ),
    "brokerage": (
        (*_AREAS_AND_HOUSEHOLDS, "PartyOrganization", "Alliance", "AllianceMember"),
        ("PART_OF", "REPORTS_TO", "GOVERNS", "BRANCH_OF", "LED_BY", "SERVES", "JOINED", "MANAGES"),
    ),
}
"""The labels and relationship types each family of analyses reads (the projection asked of the store).

``coverage`` serves coverage, load, uncovered and plan; ``reach`` serves reach and expansion.
The contract tests check that each gives the same answers as the whole graph.
"""

ANALYSES: dict[str, str] = {
    "coverage": "coverage",
    "load": "coverage",
    "uncovered": "coverage",
    "plan": "coverage",
    "reach": "reach",
    "expansion": "reach",
    "structure": "structure",
    "brokerage": "brokerage",
}
"""Each ``analyze`` sub-command and the projection it needs."""

TABLE_TOP = 20
"""Rows of a list shown in a table when ``--top`` is not given."""


class UsageError(Exception):
    """A mistake in the command (exit 2); the message is shown as is."""


class StoreError(Exception):
    """The store cannot be opened or read (exit 1)."""


# --- progress on stderr ------------------------------------------------------------------------


class Progress:
    """Reports long stages on a text stream (stderr).

    ``mode`` ``auto`` reports a stage only once it has run for ``threshold`` seconds (quick
    commands stay quiet), ``always`` reports every stage, ``never`` nothing.  On a terminal the
    line is redrawn in place with the elapsed time; elsewhere (pipes, logs) a line when a
    stage starts and one when it ends.
    """

    def __init__(
        self,
        mode: Literal["auto", "always", "never"] = "auto",
        stream: TextIO | None = None,
        *,
        threshold: float = 1.0,
        tty: bool | None = None,
    ) -> None:
        self.mode = mode
        self.stream = stream if stream is not None else sys.stderr
        self.threshold = 0.0 if mode == "always" else threshold
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty()) if tty is None else tty
        self._lock = threading.Lock()

    def _write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text)
            self.stream.flush()

    def note(self, message: str) -> None:
        """A one-line remark (unless ``never``)."""
        if self.mode != "never":
            self._write(f"civicmesh: {message}\n")

    @contextmanager
    def stage(self, what: str) -> Iterator[None]:
        """Time ``what``; report it when it runs long (see the class docstring)."""
        if self.mode == "never":
            yield
            return
        start = time.monotonic()
        stop = threading.Event()
        shown = threading.Event()

        def tick() -> None:
            if stop.wait(self.threshold):
                return
            shown.set()
            if not self.tty:
                self._write(f"civicmesh: {what}…\n")
                return
            while True:
                self._write(f"\rcivicmesh: {what}… {time.monotonic() - start:.0f} s ")
                if stop.wait(0.5):
                    return

        ticker = threading.Thread(target=tick, name="civicmesh-progress", daemon=True)
        ticker.start()
        ok = False
        try:
            yield
            ok = True
        finally:
            stop.set()
            ticker.join()
            if shown.is_set():
                outcome = "done" if ok else "stopped"
                lead = "\r" if self.tty else ""
                self._write(f"{lead}civicmesh: {what}: {outcome} in {time.monotonic() - start:.1f} s\n")


# --- reading the graph -------------------------------------------------------------------------


@dataclass
class Workspace:
    """A projection and the analytics indexes built on it (each built once, on first use)."""

    G: Any
    store: str
    progress: Progress
    area: str | None = None
    area_label: str = "City"
    area_name: str | None = None
    _index: AreaIndex | None = field(default=None, repr=False)
    _linkage: Linkage | None = field(default=None, repr=False)
    _model: ReachModel | None = field(default=None, repr=False)

    @property
    def index(self) -> AreaIndex:
        if self._index is None:
            from analytics import AreaIndex

            with self.progress.stage("indexing areas and households"):
                self._index = AreaIndex.build(self.G)
        return self._index

    @property
    def linkage(self) -> Linkage:
        if self._linkage is None:
            from analytics import Linkage

            self._linkage = Linkage.build(self.G)
        return self._linkage

    @property
    def model(self) -> ReachModel:
        if self._model is None:
            from analytics import ReachModel

            self._model = ReachModel.build(self.G, self.index)
        return self._model

    def name(self, node: str | None) -> str:
        """A node's ``name`` ('' when unknown)."""
        if node is None:
            return ""
        data = self.G.nodes.get(node) if node in self.G else None
        return "" if not data or data.get("name") is None else str(data["name"])

    def scope(self) -> str:
        """How the area reads in a title: ``the city`` or ``Grid g-0101-01 尚贤社区第1网格``."""
        if self.area is None:
            return "the city"
        return f"{self.area_label} {self.area}" + (f" {self.area_name}" if self.area_name else "")


def plural(word: str, n: int = 2) -> str:
    """``word`` for ``n`` things: ``grid``/``grids``, ``community``/``communities``.

    >>> plural("community"), plural("grid"), plural("component", 1)
    ('communities', 'grids', 'component')
    """
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _oneline(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _where(settings: Settings) -> str:
    return f"Neo4j at {settings.store}" if settings.is_neo4j else f"the embedded store {settings.store}"


async def _area_problem(store: GraphStore, area: str, where: str) -> str | None:
    """Why ``area`` cannot be used as ``--area`` (None when it is an area)."""
    from loaders.store import Direction

    node = (await store.get_nodes([area]))[0]
    if node is None:
        hits = await store.search(area, labels=list(AREA_LABELS), limit=5)
        message = f"there is no node with the id {area!r} in {where}"
        if hits:
            guesses = ", ".join(f"{n.id} ({n.name}, {n.label})" for n in hits)
            return f"{message}; --area takes an id, and these areas have {area!r} in their name: {guesses}"
        streets = await store.list_nodes("Street", first=3)
        example = ", ".join(n.id for n in streets.nodes)
        hint = f" (the streets are {example}…)" if example else " (the store has no areas: import data first)"
        return f"{message}; --area takes the id of a street, community, grid or building{hint}"
    if node.label in AREA_LABELS:
        return None
    what = LABEL_NAMES.get(node.label, node.label)
    message = f"{area!r} is a {what}, not an area; --area takes the id of a street, community, grid or building"
    suggestion: list[str] = []
    if node.label == "Household":
        chain = (await store.ancestors([area], "PART_OF", max_depth=4))[0]
        suggestion = [f"{n.label.lower()} {n.id}" for n in chain]
    elif node.label == "PartyOrganization":
        edges = (await store.neighbours([area], "GOVERNS", Direction.OUT, limit=3))[0]
        suggestion = [f"{e.node.label.lower()} {e.node.id} (which it governs)" for e in edges]
    elif node.label == "Alliance":
        edges = (await store.neighbours([area], "SERVES", Direction.OUT, limit=3))[0]
        suggestion = [f"{e.node.label.lower()} {e.node.id} (which it serves)" for e in edges]
    elif node.label == "PartyMember":
        edges = (await store.neighbours([area], "LIVES_IN", Direction.OUT, limit=1))[0]
        if edges:
            chain = (await store.ancestors([edges[0].node.id], "PART_OF", max_depth=4))[0]
            suggestion = [f"{n.label.lower()} {n.id}" for n in chain[1:3]]
    if suggestion:
        message += "; try " + " or ".join(suggestion)
    return message


def open_workspace(
    settings: Settings,
    area: str | None,
    progress: Progress,
    projection: tuple[Sequence[str], Sequence[str]] | None = None,
) -> Workspace:
    """Open the store, check ``area``, project the graph (``projection``: labels, types; None: all).

    Raises
    ------
    UsageError
        ``area`` is unknown or not an area; the embedded file does not exist.
    StoreError
        The store cannot be opened or read.
    """
    from service.stores import make_store

    where = _where(settings)
    if not settings.is_neo4j and not Path(settings.store).exists():
        raise UsageError(
            f"there is no embedded store at {settings.store}; import data first "
            "(`civicmesh import --preset demo`) or pass --store FILE|bolt://HOST:PORT"
        )
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)

    async def read() -> Workspace:
        store = make_store(settings)
        try:
            with progress.stage(f"opening {where}"):
                await store.open()
        except Exception as exc:  # the driver's and sqlite's errors vary; all mean the same here
            raise StoreError(f"cannot open {where}: {_oneline(exc)}") from exc
        try:
            label, name = "City", None
            if area is not None:
                problem = await _area_problem(store, area, where)
                if problem is not None:
                    raise UsageError(problem)
                node = (await store.get_nodes([area]))[0]
                assert node is not None
                label, name = node.label, (node.name or None)
            labels, types = projection if projection is not None else (None, None)
            with progress.stage(f"reading the graph from {where}"):
                try:
                    G = await store.project(labels=labels, rel_types=types)
                except Exception as exc:
                    raise StoreError(f"cannot read the graph from {where}: {_oneline(exc)}") from exc
            if progress.mode == "always":
                progress.note(f"read {G.number_of_nodes():,} nodes and {G.number_of_edges():,} relationships")
            return Workspace(G, settings.store, progress, area, label, name)
        finally:
            await store.close()

    return asyncio.run(read())


# --- text output -------------------------------------------------------------------------------


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


def limit(rows: Sequence[Any], top: int | None) -> tuple[list[Any], int]:
    """The first ``top`` rows (all for None) and how many were left out."""
    if top is None or top >= len(rows):
        return list(rows), 0
    return list(rows[:top]), len(rows) - top


def _truncate(data: dict[str, Any], lists: Sequence[str], top: int | None) -> dict[str, Any]:
    """``data`` with each of ``lists`` cut to ``top`` items (for ``--format json --top N``)."""
    if top is None:
        return data
    return {k: (v[:top] if k in lists and isinstance(v, list) else v) for k, v in data.items()}


# --- rendering each analysis -------------------------------------------------------------------


@dataclass
class Output:
    """What a command prints: a table, a JSON document and the CSV rows (header, rows)."""

    table: Callable[[int | None], str]
    json: Callable[[int | None], dict[str, Any]]
    csv: Callable[[int | None], tuple[Sequence[str], Sequence[Sequence[Any]]]]


def coverage_output(ws: Workspace, report: Any, sort: str) -> Output:
    """Coverage: summary, active coverage, breakdown rows."""
    rows = list(report.breakdown)
    if sort == "rate":
        rows.sort(key=lambda r: (r.households.rate if r.households.rate is not None else 2.0, r.area))
    active = report.active

    def table(top: int | None) -> str:
        title = f"Linkage coverage (党员联户) of {ws.scope()}"
        summary = Table(
            title,
            (("", "<"), ("total", ">"), ("covered", ">"), ("rate", ">")),
            [
                [
                    "households",
                    num(report.households.total),
                    num(report.households.covered),
                    pct(report.households.rate),
                ],
                [
                    "party members (non-vanguard)",
                    num(report.members.total),
                    num(report.members.covered),
                    pct(report.members.rate),
                ],
            ],
        )
        if active is not None:
            summary.rows.append(
                [
                    "households visited in the month",
                    num(report.households.total),
                    num(active.households),
                    pct(active.rate),
                ]
            )
        parts = [summary.render()]
        if active is not None:
            parts[0] += (
                f"\nactive: covered and visited by their vanguard {active.window_start} … {active.as_of}: "
                f"{num(active.households)} households, {pct(active.share_of_covered)} of the covered"
            )
        if report.by is not None:
            shown, more = limit(rows, TABLE_TOP if top is None else top)
            cols: list[tuple[str, str]] = [
                (report.by.lower(), "<"),
                ("name", "<"),
                ("households", ">"),
                ("covered", ">"),
                ("rate", ">"),
                ("members", ">"),
                ("covered", ">"),
                ("rate", ">"),
            ]
            if active is not None:
                cols += [("active", ">"), ("rate", ">")]
            t = Table(
                f"By {report.by.lower()}" + (" (lowest household rate first)" if sort == "rate" else ""),
                cols,
                more=more,
            )
            for r in shown:
                row = [
                    r.area,
                    r.name or "",
                    num(r.households.total),
                    num(r.households.covered),
                    pct(r.households.rate),
                    num(r.members.total),
                    num(r.members.covered),
                    pct(r.members.rate),
                ]
                if active is not None and r.active is not None:
                    row += [num(r.active.households), pct(r.active.rate)]
                t.rows.append(row)
            parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        data: dict[str, Any] = report.to_dict()
        if sort == "rate":
            data["breakdown"] = [r.to_dict() for r in rows]
        return _truncate(data, ("breakdown",), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        header = [
            "area",
            "label",
            "name",
            "households_total",
            "households_covered",
            "households_rate",
            "members_total",
            "members_covered",
            "members_rate",
        ]
        if active is not None:
            header += ["active_households", "active_rate", "active_share_of_covered"]
        out: list[list[Any]] = []
        for r in limit(rows, top)[0]:
            row = [
                r.area,
                r.label,
                r.name,
                r.households.total,
                r.households.covered,
                r.households.rate,
                r.members.total,
                r.members.covered,
                r.members.rate,
            ]
            if active is not None and r.active is not None:
                row += [r.active.households, r.active.rate, r.active.share_of_covered]
            out.append(row)
        return header, out

    return Output(table, as_json, as_csv)


def _located(ws: Workspace, member: str) -> tuple[str, str]:
    """The grid and building a party member lives in ('' when unknown)."""
    building = ws.index.member_building(member)
    if building is None:
        return "", ""
    return ws.index.path(building).grid or "", building


def load_output(ws: Workspace, report: Any) -> Output:
    """Vanguard load: averages, overloaded and idle vanguards (with where they live)."""
    over = sorted(report.overloaded, key=lambda v: (-v.households, -v.members, v.id))

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        summary = key_values(
            f"Vanguard load (1+{report.members_norm}+N, N = {report.households_norm}) in {ws.scope()}",
            [
                ("vanguards", num(report.vanguards)),
                ("linked party members", f"{num(report.linked_members)} (mean {num(report.mean_members)})"),
                ("linked households", f"{num(report.linked_households)} (mean {num(report.mean_households)})"),
                ("overloaded", f"{num(len(report.overloaded))} (above {report.overload_factor:g}x either norm)"),
                ("idle (no links)", num(len(report.idle))),
            ],
        )
        parts = [summary]
        for title, group in (("Overloaded vanguards (most households first)", over), ("Idle vanguards", report.idle)):
            shown, more = limit(group, n)
            t = Table(
                title,
                (("vanguard", "<"), ("members", ">"), ("households", ">"), ("grid", "<"), ("building", "<")),
                more=more,
            )
            for v in shown:
                grid, building = _located(ws, v.id)
                t.rows.append([v.id, num(v.members), num(v.households), grid, building])
            parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return _truncate(report.to_dict(), ("overloaded", "idle", "loads"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        rows = []
        for v in limit(report.loads, top)[0]:
            grid, building = _located(ws, v.id)
            rows.append([v.id, v.members, v.households, v.status, grid, building])
        return ["vanguard", "members", "households", "status", "grid", "building"], rows

    return Output(table, as_json, as_csv)


def uncovered_output(ws: Workspace, report: Any, coverage_report: Any) -> Output:
    """Uncovered households: how many per grid, then the households themselves."""
    per_grid = sorted(
        (r for r in coverage_report.breakdown if r.households.total > r.households.covered),
        key=lambda r: (-(r.households.total - r.households.covered), r.area),
    )

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        head = f"Households no vanguard links in {ws.scope()}: {num(report.total)}"
        parts = [head]
        if coverage_report.by is not None:
            shown, more = limit(per_grid, n)
            t = Table(
                f"Uncovered households per {coverage_report.by.lower()} (most first)",
                (
                    (coverage_report.by.lower(), "<"),
                    ("name", "<"),
                    ("households", ">"),
                    ("uncovered", ">"),
                    ("share", ">"),
                ),
                more=more,
            )
            for r in shown:
                gap = r.households.total - r.households.covered
                t.rows.append(
                    [
                        r.area,
                        r.name or "",
                        num(r.households.total),
                        num(gap),
                        pct(gap / r.households.total if r.households.total else None),
                    ]
                )
            parts.append(t.render())
        shown, more = limit(report.households, n)
        t = Table(
            "Uncovered households (by grid, building, id)",
            (("household", "<"), ("building", "<"), ("grid", "<"), ("size", ">"), ("tags", "<")),
            more=more + (report.total - len(report.households)),
        )
        for h in shown:
            t.rows.append([h.id, h.building or "", h.grid or "", num(h.size), ";".join(h.tags)])
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return _truncate(report.to_dict(), ("households",), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        rows = [[h.id, h.building, h.grid, h.size, ";".join(h.tags)] for h in limit(report.households, top)[0]]
        return ["household", "building", "grid", "size", "tags"], rows

    return Output(table, as_json, as_csv)


def reach_output(ws: Workspace, report: Any, rows_kind: str, sort: str) -> Output:
    """Reach: overall, per resource kind, per unit, per area below."""
    breakdown = list(report.breakdown)
    if sort == "rate":
        breakdown.sort(key=lambda r: (r.households.rate if r.households.rate is not None else 2.0, r.area))
    kinds = [r.resource for r in report.resources]

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        h = report.households
        parts = [
            f"Alliance resource reach (党建联盟资源覆盖) in {ws.scope()}: {num(h.reached)} of {num(h.total)} "
            f"households reached by some member unit ({pct(h.rate)})"
        ]
        t = Table(
            "Per resource kind",
            (("resource", "<"), ("units", ">"), ("households", ">"), ("rate", ">"), ("unreached", ">")),
        )
        for r in report.resources:
            t.rows.append(
                [
                    r.resource,
                    num(r.units),
                    num(r.households.reached),
                    pct(r.households.rate),
                    num(r.households.total - r.households.reached),
                ]
            )
        parts.append(t.render())
        shown, more = limit(report.units, n)
        t = Table(
            "Member units (most households reached first)",
            (("unit", "<"), ("name", "<"), ("kind", "<"), ("resources", "<"), ("households", ">")),
            more=more,
        )
        for u in shown:
            t.rows.append([u.id, u.name or "", u.kind or "", ",".join(u.resources), num(u.households)])
        parts.append(t.render())
        if report.by is not None:
            shown, more = limit(breakdown, n)
            t = Table(
                f"By {report.by.lower()}",
                ((report.by.lower(), "<"), ("name", "<"), ("households", ">"), ("reached", ">"), ("rate", ">")),
                more=more,
            )
            for r in shown:
                t.rows.append(
                    [r.area, r.name or "", num(r.households.total), num(r.households.reached), pct(r.households.rate)]
                )
            parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        data: dict[str, Any] = report.to_dict()
        if sort == "rate":
            data["breakdown"] = [r.to_dict() for r in breakdown]
        return _truncate(data, ("units", "breakdown"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "units":
            return ["unit", "name", "kind", "resources", "households"], [
                [u.id, u.name, u.kind, ";".join(u.resources), u.households] for u in limit(report.units, top)[0]
            ]
        if rows_kind == "resources":
            return ["resource", "units", "households_total", "households_reached", "rate"], [
                [r.resource, r.units, r.households.total, r.households.reached, r.households.rate]
                for r in limit(report.resources, top)[0]
            ]
        header = ["area", "label", "name", "households_total", "households_reached", "rate", *kinds]
        return header, [
            [
                r.area,
                r.label,
                r.name,
                r.households.total,
                r.households.reached,
                r.households.rate,
                *(r.resources.get(k, 0) for k in kinds),
            ]
            for r in limit(breakdown, top)[0]
        ]

    return Output(table, as_json, as_csv)


def expansion_output(ws: Workspace, plan: Any) -> Output:
    """Expansion: which JOINs/SERVEs would reach most unreached households."""

    def describe(step: Any) -> str:
        if step.action == "JOIN":
            return f"{step.unit} {ws.name(step.unit)} joins {step.alliance} {ws.name(step.alliance)}"
        return f"{step.alliance} {ws.name(step.alliance)} serves {step.area} {ws.name(step.area)}"

    def table(top: int | None) -> str:
        what = f"offering {plan.resource}" if plan.resource else "(any resource)"
        head = (
            f"Expansion plan (greedy, k = {plan.k}) in {ws.scope()}: households reached by a unit {what}: "
            f"{num(plan.reached_before)} -> {num(plan.reached_after)} of {num(plan.households_total)} "
            f"({num(plan.candidates)} candidate actions)"
        )
        parts = [head]
        if not plan.steps:
            parts.append(
                {
                    "NO_UNIT_OFFERS_RESOURCE": f"No member unit offers {plan.resource}: no join or serve can reach "
                    "anyone with it; recruit a unit that offers it.",
                    "ALL_REACHED": "Every household is reached already.",
                    "K_IS_ZERO": "No steps were asked for (k = 0).",
                }.get(plan.why_empty or "", "No join or serve among the candidates reaches anyone new.")
            )
            return "\n\n".join(parts)
        shown, more = limit(plan.steps, top)
        t = Table(
            "Steps",
            (("#", ">"), ("action", "<"), ("what", "<"), ("gain", ">"), ("reached", ">")),
            more=more,
            max_width=80,
        )
        for i, s in enumerate(shown, 1):
            t.rows.append([str(i), s.action, describe(s), num(s.gain), num(s.reached)])
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return _truncate(plan.to_dict(), ("steps",), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        rows = [
            [i, s.action, s.unit, s.alliance, s.area, s.gain, s.reached]
            for i, s in enumerate(limit(plan.steps, top)[0], 1)
        ]
        return ["step", "action", "unit", "alliance", "area", "gain", "reached"], rows

    return Output(table, as_json, as_csv)


STAR_ORDER = ("DEMONSTRATION", "EXCELLENT", "QUALIFIED", "UNQUALIFIED", "null")


def structure_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Structure: completeness rates, the gaps, grid sizes and star spread."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        t = Table(
            f"Structure completeness (组织覆盖) of {ws.scope()}",
            (("", "<"), ("total", ">"), ("with", ">"), ("rate", ">")),
        )
        t.rows = [
            [
                "grids with a grid branch or party group",
                num(report.grids),
                num(report.grids_with_branch),
                pct(report.grids_with_branch_rate),
            ],
            [
                "buildings with a party group",
                num(report.buildings),
                num(report.buildings_with_group),
                pct(report.buildings_with_group_rate),
            ],
            [
                "communities served by an alliance",
                num(report.communities),
                num(report.communities_with_alliance),
                pct(report.communities_with_alliance_rate),
            ],
        ]
        parts = [t.render()]
        shown, more = limit(report.grids_without_branch, n)
        g = Table("Grids without a branch", (("grid", "<"), ("name", "<")), more=more)
        g.rows = [[x, ws.name(x)] for x in shown]
        parts.append(g.render())
        shown, more = limit(report.communities_without_alliance, n)
        c = Table("Communities no alliance serves", (("community", "<"), ("name", "<")), more=more)
        c.rows = [[x, ws.name(x)] for x in shown]
        parts.append(c.render())
        shown, more = limit(sorted(report.grids_off_norm, key=lambda s: (-abs(s.deviation), s.id)), n)
        o = Table(
            f"Grids off their size norm (outside ±{report.tolerance:.0%} of the target, most off first)",
            (("grid", "<"), ("name", "<"), ("households", ">"), ("target", ">"), ("deviation", ">")),
            more=more,
        )
        o.rows = [[s.id, s.name or "", num(s.households), num(s.target), f"{s.deviation:+.0%}"] for s in shown]
        parts.append(o.render())
        s = Table(
            "Star ratings of the party organizations per street",
            (
                ("street", "<"),
                ("name", "<"),
                ("orgs", ">"),
                *(("unrated" if k == "null" else k.lower(), ">") for k in STAR_ORDER),
            ),
        )
        for sp in report.star_spread:
            s.rows.append(
                [sp.street, sp.name or "", num(sp.organizations), *(num(sp.counts.get(k, 0)) for k in STAR_ORDER)]
            )
        parts.append(s.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        lists = ("grids_off_norm", "grids_with_custom_target", "grids_without_branch", "communities_without_alliance")
        return _truncate(report.to_dict(), lists, top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "stars":
            return ["street", "name", "organizations", *STAR_ORDER], [
                [sp.street, sp.name, sp.organizations, *(sp.counts.get(k, 0) for k in STAR_ORDER)]
                for sp in limit(report.star_spread, top)[0]
            ]
        if rows_kind == "gaps":
            gaps = [["grid_without_branch", x, ws.name(x)] for x in report.grids_without_branch]
            gaps += [["community_without_alliance", x, ws.name(x)] for x in report.communities_without_alliance]
            gaps += [["grid_off_norm", s.id, s.name] for s in report.grids_off_norm]
            return ["gap", "id", "name"], limit(gaps, top)[0]
        from service.report import grid_rows

        rows = grid_rows(ws.G, ws.index, ws.area, report)
        header = ["grid", "name", "community", "households", "target", "deviation", "off_norm", "has_branch"]
        return header, [[r[k] for k in header] for r in limit(rows, top)[0]]

    return Output(table, as_json, as_csv)


def brokerage_output(ws: Workspace, report: Any, rows_kind: str) -> Output:
    """Brokerage: top brokers by betweenness and the articulation points."""

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        sample = "exact" if report.k is None else f"sampled from {report.k} sources, seed {report.seed}"
        head = (
            f"Brokerage (organization graph of {ws.scope()}: {num(report.nodes)} nodes, {num(report.edges)} edges, "
            f"{num(report.components)} {plural('component', report.components)}; betweenness {sample})"
        )
        t = Table("Top brokers", (("id", "<"), ("label", "<"), ("name", "<"), ("betweenness", ">"), ("degree", ">")))
        t.rows = [[b.id, b.label, b.name or "", f"{b.betweenness:.4f}", num(b.degree)] for b in report.brokers]
        shown, more = limit(report.articulation_points, n)
        a = Table(
            "Articulation points (their removal splits the structure)",
            (
                ("id", "<"),
                ("label", "<"),
                ("name", "<"),
                ("pieces", ">"),
                ("households cut off", ">"),
                ("households unreached", ">"),
            ),
            more=more,
        )
        a.rows = [
            [p.id, p.label, p.name or "", num(p.pieces), num(p.households_disconnected), num(p.households_unreached)]
            for p in shown
        ]
        return "\n\n".join([head, t.render(), a.render()])

    def as_json(top: int | None) -> dict[str, Any]:
        return _truncate(report.to_dict(), ("articulation_points",), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "articulation":
            return ["id", "label", "name", "pieces", "households_disconnected", "households_unreached"], [
                [p.id, p.label, p.name, p.pieces, p.households_disconnected, p.households_unreached]
                for p in limit(report.articulation_points, top)[0]
            ]
        return ["id", "label", "name", "betweenness", "degree"], [
            [b.id, b.label, b.name, b.betweenness, b.degree] for b in report.brokers
        ]

    return Output(table, as_json, as_csv)


def plan_output(ws: Workspace, plan: Any, by_grid: list[dict[str, Any]] | None, rows_kind: str) -> Output:
    """Coverage plan: before/after, per grid, the assignments."""
    ranked = sorted(by_grid or [], key=lambda r: (-r["assigned"], r["grid"]))

    def table(top: int | None) -> str:
        n = TABLE_TOP if top is None else top
        summary = key_values(
            f"Coverage plan (vanguards with spare capacity take uncovered households of their grid; "
            f"N = {plan.households_norm}) for {ws.scope()}",
            [
                (
                    "households covered",
                    f"{num(plan.before.covered)} ({pct(plan.before.rate)}) -> "
                    f"{num(plan.after.covered)} ({pct(plan.after.rate)}) of {num(plan.before.total)}",
                ),
                (
                    "assigned",
                    f"{num(plan.assigned)} ({num(plan.same_building)} in the vanguard's own building, "
                    f"{num(plan.same_grid)} elsewhere in the grid)",
                ),
                (
                    "spare capacity used",
                    f"{num(plan.assigned)} of {num(plan.capacity)} by {num(plan.vanguards_used)} vanguards",
                ),
                ("left uncovered", num(len(plan.unassigned))),
            ],
        )
        parts = [summary]
        if by_grid is not None:
            shown, more = limit([r for r in ranked if r["assigned"]], n)
            t = Table(
                "Per grid (most assignments first)",
                (
                    ("grid", "<"),
                    ("name", "<"),
                    ("households", ">"),
                    ("before", ">"),
                    ("after", ">"),
                    ("assigned", ">"),
                    ("same bldg", ">"),
                    ("left", ">"),
                    ("need", ">"),
                ),
                more=more,
            )
            t.rows = [
                [
                    r["grid"],
                    r["name"] or "",
                    num(r["households"]),
                    pct(r["rate_before"]),
                    pct(r["rate_after"]),
                    num(r["assigned"]),
                    num(r["same_building"]),
                    num(r["left_uncovered"]),
                    num(r["vanguards_needed"]),
                ]
                for r in shown
            ]
            parts.append(t.render())
            short = sum(1 for r in by_grid if r["left_uncovered"])
            if short:
                parts.append(
                    f"{num(short)} grids stay short after the plan: 'left' households there have no vanguard with "
                    f"spare capacity; 'need' is how many new vanguards (N = {plan.households_norm}) would cover them."
                )
        shown, more = limit(plan.assignments, n)
        t = Table(
            "Assignments",
            (("household", "<"), ("vanguard", "<"), ("building", "<"), ("grid", "<"), ("same building", "<")),
            more=more,
        )
        t.rows = [[a.household, a.vanguard, a.building, a.grid, "yes" if a.same_building else "no"] for a in shown]
        parts.append(t.render())
        return "\n\n".join(parts)

    def as_json(top: int | None) -> dict[str, Any]:
        return _truncate(plan.to_dict(), ("assignments", "unassigned"), top)

    def as_csv(top: int | None) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
        if rows_kind == "grids":
            header = [
                "grid",
                "name",
                "households",
                "covered_before",
                "covered_after",
                "rate_before",
                "rate_after",
                "assigned",
                "same_building",
                "same_grid",
            ]
            return header, [[r[k] for k in header] for r in limit(by_grid or [], top)[0]]
        return ["household", "vanguard", "building", "grid", "same_building"], [
            [a.household, a.vanguard, a.building, a.grid, a.same_building] for a in limit(plan.assignments, top)[0]
        ]

    return Output(table, as_json, as_csv)


# --- the commands ------------------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {n}")
    return n


def _common(p: argparse.ArgumentParser, *, by: bool = False, rows: Sequence[str] = ()) -> None:
    p.add_argument("--area", metavar="ID", help="a street, community, grid or building id (default: the whole city)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format (default table)")
    p.add_argument(
        "--top",
        type=_positive,
        metavar="N",
        help=f"list at most N rows (default {TABLE_TOP} in tables, all in json and csv)",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write the output to FILE instead of stdout")
    p.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="report stages on stderr: auto (those longer than a second), always or never",
    )
    p.add_argument("--store", default=argparse.SUPPRESS, help="same as civicmesh --store (given after the command)")
    if by:
        p.add_argument("--by", choices=tuple(LEVELS), help="break down by this level (default: one level below)")
        p.add_argument(
            "--sort", choices=("id", "rate"), default="id", help="order of the breakdown: id, or rate (lowest first)"
        )
    if rows:
        p.add_argument(
            "--rows", choices=rows, default=rows[0], help=f"which rows --format csv writes (default {rows[0]})"
        )


def register(sub: Any) -> None:
    """Add ``analyze`` (with one sub-command per analysis) and ``report`` to the ``civicmesh`` parser."""
    a: argparse.ArgumentParser = sub.add_parser(
        "analyze",
        help="coverage, vanguard load, reach, expansion, structure, brokerage and coverage plan of an area",
        description=(
            "Run one analysis on the store's graph, for the whole city or one --area, and print it as a table, "
            "JSON or CSV. Definitions: docs/design.md, 'Analytics definitions'."
        ),
    )
    analyses = a.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")

    p = analyses.add_parser("coverage", help="linkage coverage (1+10+N) of households and party members")
    _common(p, by=True)
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="also count households visited by their vanguard in the 31 days up to this date",
    )
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("load", help="vanguard load: linked members and households against the norms")
    _common(p)
    p.add_argument("--members-norm", type=_positive, default=10, help="linked members per vanguard (default 10)")
    p.add_argument("--households-norm", type=_positive, default=15, help="linked households, N (default 15)")
    p.add_argument("--overload-factor", type=float, default=2.0, help="overloaded above this multiple (default 2)")
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("uncovered", help="households no vanguard links, per grid and one by one")
    _common(p)
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("reach", help="households the alliance member units reach, per unit, resource and area")
    _common(p, by=True, rows=("breakdown", "units", "resources"))
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("expansion", help="the k joins or serves that would reach the most unreached households")
    _common(p)
    p.add_argument("--k", type=_positive, default=20, help="how many steps (default 20)")
    p.add_argument(
        "--resource",
        metavar="KIND",
        help="only units offering this resource kind (FUNDING, ELDERLY_CARE, ...); default any",
    )
    p.add_argument(
        "--actions", choices=("both", "join", "serve"), default="both", help="which actions to consider (default both)"
    )
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("structure", help="grids with a branch, buildings with a group, communities in an alliance")
    _common(p, rows=("grids", "stars", "gaps"))
    p.add_argument("--grid-norm", type=_positive, default=300, help="households per grid (default 300)")
    p.add_argument("--tolerance", type=float, default=0.5, help="relative deviation still normal (default 0.5)")
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("brokerage", help="betweenness and articulation points of organizations and units")
    _common(p, rows=("brokers", "articulation"))
    p.add_argument(
        "--sample",
        type=_positive,
        default=256,
        help="betweenness from this many sampled sources (default 256; --exact for all)",
    )
    p.add_argument("--exact", action="store_true", help="exact betweenness (every source)")
    p.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    p.set_defaults(run=run_analysis)

    p = analyses.add_parser("plan", help="assign uncovered households to vanguards with spare capacity")
    _common(p, rows=("assignments", "grids"))
    p.add_argument("--households-norm", type=_positive, default=15, help="N of 1+10+N (default 15)")
    p.set_defaults(run=run_analysis)

    r: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="write an HTML report (index.html with plots) and report.json for the city or an area",
        description=(
            "Write DIR/index.html, a self-contained report (plots inline, opens offline), and DIR/report.json "
            "with every figure in it."
        ),
    )
    r.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write index.html and report.json")
    r.add_argument("--area", metavar="ID", help="a street, community, grid or building id (default: the whole city)")
    r.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="date of the active-coverage month (default: the latest visit on record)",
    )
    r.add_argument("--resource", metavar="KIND", help="the resource kind whose expansion plan is detailed")
    r.add_argument("--png", action="store_true", help="also write each plot as DIR/plots/NAME.png")
    r.add_argument("--progress", choices=("auto", "always", "never"), default="auto", help="report stages on stderr")
    r.add_argument("--store", default=argparse.SUPPRESS, help="same as civicmesh --store (given after the command)")
    r.set_defaults(run=run_report)


def _err(message: str) -> None:
    print(f"civicmesh: {message}", file=sys.stderr)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8", newline="")
    _err(f"wrote {out}")


def _check_by(ws: Workspace, by: str | None) -> str | None:
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


def _check_resource(resource: str | None) -> str | None:
    if resource is None:
        return None
    from graph_schema import ResourceKind

    known = [k.value for k in ResourceKind]
    value = resource.strip().upper().replace("-", "_")
    if value not in known:
        raise UsageError(f"unknown resource kind {resource!r}; choose one of {', '.join(known)}")
    return value


def compute(name: str, ws: Workspace, args: argparse.Namespace) -> Output:
    """Run analysis ``name`` on the workspace and wrap its result for printing."""
    import analytics as A

    area = ws.area
    if name == "coverage":
        report = A.coverage(ws.G, area, as_of=args.as_of, by=_check_by(ws, args.by), index=ws.index, linkage=ws.linkage)
        return coverage_output(ws, report, args.sort)
    if name == "load":
        load = A.vanguard_load(
            ws.G,
            area,
            members_norm=args.members_norm,
            households_norm=args.households_norm,
            overload_factor=args.overload_factor,
            include_all=True,
            index=ws.index,
            linkage=ws.linkage,
        )
        return load_output(ws, load)
    if name == "uncovered":
        unc = A.uncovered_households(ws.G, area, index=ws.index, linkage=ws.linkage)
        by = "Grid" if ws.area_label in ("City", "Street", "Community") else None
        cov = A.coverage(ws.G, area, by=by, breakdown=by is not None, index=ws.index, linkage=ws.linkage)
        return uncovered_output(ws, unc, cov)
    if name == "reach":
        rep = A.reach(ws.G, area, by=_check_by(ws, args.by), index=ws.index, model=ws.model)
        return reach_output(ws, rep, args.rows, args.sort)
    if name == "expansion":
        choices: dict[str, tuple[Literal["JOIN", "SERVE"], ...]] = {
            "both": ("JOIN", "SERVE"),
            "join": ("JOIN",),
            "serve": ("SERVE",),
        }
        actions = choices[args.actions]
        expansion = A.expansion_plan(
            ws.G,
            args.k,
            area=area,
            resource=_check_resource(args.resource),
            actions=actions,
            index=ws.index,
            model=ws.model,
        )
        return expansion_output(ws, expansion)
    if name == "structure":
        st = A.structure(ws.G, area, grid_norm=args.grid_norm, tolerance=args.tolerance, index=ws.index)
        return structure_output(ws, st, args.rows)
    if name == "brokerage":
        if ws.area_label == "Building":
            grid = ws.index.path(area).grid if area is not None else None
            raise UsageError(
                f"brokerage works on grids and above; --area {area} is a building"
                + (f": try its grid, --area {grid}" if grid else "")
            )
        k = None if args.exact else args.sample
        top = args.top if args.top is not None else 10
        with ws.progress.stage("computing betweenness and articulation points"):
            br = A.brokerage(ws.G, area, top=top, k=k, seed=args.seed, index=ws.index, model=ws.model)
        return brokerage_output(ws, br, args.rows)
    if name == "plan":
        with ws.progress.stage("solving the assignment (min-cost flow per grid)"):
            plan = A.coverage_plan(ws.G, area, households_norm=args.households_norm, index=ws.index, linkage=ws.linkage)
        by_grid = [r.to_dict() for r in plan.grids] if ws.area_label != "Building" else None
        return plan_output(ws, plan, by_grid, args.rows)
    raise AssertionError(name)


def render(output: Output, fmt: str, top: int | None) -> str:
    """The text of ``output`` in ``fmt``."""
    if fmt == "json":
        return json.dumps(output.json(top), ensure_ascii=False, indent=2)
    if fmt == "csv":
        header, rows = output.csv(top)
        return csv_text(header, rows)
    return output.table(top)


def run_analysis(args: argparse.Namespace, settings: Settings) -> int:
    """``civicmesh analyze NAME``."""
    name: str = args.analysis
    progress = Progress(args.progress)
    try:
        ws = open_workspace(settings, args.area, progress, PROJECTIONS[ANALYSES[name]])
        with progress.stage(f"computing {name}"):
            output = compute(name, ws, args)
            text = render(output, args.format, args.top)
    except UsageError as exc:
        _err(str(exc))
        return 2
    except StoreError as exc:
        _err(str(exc))
        return 1
    _emit(text, args.out)
    return 0


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    """``civicmesh report --out DIR``."""
    from service.report import build_report, latest_visit

    progress = Progress(args.progress)
    try:
        resource = _check_resource(args.resource)
        ws = open_workspace(settings, args.area, progress)
        as_of = args.as_of
        as_of_source = "given"
        if as_of is None:
            as_of = latest_visit(ws.G)
            as_of_source = "latest visit on record"
            if as_of is None:
                as_of = dt.date.today()
                as_of_source = "today (no visits on record)"
        files = build_report(
            ws.G,
            out_dir=args.out,
            area=ws.area,
            as_of=as_of,
            as_of_source=as_of_source,
            store=_where(settings),
            resource=resource,
            png=args.png,
            stage=progress.stage,
            index=ws.index,
        )
    except UsageError as exc:
        _err(str(exc))
        return 2
    except StoreError as exc:
        _err(str(exc))
        return 1
    for path in files:
        _err(f"wrote {path}")
    return 0


__all__ = [
    "ANALYSES",
    "PROJECTIONS",
    "Progress",
    "Table",
    "UsageError",
    "Workspace",
    "clip",
    "display_width",
    "open_workspace",
    "register",
    "run_analysis",
    "run_report",
]
