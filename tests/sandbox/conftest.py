"""Live-sandbox fixtures: one gunicorn sandbox per test session (see sandbox/testing.py).

Run: cd /work/main && .venv/bin/pytest tests/sandbox -q -p no:django
"""

import sys
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sandbox.testing import start_sandbox  # noqa: E402


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    server = start_sandbox(tmp_path_factory.mktemp("sandbox"), leads=60, contacts=40, hostile=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Overrides the repo-level autouse fixture of the same name: these tests talk to the
    sandbox over HTTP only and need no Django settings (they run with -p no:django)."""
    yield


@pytest.fixture(autouse=True)
def _fresh_sandbox_state(request):
    """Every test that uses the live sandbox starts from the startup config, with an empty
    forced-fault queue and fresh rate-limit windows."""
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").reset()
    yield


@pytest.fixture
def api(sandbox):
    return sandbox.api


@pytest.fixture
def unique_email():
    def make(prefix="t"):
        return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"

    return make


@pytest.fixture
def new_lead(api, unique_email):
    """Create a lead through the API and return its data."""

    def make(**fields):
        body = {"first_name": "Test", "last_name": "Lead", "email": unique_email()}
        body.update(fields)
        r = api("POST", "/lead", json=body)
        assert r.status_code == 200, r.text
        return r.json()["data"]

    return make
