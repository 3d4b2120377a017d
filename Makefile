# One place for every job; the README's first two commands are `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SAMPLE  := samples/lkml-2007-fault-vs-truncate.txt
SAMPLE_MAP := kb/maps/lkml-2007-fault-vs-truncate.yaml

.PHONY: run test pg-test check lint typecheck bench install clean schema-snapshot

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: install, import the sample thread and its decision map into the embedded SQLite store,
## open the UI
run: $(STAMP)
	$(BIN)/threadlore import $(SAMPLE)
	$(BIN)/threadlore map import $(SAMPLE_MAP)
	$(BIN)/threadlore

## test: install, then every check: ruff, mypy, alembic check, pytest (PostgreSQL cases too when
## $$THREADLORE_TEST_PG names a server; .ci/run and pg-test start one)
test: $(STAMP) lint typecheck
	rm -f $(VENV)/check.sqlite && $(BIN)/alembic -c db/alembic.ini -x db=sqlite:///$(VENV)/check.sqlite upgrade head && $(BIN)/alembic -c db/alembic.ini -x db=sqlite:///$(VENV)/check.sqlite check
	if [ -n "$$THREADLORE_TEST_PG" ]; then $(BIN)/alembic -c db/alembic.ini -x db="$$THREADLORE_TEST_PG" upgrade head && $(BIN)/alembic -c db/alembic.ini -x db="$$THREADLORE_TEST_PG" check; fi
	$(BIN)/pytest -n 2 -q --durations=30

## pg-test: `make test` against a throwaway PostgreSQL cluster too (initdb and pg_ctl on PATH)
pg-test:
	bash .ci/run

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# mypy cannot follow the editable install's import hook: give it the `threadlore` namespace as
# links to the top-level folders (pyproject's package-dir mapping, rebuilt on every run).
typecheck: $(STAMP)
	rm -rf $(VENV)/typing && mkdir -p $(VENV)/typing/threadlore
	for p in kb db importers tui cli; do ln -s ../../../$$p $(VENV)/typing/threadlore/$$p; done
	$(BIN)/mypy

## bench: every benchmark in benches/, each printing figures as ratios against a peer
bench: $(STAMP)
	$(BIN)/python -m benches

## schema-snapshot: write db/schema_snapshot.sql again from what the migrations make (after adding
## one; a test fails until it is)
schema-snapshot: $(STAMP)
	$(BIN)/python -m threadlore.db.schema_snapshot

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
