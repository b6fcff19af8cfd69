# News Workbench. `make help` lists the targets.
SHELL := /bin/bash
# The first Python 3.11-3.13 found (override with PYTHON=/path/to/python3.x).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=
PORT ?= 8888
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "No Python 3.11, 3.12 or 3.13 found: install one, or pass PYTHON=/path/to/python3.x"; exit 1; }
	@$(PYTHON) -c "import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 13), sys.version" || { echo "$(PYTHON) is not Python 3.11-3.13"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What reports and JupyterLab need; the test tools come with `make test` only.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock etc/jupyterlab-overrides.json
	$(BIN)/pip install --quiet -c requirements.lock -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp etc/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[test]"
	touch $(TEST_STAMP)

install: $(STAMP) ## Create .venv and install the workbench (what reports and JupyterLab need)

install-test: $(TEST_STAMP) ## Also install the test tools (pytest, playwright, ruff, ...)

chromium: ## Install Debian's Chromium for the browser tests (needs root or sudo)
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and no root: browser tests will be skipped"; fi; }

report: install ## Run the report notebooks on seeds/ and write HTML under reports/
	$(BIN)/workbench report

ingest: install ## Load the default corpus into the cache and print a summary
	$(BIN)/workbench ingest

test: install-test chromium ## Run ruff (lint and format check) and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

fuzz: install-test ## Long property-based runs over the readers and every extractor (hypothesis; minutes)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -p no:randomly $(wildcard tests/test_*fuzz.py) $(PYTEST_ARGS)

lab: install ## Open JupyterLab on the notebooks (PORT=8888; no news or update checks: an offline tool)
	@echo "JupyterLab on http://localhost:$(PORT)/lab (the token is printed below; Ctrl-C stops it)"
	$(BIN)/jupyter lab notebooks/ --no-browser --port=$(PORT) $(ROOT_FLAG) \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

lock: $(BIN)/python ## Re-resolve dependencies and rewrite requirements.lock
	$(BIN)/pip install --quiet --upgrade -e ".[test]"
	$(BIN)/pip freeze --exclude-editable | grep -v '^news-workbench' > requirements.lock

clean: ## Remove the cache and generated reports (keeps .venv)
	rm -rf .cache reports/*/ reports/index.html reports/latest

.PHONY: help install install-test chromium report ingest test fuzz lab lock clean
