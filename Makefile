# deskcheck: the two commands of the README, and the helpers behind them.
#   make nightly   set up, run the BDD scenarios against the sandbox, build reports/allure/index.html
#                  (also reports/cucumber.json and reports/junit.xml; fails when the quality gate does)
#   make test      set up, run every test (suite unit tests, sandbox API tests, BDD scenarios), build the report
# Both are idempotent: set-up steps are skipped when nothing they depend on changed.

SHELL := /bin/bash
# Cached bytecode (and pytest's cached assertion rewrites) halves start-up; some images switch it off.
unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.deskcheck-installed
NPM_STAMP := node_modules/.package-lock.json
RESULTS := reports/allure-results
REPORT := reports/allure
JOBS ?= 2
PYTEST_ARGS ?=
# PROFILE=name: run against the target profile profiles/<name>.toml (DESKCHECK_PROFILE), e.g. PROFILE=service-cloud-voice
PROFILE ?=
ifneq ($(PROFILE),)
ifeq ($(wildcard profiles/$(PROFILE).toml),)
$(error PROFILE=$(PROFILE): no profiles/$(PROFILE).toml (profiles: $(basename $(notdir $(wildcard profiles/*.toml)))))
endif
export DESKCHECK_PROFILE := profiles/$(PROFILE).toml
endif
# make test also runs the contract kit (tests/contract) against every other profile: the built-in sandbox one and
# each profiles/*.toml (their Allure results in reports/contract-<profile>/, apart from the run's own report)
OTHER_PROFILES := $(filter-out $(or $(PROFILE),sandbox),sandbox $(basename $(notdir $(wildcard profiles/*.toml))))
SCENARIOS := $(sort $(wildcard tests/test_*.py))
ALL_TESTS := $(wildcard tests/unit tests/sandbox tests/tooling tests/api tests/contract) $(SCENARIOS)
PYTEST := $(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS)
# nightly: every core (-n auto) unless JOBS is given, TAGS="smoke and not wip" (pytest -m), BROWSER=firefox,
# SHARD=i/N (pytest-split, balanced by .test_durations), RETRIES=1 (a failed scenario retried once)
TAGS ?=
BROWSER ?= chromium
SHARD ?=
RETRIES ?= 1
DURATIONS := .test_durations
NIGHTLY_JOBS := $(if $(filter file default,$(origin JOBS)),auto,$(JOBS))
SHARD_WORDS := $(subst /, ,$(SHARD))
# Scenarios need neither hypothesis nor schemathesis (the API tests of `make test` do): not loading them saves ~1 s.
# Besides the Allure results: Cucumber JSON and JUnit XML for Jira Xray, Zephyr and CI test tabs, and the quality
# gate (gate_min_pass_rate, gate_max_flaky in the settings) deciding the exit code.
EXPORTS := reports/cucumber.json reports/junit.xml
NIGHTLY_PYTEST := $(PY) -m pytest -p no:hypothesispytest -p no:schemathesis -n $(NIGHTLY_JOBS) --reruns $(RETRIES) --browser $(BROWSER) $(if $(TAGS),-m "$(TAGS)") \
	--lint-features --quality-gate --cucumberjson $(word 1,$(EXPORTS)) --junitxml $(word 2,$(EXPORTS)) \
	$(if $(SHARD),--splits $(word 2,$(SHARD_WORDS)) --group $(word 1,$(SHARD_WORDS)) \
	--splitting-algorithm least_duration --durations-path $(DURATIONS)) $(PYTEST_ARGS)

.PHONY: nightly test setup chromium report clean-results clean help lint steps durations bench flake-hunt fuzz mutants

help:
	@echo "make nightly   run the BDD scenarios and build $(REPORT)/index.html"
	@echo "make test      run every test (unit, sandbox API, BDD scenarios) and build the report"
	@echo "make report    rebuild the Allure report from $(RESULTS)"
	@echo "make lint      check the feature files (deskcheck lint); make steps: rewrite docs/steps.md"
	@echo "make mutants  seeded sandbox defects one at a time, and which scenarios caught each (SCOPE=all|listed)"
	@echo "make fuzz      the schemathesis contract test with FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) per operation and mode (SEED=n replays)"
	@echo "options: JOBS=$(JOBS) (pytest-xdist workers, 0 = none; nightly: auto), PYTEST_ARGS='...'"
	@echo "nightly: TAGS='smoke and not wip', SHARD=1/4, BROWSER=chromium|firefox|webkit, RETRIES=$(RETRIES)"

# The features are linted inside the pytest run (--lint-features: the step modules are imported once; an error
# still stops the run before any browser starts); `make lint` runs the same check on its own.
nightly: setup clean-results
	@if [ -z "$(SCENARIOS)" ]; then echo "no BDD scenarios yet (tests/test_*.py binding features/)" >&2; exit 1; fi
	@if [ -n "$(SHARD)" ] && ! [[ "$(SHARD)" =~ ^[1-9][0-9]*/[1-9][0-9]*$$ ]]; then echo "SHARD=i/N, like SHARD=1/4" >&2; exit 2; fi
	@rm -f $(EXPORTS)
	@status=0; $(NIGHTLY_PYTEST) $(SCENARIOS) || status=$$?; \
	$(MAKE) --no-print-directory report || status=$${status/#0/1}; \
	exit $$status

test: setup clean-results
	@status=0; $(PYTEST) $(ALL_TESTS) || status=$$?; \
	for profile in $(OTHER_PROFILES); do \
		echo "contract kit on profile $$profile"; rm -rf reports/contract-$$profile; \
		DESKCHECK_PROFILE=$$([ $$profile = sandbox ] || echo profiles/$$profile.toml) \
		$(PYTEST) --alluredir reports/contract-$$profile tests/contract || status=$${status/#0/1}; \
	done; \
	$(MAKE) --no-print-directory report || status=$${status/#0/1}; \
	exit $$status

setup: $(VENV_STAMP) $(NPM_STAMP) chromium

lint: $(VENV_STAMP)
	@$(VENV)/bin/deskcheck lint --quiet features

steps: $(VENV_STAMP)
	@$(VENV)/bin/deskcheck steps

# The contract test of `make test` (tests/api/test_contract.py: 20 generated requests per operation and
# mode, random seed printed at the end) with a larger budget; SEED=<seed> replays a run's requests.
FUZZ_EXAMPLES ?= 150
SEED ?=
fuzz: setup
	DESKCHECK_CONTRACT_EXAMPLES=$(FUZZ_EXAMPLES) $(if $(SEED),DESKCHECK_CONTRACT_SEED=$(SEED)) \
	$(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS) tests/api/test_contract.py

# Refresh the stored durations that balance SHARD=i/N (commit the file afterwards).
durations: setup clean-results
	$(PY) -m pytest -n $(JOBS) --store-durations --clean-durations --durations-path $(DURATIONS) $(SCENARIOS)

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

# Performance figures (bench/run.py) and the flake hunt: measurements, not part of `make test`.
RUNS ?= 20
bench: setup
	$(PY) -m bench.run

flake-hunt: setup
	$(PY) -m bench.flake_hunt --runs $(RUNS)

# Seeded sandbox defects applied one at a time, and which scenarios caught each (bench/mutants.toml;
# reports/mutants/report.md). Not part of `make test`: the suite runs once per mutant. SCOPE=listed is quicker.
SCOPE ?= all
mutants: setup
	$(PY) -m bench.mutants --scope $(SCOPE) --jobs $(JOBS)
