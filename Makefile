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
TOP_N ?=
JOBS ?=
SHARED_DATA ?= ../shared/data/openrouter
LAB_ARGS ?=
ACTIVITY_DIR ?= data/private
# JupyterLab refuses to start as root unless told: the machines here run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# The values reach the commands as environment variables, read as "$$TT_…" inside double quotes: never pasted
# into a shell line, never expanded by make, so a `$`, a quote or a backtick in a value stays text.
export TT_DATA_DIR := $(value DATA_DIR)
export TT_YEAR := $(value YEAR)
export TT_TOP_N := $(value TOP_N)
export TT_JOBS := $(value JOBS)
export TT_SHARED_DATA := $(value SHARED_DATA)
export TT_ACTIVITY_DIR := $(value ACTIVITY_DIR)
export TT_FILE := $(value FILE)
export TT_RETRIEVED_AT := $(value RETRIEVED_AT)

.DEFAULT_GOAL := help
.PHONY: help setup report figures test test-fast lint format hooks lab sample prepare fetch bench lock clean \
  fetch-activity add-activity report-you

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@printf '  variables: DATA_DIR=%s YEAR=%s TOP_N=%s JOBS=%s LAB_ARGS=\n' "$$TT_DATA_DIR" "$$TT_YEAR" \
	  "$${TT_TOP_N:-(default from src/tokentrends/config.py)}" "$${TT_JOBS:-(cores)}"

$(SETUP_STAMP): requirements.lock pyproject.toml
	@if [ "$(BIN)" = "$(VENV)/bin" ] && [ ! -x $(VENV)/bin/python ]; then \
	  echo "creating $(VENV) (plain venv from requirements.lock)"; $(PYTHON) -m venv $(VENV); fi
	@echo "installing the pinned packages (about 100; 30 s to 2 min the first time, then cached)..."
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -r requirements.lock
	@$(BIN)/python -m pip install --quiet --no-deps -e .
	@# pip compiles what it installs, not an editable package: compiled once here, so that no run compiles it
	@# again where .pyc files are not written (PYTHONDONTWRITEBYTECODE), as in each kernel of a build
	@$(BIN)/python -m compileall -q src/tokentrends >/dev/null
	@echo "environment ready in $(BIN)"
	@touch $@

setup: $(SETUP_STAMP) ## create the environment (venv from requirements.lock, or the active conda env)

report: $(SETUP_STAMP) ## build reports/<year>/ and reports/index.html [DATA_DIR=… YEAR=… TOP_N=…]
	@$(BIN)/python -m tokentrends report --data-dir "$$TT_DATA_DIR" --year "$$TT_YEAR" \
	  $${TT_TOP_N:+--top-n "$$TT_TOP_N"} $${TT_JOBS:+--jobs "$$TT_JOBS"}

figures: $(SETUP_STAMP) ## draw the static PNG/SVG chart files of the built reports (make report does it after the pages)
	@$(BIN)/python -m tokentrends figures

prepare: $(SETUP_STAMP) ## validate and merge the vintages in DATA_DIR into data/processed/
	@$(BIN)/python -m tokentrends prepare --data-dir "$$TT_DATA_DIR"

fetch: $(SETUP_STAMP) ## fetch new rankings-daily windows and the models catalog into DATA_DIR (needs OPENROUTER_API_KEY)
	@$(BIN)/python -m tokentrends fetch --data-dir "$$TT_DATA_DIR"

report-you: $(SETUP_STAMP) ## your private year next to the market -> reports/private/<year>/ [YEAR=… ACTIVITY_DIR=… DATA_DIR=…]
	@args=(--year "$$TT_YEAR"); [ -z "$$TT_TOP_N" ] || args+=(--top-n "$$TT_TOP_N"); \
	  [ "$$TT_ACTIVITY_DIR" = data/private ] || args+=(--activity-dir "$$TT_ACTIVITY_DIR"); \
	  [ "$$TT_DATA_DIR" = data/raw ] || args+=(--data-dir "$$TT_DATA_DIR"); \
	  $(BIN)/python -m tokentrends report-you "$${args[@]}"

fetch-activity: $(SETUP_STAMP) ## fetch your last 30 days of activity into ACTIVITY_DIR (needs OPENROUTER_MANAGEMENT_KEY)
	@args=(--activity-dir "$$TT_ACTIVITY_DIR"); [ -z "$$TT_FILE" ] || { args+=(--file "$$TT_FILE"); \
	  [ -z "$$TT_RETRIEVED_AT" ] || args+=(--retrieved-at "$$TT_RETRIEVED_AT"); }; \
	  $(BIN)/python -m tokentrends fetch-activity "$${args[@]}"

add-activity: $(SETUP_STAMP) ## add a saved /api/v1/activity response: FILE=… RETRIEVED_AT=… (asked for if absent)
	@test -n "$$TT_FILE" || { echo "usage: make add-activity FILE=response.json RETRIEVED_AT=2026-03-02T08:15:00Z"; exit 2; }
	@args=("$$TT_FILE" --activity-dir "$$TT_ACTIVITY_DIR"); \
	  [ -z "$$TT_RETRIEVED_AT" ] || args+=(--retrieved-at "$$TT_RETRIEVED_AT"); \
	  $(BIN)/python -m tokentrends add-activity "$${args[@]}"

sample: $(SETUP_STAMP) ## write the synthetic sample vintage to data/sample/
	@$(BIN)/python -m tokentrends sample --out data/sample

test: $(SETUP_STAMP) ## lint, format check, unit tests, notebook validation (nbval) and end-to-end builds
	$(BIN)/ruff check src tests notebooks scripts
	$(BIN)/ruff format --check src tests notebooks scripts
	$(BIN)/python -m pytest

test-fast: $(SETUP_STAMP) ## the unit loop (< 30 s): no end-to-end builds, real data, loopback fetches; fewer fuzz cases
	TOKENTRENDS_FUZZ_EXAMPLES=50 $(BIN)/python -m pytest -q -m "not slow and not shared and not loopback"

format: $(SETUP_STAMP) ## ruff format and the import order, in place
	$(BIN)/ruff check --select I --fix -q src tests notebooks scripts
	$(BIN)/ruff format src tests notebooks scripts

hooks: $(SETUP_STAMP) ## install a git pre-commit hook running the same checks as .pre-commit-config.yaml
	printf '#!/bin/sh\n$(BIN)/ruff check src tests notebooks scripts && $(BIN)/ruff format --check src tests notebooks scripts\n' > .git/hooks/pre-commit
	chmod +x .git/hooks/pre-commit

lint: $(SETUP_STAMP) ## ruff
	$(BIN)/ruff check src tests notebooks scripts

lab: $(SETUP_STAMP) ## open JupyterLab; notebooks/*.py open as notebooks (jupytext) [LAB_ARGS="--no-browser --port 8899"]
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) notebooks/

bench: $(SETUP_STAMP) ## time the build against its floor and the vintage merge [SHARED_DATA=…]
	$(BIN)/python scripts/bench.py --data-dir "$$TT_SHARED_DATA"

lock: ## re-pin requirements.lock from requirements.in in a scratch venv
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Pinned, complete dependency set (pip freeze of a venv built from requirements.in)."; \
	  echo "# Regenerate: make lock"; .lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock
	rm -rf .lock-venv

clean: ## remove built reports and processed tables (never data/raw)
	rm -rf reports/[0-9]* reports/index.html reports/.build-* reports/.old-* reports/.failed-* reports/sample \
	  data/processed
