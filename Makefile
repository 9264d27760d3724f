# Maillage: `make run` serves the demo, `make test` runs the whole suite.
# Both set everything up first; every step is idempotent.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.DEFAULT_GOAL := help
.PHONY: help setup run test fuzz lint format check bench bench-postgres openapi messages demo browser clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.synced: pyproject.toml uv.lock
	@python=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	    rm -rf $(VENV); echo "Creating $(VENV) with $$python"; $$python -m venv $(VENV); fi
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --frozen --python $(PY)
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.synced
	$(MANAGE) compilemessages --locale $* --ignore $(VENV) --ignore node_modules -v 0

MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

setup: $(VENV)/.synced node_modules/.package-lock.json $(MO_FILES) ## Install dependencies and compile translations
	@scripts/ensure-pango

# The address `make run` serves on, which the demo's sign-in hint names.
SITE_ROOT ?= http://$(HOST):$(PORT)

demo: setup ## Create the database with reference and demo data
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) load_reference
	SITE_ROOT=$(SITE_ROOT) $(MANAGE) seed_demo

run: demo ## Set everything up; serve the demo on http://127.0.0.1:8000 (PORT=) with a task worker
	DEMO_NOTICE=true SITE_ROOT=$(SITE_ROOT) $(MANAGE) serve $(HOST):$(PORT)

browser: ## Install Chromium for the browser tests when missing (Debian, as root)
	@scripts/ensure-chromium

lint: setup ## Check formatting, lint rules and types
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

check: setup ## Django's system checks and missing migrations
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

# One worker per core (pytest-xdist); a test file's tests stay on one worker, so
# that a module's fixtures are built once. PYTEST_ARGS="-n 0" runs in one process.
PYTEST_WORKERS ?= -n auto --dist loadfile

test: setup browser lint check ## Set up and run the whole suite (lint, checks, tests)
	$(VENV)/bin/pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Cases per API operation, valid and invalid ones, in `make fuzz`; the suite sends 8.
FUZZ_EXAMPLES ?= 200

fuzz: setup ## Fuzz the whole API from its OpenAPI document, longer than the suite (FUZZ_EXAMPLES=200 cases per operation)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -n 0 -s -q maillage/tests/test_api_fuzzing.py

format: setup ## Format the code and fix what ruff can fix
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The PostgreSQL server `make bench-postgres` creates its throwaway databases on.
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

bench: setup ## Time the pages, exports and import at "Wallonia × 10" in a throwaway database (JSON; BENCH_SCALE=0.1 for a quick run; BENCH_SCALES="1 3" for growth)
	@$(PY) -m bench $(if $(BENCH_SCALES),--scales $(BENCH_SCALES),$(if $(BENCH_SCALE),--scale $(BENCH_SCALE))) $(BENCH_ARGS)

bench-postgres: setup ## The same on PostgreSQL (BENCH_POSTGRES_URL, a throwaway database created and dropped)
	@DATABASE_URL=$(BENCH_POSTGRES_URL) $(PY) -m bench $(if $(BENCH_SCALES),--scales $(BENCH_SCALES),$(if $(BENCH_SCALE),--scale $(BENCH_SCALE))) $(BENCH_ARGS)

openapi: setup ## Regenerate the committed OpenAPI snapshot
	$(MANAGE) export_openapi_schema --api maillage.api.api --indent 2 --sorted --output openapi.json

messages: setup ## Extract interface strings into the catalogues (then translate them)
	$(MANAGE) makemessages --locale nl --locale de --locale en --locale uk --locale ru --ignore '$(VENV)/*' --ignore 'node_modules/*' --no-obsolete

clean: ## Remove the virtual environment, front-end packages and local data
	rm -rf $(VENV) node_modules var
