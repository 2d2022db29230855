"""Two gunicorn workers sharing one cache (a file cache here; Redis in production) see each
other's cached reads and invalidations."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bench.serve import start_dashboard
from tests.conftest import wait_for

_PID = re.compile(r"crmui.request GET /leads/ 200 .*? pid=(\d+)")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def dashboard2(sandbox, tmp_path):
    sandbox.reset()
    dash = start_dashboard(
        tmp_path / "dash",
        sandbox,
        workers=2,
        threads=4,
        env={"CACHE_URL": f"filecache://{tmp_path / 'cache'}", "LOG_LEVEL": "INFO"},
        users={"admin1": "Admin"},
    )
    yield dash
    dash.stop()


def _burst(dash, cookies, q, n=16):
    """n list views at once on fresh connections (so both workers take some); returns
    [(html, upstream_calls)] and the worker pids that served them."""
    before = len(dash.log_text())

    def one(_):
        r = requests.get(
            f"{dash.url}/leads/", params={"q": q}, cookies=cookies, headers={"Connection": "close"}, timeout=30
        )
        assert r.status_code == 200
        return r.text, int(r.headers["X-Upstream-Calls"])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(n)))
    pids = set(_PID.findall(dash.log_text()[before:]))
    return results, pids


def _burst_until_both_workers(dash, cookies, q):
    results, pids = [], set()
    for _ in range(6):
        r, p = _burst(dash, cookies, q)
        results += r
        pids |= p
        if len(pids) >= 2:
            break
    assert len(pids) == 2, f"both workers should have served list views, saw {pids}"
    return results


def test_two_workers_share_cached_reads_and_invalidations(dashboard2, sandbox):
    s = dashboard2.session("admin1")
    cookies = s.cookies.get_dict()
    word = f"Mpz{uuid.uuid4().hex[:8]}"

    def shows_lead(html):
        return f"{word} Shared" in html

    first = s.get(f"{dashboard2.url}/leads/", params={"q": word}, timeout=30)
    assert not shows_lead(first.text) and int(first.headers["X-Upstream-Calls"]) >= 1

    # both workers answer from the one shared cache: no further TaskIP calls
    results = _burst_until_both_workers(dashboard2, cookies, word)
    assert not any(shows_lead(html) for html, _ in results)
    assert sum(calls for _, calls in results) == 0

    # a lead appears in TaskIP behind the dashboard's back: the cached answer still stands
    created = sandbox.api(
        "POST", "/lead", json={"first_name": word, "last_name": "Shared", "email": f"{word.lower()}@example.com"}
    )
    assert created.status_code in (200, 201)
    results = _burst_until_both_workers(dashboard2, cookies, word)
    assert not any(shows_lead(html) for html, _ in results)

    # a write through the dashboard (whichever worker takes it) invalidates for every worker
    page = s.get(f"{dashboard2.url}/settings/budget/", timeout=30)
    token = _CSRF.search(page.text).group(1)
    r = s.post(
        f"{dashboard2.url}/settings/budget/",
        data={"action": "forget-cache", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{dashboard2.url}/settings/budget/"},
        timeout=30,
    )
    assert r.status_code == 200 and "Saved copies forgotten" in r.text

    # the next view reads TaskIP again; once one view has the fresh copy in the shared cache,
    # every worker serves it without a call
    again = s.get(f"{dashboard2.url}/leads/", params={"q": word}, timeout=30)
    assert shows_lead(again.text) and int(again.headers["X-Upstream-Calls"]) >= 1
    wait_for(
        lambda: s.get(f"{dashboard2.url}/leads/", params={"q": word}, timeout=30).headers["X-Upstream-Calls"] == "0",
        30,
        "a view served from the shared cache",
    )
    results = _burst_until_both_workers(dashboard2, cookies, word)
    assert all(shows_lead(html) for html, _ in results), "every worker shows the new lead"
    assert sum(calls for _, calls in results) == 0, [c for _, c in results]
