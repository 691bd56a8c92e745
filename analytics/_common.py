"""Shared internals: JSON conversion of results, ratios, and fast read access to a projection.

The projection (see ``loaders.store.GraphStore.project``) is a ``networkx.MultiDiGraph``
whose nodes are keyed by id with a ``label`` attribute, and whose edges are keyed by
``graph_schema.rel_key`` with a ``type`` attribute.  Because every relationship type but
``VISITED`` has its type as its key, "does ``u`` have a ``LINKS`` relationship to ``v``" is
one dictionary lookup, ``"LINKS" in succ[u][v]``; the analytics rely on that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any

from graph_schema import Label, NotFoundError

CITY = "City"
"""The ``label`` reported for the whole city (``area=None``)."""


def to_jsonable(value: Any) -> Any:
    """Convert a result value to JSON-ready Python: dicts, lists, str, int, float, bool, None.

    >>> to_jsonable((1, frozenset({"a"}), {"k": dt.date(2026, 1, 2)}, float("nan")))
    [1, ['a'], {'k': '2026-01-02'}, None]
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((to_jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class JsonResult:
    """Mixin of the result dataclasses: ``to_dict()`` gives a JSON-ready dict."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready dicts and lists (tuples become lists, enums their value)."""
        out = to_jsonable(self)
        assert isinstance(out, dict)
        return out


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, or None when ``whole`` is 0 (a rate over nothing is undefined).

    >>> rate(1, 4), rate(0, 0)
    (0.25, None)
    """
    return part / whole if whole else None


@dataclasses.dataclass(frozen=True, slots=True)
class Ratio(JsonResult):
    """``covered`` out of ``total``; ``rate`` is None when ``total`` is 0."""

    total: int
    covered: int
    rate: float | None

    @classmethod
    def of(cls, covered: int, total: int) -> Ratio:
        return cls(total=total, covered=covered, rate=rate(covered, total))


def parse_date(value: dt.date | str) -> dt.date:
    """A date from a ``date`` or an ISO string (a datetime string keeps its date part)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- read access to the projection ----------------------------------------------------


def months(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The calendar months of ``[start, end]``, each clipped to it: ``(YYYY-MM, first day, last day)``.

    >>> [m for m, _, _ in months(dt.date(2026, 11, 20), dt.date(2027, 1, 5))]
    ['2026-11', '2026-12', '2027-01']
    >>> months(dt.date(2026, 11, 20), dt.date(2026, 11, 25))[0][1:]
    (datetime.date(2026, 11, 20), datetime.date(2026, 11, 25))
    """
    out: list[tuple[str, dt.date, dt.date]] = []
    first = start.replace(day=1)
    while first <= end:
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        out.append((first.strftime("%Y-%m"), max(first, start), min(nxt - dt.timedelta(days=1), end)))
        first = nxt
    return out


def succ(G: Any) -> dict[str, dict[str, dict[Any, dict[str, Any]]]]:
    """The raw successor adjacency ``{u: {v: {key: data}}}`` (no view objects: 2x faster)."""
    raw = getattr(G, "_succ", None)
    return raw if isinstance(raw, dict) else {u: dict(G.succ[u]) for u in G}


def pred(G: Any) -> dict[str, dict[str, dict[Any, dict[str, Any]]]]:
    """The raw predecessor adjacency ``{v: {u: {key: data}}}``."""
    raw = getattr(G, "_pred", None)
    return raw if isinstance(raw, dict) else {v: dict(G.pred[v]) for v in G}


def node_data(G: Any) -> dict[str, dict[str, Any]]:
    """The raw node attribute dicts ``{id: {label, ...}}``."""
    raw = getattr(G, "_node", None)
    return raw if isinstance(raw, dict) else {n: G.nodes[n] for n in G}


def nodes_by_label(G: Any) -> dict[str, list[str]]:
    """Node ids grouped by ``label``, in graph order."""
    out: dict[Any, list[str]] = {}
    for n, data in node_data(G).items():
        label = data.get("label")
        group = out.get(label)
        if group is None:
            out[label] = group = []
        group.append(n)
    return {str(label): group for label, group in out.items()}


def name_of(data: Mapping[str, Any]) -> str | None:
    name = data.get("name")
    return None if name is None else str(name)


def string_list(value: Any) -> tuple[str, ...]:
    """A list property (``resources``, ``tags``) as a tuple of strings; a lone string is one item."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v for v in value.split(";") if v) if ";" in value else ((value,) if value else ())
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value)
    return (str(value),)


def require_area(nodes: Mapping[str, Mapping[str, Any]], area: str | None) -> str:
    """The label of ``area`` (``City`` for None); raise when it is missing or not an area."""
    if area is None:
        return CITY
    data = nodes.get(area)
    if data is None:
        raise NotFoundError(f"area {area!r} does not exist")
    label = str(data.get("label"))
    if label not in {lab.value for lab in (Label.STREET, Label.COMMUNITY, Label.GRID, Label.BUILDING)}:
        raise ValueError(f"{area!r} is a {label}, not an area (Street, Community, Grid or Building)")
    return label


class Cancelled(Exception):
    """An analysis stopped because its ``should_stop`` said so (its caller gave up on it)."""


def checkpoint(should_stop: Callable[[], bool] | None) -> None:
    """Raise :class:`Cancelled` when ``should_stop`` says the analysis is no longer wanted.

    The long analyses call it between steps (brokerage every batch of sources, the coverage
    plan every grid), so a caller can stop an analysis running on a worker thread, which
    cannot be killed, within one step.  ``should_stop`` is any function (a deadline, an event):
    the analytics stay pure.

    >>> checkpoint(None); checkpoint(lambda: False)
    >>> checkpoint(lambda: True)
    Traceback (most recent call last):
    ...
    analytics._common.Cancelled: the analysis was stopped
    """
    if should_stop is not None and should_stop():
        raise Cancelled("the analysis was stopped")
