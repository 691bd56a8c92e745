"""The analysis set-up the analytics fields share: the projection and the indexes built on it.

The projection is kept between requests (:mod:`loaders.projection_cache`); the area index,
the linkage and (lazily) the reach model built on it are kept with it, for the newest
projection only.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import networkx as nx

import analytics as A
from loaders.projection_cache import projection_cache
from resolvers.context import Info


@dataclass(slots=True)
class _Snapshot:
    graph: nx.MultiDiGraph
    index: A.AreaIndex
    linkage: A.Linkage
    model: A.ReachModel | None = None


_SNAPSHOTS: dict[int, _Snapshot] = {}


async def _snapshot(info: Info) -> _Snapshot:
    graph = await projection_cache(info.context.store).graph()
    snap = _SNAPSHOTS.get(id(graph))
    if snap is None or snap.graph is not graph:
        snap = await asyncio.to_thread(_build_snapshot, graph)
        _SNAPSHOTS.clear()  # keep only the newest projection's indexes
        _SNAPSHOTS[id(graph)] = snap
    return snap


def _build_snapshot(graph: nx.MultiDiGraph) -> _Snapshot:
    return _Snapshot(graph, A.AreaIndex.build(graph), A.Linkage.build(graph))


def _model(snap: _Snapshot) -> A.ReachModel:
    if snap.model is None:
        snap.model = A.ReachModel.build(snap.graph, snap.index)
    return snap.model
