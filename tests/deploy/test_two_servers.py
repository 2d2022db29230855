"""Two dashboard servers (separate gunicorn processes, three workers each) on one PostgreSQL and
one Redis, as behind a load balancer: what one server does, the other knows at once."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg

from tests.deploy.conftest import PASSWORD, Visitor, form_fields, manage


def _db(postgres):
    return psycopg.connect(
        host="127.0.0.1",
        port=postgres.port,
        user=postgres.user,
        password=postgres.password,
        dbname=postgres.database,
        autocommit=True,
    )


def test_migrations_ran_once_from_the_release_step_and_no_server_migrates(stack, release, postgres):
    applied = [line for line in release.migrate.stdout.splitlines() if line.strip().startswith("Applying ")]
    assert len(applied) > 10, release.migrate.stdout
    with _db(postgres) as conn:
        rows = conn.execute("SELECT app, name, count(*) FROM django_migrations GROUP BY app, name").fetchall()
    assert len(rows) == len(applied) and all(n == 1 for _, _, n in rows), "each migration recorded once"
    assert {"axes", "accounts", "audit"} <= {app for app, _, _ in rows}
    again = manage(stack.env, "migrate", "--check")
    assert again.returncode == 0, again.stdout + again.stderr  # nothing left to apply
    for proc in stack.web:
        assert "Applying " not in proc.log(), f"{proc.name} must not migrate on start"


def test_check_deploy_is_clean_with_the_reference_settings(release):
    out = release.check.stdout + release.check.stderr
    assert "System check identified no issues" in out and "WARNING" not in out, out


def test_a_session_made_on_a_works_on_b(stack):
    me = Visitor()
    assert me.log_in(stack.a.url, "sales1").status_code == 302
    on_b = me.get(f"{stack.b.url}/settings/")
    assert on_b.status_code == 200, "signed in on A, B knows the session"
    assert "sales1" in on_b.text
    token = me.csrf(stack.b.url, "/settings/")
    assert me.post(f"{stack.b.url}/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert me.get(f"{stack.a.url}/settings/").status_code == 302, "logged out on B, A knows too"


def test_a_write_on_a_is_seen_at_once_on_b(stack, deploy_sandbox):
    word = f"Dpl{uuid.uuid4().hex[:6]}"
    lead = deploy_sandbox.create_lead(first_name=word, last_name="Before")
    me = Visitor()
    assert me.log_in(stack.a.url, "admin1").status_code == 302
    detail = f"/leads/{lead['id']}/"
    for server in (stack.a, stack.b):  # both servers hold the lead in the shared cache
        page = me.get(server.url + detail)
        assert page.status_code == 200 and f"{word} Before" in page.text
    edit = me.get(f"{stack.a.url}{detail}edit/")
    fields = [(k, v) for k, v in form_fields(edit.text, "/edit/") if k != "last_name"] + [("last_name", "After")]
    saved = me.post(f"{stack.a.url}{detail}edit/", fields)
    assert saved.status_code in (302, 303), saved.text[:2000]
    assert deploy_sandbox.api("GET", f"/lead/{lead['id']}").json()["data"]["last_name"] == "After"
    landed = me.get(stack.a.url + saved.headers["Location"])  # the browser follows the redirect (and reads the flash)
    assert landed.status_code == 200
    on_b = me.get(stack.b.url + detail)
    assert f"{word} After" in on_b.text and f"{word} Before" not in on_b.text, "B shows A's write at once"


def test_lockout_is_exact_across_both_servers_under_a_burst_of_20(stack, postgres):
    """20 wrong passwords at once, spread over both servers and all their workers: exactly
    LOGIN_FAILURE_LIMIT (5) are checked, the rest refused unchecked; then the right password is
    refused on both servers."""
    address = "198.51.100.23"
    visitors = [Visitor(address) for _ in range(20)]
    servers = [stack.a if i % 2 == 0 else stack.b for i in range(20)]
    tokens = [v.csrf(s.url) for v, s in zip(visitors, servers)]

    def guess(i):
        r = visitors[i].post(
            f"{servers[i].url}/login/",
            {"username": "victim", "password": f"wrong-{i}", "csrfmiddlewaretoken": tokens[i]},
        )
        return r.status_code, r.text

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(guess, range(20)))
    assert all(status == 200 for status, _ in answers)
    assert all("_auth_user_id" not in text for _, text in answers)
    with _db(postgres) as conn:
        checked = conn.execute(
            "SELECT count(*) FROM audit_auditentry WHERE username = 'victim' AND action = 'login.failed'"
        ).fetchone()[0]
        refused = conn.execute(
            "SELECT count(*) FROM audit_auditentry WHERE username = 'victim' AND action = 'login.locked'"
        ).fetchone()[0]
        lockouts = conn.execute(
            "SELECT count(*) FROM audit_auditentry WHERE username = 'victim' AND action = 'login.lockout'"
        ).fetchone()[0]
        counted = conn.execute(
            "SELECT sum(failures_since_start) FROM axes_accessattempt WHERE username = 'victim'"
        ).fetchone()[0]
    assert checked == 5, f"{checked} passwords were checked; the limit is 5"
    assert refused == 15 and counted == 5 and lockouts >= 1
    locked_messages = sum("Too many failed login attempts" in text for _, text in answers)
    assert locked_messages >= 15
    for server in (stack.a, stack.b):
        right = Visitor(address).log_in(server.url, "victim")
        assert right.status_code == 200 and "Too many failed login attempts" in right.text
    other_address = Visitor("198.51.100.24").log_in(stack.b.url, "victim")
    assert other_address.status_code == 302, "another address is not locked out"


def test_healthz_on_each_server_reports_the_shared_parts(stack):
    for server in stack.web:
        body = Visitor().get(f"{server.url}/healthz").json()
        assert body["ok"] is True and body["database"] == "ok" and body["cache"] == "ok", body
        assert body["jobs"]["queue"] == "ok" and body["jobs"]["waiting"] >= 0, body
        assert body["taskip"]["last_answer"] in ("ok", "none yet"), body


def test_each_server_logs_one_json_line_per_request_and_a_refusal_without_traceback(stack):
    me = Visitor()
    assert me.log_in(stack.b.url, "sales1").status_code == 302
    before = len(stack.b.log_lines())
    marker = f"/settings/audit/?n={uuid.uuid4().hex[:6]}"
    assert me.get(stack.b.url + marker).status_code == 403
    assert me.get(f"{stack.b.url}/leads/").status_code == 200
    new = [line for line in stack.b.log_lines()[before:] if line.strip()]
    requests_logged = [json.loads(line) for line in new if line.startswith("{") and '"crmui.request"' in line]
    assert [(r["method"], r["path"], r["status"]) for r in requests_logged] == [
        ("GET", "/settings/audit/", 403),
        ("GET", "/leads/", 200),
    ]
    assert requests_logged[1]["upstream_calls"] >= 0 and requests_logged[1]["total_ms"] >= 0
    assert "Forbidden" in requests_logged[0]["reason"]
    assert not any("Traceback" in line or "PermissionDenied" in line for line in new), new
    assert all(line.startswith("{") for line in new), "every line is JSON"
    assert PASSWORD not in stack.b.log()


def test_a_graceful_reload_of_one_server_drops_no_request(stack):
    """Upgrades restart servers one at a time: HUP reloads gunicorn's workers while requests go on."""
    import os
    import signal
    import time

    me = Visitor()
    assert me.log_in(stack.a.url, "sales1").status_code == 302
    workers_before = _worker_pids(stack.a.popen.pid)
    os.kill(stack.a.popen.pid, signal.SIGHUP)
    statuses = []
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        statuses.append(me.get(f"{stack.a.url}/settings/").status_code)
    assert statuses and set(statuses) == {200}, statuses
    for _ in range(75):  # the old workers finish what they were doing, then leave
        workers_after = _worker_pids(stack.a.popen.pid)
        if len(workers_after) == 3 and not (workers_before & workers_after):
            break
        time.sleep(0.2)
    assert len(workers_after) == 3 and not (workers_before & workers_after), "every worker was replaced"
    assert me.get(f"{stack.b.url}/settings/").status_code == 200


def _worker_pids(master: int) -> set[int]:
    from pathlib import Path

    try:
        return {int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()}
    except OSError:
        return set()
