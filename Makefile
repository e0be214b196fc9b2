# The two commands of the Quickstart are `make demo` and `make test`; both create
# .venv when it is missing and install what they need into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/backend-architecture

.PHONY: demo test test-fast bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/skillwiki validate $(EXAMPLE)
	$(BIN)/python -m pip install --quiet ./$(EXAMPLE)
	$(BIN)/skillwiki show $(EXAMPLE)

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not slow'

clean:
	rm -rf $(VENV) dist build .pytest_cache .hypothesis
