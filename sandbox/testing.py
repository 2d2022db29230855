"""Start a live sandbox (gunicorn subprocess over a temporary SQLite DB) for tests,
demos and benchmarks.

    from sandbox.testing import start_sandbox
    server = start_sandbox(tmp_dir, leads=60)
    requests.get(server.api_url + "/lead", headers=server.headers())
    server.config(latency_ms=200); server.fail_next(500, path_contains="/lead", method="POST")
    server.stop()
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KEY = "sandbox-demo-key"
DEFAULT_READONLY_KEY = "sandbox-readonly-key"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _django(args, env, timeout=120):
    """Run a sandbox management command in a subprocess; raise with its output on failure."""
    proc = subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=str(REPO_ROOT),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"`django {' '.join(args)}` failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def sandbox_env(db_path, media_root, env=None) -> dict:
    e = dict(os.environ)
    e.update(
        {
            "DJANGO_SETTINGS_MODULE": "sandbox.settings",
            "SANDBOX_DB_PATH": str(db_path),
            "SANDBOX_MEDIA_ROOT": str(media_root),
            "SANDBOX_SECRET_KEY": DEFAULT_KEY,
            "SANDBOX_READONLY_KEY": DEFAULT_READONLY_KEY,
            # generous limits by default; tests lower them at runtime through /__sandbox__/config
            "SANDBOX_RATE_LIMIT": "1000000",
            "SANDBOX_BURST_LIMIT": "1000000",
            "SANDBOX_UPLOAD_LIMIT": "1000000",
            "SANDBOX_LATENCY_MS": "0",
            "SANDBOX_FAULT_RATE": "0",
            "PYTHONPATH": os.pathsep.join(p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p),
        }
    )
    e.update({k: str(v) for k, v in (env or {}).items()})
    return e


def prepare_db(db_path, media_root, *, env=None, leads=60, contacts=40, seed=42, hostile=False, flush=False) -> str:
    """migrate + sandbox_seed into `db_path`; returns the seed command's output."""
    e = sandbox_env(db_path, media_root, env)
    _django(["migrate", "-v", "0", "--no-input"], e)
    args = ["sandbox_seed", "--leads", str(leads), "--contacts", str(contacts), "--seed", str(seed)]
    if hostile:
        args.append("--hostile")
    if flush:
        args.append("--flush")
    return _django(args, e)


@dataclass
class SandboxServer:
    base_url: str
    api_url: str
    key: str
    process: subprocess.Popen
    db_path: Path
    media_root: Path
    env: dict
    readonly_key: str = DEFAULT_READONLY_KEY
    seed_args: dict = field(default_factory=dict)
    log_path: Path | None = None

    # -- plumbing
    def headers(self, key: str | None = None, **extra) -> dict:
        h = {"X-Secret-Key": self.key if key is None else key, "Accept": "application/json"}
        h.update(extra)
        return h

    def api(self, method: str, path: str, **kw) -> requests.Response:
        """Call the TaskIP-compatible API: server.api("GET", "/lead", params={...})."""
        kw.setdefault("timeout", 30)
        headers = self.headers()
        headers.update(kw.pop("headers", {}) or {})
        return requests.request(method, self.api_url + path, headers=headers, **kw)

    def create(self, path: str, body: dict) -> dict:
        """Set-up for a test: POST a record through the API and return its data; fails loudly
        unless the sandbox answers 200."""
        r = self.api("POST", path, json=body)
        if r.status_code != 200:
            raise AssertionError(f"POST {path} answered {r.status_code}: {r.text}")
        return r.json()["data"]

    def create_lead(self, **fields) -> dict:
        """A new lead (a unique email unless one is given)."""
        return self.create(
            "/lead", {"first_name": "Lead", "email": f"lead-{uuid.uuid4().hex[:10]}@example.com", **fields}
        )

    def create_contact(self, **fields) -> dict:
        """A new contact (a unique email unless one is given)."""
        return self.create(
            "/contact", {"first_name": "Contact", "email": f"contact-{uuid.uuid4().hex[:10]}@example.com", **fields}
        )

    def _control(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        r = requests.request(method, f"{self.base_url}/__sandbox__/{path}", headers=self.headers(), **kw)
        r.raise_for_status()
        return r

    # -- control API
    def config(self, **kw) -> dict:
        """Read (no args) or merge runtime config: latency_ms, fault_rate, fault_kinds, hang_seconds,
        mail_connected, rate_limit, burst_limit, max_upload_mb, upload_limit; reset=True drops overrides."""
        if not kw:
            return self._control("GET", "config").json()
        return self._control("POST", "config", json=kw).json()

    def reset_config(self) -> dict:
        return self._control("POST", "config", json={"reset": True}).json()

    def fail_next(
        self, status=500, count: int = 1, path_contains: str | None = None, method: str | None = None
    ) -> dict:
        body = {"status": status, "count": count}
        if path_contains:
            body["path_contains"] = path_contains
        if method:
            body["method"] = method
        return self._control("POST", "fail-next", json=body).json()

    def clear_faults(self) -> None:
        self._control("DELETE", "fail-next")

    def stats(self) -> dict:
        return self._control("GET", "stats").json()

    def reset_stats(self) -> None:
        self._control("POST", "stats/reset")

    def reset_limits(self) -> None:
        self._control("POST", "reset-limits")

    def emails(self) -> list:
        return self._control("GET", "emails").json()["data"]

    def clear_emails(self) -> None:
        self._control("DELETE", "emails")

    def reset(self) -> None:
        """Config back to the startup env, fault queue emptied, limits and stats reset."""
        self.reset_config()
        self.clear_faults()
        self.reset_limits()
        self.reset_stats()

    def reseed(self, **overrides) -> str:
        """Flush and re-seed the live server's database (same arguments unless overridden)."""
        args = dict(self.seed_args)
        args.update(overrides)
        out = prepare_db(self.db_path, self.media_root, env=self.env, flush=True, **args)
        self.reset_limits()
        return out

    # -- lifecycle
    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_sandbox(
    tmp_dir, *, env=None, leads=60, contacts=40, seed=42, hostile=False, threads=2, workers=1, startup_timeout=30.0
) -> SandboxServer:
    """migrate + seed a fresh DB in `tmp_dir`, start gunicorn on a free port, wait for health."""
    tmp_dir = Path(tmp_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    db_path, media_root = tmp_dir / "sandbox.sqlite3", tmp_dir / "media"
    seed_args = {"leads": leads, "contacts": contacts, "seed": seed, "hostile": hostile}
    prepare_db(db_path, media_root, env=env, **seed_args)
    e = sandbox_env(db_path, media_root, env)
    port = free_port()
    log_path = tmp_dir / "gunicorn.log"
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sandbox.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--threads",
            str(threads),
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--graceful-timeout",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=str(REPO_ROOT),
        env=e,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    server = SandboxServer(
        base_url=base,
        api_url=f"{base}/api/public-v1",
        key=e["SANDBOX_SECRET_KEY"],
        process=proc,
        db_path=db_path,
        media_root=media_root,
        env=dict(env or {}),
        readonly_key=e.get("SANDBOX_READONLY_KEY", ""),
        seed_args=seed_args,
        log_path=log_path,
    )
    deadline = time.monotonic() + startup_timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"sandbox gunicorn exited ({proc.returncode}):\n{log_path.read_text(errors='replace')}")
        try:
            if requests.get(f"{base}/__sandbox__/health", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"sandbox did not become healthy:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.1)
    return server
