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
        return Neo4jStore(
            settings.store,
            auth=auth,
            database=settings.neo4j_database,
            retry_time=settings.neo4j_retry_s,
            connect_timeout=settings.neo4j_connect_timeout_s,
            acquisition_timeout=settings.neo4j_connect_timeout_s + settings.neo4j_retry_s,
            search_cache_s=settings.search_cache_s,
        )
    return EmbeddedStore(settings.store)


def is_remote(store: GraphStore) -> bool:
    """Whether ``store`` talks to a server that can go away (watched by the service)."""
    return store.name != "embedded"
