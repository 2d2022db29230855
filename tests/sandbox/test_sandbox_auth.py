import requests

WRITE_BODY = {"first_name": "Ro", "email": "readonly-attempt@example.com"}


def test_missing_key_is_401_with_documented_body(sandbox):
    r = requests.get(sandbox.api_url + "/lead", timeout=10)
    assert r.status_code == 401
    assert r.json() == {"error": "Unauthorized", "message": "Invalid or missing API key.", "status_code": 401}
    assert "X-RateLimit-Limit" in r.headers


def test_wrong_key_is_401(sandbox):
    r = requests.get(sandbox.api_url + "/lead", headers={"X-Secret-Key": "nope"}, timeout=10)
    assert r.status_code == 401
    assert r.json()["error"] == "Unauthorized"


def test_readonly_key_can_read(sandbox):
    r = requests.get(sandbox.api_url + "/lead", headers=sandbox.headers(sandbox.readonly_key), timeout=10)
    assert r.status_code == 200


def test_readonly_key_gets_403_on_writes_and_writes_nothing(sandbox, api):
    r = requests.post(
        sandbox.api_url + "/lead", json=WRITE_BODY, headers=sandbox.headers(sandbox.readonly_key), timeout=10
    )
    assert r.status_code == 403
    assert r.json() == {
        "success": False,
        "error": "Forbidden",
        "message": "This API key does not have permission.",
        "status_code": 403,
    }
    assert api("GET", "/lead", params={"search": WRITE_BODY["email"]}).json()["data"] == []
    r = requests.delete(sandbox.api_url + "/lead/1", headers=sandbox.headers(sandbox.readonly_key), timeout=10)
    assert r.status_code == 403


def test_health_needs_no_key(sandbox):
    r = requests.get(sandbox.base_url + "/__sandbox__/health", timeout=10)
    assert r.status_code == 200 and r.json() == {"ok": True}


def test_control_api_needs_the_key(sandbox):
    assert requests.get(sandbox.base_url + "/__sandbox__/config", timeout=10).status_code == 401
    r = requests.get(sandbox.base_url + "/__sandbox__/stats", headers=sandbox.headers(sandbox.readonly_key), timeout=10)
    assert r.status_code == 401
