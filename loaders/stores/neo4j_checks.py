"""What a Neo4j write's validation reads for the rules that hold after the fact
(``graph_schema.end_kinds.held_end_problems`` and the merged rules of an assessment patch), inside
the write's transaction; kept beside :mod:`loaders.stores.neo4j_store`, which calls it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_schema import WriteBatch
from loaders.stores import cypher, cypher_checks


async def held_ends(
    tx: AsyncManagedTransaction, batch: WriteBatch, labels: Mapping[str, str]
) -> dict[str, list[tuple[str, str]]]:
    """``Existing.held``: for each organization or worker the batch may change the kind of and
    that exists (``labels``: the stored labels), the (type, start) of the checked relationships
    ending at it, read under the node's write lock."""
    ids = sorted(i for i in batch.held_ids() if i in labels)
    held: dict[str, list[tuple[str, str]]] = {}
    if ids:
        record = await (await tx.run(cypher_checks.HELD_ENDS, ids=ids)).single()
        for node_id, rtype, start in record["rows"] if record else []:
            held.setdefault(node_id, []).append((rtype, start))
    return held


async def stored_assessments(
    tx: AsyncManagedTransaction, batch: WriteBatch, labels: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """``Existing.assessments``: the stored properties of the assessments a patch changes, read
    under each node's write lock (so a concurrent patch of another property is merged in)."""
    ids = sorted(i for i in batch.assessment_patch_ids() if i in labels)
    if not ids:
        return {}
    record = await (await tx.run(cypher.LOCKED_PROPERTIES, ids=ids)).single()
    return {
        node_id: {k: v for k, v in props.items() if k != "id"} for node_id, props in (record["rows"] if record else [])
    }
