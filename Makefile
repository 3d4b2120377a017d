# One place for every job; the README's first two commands are `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SAMPLE  := samples/lkml-2007-fault-vs-truncate.txt

.PHONY: run test check lint typecheck bench install clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: install, import the sample thread into the embedded SQLite store, open the UI
run: $(STAMP)
	$(BIN)/threadlore import $(SAMPLE)
	$(BIN)/threadlore

## test: install, then every check: ruff, mypy, alembic check, pytest
test: $(STAMP) lint typecheck
	rm -f $(VENV)/check.sqlite && $(BIN)/alembic -c db/alembic.ini -x db=sqlite:///$(VENV)/check.sqlite upgrade head && $(BIN)/alembic -c db/alembic.ini -x db=sqlite:///$(VENV)/check.sqlite check
	$(BIN)/pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

## bench: every benchmark in benches/, each printing figures as ratios against a peer
bench: $(STAMP)
	$(BIN)/python -m benches

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
