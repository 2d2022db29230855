"""The deploy tier: the reference deployment of docs/deploy.md, built step by step by these
fixtures on real PostgreSQL and Redis (started here, stopped at the end), two dashboard
servers (separate gunicorn processes, several workers each) and two job workers, against a
sandbox of its own. The test plays the reverse proxy: it sends X-Forwarded-Proto/-For and
spreads requests over both servers.

Steps of docs/deploy.md and where they happen:
  1. packages            -> services.ensure_installed (scripts/install-services.sh)
  2. database and Redis  -> fixtures ``postgres`` and ``redis_server``
  3. settings            -> ``deploy_env``
  4. release             -> fixture ``release`` (check --deploy, migrate, collectstatic, first users)
  5. processes           -> fixture ``stack`` (the Procfile's web x2 and worker x2)
"""

from __future__ import annotations

import html
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import requests

from sandbox.testing import free_port, start_sandbox
from tests.deploy import services

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "deploy-pass-1"
USERS = {"admin1": "Admin", "sales1": "Sales", "sales2": "Sales", "victim": "Sales"}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def pytest_collection_modifyitems(config, items):
    """(The `deploy` marker comes from the directory: tests/conftest.py.) One stack for the tier:
    under xdist (--dist loadgroup, scripts/test.sh) every deploy test runs in one worker."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.xdist_group("deploy"))


# --- steps 1-2: PostgreSQL and Redis of our own -------------------------------------------------
@pytest.fixture(scope="session")
def postgres():
    services.ensure_installed()
    server = services.start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    services.ensure_installed()
    server = services.start_redis()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def deploy_sandbox(tmp_path_factory):
    server = start_sandbox(tmp_path_factory.mktemp("deploy-sandbox"), leads=40, contacts=10)
    yield server
    server.stop()


# --- step 3: the settings (the environment every process gets) ----------------------------------
@pytest.fixture(scope="session")
def deploy_env(postgres, redis_server, deploy_sandbox, tmp_path_factory) -> dict:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "DJANGO_",
                "DATABASE_URL",
                "CACHE_URL",
                "ALLOWED_HOSTS",
                "TASKIP_",
                "WEB_CONCURRENCY",
                "LOG_",
                "HUEY",
                "JOBS_",
                "STATIC_ROOT",
                "SECURE_",
                "GUNICORN_",
            )
        )
    }
    keep.update(
        {
            "DJANGO_SETTINGS_MODULE": "crmui.settings_production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": postgres.url,
            "CACHE_URL": f"{redis_server.url}/0",
            "JOBS_QUEUE_URL": f"{redis_server.url}/1",
            "TASKIP_BASE_URL": deploy_sandbox.api_url,
            "TASKIP_SECRET_KEY": deploy_sandbox.key,
            "TASKIP_BURST_LIMIT": "100000",  # the test sandbox's burst limit is as generous
            "SECURE_PROXY_SSL_HEADER_ENABLED": "1",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "TRUSTED_PROXY_COUNT": "1",
            "WEB_CONCURRENCY": "3",
            "GUNICORN_THREADS": "4",
            "GUNICORN_GRACEFUL_TIMEOUT": "5",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
            "PYTHONPATH": str(REPO),
        }
    )
    return keep


def manage(env: dict, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


_CREATE_USERS = """
import json, sys
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
users, password = json.loads(sys.argv[-2]), sys.argv[-1]
for name, role in users.items():
    u, _ = get_user_model().objects.get_or_create(username=name)
    u.set_password(password); u.save(); u.groups.add(Group.objects.get(name=role))
"""


# --- step 4: the release step, run once from one place -----------------------------------------
@dataclass
class Release:
    check: subprocess.CompletedProcess
    migrate: subprocess.CompletedProcess
    collectstatic: subprocess.CompletedProcess


@pytest.fixture(scope="session")
def release(deploy_env) -> Release:
    check = manage(deploy_env, "check", "--deploy")
    assert check.returncode == 0, check.stderr
    migrate = manage(deploy_env, "migrate", "--no-input")
    assert migrate.returncode == 0, migrate.stderr
    collect = manage(deploy_env, "collectstatic", "--no-input", "-v", "0")
    assert collect.returncode == 0, collect.stderr
    import json

    users = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); import sys; exec(sys.argv[1])",
            _CREATE_USERS,
            json.dumps(USERS),
            PASSWORD,
        ],
        cwd=REPO,
        env=deploy_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert users.returncode == 0, users.stderr
    return Release(check, migrate, collect)


# --- step 5: the processes ---------------------------------------------------------------------
@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path
    url: str = ""
    quit_signal: int = signal.SIGINT  # gunicorn: quick shutdown (huey: SIGTERM is the quick one)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_lines(self) -> list[str]:
        return self.log().splitlines()

    def stop(self) -> None:  # quick shutdown: the tier is over
        if self.popen.poll() is None:
            self.popen.send_signal(self.quit_signal)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)


def _spawn(name: str, cmd: list[str], env: dict, log_dir: Path) -> Process:
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "ab")
    popen = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return Process(name, popen, log_path)


def start_web(name: str, env: dict, log_dir: Path) -> Process:
    """One dashboard server: `web:` of the Procfile, on a port of its own."""
    port = free_port()
    proc = _spawn(
        name,
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "crmui.wsgi"],
        {**env, "PORT": str(port), "HOST": "127.0.0.1"},
        log_dir,
    )
    proc.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{proc.log()}")
        try:
            if requests.get(f"{proc.url}/healthz", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            proc.stop()
            raise RuntimeError(f"{name} did not become healthy:\n{proc.log()}")
        time.sleep(0.2)


def start_worker(name: str, env: dict, log_dir: Path) -> Process:
    """One job worker: `worker:` of the Procfile."""
    proc = _spawn(name, [sys.executable, "manage.py", "run_huey"], env, log_dir)
    proc.quit_signal = signal.SIGTERM
    deadline = time.monotonic() + 60
    while "consumer" not in proc.log().lower() and "huey" not in proc.log().lower():
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{proc.log()}")
        if time.monotonic() > deadline:
            proc.stop()
            raise RuntimeError(f"{name} did not start:\n{proc.log()}")
        time.sleep(0.2)
    return proc


@dataclass
class Stack:
    env: dict
    web: list[Process]
    workers: list[Process] = field(default_factory=list)
    log_dir: Path | None = None

    @property
    def a(self) -> Process:
        return self.web[0]

    @property
    def b(self) -> Process:
        return self.web[1]


@pytest.fixture(scope="session")
def stack(release, deploy_env, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("deploy-logs")
    web, workers = [], []
    try:
        web.append(start_web("web-a", deploy_env, log_dir))
        web.append(start_web("web-b", deploy_env, log_dir))
        workers.append(start_worker("worker-1", deploy_env, log_dir))
        workers.append(start_worker("worker-2", deploy_env, log_dir))
        stack = Stack(deploy_env, web, workers, log_dir)
        yield stack
    finally:
        for proc in [*web, *workers, *(stack.workers if "stack" in locals() else [])]:
            proc.stop()


# --- the test as the reverse proxy -------------------------------------------------------------
class FormParser(HTMLParser):
    """The fields of the first form on a page whose action matches, as a browser would submit them."""

    def __init__(self, action_contains: str = ""):
        super().__init__(convert_charrefs=True)
        self.action_contains, self.fields, self._in, self._done = action_contains, [], False, False
        self._textarea = self._select = None
        self._select_first = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self._done and self.action_contains in (a.get("action") or ""):
            self._in = True
        if not self._in:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select, self._select_first = a["name"], None
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.fields.append((self._select, a.get("value", "")))
                self._select_first = False

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select:
            if self._select_first not in (None, False):
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "form" and self._in:
            self._in, self._done = False, True


def form_fields(page: str, action_contains: str = "") -> list[tuple[str, str]]:
    parser = FormParser(action_contains)
    parser.feed(page)
    return parser.fields


class Visitor:
    """One person's browser behind the proxy: cookies kept by hand (they are Secure: the proxy
    speaks HTTPS to the browser), X-Forwarded-Proto/-For added as the proxy would."""

    def __init__(self, address: str = "192.0.2.10"):
        self.cookies: dict[str, str] = {}
        self.address = address

    def request(self, method: str, url: str, **kw) -> requests.Response:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address, **kw.pop("headers", {})}
        if method != "GET":
            origin = url.split("/", 3)
            headers.setdefault("Referer", f"https://{origin[2]}/")
        r = requests.request(
            method, url, headers=headers, cookies=self.cookies, allow_redirects=False, timeout=60, **kw
        )
        for header in r.raw.headers.getlist("Set-Cookie"):  # (requests' jar drops deletions silently)
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value in ("", '""') or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return r

    def get(self, url: str, **kw) -> requests.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, data=None, **kw) -> requests.Response:
        return self.request("POST", url, data=data, **kw)

    def csrf(self, server_url: str, path: str = "/login/") -> str:
        page = self.get(server_url + path)
        return html.unescape(_CSRF.search(page.text).group(1))

    def log_in(self, server_url: str, username: str, password: str = PASSWORD) -> requests.Response:
        token = self.csrf(server_url)
        return self.post(
            f"{server_url}/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
