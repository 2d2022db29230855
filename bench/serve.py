"""Serve the dashboard under gunicorn (for the benches and the multi-process test), with its
own SQLite database, pointed at a sandbox, and log people in over HTTP.

    dash = start_dashboard(tmp_dir, sandbox, workers=2, env={"CACHE_URL": "filecache:///tmp/x"})
    s = dash.session("sales1")        # a logged-in requests.Session
    dash.stop()
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-1"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# username -> role; team member ids as in the seeded sandbox
DEFAULT_USERS = {"admin1": "Admin", "manager1": "Manager", **{f"sales{i}": "Sales" for i in range(1, 21)}}

_CREATE_USERS = """
import json, sys
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from accounts.models import Profile
users = json.loads(sys.argv[1]); password = sys.argv[2]
User = get_user_model()
for i, (name, role) in enumerate(sorted(users.items())):
    u, _ = User.objects.get_or_create(username=name, defaults={"first_name": name.title()})
    u.set_password(password); u.save()
    u.groups.add(Group.objects.get(name=role))
    Profile.objects.get_or_create(user=u, defaults={"team_member_id": 1 + i % 3})
"""


def dashboard_env(tmp_dir: Path, sandbox, env: dict | None = None) -> dict:
    e = dict(os.environ)
    e.update(
        {
            "DJANGO_SETTINGS_MODULE": "crmui.settings",
            "DATABASE_URL": f"sqlite:///{tmp_dir / 'dashboard.sqlite3'}",
            "TASKIP_BASE_URL": sandbox.api_url,
            "TASKIP_SECRET_KEY": sandbox.key,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p),
        }
    )
    e.update({k: str(v) for k, v in (env or {}).items()})
    return e


def prepare_dashboard_db(tmp_dir: Path, sandbox, users: dict | None = None, env: dict | None = None) -> dict:
    """migrate the dashboard's own SQLite DB and create the bench users (password PASSWORD)."""
    import json

    e = dashboard_env(tmp_dir, sandbox, env)
    create = "import sys, django; django.setup(); code = sys.argv.pop(1); exec(compile(code, 'create_users', 'exec'))"
    for args in (
        ["-m", "django", "migrate", "-v", "0", "--no-input"],
        ["-c", create, _CREATE_USERS, json.dumps(users or DEFAULT_USERS), PASSWORD],
    ):
        proc = subprocess.run(
            [sys.executable, *args], cwd=str(REPO_ROOT), env=e, capture_output=True, text=True, timeout=180
        )
        if proc.returncode != 0:
            raise RuntimeError(f"dashboard setup failed: {proc.stdout}\n{proc.stderr}")
    return e


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Dashboard:
    url: str
    process: subprocess.Popen
    log_path: Path
    env: dict = field(default_factory=dict)

    def session(self, username: str, password: str = PASSWORD) -> requests.Session:
        s = requests.Session()
        r = s.get(f"{self.url}/login/", timeout=30)
        token = _CSRF.search(r.text).group(1)
        r = s.post(
            f"{self.url}/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.url}/login/"},
            timeout=30,
            allow_redirects=False,
        )
        if r.status_code != 302:
            raise RuntimeError(f"login of {username} failed ({r.status_code})")
        return s

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def rss_kb(self) -> dict[int, int]:
        """RSS of the master and each worker, from /proc (Linux)."""
        out = {}
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            pids += [int(p) for p in children]
        except OSError:
            pass
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out[pid] = int(line.split()[1])
            except OSError:
                pass
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_dashboard(
    tmp_dir,
    sandbox,
    *,
    workers: int = 2,
    threads: int = 8,
    env: dict | None = None,
    users: dict | None = None,
    startup_timeout: float = 30.0,
) -> Dashboard:
    tmp_dir = Path(tmp_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    e = prepare_dashboard_db(tmp_dir, sandbox, users, env)
    port = free_port()
    e.update(
        {"PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads)}
    )
    log_path = tmp_dir / "dashboard.log"
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(REPO_ROOT / "gunicorn.conf.py"), "crmui.wsgi"],
        cwd=str(REPO_ROOT),
        env=e,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    dash = Dashboard(f"http://127.0.0.1:{port}", proc, log_path, e)
    deadline = time.monotonic() + startup_timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"dashboard gunicorn exited:\n{dash.log_text()}")
        try:
            if requests.get(f"{dash.url}/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            dash.stop()
            raise RuntimeError(f"dashboard did not start:\n{dash.log_text()}")
        time.sleep(0.1)
    return dash
