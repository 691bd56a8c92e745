"""Reading the graph for a command: open the store, check ``--area``, project, start a session."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loaders.progress import StageTicker, step
from service.commands.analysis.vocabulary import AREA_LABELS, LABEL_NAMES, StoreError, UsageError
from service.settings import Settings

if TYPE_CHECKING:
    from analytics import AnalyticsSession, AreaIndex, Linkage, ReachModel
    from loaders.store import GraphStore


@dataclass
class Workspace:
    """The projection of one command, its analytics session and the area asked about.

    The session (:class:`analytics.AnalyticsSession`) builds the area index, the linkage and
    the reach model on first use; building the index is reported as a stage.
    """

    session: AnalyticsSession
    store: str
    progress: StageTicker
    area: str | None = None
    area_label: str = "City"
    area_name: str | None = None

    @property
    def G(self) -> Any:
        """The projection."""
        return self.session.graph

    @property
    def index(self) -> AreaIndex:
        """The session's area index (reported as a stage while it is built)."""
        if "index" not in self.session.built:
            with step(self.progress, "indexing areas and households"):
                return self.session.index
        return self.session.index

    @property
    def linkage(self) -> Linkage:
        """The session's linkage."""
        return self.session.linkage

    @property
    def model(self) -> ReachModel:
        """The session's reach model (built with the index)."""
        _ = self.index  # built first, as its own stage
        return self.session.model

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
    progress: StageTicker,
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
    from analytics import AnalyticsSession
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
            with step(progress, f"opening {where}"):
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
            with step(progress, f"reading the graph from {where}"):
                try:
                    G = await store.project(labels=labels, rel_types=types)
                except Exception as exc:
                    raise StoreError(f"cannot read the graph from {where}: {_oneline(exc)}") from exc
            if progress.mode == "always":
                progress.note(f"read {G.number_of_nodes():,} nodes and {G.number_of_edges():,} relationships")
            return Workspace(AnalyticsSession(G), settings.store, progress, area, label, name)
        finally:
            await store.close()

    return asyncio.run(read())
