# Rödtråd: `make run` serves the demo, `make test` runs every check.
SHELL := bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RT := $(VENV)/bin/rodtrad
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)

.PHONY: setup run test lint typecheck pytest bench browser fuzz messages clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	touch $@

src/rodtrad/static/vendor/.built: package.json package-lock.json scripts/vendor.sh
	bash scripts/vendor.sh
	touch $@

src/rodtrad/locale/%/LC_MESSAGES/django.mo: src/rodtrad/locale/%/LC_MESSAGES/django.po $(VENV)/.synced
	cd src/rodtrad && RODTRAD_DATA_DIR=$(CURDIR)/var ../../$(RT) compilemessages --verbosity 0

setup: $(VENV)/.synced src/rodtrad/static/vendor/.built src/rodtrad/locale/sv/LC_MESSAGES/django.mo

run: setup
	$(RT) demo
	@echo "Rödtråd: open http://127.0.0.1:8000 and sign in with a demo user above."
	$(RT) worker --interval 2 & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; $(RT) serve --host 127.0.0.1 --port 8000

lint: setup
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests

typecheck: setup
	$(VENV)/bin/mypy

pytest: setup
	$(VENV)/bin/pytest -p no:cacheprovider

test: lint typecheck
	$(RT) check --fail-level WARNING
	$(RT) makemigrations --check --dry-run
	$(VENV)/bin/pytest --cov=rodtrad --cov-report=term:skip-covered

browser: setup
	$(VENV)/bin/pytest -m browser tests/browser

fuzz: setup
	bash scripts/fuzz.sh

bench: setup
	bash scripts/bench.sh

messages: setup
	cd src/rodtrad && RODTRAD_DATA_DIR=$(CURDIR)/var ../../$(RT) makemessages --locale sv --locale en --ignore 'static/*' --no-obsolete

clean:
	rm -rf $(VENV) $(TOOLS) node_modules src/rodtrad/static/vendor var/test
