"""A PostgreSQL cluster and a Redis server of the tests' own, in a temporary directory on free
ports, from Debian's packages (scripts/install-services.sh installs them when absent).

PostgreSQL refuses to run as root, and CI runs as root: initdb and pg_ctl then run as the
``postgres`` system user that the Debian package creates, in a directory it owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sandbox.testing import free_port

REPO = Path(__file__).resolve().parents[2]


def ensure_installed() -> None:
    if _pg_bin() is None or shutil.which("redis-server") is None:
        subprocess.run(["bash", str(REPO / "scripts" / "install-services.sh")], check=True, timeout=900)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _as_postgres(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program as the postgres user when we are root, else as ourselves."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


@dataclass
class Postgres:
    root: Path
    port: int
    bin: Path
    user: str = "crm"
    password: str = "crm-deploy-test-pw"
    database: str = "crm"

    @property
    def url(self) -> str:
        return f"postgres://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        proc = _as_postgres(
            [
                str(self.bin / "psql"),
                "-h",
                str(self.root / "sock"),
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-At",
                "-c",
                sql,
            ]
        )
        if proc.returncode != 0:
            raise RuntimeError(f"psql failed: {proc.stderr}")
        return proc.stdout.strip()

    def stop(self) -> None:
        _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> Postgres:
    bin_dir = _pg_bin()
    assert bin_dir is not None, "PostgreSQL is not installed (scripts/install-services.sh)"
    root = Path(tempfile.mkdtemp(prefix="crm-pg-"))
    (root / "sock").mkdir()
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        for path in (root, root / "sock"):
            os.chown(path, pg.pw_uid, pg.pw_gid)
    pw_file = root / "pw"
    pw_file.write_text(Postgres.password)
    if os.geteuid() == 0:
        os.chown(pw_file, pwd.getpwnam("postgres").pw_uid, pwd.getpwnam("postgres").pw_gid)
    proc = _as_postgres(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(root / "data"),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            f"--pwfile={pw_file}",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]
    )
    if proc.returncode != 0:
        raise RuntimeError(f"initdb failed: {proc.stdout}\n{proc.stderr}")
    port = free_port()
    options = (
        f"-p {port} -k {root / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100 -c shared_buffers=32MB"
    )
    proc = _as_postgres(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(root / "data"),
            "-o",
            options,
            "-l",
            str(root / "postgres.log"),
            "-w",
            "-t",
            "60",
            "start",
        ]
    )
    if proc.returncode != 0:
        log = (root / "postgres.log").read_text(errors="replace") if (root / "postgres.log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {proc.stdout}\n{proc.stderr}\n{log}")
    server = Postgres(root=root, port=port, bin=bin_dir)
    server.psql(f"CREATE ROLE {server.user} LOGIN PASSWORD '{server.password}'")
    server.psql(f"CREATE DATABASE {server.database} OWNER {server.user}")
    return server


@dataclass
class Redis:
    root: Path
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.root, ignore_errors=True)


def start_redis() -> Redis:
    import redis

    root = Path(tempfile.mkdtemp(prefix="crm-redis-"))
    port = free_port()
    log = open(root / "redis.log", "ab")
    proc = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(root),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = Redis(root=root, port=port, process=proc)
    deadline = time.monotonic() + 20
    while True:
        try:
            if redis.Redis(port=port, socket_timeout=1).ping():
                return server
        except redis.RedisError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"redis-server did not start: {(root / 'redis.log').read_text(errors='replace')}")
        time.sleep(0.05)
