"""Files in and out: JSON, CSV folders in the neo4j-admin header convention, XLSX workbooks.

Reading a file gives :class:`~loaders.formats.sources.Parsed` records that remember where they
came from; :mod:`~loaders.formats.importing` checks them against the contract and the store and
writes them in batches; :mod:`~loaders.formats.exporting` writes a store (or an area of it) back
out in every format.
"""
