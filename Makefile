# civicmesh: the two set-up commands of the README are `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: serve test lint schema neo4j clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

## serve: install and run the service on the embedded store (demo graph when empty)
serve: $(STAMP)
	$(BIN)/civicmesh serve --host 127.0.0.1 --port 8000

## test: install everything (Neo4j engine included) and run the whole test suite
test: $(STAMP)
	$(BIN)/python devtools/neo4j_local/neo4j_local.py --fetch-only
	$(BIN)/python -m pytest

## lint: ruff and mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## neo4j: run a local Neo4j 5.26 Community server on a free loopback port (no Docker)
neo4j: $(STAMP)
	$(BIN)/python devtools/neo4j_local/neo4j_local.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
