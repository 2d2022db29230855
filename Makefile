# make run   - set up everything, seed the sandbox, start the Procfile (web, worker, sandbox) on http://127.0.0.1:8000
# make test  - set up everything (Chromium included), lint with ruff and run every test
# make test-fast - the unit tier only (no sandbox, no browser): seconds
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast setup browser services sandbox bench bench-faults bench-speed bench-import clean
run: setup
	@bash scripts/run.sh

test: setup browser services
	@bash scripts/test.sh

test-fast: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -p no:xdist -q -m unit tests/unit tests/client

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	@touch $(STAMP)

browser:
	@bash scripts/install-chromium.sh

# PostgreSQL and Redis for the deploy tier (tests/deploy starts and stops its own servers)
services:
	@bash scripts/install-services.sh

sandbox: setup
	@bash scripts/run.sh --sandbox-only

bench: setup
	$(PY) bench/day.py

bench-faults: setup
	$(PY) bench/faults.py

bench-speed: setup
	$(PY) bench/speed.py

bench-import: setup
	$(PY) bench/import_bench.py

clean:
	rm -rf var .pytest_cache
