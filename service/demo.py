"""The demo graph an empty store gets at start-up (``Settings.demo_when_empty``)."""

from __future__ import annotations

import logging

from graph_schema import Label, WriteBatch
from loaders.store import GraphStore

log = logging.getLogger("civicmesh.demo")


async def is_empty(store: GraphStore) -> bool:
    for label in Label:
        if await store.count_nodes(label.value):
            return False
    return True


async def load_demo(store: GraphStore) -> bool:
    """Write the synthetic ``demo`` city into ``store``; False when no generator is installed."""
    try:
        from loaders import synthetic  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        log.info("no demo graph: loaders.synthetic is not available")
        return False
    graph = synthetic.generate("demo", seed=0)
    await store.write(WriteBatch(nodes=list(graph.nodes), relationships=list(graph.relationships)))
    log.info("loaded the demo graph", extra={"nodes": len(graph.nodes), "relationships": len(graph.relationships)})
    return True
