"""The same submission posted 10 times at once, spread over two gunicorn worker processes,
makes ONE record (crmui/writes.py claims the form's token with a unique row in the shared
database; each worker has its own in-process cache, so a cache-based claim could not do it)."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bench.serve import start_dashboard

_PID = re.compile(r"crmui.request POST \S+ \d+ .*? pid=(\d+)")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def dashboard2(sandbox, tmp_path):
    sandbox.reset()
    # no shared cache on purpose (each worker its own local memory): the claim must not need one
    dash = start_dashboard(
        tmp_path / "dash",
        sandbox,
        workers=2,
        threads=8,
        env={"CACHE_URL": "locmemcache://", "LOG_LEVEL": "INFO"},
        users={"admin1": "Admin"},
    )
    yield dash
    dash.stop()


def _post_ten(dash, session, path, data, files=None):
    """The same form 10 times at once on fresh connections; returns the answers and the pids."""
    before = len(dash.log_text())
    cookies = session.cookies.get_dict()
    page = session.get(f"{dash.url}{path}", timeout=30)
    token = (_CSRF.search(page.text) or _CSRF.search(session.get(f"{dash.url}/", timeout=30).text)).group(1)
    body = {**data, "csrfmiddlewaretoken": token}

    def one(_):
        return requests.post(
            f"{dash.url}{path}",
            data=body,
            files={name: (fn, content, ctype) for name, (fn, content, ctype) in (files or {}).items()} or None,
            cookies=cookies,
            allow_redirects=False,
            timeout=90,
            headers={"Connection": "close", "Referer": f"{dash.url}/"},
        )

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(one, range(10)))
    return answers, set(_PID.findall(dash.log_text()[before:]))


def test_ten_parallel_posts_of_one_submission_make_one_record_each(dashboard2, sandbox):
    s = dashboard2.session("admin1")
    sandbox.config(latency_ms=300)  # the first write is still running when the others arrive
    try:
        tag = uuid.uuid4().hex[:8]
        pids: set[str] = set()

        # a lead
        email = f"par-{tag}@example.com"
        answers, p = _post_ten(
            dashboard2,
            s,
            "/leads/new/",
            {"first_name": "Par", "last_name": tag, "email": email, "currency": "USD", "idem_token": f"lead-{tag}"},
        )
        pids |= p
        assert all(a.status_code in (302, 303) for a in answers), [a.status_code for a in answers]
        leads = [
            x
            for x in sandbox.api("GET", "/lead", params={"search": email, "item": 0}).json()["data"]
            if x["email"] == email
        ]
        assert len(leads) == 1
        assert len({a.headers["Location"] for a in answers}) == 1  # everyone is sent to that one lead

        # a note on it
        lead_id = leads[0]["id"]
        text = f"Parallel note {tag}"
        answers, p = _post_ten(
            dashboard2, s, f"/leads/{lead_id}/notes/add/", {"title": "Call", "note": text, "token": f"note-{tag}"}
        )
        pids |= p
        notes = [n for n in sandbox.api("GET", f"/lead/notes/{lead_id}").json()["data"] if n["note"] == text]
        assert len(notes) == 1

        # a file on it (the upload script's request: one file and its token)
        fname = f"par-{tag}.txt"
        answers, p = _post_ten(
            dashboard2,
            s,
            f"/leads/{lead_id}/files/upload/",
            {"idem_token": f"file-{tag}"},
            files={"file": (fname, b"one upload, sent ten times", "text/plain")},
        )
        pids |= p
        assert all(a.status_code in (200, 303) for a in answers), [a.status_code for a in answers]
        held = [f for f in sandbox.api("GET", f"/lead/files/{lead_id}", params={"item": 100}).json()["data"]]
        assert [f["title"] for f in held].count(fname) == 1

        # a contact
        cemail = f"parc-{tag}@example.com"
        answers, p = _post_ten(
            dashboard2,
            s,
            "/contacts/new/",
            {"first_name": "Par", "last_name": tag, "email": cemail, "idem": f"contact-{tag}"},
        )
        pids |= p
        contacts = [
            c for c in sandbox.api("GET", "/contact", params={"search": cemail}).json()["data"] if c["email"] == cemail
        ]
        assert len(contacts) == 1

        # a status
        name = f"Par {tag}"
        answers, p = _post_ten(
            dashboard2,
            s,
            "/settings/pipeline/statuses/add/",
            {"name": name, "color": "#3498db", "token": f"status-{tag}"},
        )
        pids |= p
        statuses = [
            a
            for a in sandbox.api("GET", "/lead-attribute", params={"type": 1, "item": 100}).json()["data"]
            if a["name"] == name
        ]
        assert len(statuses) == 1
        assert len(pids) == 2, f"both workers should have taken some of the posts, saw {pids}"
    finally:
        sandbox.config(latency_ms=0)
