"""Read statements of the Neo4j store that :mod:`loaders.stores.cypher` has no room for: the
walk of a nested selection in one statement.  The same rules: labels and relationship types
checked against the contract before they are spliced, everything else a parameter."""

from __future__ import annotations

from collections.abc import Sequence

from graph_schema.ddl import ENTITY
from loaders.stores.cypher import LABEL_OF, rel_type


def next_layer(i: int) -> str:
    """The ids a walk's layer ``i`` reached (``nexts{i}``: a list per parent), once each, as
    ``f{i + 1}``: where layer ``i + 1`` starts."""
    return (
        f"CALL (nexts{i}) {{\n  UNWIND nexts{i} AS found\n  UNWIND found AS x\n"
        f"  RETURN collect(DISTINCT x) AS f{i + 1}\n}}"
    )


def walk(
    layers: Sequence[tuple[str, bool, bool]], cond: str | None = None, *, rels: bool = True, inside: str | None = None
) -> str:
    """Several layers of ``neighbours`` in one statement: for each layer ``i`` (relationship
    type, outgoing, projected), the edges of every node the layer above found, as
    ``neighbours`` returns them (``$labels{i}``, ``$limit{i}`` per node, ``$props{i}`` when
    projected; ``cond``: see :func:`~loaders.stores.cypher.in_scope`, on every layer).

    Each layer is a ``CALL`` over the list of nodes the layer above found (distinct), with a
    ``CALL`` per node inside it whose ``LIMIT`` is per node; nothing is carried through rows
    as a grouping key, so no layer's answer is hashed once per row of the next.  One record:
    ``layers``, a list per layer of ``[id, edges]``; every node of the layer above has its
    entry, ``edges`` empty when it has none.  Each edge is ``[properties(r), n.id, label,
    values]``; without ``rels`` (the compact walk of a compiled read) ``[n.id, label, values]``.
    ``inside`` (:func:`~loaders.stores.cypher.parent_inside` over ``a``): on a layer down PART_OF,
    tested once per node of the layer above, and a child of a node inside needs no test of its own."""
    where = f" AND {cond}" if cond else ""
    parts = [
        f"UNWIND $ids AS id\nMATCH (a:{ENTITY} {{id: id}})\nUSING INDEX a:{ENTITY}(id)\nWITH collect(DISTINCT a) AS f0"
    ]
    last = len(layers) - 1
    rel = "properties(r), " if rels else ""
    for i, (rtype, outgoing, projected) in enumerate(layers):
        arrow = f"-[r:{rel_type(rtype)}]->" if outgoing else f"<-[r:{rel_type(rtype)}]-"
        values = f"[k IN $props{i} | n[k]]" if projected else "properties(n)"
        more = ", collect(n) AS next" if i < last else ""
        carry = f", collect(next) AS nexts{i}" if i < last else ""
        down = cond and inside and rtype == "PART_OF" and not outgoing
        head = f"WITH a, {inside} AS inside\n    " if down else ""
        test = f" AND (inside OR {cond})" if down else where
        parts.append(
            f"""CALL (f{i}) {{
  UNWIND f{i} AS a
  CALL (a) {{
    {head}MATCH (a){arrow}(n:{ENTITY})
    WHERE ($labels{i} IS NULL OR {LABEL_OF} IN $labels{i}){test}
    WITH r, n ORDER BY n.id, r.on
    LIMIT $limit{i}
    RETURN collect([{rel}n.id, {LABEL_OF}, {values}]) AS edges{more}
  }}
  RETURN collect([a.id, edges]) AS out{i}{carry}
}}"""
        )
        if i < last:
            parts.append(next_layer(i))
    outs = ", ".join(f"out{i}" for i in range(len(layers)))
    parts.append(f"RETURN [{outs}] AS layers")
    return "\n".join(parts)
