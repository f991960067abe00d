# The two commands of the README's quickstart, and a few for development.
PY ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test test-fast install install-test golden lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	npm ci --silent --no-audit --no-fund
	tools/install-chromium
	tools/install-libical

run: install
	$(BIN)/calfeed serve --events events.yaml

# CI runs this (.ci/run): lint first, then every test.
test: install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (rules and formatting) over the code, mypy over the package; versions pinned in setup.cfg.
lint: install-test
	$(BIN)/ruff check calfeed tests bench tools wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check calfeed tests bench tools wsgi.py gunicorn.conf.py
	$(BIN)/mypy

# The benchmarks (not tests): bench/RESULTS.md and bench/EXPORT.md on this machine.
bench: install-test
	$(BIN)/python bench/run.py
	$(BIN)/python bench/export_bench.py

# Everything but the browser, Node.js-parser, gunicorn and whole-export tests: a quick check while working.
test-fast: install-test
	$(BIN)/python -m pytest -q -n auto -m "not browser and not node and not server and not slow" $(PYTEST_ARGS)

# Write tests/golden/*.ics again after a change of feed output that is meant (review the diff).
golden: install-test
	$(BIN)/python tests/golden.py --update

clean:
	rm -rf $(VENV) node_modules build *.egg-info
