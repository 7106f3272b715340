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

.PHONY: install system-deps run serve test test-slow test-fast lint format bench constraints clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Debian packages the tests use for real: Chromium (report-site tests through Playwright)
# and PostgreSQL (the ledger runs on SQLite and PostgreSQL).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium fonts-dejavu-core"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
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
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

test-slow: system-deps $(STAMP)
	$(BIN)/pytest -m slow $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

constraints: $(STAMP)
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt.new && mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .datos-cali
