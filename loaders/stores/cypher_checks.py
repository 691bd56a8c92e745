"""The Cypher a write's validation reads besides :mod:`loaders.stores.cypher`: the stored
kind of the nodes whose kind a relationship's rules check (``graph_schema.end_kinds``)."""

from __future__ import annotations

from typing import Final

from graph_schema.ddl import ENTITY
from graph_schema.end_kinds import END_KIND_PROPS

END_KINDS: Final = f"""
UNWIND $ids AS id
MATCH (o:{ENTITY} {{id: id}})
USING INDEX o:{ENTITY}(id)
RETURN collect([o.id, {", ".join(f"o.{name}" for name in END_KIND_PROPS)}]) AS rows
"""
"""For each id that exists: [id, level, external, role] (null where the node has none), as one
record; read inside the write's transaction."""
