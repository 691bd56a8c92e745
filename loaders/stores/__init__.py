"""The two adapters of the :class:`loaders.store.GraphStore` port.

:mod:`~loaders.stores.embedded` keeps the graph in networkx with a SQLite file for durability
(the default); :mod:`~loaders.stores.neo4j_store` speaks Bolt to Neo4j, and
:mod:`~loaders.stores.cypher` holds every Cypher statement it sends.  The contract suite in
``tests/contract`` runs the same tests against both.
"""
