"""One analytics session: a projection and the indexes and models its analyses share.

Every analysis takes the projection and, optionally, the indexes it needs prebuilt: the
:class:`~analytics.areas.AreaIndex` (areas and households), the
:class:`~analytics.coverage.Linkage` (who links whom, who visited whom) and the
:class:`~analytics.reach.ReachModel` (which unit reaches which building).  Running several
analyses on one projection (a CLI command, a report, the API between two writes), build each
of them once and pass it in: :class:`AnalyticsSession` does exactly that, lazily, and nothing
else.  It is pure: a graph in, indexes and models out; no database, no files, no clock.

The norms the analyses default to (``MEMBERS_NORM``, ``HOUSEHOLDS_NORM``, ``OVERLOAD_FACTOR``,
``GRID_HOUSEHOLDS_NORM``, ``GRID_SIZE_TOLERANCE``) are named in :mod:`graph_schema.contract`.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from analytics.appeals import AppealIndex
from analytics.areas import AreaIndex
from analytics.coverage import Linkage
from analytics.reach import ReachModel
from analytics.work.index import NEEDS, WorkIndex
from graph_schema import Label

Part = Literal["index", "linkage", "model", "appeals", "work"]
"""What a session builds: ``index`` (AreaIndex), ``linkage`` (Linkage), ``model`` (ReachModel),
``appeals`` (AppealIndex), ``work`` (WorkIndex: activities, visits, registrations, points, projects;
it reads each of its own parts on first use, so the session shares one read of each)."""

PARTS: tuple[Part, ...] = ("index", "linkage", "model", "appeals", "work")


class AnalyticsSession:
    """A projection and its indexes and models, each built once, on first use.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A store's projection (``GraphStore.project()``), read-only from now on: the indexes
        are built from it and would not see later changes.
    index : AreaIndex, optional
        An index of ``graph`` built beforehand (it is used instead of building one).
    version : int, optional
        The data version ``graph`` shows, as its source numbers them (the API's projection
        cache); a session is never reused for another version.

    Attributes
    ----------
    graph : networkx.MultiDiGraph
        The projection.
    version : int
        The data version of ``graph`` (0 when not given).

    Notes
    -----
    The properties are safe to read from several threads at once (the API runs analyses on
    worker threads): each part is built by one thread while the others wait for it.

    Examples
    --------
    >>> from analytics import coverage, reach, tiny_city
    >>> s = AnalyticsSession(tiny_city())
    >>> s.built
    ()
    >>> coverage(s.graph, index=s.index, linkage=s.linkage).households.total
    8
    >>> s.built
    ('index', 'linkage')
    >>> reach(s.graph, index=s.index, model=s.model).households.reached
    8
    >>> s.built
    ('index', 'linkage', 'model')
    >>> s.index is s.index
    True
    """

    def __init__(self, graph: Any, *, index: AreaIndex | None = None, version: int = 0) -> None:
        self.graph = graph
        self.version = version
        self._index = index
        self._linkage: Linkage | None = None
        self._model: ReachModel | None = None
        self._appeals: AppealIndex | None = None
        self._work: WorkIndex | None = None
        self._lock = threading.RLock()

    @property
    def index(self) -> AreaIndex:
        """The areas, the households under them and the paths up (built on first use)."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = AreaIndex.build(self.graph)
        return self._index

    @property
    def linkage(self) -> Linkage:
        """Vanguards, their LINKS and VISITED relationships (built on first use)."""
        if self._linkage is None:
            with self._lock:
                if self._linkage is None:
                    # the index's grouping by label, when it is built, saves the linkage a pass over every node
                    grouped = self._index.nodes_by_label if self._index is not None else None
                    members = grouped.get(Label.PARTY_MEMBER.value, []) if grouped else None
                    self._linkage = Linkage.build(self.graph, members)
        return self._linkage

    @property
    def model(self) -> ReachModel:
        """Which member unit reaches which building, and how (built on first use, with the index)."""
        if self._model is None:
            index = self.index
            with self._lock:
                if self._model is None:
                    self._model = ReachModel.build(self.graph, index)
        return self._model

    @property
    def appeals(self) -> AppealIndex:
        """Every appeal, where it lies and who handles it (built on first use, with the index)."""
        if self._appeals is None:
            index = self.index
            with self._lock:
                if self._appeals is None:
                    self._appeals = AppealIndex.build(self.graph, index)
        return self._appeals

    @property
    def work(self) -> WorkIndex:
        """Activities, visits, registrations, points and projects (made on first use, with the index).

        The work index reads each of its parts (``analytics.work.index.WORK_PARTS``) when an
        analysis first asks for it, so the CLI, the resolvers and the report share one read of
        each part and never read the parts no analysis of theirs needs.
        """
        if self._work is None:
            index = self.index
            with self._lock:
                if self._work is None:
                    self._work = WorkIndex.build(self.graph, index)
        return self._work

    @property
    def built(self) -> tuple[Part, ...]:
        """The parts built so far, in the order of :data:`PARTS`.

        >>> from analytics import tiny_city
        >>> AnalyticsSession(tiny_city()).built
        ()
        """
        have = {
            "index": self._index,
            "linkage": self._linkage,
            "model": self._model,
            "appeals": self._appeals,
            "work": self._work,
        }
        return tuple(p for p in PARTS if have[p] is not None)

    def work_for(self, *analyses: str) -> WorkIndex:
        """The work index with the parts the monthly-work ``analyses`` need read now
        (``analytics.work.index.NEEDS``; none named: the index alone), e.g. on a worker thread
        or in a fork server, so that the analyses themselves (and any child forked after) find
        them read.

        >>> from analytics import tiny_city
        >>> session = AnalyticsSession(tiny_city())
        >>> session.work_for("points") is session.work, session.built
        (True, ('index', 'work'))
        >>> session.work_for("mood")
        Traceback (most recent call last):
        ...
        ValueError: no monthly-work analysis is called 'mood' (contact, registration, activities, points)
        """
        unknown = [a for a in analyses if a not in NEEDS]
        if unknown:
            raise ValueError(f"no monthly-work analysis is called {unknown[0]!r} ({', '.join(NEEDS)})")
        parts = tuple(dict.fromkeys(p for a in analyses for p in NEEDS[a]))
        work = self.work
        if parts:  # ensure() with no part named reads them all
            work.ensure(*parts)
        return work

    def build(self, *parts: Part) -> AnalyticsSession:
        """Build ``parts`` now (all of them when none is named), e.g. on a worker thread; returns the session.

        >>> from analytics import tiny_city
        >>> AnalyticsSession(tiny_city()).build("linkage").built
        ('linkage',)
        >>> AnalyticsSession(tiny_city()).build().built
        ('index', 'linkage', 'model', 'appeals', 'work')
        """
        for part in parts or PARTS:
            if part not in PARTS:
                raise ValueError(f"an analytics session builds {', '.join(PARTS)}, not {part!r}")
            getattr(self, part)
        return self

    def __repr__(self) -> str:
        g = self.graph
        return (
            f"AnalyticsSession({g.number_of_nodes():,} nodes, {g.number_of_edges():,} relationships; "
            f"built: {', '.join(self.built) or 'nothing yet'})"
        )


__all__ = [
    "PARTS",
    "AnalyticsSession",
    "Part",
]
