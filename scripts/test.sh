#!/usr/bin/env bash
# Every test: client unit tests, sandbox tests, contract tests over HTTP, view tests, browser tests.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var test-artifacts
.venv/bin/python -m ruff check . || { echo "ruff check failed: run .venv/bin/ruff check --fix . (see pyproject.toml)"; exit 1; }
.venv/bin/python -m ruff format --check . || { echo "ruff format: run .venv/bin/ruff format ."; exit 1; }
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
rc=$?
# pytest exits 5 when no test was collected: that is a failure here.
exit $rc
