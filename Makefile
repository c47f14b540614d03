# tracker — two commands from a fresh clone: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH_WEB_ARGS ?=

.PHONY: help venv assets catalogues sysdeps sysdeps-demo demo test test-fast lint test-sqlite test-postgres bench bench-postgres bench-web bench-scale bench-scale-postgres clean

help:
	@echo "make demo    install everything, set up the embedded SQLite database, run the demo"
	@echo "make test    install everything, lint, type-check, test on SQLite and PostgreSQL"
	@echo "make test-fast  the suite without slow tests (servers, processes, browsers): under 3 minutes"
	@echo "make bench   run the benchmarks and print their figures"
	@echo "make bench-postgres  the same benchmarks on a throw-away PostgreSQL cluster"
	@echo "make bench-web  load-test the web app: 20 users browsing and updating for 60 s"
	@echo "make bench-scale  build 200 and 2,000 agreements and time every page, command and report"
	@echo "make bench-scale-postgres  the same on a throw-away PostgreSQL cluster"
	@echo "make assets  refresh static/vendor (KRDS, Pretendard GOV) from the npm registry"
	@echo "make clean   remove the virtualenv and generated files"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tracker needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres,browser]'
	@touch $(STAMP)

venv: $(STAMP) catalogues

# The message catalogues (tracker/words.py), compiled from their .po sources.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard tracker/locale/*/LC_MESSAGES/*.po))
catalogues: $(CATALOGUES)

tracker/locale/%.mo: tracker/locale/%.po | $(STAMP)
	@$(BIN)/pybabel compile --use-fuzzy -l $(firstword $(subst /, ,$*)) -i $< -o $@ >/dev/null

# KRDS (krds-uiux) and Pretendard GOV, as package-lock.json pins them, copied into static/vendor:
# only the parts the pages use (scripts/vendor_assets.py). The copies are committed, so a fresh
# clone serves the pages without npm; run this after changing a version in package.json.
assets: $(STAMP)
	npm ci --no-audit --no-fund
	$(BIN)/python scripts/vendor_assets.py

# axe-core for the browser tests' accessibility checks (tests/browser/test_accessibility.py), as
# package-lock.json pins it; npm ci installs every package there, and is skipped while
# node_modules is newer than the lock.
NODE_MODULES := node_modules/.package-lock.json
$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund

# Debian packages: Korean fonts and HarfBuzz subsetting for PDFs, poppler for reading PDFs back,
# Chromium for browser tests, PostgreSQL for the second test run, LibreOffice Writer to open
# the exported DOCX files. Installed when root, else the
# script prints the exact apt-get command.
sysdeps:
	@scripts/sysdeps.sh pdf pdftext browser postgres office

sysdeps-demo:
	@scripts/sysdeps.sh pdf

demo: venv sysdeps-demo
	$(BIN)/tracker demo

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tracker

test-sqlite: venv $(NODE_MODULES)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# SQLite only, without the tests marked slow; `make test` still runs every one of them.
# The fast set runs on every core (pytest-xdist; FAST_WORKERS=0 runs it in one process): each
# worker builds its own migrated and seeded database files and temp folders.
FAST_WORKERS ?= auto
test-fast: venv
	$(BIN)/python -m pytest -m "not slow" -n $(FAST_WORKERS) $(PYTEST_ARGS)

# A throw-away PostgreSQL cluster on a loopback port, removed afterwards whatever happens.
test-postgres: venv sysdeps $(NODE_MODULES)
	@pgdir=$$(mktemp -d /tmp/tracker-pg.XXXXXX); \
	trap 'scripts/pg-cluster.sh stop "$$pgdir" >/dev/null 2>&1 || true' EXIT; \
	url=$$(scripts/pg-cluster.sh start "$$pgdir"); \
	echo "PostgreSQL test cluster: $$url"; \
	TRACKER_TEST_DATABASE_URL="$$url" $(BIN)/python -m pytest $(PYTEST_ARGS)

test: venv sysdeps lint test-sqlite test-postgres

bench: venv
	$(BIN)/tracker bench

# The same benchmarks on a throw-away PostgreSQL cluster, started as test-postgres starts its
# own (fsync and synchronous_commit off: figures for comparison, not for a durable server).
bench-postgres: venv sysdeps
	@pgdir=$$(mktemp -d /tmp/tracker-pg.XXXXXX); \
	trap 'scripts/pg-cluster.sh stop "$$pgdir" >/dev/null 2>&1 || true' EXIT; \
	url=$$(scripts/pg-cluster.sh start "$$pgdir"); \
	echo "PostgreSQL bench cluster: $$url"; \
	$(BIN)/tracker bench --database-url "$$url"

# The web app under load: `tracker serve` on loopback, 20 signed-in users, 60 s, SQLite.
bench-web: venv
	$(BIN)/tracker bench-web --users 20 --seconds 60 $(BENCH_WEB_ARGS)

# A whole portfolio at 200 and 2,000 agreements (minutes; not part of `make test`).
BENCH_SCALE_ARGS ?= --agreements 200 --factor 10
bench-scale: venv
	$(BIN)/tracker bench-scale $(BENCH_SCALE_ARGS)

bench-scale-postgres: venv sysdeps
	@pgdir=$$(mktemp -d /tmp/tracker-pg.XXXXXX); \
	trap 'scripts/pg-cluster.sh stop "$$pgdir" >/dev/null 2>&1 || true' EXIT; \
	url=$$(scripts/pg-cluster.sh start "$$pgdir"); \
	echo "PostgreSQL bench cluster: $$url"; \
	$(BIN)/tracker bench-scale $(BENCH_SCALE_ARGS) --database-url "$$url"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
	find reports -type f ! -name .gitkeep -delete
