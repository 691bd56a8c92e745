"""Everything that moves data in and out of the graph.

- :mod:`loaders.store` is the port every store offers, :mod:`loaders.batch` the request-scoped
  DataLoaders built on it, with the small shared pieces beside them (cursors, progress, bulk
  loading, the projection cache).
- :mod:`loaders.stores` holds the two adapters of the port: the embedded store (networkx in
  memory, SQLite on disk) and Neo4j over Bolt, whose Cypher all lives in
  :mod:`loaders.stores.cypher`.
- :mod:`loaders.formats` reads and writes files: JSON, CSV (neo4j-admin headers), XLSX, the
  import pipeline and its checks, and exports.
- :mod:`loaders.synthetic` generates a synthetic city calibrated on the seed's figures.
"""
