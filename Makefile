# datos-cali — every target creates .venv and installs what it needs on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: install system-deps translations screenshots run serve test test-slow test-fast lint format bench constraints clean ckan

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Debian packages the project uses for real: Chromium (report-site tests through Playwright),
# PostgreSQL (the ledger on SQLite and PostgreSQL; Prefect's database in tests/server), systemd's
# `systemd-analyze` (verifies the units in ops/systemd; no systemd needs to run), Pango
# (WeasyPrint's text layout, for the PDF of a dataset's audit page), poppler-utils (pdftoppm:
# the tests look at that PDF as PNG), Redis (real CKAN needs it: tests/fixtures/ckan.py) and
# libpq-dev + gcc (CKAN's pinned psycopg2 is built from source in CKAN's own virtualenv), nginx
# (a real web server writes the access log `datos-cali usage import-logs` reads: its own
# instance on a free loopback port, tests/usage/test_access_logs.py).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium fonts-dejavu-core"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v systemd-analyze >/dev/null 2>&1 || missing="$$missing systemd"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	[ -f /usr/include/postgresql/libpq-fe.h ] || missing="$$missing libpq-dev"; \
	command -v gcc >/dev/null 2>&1 || missing="$$missing gcc"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
	  echo "Instalando paquetes de Debian:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The main job on the embedded defaults: the demo submissions go into the organismos' inboxes and
# every dataset is published to the local portal (no credentials, ephemeral Prefect server).
# Run it twice: the second time every inbox is empty, so every dataset is «sin archivo nuevo».
run: $(STAMP)
	$(BIN)/datos-cali catalog check
	$(BIN)/datos-cali demo
	$(BIN)/datos-cali run --all

# The CLI's Spanish catalog (click's and typer's own words): edit the .po, then compile.
translations: $(STAMP)
	$(BIN)/pybabel compile -d datos_cali/cli/locale -D datos_cali -l es

# Screenshots of the auditors' site in docs/screenshots/ (after `make run`): Chromium and the
# PDF of a dataset's page rendered to PNG.
screenshots: system-deps $(STAMP)
	$(BIN)/datos-cali report build
	$(BIN)/python docs/screenshots/capture.py

# The ventanilla (http://127.0.0.1:8080) and the local portal (http://127.0.0.1:8765) on the
# embedded defaults, persistently: data in .datos-cali/, so links in the history keep working.
# Ctrl-C stops both. Create the first office user first (README, «La ventanilla»).
VENTANILLA_PORT ?= 8080
PORTAL_PORT ?= 8765
serve: $(STAMP)
	$(BIN)/datos-cali catalog check
	@$(BIN)/datos-cali portal serve --port $(PORTAL_PORT) & portal=$$!; \
	trap 'kill $$portal 2>/dev/null; wait $$portal 2>/dev/null' EXIT INT TERM; \
	DATOS_CALI_LOCAL_PORTAL_URL=http://127.0.0.1:$(PORTAL_PORT) \
	DATOS_CALI_VENTANILLA_URL=$${DATOS_CALI_VENTANILLA_URL:-http://127.0.0.1:$(VENTANILLA_PORT)} \
	$(BIN)/datos-cali ventanilla --port $(VENTANILLA_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: system-deps $(STAMP) lint
	$(BIN)/pytest -m "not slow and not ckan" $(PYTEST_ARGS)

# The slow runs, and the adapter contract suite against real CKAN 2.11 and 2.12 (marker `ckan`).
test-slow: system-deps $(STAMP) ckan
	$(BIN)/pytest -m "slow or ckan" $(PYTEST_ARGS)

# Real CKAN from PyPI for the tests: each version of tests/fixtures/ckan.py (VERSIONS) in its own
# virtualenv under ~/.cache/datos-cali/ckan/<version> (CKAN's pins never touch .venv); cached,
# so a second run takes no time. `make ckan CKAN_SERVE=2.12.0` also starts that one on loopback
# (PostgreSQL + DataStore, Redis, a Solr stand-in; sysadmin token printed) until Ctrl-C.
CKAN_SERVE ?=
ckan: system-deps $(STAMP)
	$(BIN)/python -m tests.fixtures.ckan $(if $(CKAN_SERVE),--serve $(CKAN_SERVE))

bench: system-deps $(STAMP)
	$(BIN)/python -m bench

# Freeze the venv into constraints.txt — only if the frozen set resolves with pyproject's exact
# pins and passes the real-server suite on this very venv (tests/server: `prefect server start`,
# `prefect deploy --all`, a schedule that fires on a worker). SQLAlchemy 2.1 and FastAPI ≥ 0.151
# broke exactly that, invisibly to the rest of the tests; see the comments in pyproject.toml.
constraints: system-deps $(STAMP)
	{ grep '^#' constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^-e'; } > constraints.txt.new
	$(BIN)/pip install --quiet --dry-run --ignore-installed -c constraints.txt.new -e '.[dev]'
	$(BIN)/pytest -m "server and not slow" -p no:cacheprovider $(PYTEST_ARGS)
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .datos-cali
