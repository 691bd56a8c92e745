"""Files in and out: JSON, CSV folders in the neo4j-admin header convention, XLSX workbooks.

Reading a file gives :class:`~loaders.formats.sources.Parsed` records that remember where they
came from; :mod:`~loaders.formats.exporting` writes a store (or an area of it) back out in
every format.  By file:

- formats: :mod:`~loaders.formats.jsonformat` (the JSON document, read and written),
  :mod:`~loaders.formats.csvformat` (headers, cells and file names of the bulk CSV format) and
  :mod:`~loaders.formats.csvreading` (reading a CSV folder), :mod:`~loaders.formats.xlsxformat`
  (workbooks and their template);
- import: :mod:`~loaders.formats.importing` (the pipeline), :mod:`~loaders.formats.reading`
  (which reader), :mod:`~loaders.formats.checking` (the records against the contract, each
  other and the store), :mod:`~loaders.formats.batches` (write order and batches),
  :mod:`~loaders.formats.rejects` (the rejects file), :mod:`~loaders.formats.sources` (where
  records and problems come from);
- export: :mod:`~loaders.formats.exporting` (collecting and every writer) and
  :mod:`~loaders.formats.graphdata` (the graph in export order).
"""
