# stepwell developer commands.
#
#   make example   set up .venv and run examples/training_pipeline.py
#   make example-models  set up .venv the same way and run examples/model_promotion.py
#   make test      set up .venv with the test extras, check import layers and types, run pytest
#   make lint      ruff check + ruff format --check
#   make bench     run benchmarks/run.py (options: make bench BENCH_ARGS="--json out.json")
#
# Set-up: `python3 -m venv .venv` (only when .venv has no working interpreter), uv installed
# into it with pip, then an editable install of this project with the extras a target needs
# (with pip if uv cannot be installed). An install is skipped when nothing changed: the stamp
# holds a checksum of pyproject.toml, this folder's path and the extras. Newly installed
# packages are compiled to bytecode once, so imports stay fast even with
# PYTHONDONTWRITEBYTECODE set. Tools are started with `.venv/bin/python -m ...`, which works
# even where console-script shebangs do not (a moved or copied .venv).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

EXAMPLE_EXTRAS := examples,cli
TEST_EXTRAS := dev,examples,numpy,pandas,postgres,s3,cli,server,ray

# $(call setup,extras): make sure .venv exists and holds this project with those extras.
define setup
	@if ! $(PY) -c "pass" >/dev/null 2>&1; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv --clear $(VENV); \
	fi
	@stamp="$(VENV)/.stepwell-setup-$(subst $(comma),-,$(1))"; \
	key="$$(cksum < pyproject.toml) $(CURDIR) [$(1)]"; \
	if [ -f "$$stamp" ] && [ "$$(cat "$$stamp")" = "$$key" ]; then exit 0; fi; \
	if ! $(BIN)/uv --version >/dev/null 2>&1; then \
		echo "Installing uv into $(VENV)"; \
		$(PY) -m pip install --quiet --disable-pip-version-check uv \
			|| echo "uv could not be installed; using pip instead"; \
	fi; \
	if $(BIN)/uv --version >/dev/null 2>&1; then \
		echo "$(BIN)/uv pip install -e \".[$(1)]\""; \
		$(BIN)/uv pip install --python $(PY) --compile-bytecode -e ".[$(1)]"; \
	else \
		$(PY) -m pip install --disable-pip-version-check -e ".[$(1)]"; \
	fi; \
	echo "$$key" > "$$stamp"
endef
comma := ,

.PHONY: help example example-models test lint bench setup-example setup-test

help:
	@echo "make example   set up .venv and run the example ML pipeline"
	@echo "make example-models  set up .venv and run the model training, promotion and inference example"
	@echo "make test      set up .venv, check the import layers (import-linter), run pytest"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make bench     run the benchmarks (benchmarks/run.py)"

setup-example:
	$(call setup,$(EXAMPLE_EXTRAS))

setup-test:
	$(call setup,$(TEST_EXTRAS))

example: setup-example
	$(PY) examples/training_pipeline.py

example-models: setup-example
	$(PY) examples/model_promotion.py

# Both checks always run; the target fails if either fails. PYTHONPATH=src makes sure the
# code of this checkout is what gets checked and tested.
test: setup-test
	@status=0; \
	echo "lint-imports"; \
	PYTHONPATH=src $(PY) -c "import sys; from importlinter.cli import lint_imports_command; \
		sys.exit(lint_imports_command())" --no-cache || status=1; \
	echo "mypy"; \
	$(PY) -m mypy || status=1; \
	echo "pytest tests"; \
	PYTHONPATH=src $(PY) -m pytest tests || status=1; \
	exit $$status

lint: setup-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: setup-example
	$(PY) benchmarks/run.py $(BENCH_ARGS)
