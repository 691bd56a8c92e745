"""Chooses and builds the store that settings name (the only place that knows both adapters)."""

from __future__ import annotations

from loaders.store import GraphStore
from loaders.stores.embedded import EmbeddedStore
from service.settings import Settings


def make_store(settings: Settings) -> GraphStore:
    """An unopened store for ``settings.store``: Neo4j for a Bolt URI, else the embedded file."""
    if settings.is_neo4j:
        from loaders.stores.neo4j_store import Neo4jStore

        auth = (settings.neo4j_user, settings.neo4j_password or "") if settings.neo4j_user else None
        return Neo4jStore(settings.store, auth=auth, database=settings.neo4j_database)
    return EmbeddedStore(settings.store)
