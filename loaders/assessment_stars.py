"""A rated branch's ``star`` in the analytics projection: its final assessment's result.

Both stores call :func:`apply_final_stars` on the projection they build, so every analysis reads
the star a branch shows (docs/design.md 7.13): the result of the final assessment of its
latest round when it has assessments, else the ``star`` it was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph_schema.assessments import final_star
from graph_schema.contract import Label, RelType

_AS, _ORG = Label.ASSESSMENT.value, Label.PARTY_ORGANIZATION.value
_ASSESSES = RelType.ASSESSES.value


def apply_final_stars(g: nx.MultiDiGraph) -> None:
    """Set the ``star`` of every organization an Assessment of ``g`` ASSESSES to its final result.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("o1", label="PartyOrganization", level="GRID_BRANCH", star="EXCELLENT")
    >>> g.add_node("a1", label="Assessment", round="2026-1", kind="SELF", result="QUALIFIED")
    >>> _ = g.add_edge("a1", "o1", key="ASSESSES", type="ASSESSES")
    >>> apply_final_stars(g); g.nodes["o1"]["star"]
    'QUALIFIED'
    """
    node: Mapping[str, dict[str, Any]] = g._node
    by_org: dict[str, list[Mapping[str, Any]]] = {}
    for i, d in node.items():
        if d.get("label") != _AS:
            continue
        for end, keyed in g._succ[i].items():
            if any(e.get("type") == _ASSESSES for e in keyed.values()) and node[end].get("label") == _ORG:
                by_org.setdefault(end, []).append(d)
    for org, found in by_org.items():
        star = final_star(found, node[org].get("star"))
        if star is not None:
            node[org]["star"] = star
