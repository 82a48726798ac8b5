# tokentrends: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
# Inside an activated conda env built from environment.yml, use it instead of a venv.
ifeq ($(CONDA_DEFAULT_ENV),tokentrends)
BIN := $(CONDA_PREFIX)/bin
SETUP_STAMP := $(CONDA_PREFIX)/.tokentrends-installed
else
BIN := $(VENV)/bin
SETUP_STAMP := $(VENV)/.installed
endif
DATA_DIR ?= data/raw
YEAR ?= all
TOP_N ?= 9
JOBS ?=
SHARED_DATA ?= ../shared/data/openrouter

.DEFAULT_GOAL := help
.PHONY: help setup report test lint lab sample prepare fetch bench lock clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  variables: DATA_DIR=$(DATA_DIR) YEAR=$(YEAR) TOP_N=$(TOP_N) JOBS=(cores)"

$(SETUP_STAMP): requirements.lock pyproject.toml
	@if [ "$(BIN)" = "$(VENV)/bin" ] && [ ! -x $(VENV)/bin/python ]; then \
	  echo "creating $(VENV) (plain venv from requirements.lock)"; $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

setup: $(SETUP_STAMP) ## create the environment (venv from requirements.lock, or the active conda env)

report: $(SETUP_STAMP) ## build reports/<year>/ and reports/index.html [DATA_DIR=… YEAR=… TOP_N=…]
	@$(BIN)/python -m tokentrends report --data-dir "$(DATA_DIR)" --year "$(YEAR)" --top-n "$(TOP_N)" \
	  $(if $(JOBS),--jobs $(JOBS))

prepare: $(SETUP_STAMP) ## validate and merge the vintages in DATA_DIR into data/processed/
	@$(BIN)/python -m tokentrends prepare --data-dir "$(DATA_DIR)"

fetch: $(SETUP_STAMP) ## fetch new rankings-daily windows and the models catalog into DATA_DIR (needs OPENROUTER_API_KEY)
	@$(BIN)/python -m tokentrends fetch --data-dir "$(DATA_DIR)"

sample: $(SETUP_STAMP) ## write the synthetic sample vintage to data/sample/
	@$(BIN)/python -m tokentrends sample --out data/sample

test: $(SETUP_STAMP) ## lint, unit tests, notebook validation (nbval) and end-to-end builds
	$(BIN)/ruff check src tests notebooks scripts
	$(BIN)/python -m pytest

lint: $(SETUP_STAMP) ## ruff
	$(BIN)/ruff check src tests notebooks scripts

lab: $(SETUP_STAMP) ## open JupyterLab; notebooks/*.py open as notebooks (jupytext)
	$(BIN)/jupyter lab notebooks/

bench: $(SETUP_STAMP) ## time the build against its floor and the vintage merge [SHARED_DATA=…]
	$(BIN)/python scripts/bench.py --data-dir "$(SHARED_DATA)"

lock: ## re-pin requirements.lock from requirements.in in a scratch venv
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Pinned, complete dependency set (pip freeze of a venv built from requirements.in)."; \
	  echo "# Regenerate: make lock"; .lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock
	rm -rf .lock-venv

clean: ## remove built reports and processed tables (never data/raw)
	rm -rf reports/[0-9]* reports/index.html reports/.build-* data/processed
