# The two commands of the Quickstart are `make demo` and `make test`; both create
# .venv when it is missing and install what they need into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/backend-architecture

.PHONY: demo test test-fast bench fuzz clean lint lint-report coverage test-all fast-checks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dist]'
	touch $(STAMP)

# The development tools (the dev extra, pinned): ruff, mypy, nox, coverage
DEV := $(VENV)/.dev
$(DEV): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dist,dev]'
	touch $(DEV)

# validate the example, build its sdist and wheel (validated too), install the wheel,
# then find it by name through the registry, as a user of the plugin would
demo: $(STAMP)
	$(BIN)/skillwiki validate $(EXAMPLE)
	rm -rf build/demo-dist
	$(BIN)/skillwiki build $(EXAMPLE) --outdir build/demo-dist
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps build/demo-dist/*.whl
	$(BIN)/skillwiki list
	$(BIN)/skillwiki show backend-architecture

test: $(STAMP)
	$(BIN)/python -m pytest -q

# after a schema changed: the schema checks made ahead of time (skillwiki_sdk/_fast_*.py)
fast-checks: $(STAMP)
	$(BIN)/python scripts/generate_fast_checks.py

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not slow'

# A few thousand random damages per property (tests/test_properties.py), then the
# hostile corpus; `make test` runs the same properties with a small profile.
fuzz: $(STAMP)
	SKILLWIKI_FUZZ=1 $(BIN)/python -m pytest -q tests/test_properties.py tests/test_hostile.py

# The benchmark's own environment: the SDK, check-jsonschema (the peer) and 100 small
# domain plugins (real wheels, one pip call). Bundles are generated into it once.
# The plugins live in a second environment, so that validation is not timed with
# 100 plugins' checks to load.
BENCH := .venv-bench
# The SDK is installed as users get it (a wheel, its bytecode compiled by pip), not
# editable, and installed again whenever its sources change.
SDK_SOURCES := pyproject.toml $(shell find skillwiki_sdk schemas -type f -not -path '*/__pycache__/*' 2>/dev/null)
$(BENCH)/.installed: benchmarks/plugins.py
	rm -rf $(BENCH)
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet --disable-pip-version-check check-jsonschema
	$(PYTHON) -m venv $(BENCH)/plugins
	$(BENCH)/bin/python benchmarks/plugins.py $(BENCH)/plugins/bin/python 100 $(BENCH)/wheels
	touch $@

$(BENCH)/.sdk: $(BENCH)/.installed $(SDK_SOURCES)
	$(BENCH)/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps .
	$(BENCH)/bin/python -m pip install --quiet --disable-pip-version-check '.[catalog]'
	$(BENCH)/plugins/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps .
	$(BENCH)/plugins/bin/python -m pip install --quiet --disable-pip-version-check .
	touch $@

bench: $(BENCH)/.sdk
	$(BENCH)/bin/python benchmarks/run.py --python $(BENCH)/bin/python --plugins-python $(BENCH)/plugins/bin/python --data $(BENCH)/data

# Lint, format and types, each run whatever the others found; fails if any found anything.
# `make lint-report` counts what is left per file.
lint: $(DEV)
	@status=0; \
	echo "ruff check"; $(BIN)/ruff check --no-cache --output-format concise || status=1; \
	echo "ruff format --check"; $(BIN)/ruff format --check --no-cache --output-format concise || status=1; \
	echo "mypy (strict)"; $(BIN)/mypy || status=1; \
	exit $$status

lint-report: $(DEV)
	$(BIN)/python scripts/lint_report.py

# Branch coverage of the whole suite, forks and subprocesses included; prints what no
# test reaches (htmlcov/ has the same, file by file)
coverage: $(DEV)
	rm -rf .coverage .coverage.* htmlcov
	@status=0; \
	$(BIN)/python -m pytest -q -p no:cacheprovider --cov --cov-branch --cov-report=term-missing:skip-covered --cov-report=html || status=$$?; \
	echo "branch coverage, total: $$($(BIN)/python -m coverage report --format=total) %"; \
	exit $$status

# Every Python 3.10-3.13 found (nox, noxfile.py): the fast tests on each, the whole
# suite on the newest, the fast tests with every dependency at its lower bound
test-all: $(DEV)
	$(BIN)/nox --no-error-on-missing-interpreters $(NOXFLAGS)

clean:
	rm -rf $(VENV) $(BENCH) dist build .pytest_cache .hypothesis .nox .coverage .coverage.* htmlcov .mypy_cache .ruff_cache
