"""The Cypher a write's validation reads besides :mod:`loaders.stores.cypher`: the stored
kind of the nodes whose kind a relationship's rules check (``graph_schema.end_kinds``)."""

from __future__ import annotations

from typing import Final

from graph_schema.ddl import ENTITY
from graph_schema.end_kinds import CHECKED_TYPES, END_KIND_PROPS

END_KINDS: Final = f"""
UNWIND $ids AS id
MATCH (o:{ENTITY} {{id: id}})
USING INDEX o:{ENTITY}(id)
SET o.id = o.id
WITH o
RETURN collect([o.id, {", ".join(f"o.{name}" for name in END_KIND_PROPS)}]) AS rows
"""
"""For each id that exists: [id, level, external, role] (null where the node has none), as one
record; read inside the write's transaction, under each end's write lock (``SET o.id = o.id``,
ids sorted): a write changing the end's kind at the same time (``HELD_ENDS`` locks it too)
either commits first and is read here, or waits for this one and sees its relationship."""

HELD_ENDS: Final = f"""
UNWIND $ids AS id
MATCH (n:{ENTITY} {{id: id}})
USING INDEX n:{ENTITY}(id)
SET n.id = n.id
WITH n
UNWIND [(n)<-[r:{"|".join(sorted(CHECKED_TYPES))}]-(s) | [type(r), s.id]] AS held
RETURN collect([n.id, held[0], held[1]]) AS rows
"""
"""For each id that exists, [id, type, start id] of each ``ATTACHED_TO``, ``ASSESSES`` and
``ASSESSED_BY`` ending at it, as one record: the relationships a write that changes the node's
kind must keep valid (``graph_schema.end_kinds.held_end_problems``).  ``SET n.id = n.id`` takes
each node's write lock before its relationships are read (ids come sorted), so a relationship
written to it concurrently waits for this write and is then checked against the kind it leaves
(``END_KINDS`` locks the ends the same way); the relationships are read by a pattern
comprehension from the bound node, so the plan can only expand from it."""
