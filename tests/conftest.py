"""Shared fixtures: a live sandbox server over HTTP, the dashboard pointed at it, users per
role, and Playwright driving Debian's Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sandbox.testing import start_sandbox

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

PASSWORD = "pw-for-tests-1"


# --- Tiers: every test gets exactly one, from the directory it lives in --------------------------
#   unit     no sandbox, no browser: seconds (tests/unit/ mirrors the modules; tests/client/)
#   live     the live sandbox over HTTP and the dashboard's views (every other directory)
#   browser  Debian's Chromium through Playwright (tests/browser/, and files named *_browser.py)
#   deploy   PostgreSQL, Redis, gunicorn and workers started by the tests (tests/deploy/)
# `make test-fast` runs `-m unit`; `make test` runs ruff, then the tests (scripts/test.sh).
TESTS_DIR = Path(__file__).resolve().parent
TIERS = ("unit", "live", "browser", "deploy")
TIER_OF_DIR = {"unit": "unit", "client": "unit", "browser": "browser", "deploy": "deploy"}
BROWSER_FIXTURES = {"browser", "page"}


def tier_of(path: Path) -> str:
    parts = path.resolve().relative_to(TESTS_DIR).parts
    if parts[-1].endswith("_browser.py"):
        return "browser"
    return TIER_OF_DIR.get(parts[0], "live") if len(parts) > 1 else "live"


def _needs_a_server(fixtures) -> bool:
    return any("sandbox" in f or f in ("live_server", "dashboard") for f in fixtures)


def pytest_collection_modifyitems(config, items):
    misplaced = []
    for item in items:
        tier = tier_of(Path(str(item.path)))
        other = {m.name for m in item.iter_markers() if m.name in TIERS} - {tier}
        params = set(getattr(getattr(item, "callspec", None), "params", {}))  # parametrized names are not fixtures
        fixtures = set(getattr(item, "fixturenames", ())) - params
        if other:
            misplaced.append(f"{item.nodeid}: marked {', '.join(sorted(other))} but lives in a {tier} directory")
        if tier == "unit" and (_needs_a_server(fixtures) or fixtures & BROWSER_FIXTURES):
            misplaced.append(f"{item.nodeid}: a unit test may not use the sandbox or the browser")
        if tier != "browser" and fixtures & BROWSER_FIXTURES:
            misplaced.append(
                f"{item.nodeid}: drives the browser, so it belongs in tests/browser/ or a *_browser.py file"
            )
        item.add_marker(getattr(pytest.mark, tier))
    if misplaced:
        raise pytest.UsageError("Tests in the wrong tier (see tests/conftest.py):\n  " + "\n  ".join(misplaced))


def pytest_configure(config):
    """Fast password hashing for the many users tests make (real hashing costs ~0.3 s each)."""
    try:
        from django.conf import settings

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    except Exception:  # run without Django (e.g. -p no:django tests/client)
        pass


@pytest.fixture(scope="session", autouse=True)
def _job_queue_in_memory():
    """Jobs enqueued by tests go to a queue in memory (never the developer's var/ queue);
    tests/jobs points it at a file its worker processes share."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    real = HUEY.storage
    HUEY.storage = MemoryStorage(HUEY.name)
    yield
    HUEY.storage = real


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """A live sandbox (gunicorn subprocess, its own SQLite DB, seeded) for the whole session."""
    # four threads: a hung request (fault tests) or a background snapshot fetch never leaves a
    # read-back or a parallel fetch queued behind it
    server = start_sandbox(tmp_path_factory.mktemp("sandbox"), threads=4)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.conf import settings

    if not settings.configured:  # e.g. `pytest -p no:django tests/client`
        yield
        return
    from django.core.cache import cache

    from crmui.cache import forget_memo
    from leads import snapshot

    snapshot.forget()
    cache.clear()
    forget_memo()
    # a deployment that has fetched every lead before (a small workspace: pages wait for the
    # copy); the tests of the very first visit ever delete this
    cache.set(snapshot.TOOK_KEY, 0.05, None)
    yield
    snapshot.forget()  # waits for a background snapshot fetch of this test to end
    cache.clear()
    forget_memo()


@pytest.fixture
def use_sandbox(sandbox, settings):
    """Point the dashboard's one client at the live sandbox; a clean fault config."""
    from crmui import api

    settings.TASKIP_BASE_URL = sandbox.api_url
    settings.TASKIP_SECRET_KEY = sandbox.key
    settings.TASKIP_MAX_RETRIES = 1
    api.reset_client()
    sandbox.reset()
    yield sandbox
    sandbox.reset()
    api.reset_client()


def warm_reference() -> None:
    """Load the reference data (statuses, sources, team) into the cache, but not the lead
    snapshot: the next page's lead read is then its first call to TaskIP."""
    from crmui import reference

    reference.attributes()
    reference.team_members()


def make_user(django_user_model, username: str, role: str | None, team_member_id: int | None = None):
    from django.contrib.auth.models import Group

    from accounts.models import Profile

    user = django_user_model.objects.create_user(username=username, password=PASSWORD, first_name=username.title())
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])  # transactional tests flush migration data
    if team_member_id:
        Profile.objects.create(user=user, team_member_id=team_member_id)
    return user


@pytest.fixture
def sales_user(db, django_user_model):
    return make_user(django_user_model, "sally", "Sales", team_member_id=3)


@pytest.fixture
def manager_user(db, django_user_model):
    return make_user(django_user_model, "manny", "Manager", team_member_id=2)


@pytest.fixture
def admin_user(db, django_user_model):
    return make_user(django_user_model, "addie", "Admin", team_member_id=1)


@pytest.fixture
def sales_client(client, sales_user):
    client.force_login(sales_user)
    return client


@pytest.fixture
def manager_client(client, manager_user):
    client.force_login(manager_user)
    return client


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


# --- Browser ------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make test` (it installs it) or apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def dashboard(live_server, use_sandbox, transactional_db):
    """The dashboard served live (in-process) against the live sandbox."""
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def log_in():
    """log_in(page, base_url, username) logs a person in through the login form."""
    return _log_in


def _log_in(page, base_url: str, username: str, password: str = PASSWORD):
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def open_fold(page, name: str) -> None:
    """Open the lead page's ``#<name>-fold`` (files, activity) as a person would, once the page
    has settled: the notes panel swapping in moves the folds down, and a click aimed before
    that lands beside the summary. Retries the click while the fold stays closed."""
    page.locator("#notes-panel:not(.is-loading)").wait_for()
    fold = page.locator(f"#{name}-fold")
    for _ in range(3):
        fold.locator("summary").click()
        try:
            page.wait_for_function(f"document.querySelector('#{name}-fold').open", timeout=3000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: click again
            continue
    raise AssertionError(f"the {name} fold did not open")


# --- Security: no secret in any response or log line (owned by tests/security) ---------------
# Every response the dashboard sends during a test (Django test client AND the live server of
# browser tests: both go through BaseHandler.get_response) and every log record is scanned for
# the secret keys. A test during which one leaked fails at teardown, naming where it was seen.
# A test that leaks on purpose (to prove the scan works) empties `_secret_leak_scan.leaks`.
class _LeakScan:
    def __init__(self, secrets):
        self.base_secrets = {s for s in secrets if s}
        self.leaks: list[str] = []

    def secrets(self) -> set[str]:
        from django.conf import settings

        found = set(self.base_secrets)
        for name in ("SECRET_KEY", "TASKIP_SECRET_KEY"):
            value = getattr(settings, name, None)
            if value:
                found.add(value)
        # short placeholders ("x", "wrong") would match ordinary text; real keys are long
        return {s for s in found if isinstance(s, str) and len(s) >= 8}

    def check(self, where: str, data) -> None:
        if not data:
            return
        if isinstance(data, (bytes, bytearray, memoryview)):
            text = bytes(data).decode("utf-8", "replace")
        else:
            text = str(data)
        for secret in self.secrets():
            if secret in text:
                self.leaks.append(f"{where}: contains the secret {secret[:3]}…")


@pytest.fixture(autouse=True)
def _secret_leak_scan(monkeypatch):
    import logging

    from django.conf import settings as dj_settings

    if not dj_settings.configured:  # pure client/sandbox runs with -p no:django
        yield None
        return
    from django.core.handlers.base import BaseHandler

    scan = _LeakScan(
        {
            dj_settings.SECRET_KEY,
            dj_settings.TASKIP_SECRET_KEY,
            os.environ.get("SANDBOX_SECRET_KEY", "sandbox-demo-key"),
        }
    )
    original = BaseHandler.get_response

    def scanned_get_response(handler, request):
        response = original(handler, request)
        where = f"{request.method} {request.get_full_path()} -> {response.status_code}"
        for header, value in response.items():
            scan.check(f"{where} header {header}", value)
        for morsel in response.cookies.values():
            scan.check(f"{where} cookie {morsel.key}", morsel.value)
        if getattr(response, "streaming", False):
            if not getattr(response, "is_async", False):
                chunks = response.streaming_content

                def scanning(chunks=chunks):
                    for chunk in chunks:
                        scan.check(f"{where} streamed body", chunk)
                        yield chunk

                response.streaming_content = scanning()
        else:
            scan.check(f"{where} body", response.content)
        return response

    class _LogScan(logging.Handler):
        def emit(self, record):
            try:
                text = record.getMessage()
                if record.exc_info:
                    text += "\n" + logging.Formatter().formatException(record.exc_info)
            except Exception:
                text = str(record.msg)
            scan.check(f"log {record.name} {record.levelname}", text)

    handler = _LogScan(level=logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    monkeypatch.setattr(BaseHandler, "get_response", scanned_get_response)
    try:
        yield scan
    finally:
        root.removeHandler(handler)
    if scan.leaks:
        pytest.fail("A secret key leaked:\n" + "\n".join(dict.fromkeys(scan.leaks)), pytrace=False)


# --- Security: Playwright's wait_for_function under the CSP (owned by tests/security) -----------
# The dashboard's Content-Security-Policy (script-src 'self', no 'unsafe-eval') is on in tests too.
# Playwright polls a plain-expression predicate by eval()-ing it inside the page, which the CSP
# refuses; a function predicate is compiled by the DevTools protocol and is not affected. So a
# plain expression is wrapped into an arrow function here, and tests keep the CSP on.
def _csp_safe_wait_for_function():
    import re

    try:
        from playwright.sync_api import Frame, Page
    except ImportError:  # the pure client/sandbox runs
        return
    looks_like_function = re.compile(r"^\s*(async\s+)?(function\b|\(?[\w\s,]*\)?\s*=>)")
    for cls in (Page, Frame):
        original = cls.wait_for_function
        if getattr(original, "_csp_safe", False):
            continue

        def wait_for_function(self, expression, *args, _original=original, **kwargs):
            if isinstance(expression, str) and not looks_like_function.match(expression):
                expression = f"() => ({expression})"
            return _original(self, expression, *args, **kwargs)

        wait_for_function._csp_safe = True
        cls.wait_for_function = wait_for_function


_csp_safe_wait_for_function()


# --- Job workers: real `manage.py run_huey` processes over the test database ------------------
class WorkerProcess:
    """One worker process (`python manage.py run_huey`) sharing the test's database and queue."""

    def __init__(self, env: dict, log_path):
        self.env, self.log_path, self.process = env, log_path, None

    def start(self) -> WorkerProcess:
        import subprocess
        import sys

        from sandbox.testing import REPO_ROOT

        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey"],
            cwd=str(REPO_ROOT),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up, no last words."""
        import signal

        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        import subprocess

        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def job_queue(tmp_path):
    """The queue this test and its worker processes share: a SQLite file in the test's tmp dir."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import SqliteStorage

    path = tmp_path / "jobs-queue.sqlite3"
    previous = HUEY.storage
    HUEY.storage = SqliteStorage(HUEY.name, filename=str(path))
    yield path
    HUEY.storage = previous


@pytest.fixture
def start_worker(job_queue, use_sandbox, transactional_db, tmp_path, settings):
    """start_worker(**env) starts a worker process against the test sandbox; all are stopped after."""
    from django.db import connection

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "crmui.settings",
            "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
            "JOBS_QUEUE_PATH": str(job_queue),
            "JOBS_QUEUE_URL": "",
            "CACHE_URL": "locmemcache://worker",
            "TASKIP_BASE_URL": use_sandbox.api_url,
            "TASKIP_SECRET_KEY": use_sandbox.key,
            "TASKIP_MAX_RETRIES": "1",
            "JOBS_LEASE_SECONDS": "2",
            "JOBS_WORKER_THREADS": "2",
            "TASKIP_BURST_LIMIT": "6000",
            "LOG_LEVEL": "INFO",
        }
    )
    started = []

    def start(**extra):
        worker = WorkerProcess(
            {**env, **{k: str(v) for k, v in extra.items()}}, tmp_path / f"worker-{len(started)}.log"
        )
        started.append(worker.start())
        return worker

    yield start
    for worker in started:
        worker.stop()
        print(f"--- {worker.log_path.name} (shown when the test fails)\n" + worker.log()[-6000:])


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value, or fail saying what did not happen."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Not within {timeout} s: {what}")
