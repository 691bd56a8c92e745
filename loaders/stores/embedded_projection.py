"""The embedded store's kept projection follows each committed write (docs/design.md 2.5).

Before, the first analysis after a write rebuilt the whole projection from the in-memory
graph (seconds at city scale, longer on a loaded machine) while the writes behind it waited.
Now the write that changes the graph carries the kept projection forward with
:func:`loaders.projection_delta.advance`, under the same write lock, so the projection is
always at the store's data version and is built from scratch only once (the first analysis
after the store opens) or after :meth:`~loaders.stores.embedded.EmbeddedStore.clear`.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from loaders.projection_delta import Delta, advance

Kept = tuple[int, nx.MultiDiGraph] | None
"""A store's kept projection and the data version it shows."""


def follow_write(
    kept: Kept,
    before: int,
    after: int,
    stored: nx.MultiDiGraph,
    node_rows: list[tuple[str, str, dict[str, Any]]],
    rel_rows: list[tuple[str, str, str, str, dict[str, Any]]],
    rel_deletes: list[tuple[str, str, str]],
    node_deletes: list[str],
) -> Kept:
    """The kept projection at version ``after``, from the one at ``before`` and the rows of the
    write between them (as :meth:`EmbeddedStore._apply` applied them to ``stored``); nothing
    kept, or kept at another version, stays nothing."""
    if kept is None or kept[0] != before:
        return None
    nodes = stored._node

    def given_star(org: str) -> Any:
        return nodes[org]["p"].get("star")

    delta = Delta(node_rows, rel_rows, rel_deletes, node_deletes)
    return after, advance(kept[1], delta, given_star)
