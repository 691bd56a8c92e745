"""One module per group of ``civicmesh`` sub-commands."""
