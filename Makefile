# deskcheck: the two commands of the README, and the helpers behind them.
#   make nightly   set up, run the BDD scenarios against the sandbox, build reports/allure/index.html
#   make test      set up, run every test (suite unit tests, sandbox API tests, BDD scenarios), build the report
# Both are idempotent: set-up steps are skipped when nothing they depend on changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.deskcheck-installed
NPM_STAMP := node_modules/.package-lock.json
RESULTS := reports/allure-results
REPORT := reports/allure
JOBS ?= 2
PYTEST_ARGS ?=
SCENARIOS := $(sort $(wildcard tests/test_*.py))
ALL_TESTS := $(wildcard tests/unit tests/sandbox) $(SCENARIOS)
PYTEST := $(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS)

.PHONY: nightly test setup chromium report clean-results clean help

help:
	@echo "make nightly   run the BDD scenarios and build $(REPORT)/index.html"
	@echo "make test      run every test (unit, sandbox API, BDD scenarios) and build the report"
	@echo "make report    rebuild the Allure report from $(RESULTS)"
	@echo "options: JOBS=$(JOBS) (pytest-xdist workers, 0 = none), PYTEST_ARGS='...'"

nightly: setup clean-results
	@if [ -z "$(SCENARIOS)" ]; then echo "no BDD scenarios yet (tests/test_*.py binding features/)" >&2; exit 1; fi
	@status=0; $(PYTEST) $(SCENARIOS) || status=$$?; \
	$(MAKE) --no-print-directory report || status=$${status/#0/1}; \
	exit $$status

test: setup clean-results
	@status=0; $(PYTEST) $(ALL_TESTS) || status=$$?; \
	$(MAKE) --no-print-directory report || status=$${status/#0/1}; \
	exit $$status

setup: $(VENV_STAMP) $(NPM_STAMP) chromium

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "deskcheck needs Python >= 3.11 (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)

$(VENV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

chromium: $(VENV_STAMP)
	@PY=$(PY) scripts/ensure-chromium.sh

clean-results:
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)

report: $(NPM_STAMP)
	@rm -rf $(REPORT)  # Allure 3 writes index.html at the top only into an empty directory
	@npx --no-install allure generate $(RESULTS) -o $(REPORT) >/dev/null
	@test -f $(REPORT)/index.html && echo "Allure report: $(REPORT)/index.html (serve it over HTTP: npx allure open $(REPORT))"

clean:
	rm -rf reports test-results .pytest_cache
