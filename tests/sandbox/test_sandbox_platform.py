"""Rate limits, fault injection, the fail-next queue, latency, stats and routing."""

import json
import time

import pytest
import requests


def lead_exists(api, email):
    return bool(api("GET", "/lead", params={"search": email}).json()["data"])


# ------------------------------------------------------------------ rate limits
def test_every_response_carries_rate_limit_headers(api, sandbox):
    sandbox.config(rate_limit=1000)
    r1 = api("GET", "/lead")
    r2 = api("GET", "/lead/999999")
    for r in (r1, r2):
        assert r.headers["X-RateLimit-Limit"] == "1000"
        assert int(r.headers["X-RateLimit-Reset"]) > time.time()
    assert int(r2.headers["X-RateLimit-Remaining"]) == int(r1.headers["X-RateLimit-Remaining"]) - 1


def test_hourly_budget_gives_429_with_retry_after(api, sandbox):
    sandbox.config(rate_limit=3)
    assert [api("GET", "/lead-attribute").status_code for _ in range(3)] == [200, 200, 200]
    r = api("GET", "/lead-attribute")
    assert r.status_code == 429
    assert r.json()["error"] == "Too Many Requests" and r.json()["status_code"] == 429 and r.json()["success"] is False
    assert 0 < int(r.headers["Retry-After"]) <= 3600
    assert r.headers["X-RateLimit-Remaining"] == "0"
    sandbox.reset_limits()
    assert api("GET", "/lead-attribute").status_code == 200


def test_burst_limit_gives_429(api, sandbox):
    sandbox.config(burst_limit=2)
    codes = [api("GET", "/lead-attribute").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # a small burst window: Retry-After is within the minute
    assert 0 < int(api("GET", "/lead-attribute").headers["Retry-After"]) <= 60


def test_unlimited_still_sends_headers(api, sandbox):
    sandbox.config(rate_limit=0, burst_limit=0)
    r = api("GET", "/lead-attribute")
    assert r.status_code == 200 and int(r.headers["X-RateLimit-Limit"]) > 0 and "X-RateLimit-Remaining" in r.headers


# ------------------------------------------------------------------ random faults
def test_fault_500_is_json(api, sandbox):
    sandbox.config(fault_rate=1, fault_kinds=["500"])
    r = api("GET", "/lead")
    assert r.status_code == 500 and r.json()["status_code"] == 500


def test_fault_502_is_html(api, sandbox):
    sandbox.config(fault_rate=1, fault_kinds="502")
    r = api("GET", "/lead")
    assert r.status_code == 502 and r.headers["Content-Type"].startswith("text/html") and "<html>" in r.text


def test_fault_malformed_is_200_with_cut_json(api, sandbox):
    sandbox.config(fault_rate=1, fault_kinds=["malformed"])
    r = api("GET", "/lead")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        json.loads(r.text)


def test_fault_hang_times_out_the_client(sandbox):
    sandbox.config(fault_rate=1, fault_kinds=["hang"], hang_seconds=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(sandbox.api_url + "/lead", headers=sandbox.headers(), timeout=0.5)


def test_fault_429_has_retry_after(api, sandbox):
    sandbox.config(fault_rate=1, fault_kinds=["429"])
    r = api("GET", "/lead")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0 and r.json()["error"] == "Too Many Requests"


def test_fault_rate_zero_means_no_faults(api, sandbox):
    sandbox.config(fault_rate=0)
    assert all(api("GET", "/lead-attribute").status_code == 200 for _ in range(5))


def test_config_rejects_unknown_fault_kinds(sandbox):
    r = requests.post(
        sandbox.base_url + "/__sandbox__/config", json={"fault_kinds": ["boom"]}, headers=sandbox.headers(), timeout=10
    )
    assert r.status_code == 422


@pytest.mark.parametrize("kind", ["500", "502", "malformed", "hang", "429"])
def test_faulted_write_writes_nothing(api, sandbox, unique_email, kind):
    sandbox.config(fault_rate=1, fault_kinds=[kind], hang_seconds=1)
    email = unique_email("fault")
    try:
        r = requests.post(
            sandbox.api_url + "/lead", json={"first_name": "F", "email": email}, headers=sandbox.headers(), timeout=0.5
        )
        assert r.status_code != 200 or kind == "malformed"
    except requests.exceptions.ReadTimeout:
        assert kind == "hang"
    sandbox.config(fault_rate=0)
    if kind == "hang":
        time.sleep(0.7)  # let the hung request finish on the server
    assert not lead_exists(api, email)


# ------------------------------------------------------------------ fail-next
def test_fail_next_queue_matches_method_and_path(api, sandbox, unique_email):
    sandbox.fail_next(500, count=2, path_contains="/lead", method="POST")
    sandbox.fail_next("malformed", count=1, path_contains="/contact")
    assert api("GET", "/lead").status_code == 200  # GET does not match the first entry
    email = unique_email()
    assert api("POST", "/lead", json={"first_name": "Q", "email": email}).status_code == 500
    assert api("POST", "/lead", json={"first_name": "Q", "email": email}).status_code == 500
    r = api("GET", "/contact")
    assert r.status_code == 200 and r.text.startswith("{") and not r.text.endswith("}")
    assert api("POST", "/lead", json={"first_name": "Q", "email": email}).status_code == 200
    assert api("GET", "/contact").json()["message"]


@pytest.mark.parametrize("status,expected", [(502, 502), ("429", 429), ("hang", None)])
def test_fail_next_each_kind(api, sandbox, status, expected):
    sandbox.config(hang_seconds=1)
    sandbox.fail_next(status, path_contains="/lead-attribute")
    if expected is None:
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(sandbox.api_url + "/lead-attribute", headers=sandbox.headers(), timeout=0.4)
        time.sleep(0.7)
    else:
        assert api("GET", "/lead-attribute").status_code == expected
    assert api("GET", "/lead-attribute").status_code == 200


# ------------------------------------------------------------------ latency, stats, routing
def test_latency_is_added(api, sandbox):
    sandbox.config(latency_ms=300)
    t = time.monotonic()
    api("GET", "/lead-attribute")
    assert time.monotonic() - t >= 0.3


def test_stats_count_calls_by_pattern(api, sandbox):
    sandbox.reset_stats()
    api("GET", "/lead/1")
    api("GET", "/lead/2")
    api("GET", "/lead")
    requests.get(sandbox.api_url + "/lead", timeout=10)  # 401 counts too
    s = sandbox.stats()
    assert s["total"] == 4
    assert s["by_endpoint"] == {"GET /lead/{id}": 2, "GET /lead": 2}
    sandbox.reset_stats()
    assert sandbox.stats()["total"] == 0


def test_config_roundtrip(sandbox):
    cfg = sandbox.config(latency_ms=5, mail_connected=False)
    assert cfg["latency_ms"] == 5 and cfg["mail_connected"] is False
    assert sandbox.config()["latency_ms"] == 5
    cfg = sandbox.reset_config()
    assert cfg["latency_ms"] == 0 and cfg["mail_connected"] is True
    assert set(cfg) >= {
        "latency_ms",
        "fault_rate",
        "fault_kinds",
        "hang_seconds",
        "mail_connected",
        "rate_limit",
        "burst_limit",
        "max_upload_mb",
    }


def test_unknown_route_is_404_and_wrong_method_405(api):
    r = api("GET", "/nothing-here")
    assert r.status_code == 404 and r.json()["error"] == "Not Found"
    r = api("DELETE", "/lead")
    assert r.status_code == 405
