# Bundel: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PY := $(BIN)/python
# Test processes (pytest-xdist): one per core; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

.PHONY: install run test lint format bench messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

bench: install
	$(PY) bench/run.py

messages: install
	cd src/bundel && ../../$(PY) ../../manage.py makemessages -l nl -l en --no-obsolete
	cd src/bundel && ../../$(PY) ../../manage.py compilemessages

clean:
	rm -rf $(VENV) db.sqlite3 media .cache
