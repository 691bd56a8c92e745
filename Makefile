# civicmesh: the two set-up commands of the README are `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

EXPLORER := service/static/explore/index.html

.PHONY: serve test lint schema neo4j clean explorer browser bench-tools bench-load bench-vs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

$(EXPLORER): explorer/package-lock.json explorer/build.mjs $(wildcard explorer/src/*)
	cd explorer && npm ci --no-audit --no-fund && npm run build

## explorer: build the /explore page (npm packages, no CDN) into service/static/explore
explorer: $(EXPLORER)

## browser: Debian's Chromium and CJK fonts for the browser tests (Playwright drives /usr/bin/chromium)
browser:
	@if ! test -x /usr/bin/chromium || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; fi

## bench-tools: Debian's wrk, the load generator of bench/load_bench.py (it runs outside the service's Python)
bench-tools:
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)

## bench-load: 32 clients for 60 s on both stores (see bench/load_bench.py --help)
bench-load: $(STAMP) bench-tools
	$(BIN)/python devtools/neo4j_local/neo4j_local.py --fetch-only
	$(BIN)/python bench/load_bench.py

## bench-vs: civicmesh beside @neo4j/graphql 7 on one Neo4j, and on the embedded store (see bench/vs_neo4j_graphql.py --help)
bench-vs: $(STAMP) bench-tools
	$(BIN)/python devtools/neo4j_local/neo4j_local.py --fetch-only
	$(BIN)/python bench/vs_neo4j_graphql.py

## serve: install and run the service on the embedded store (demo graph when empty)
serve: $(STAMP) explorer
	$(BIN)/civicmesh serve --host 127.0.0.1 --port 8000

## test: install everything (Neo4j engine included) and run the whole test suite
test: $(STAMP) explorer browser
	$(BIN)/python devtools/neo4j_local/neo4j_local.py --fetch-only
	$(BIN)/python -m pytest

## lint: ruff and mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## neo4j: run a local Neo4j 5.26 Community server on a free loopback port (no Docker)
neo4j: $(STAMP)
	$(BIN)/python devtools/neo4j_local/neo4j_local.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
