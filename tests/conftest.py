"""Shared fixtures: a live sandbox server over HTTP, the dashboard pointed at it, users per
role, and Playwright driving Debian's Chromium."""
from __future__ import annotations

import os

import pytest

from sandbox.testing import start_sandbox

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

PASSWORD = "pw-for-tests-1"


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """A live sandbox (gunicorn subprocess, its own SQLite DB, seeded) for the whole session."""
    server = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.conf import settings

    if not settings.configured:  # e.g. `pytest -p no:django tests/client`
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
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
