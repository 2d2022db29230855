"""Status → exception mapping, malformed bodies, error message fallbacks."""

from __future__ import annotations

import pytest

from crmui.taskip import errors as e

from .conftest import BASE


def _err(client, rsps, status, **kw):
    rsps.add("DELETE", BASE + "/lead/7", status=status, **kw)
    with pytest.raises(e.TaskipError) as info:
        client.leads.delete(7)
    return info.value


@pytest.mark.parametrize(
    "status, cls",
    [
        (400, e.BadRequest),
        (401, e.AuthenticationError),
        (403, e.PermissionDenied),
        (404, e.NotFound),
        (409, e.Conflict),
        (422, e.ValidationError),
        (429, e.RateLimited),
        (500, e.ServerError),
        (502, e.ServerError),
        (503, e.ServerError),
        (504, e.ServerError),
        (418, e.TaskipAPIError),
    ],
)
def test_each_status_maps_to_its_exception_class(client, rsps, status, cls):
    err = _err(
        client, rsps, status, json={"success": False, "error": "Boom", "message": "It broke", "status_code": status}
    )
    assert type(err) is cls
    assert isinstance(err, e.TaskipAPIError)
    assert err.status == status
    assert err.message == "It broke"
    assert err.error_type == "Boom"
    assert err.body["status_code"] == status


def test_401_body_from_facts_is_parsed(client, rsps):
    err = _err(client, rsps, 401, json={"error": "Unauthorized", "message": "Invalid API key", "status_code": 401})
    assert isinstance(err, e.AuthenticationError)
    assert err.message == "Invalid API key"


def test_422_carries_field_errors(client, rsps):
    err = _err(
        client,
        rsps,
        422,
        json={
            "success": False,
            "error": "Validation Error",
            "message": "The given data was invalid",
            "errors": {"email": ["The email field is required."], "first_name": "The first name field is required."},
            "status_code": 422,
        },
    )
    assert isinstance(err, e.ValidationError)
    assert err.errors == {
        "email": ["The email field is required."],
        "first_name": ["The first name field is required."],
    }


def test_409_without_errors_puts_message_under_email(client, rsps):
    err = _err(client, rsps, 409, json={"message": "Email already exists"})
    assert isinstance(err, e.Conflict)
    assert err.errors == {"email": ["Email already exists"]}


def test_409_with_errors_keeps_them(client, rsps):
    err = _err(client, rsps, 409, json={"message": "dup", "errors": {"email": ["taken"]}})
    assert err.errors == {"email": ["taken"]}


def test_msg_is_accepted_instead_of_message(client, rsps):
    err = _err(client, rsps, 404, json={"msg": "Lead not found"})
    assert err.message == "Lead not found"


def test_html_502_gets_a_fallback_message(client, rsps):
    rsps.add("POST", BASE + "/lead", status=502, body="<html><body>Bad Gateway</body></html>", content_type="text/html")
    with pytest.raises(e.ServerError) as info:
        client.leads.create({"first_name": "A", "email": "a@x.io"})
    assert info.value.status == 502
    assert "502" in info.value.message
    assert info.value.body is None
    assert info.value.errors == {}


def test_error_with_empty_body_gets_fallback_message(client, rsps):
    err = _err(client, rsps, 403, body="")
    assert isinstance(err, e.PermissionDenied)
    assert err.message == "The API key is not allowed to do this."


def test_429_retry_after_from_retry_after_header(client, rsps):
    err = _err(client, rsps, 429, json={"message": "Too Many Requests"}, headers={"Retry-After": "30"})
    assert isinstance(err, e.RateLimited)
    assert err.retry_after == 30.0


def test_429_retry_after_from_ratelimit_reset_header(client, rsps):
    err = _err(client, rsps, 429, json={"message": "Too Many"}, headers={"X-RateLimit-Reset": str(1_700_000_000 + 120)})
    assert err.retry_after == 120.0


def test_429_without_headers_has_no_retry_after(client, rsps):
    rsps.add("DELETE", BASE + "/lead/7", status=429, json={})
    client.max_retries = 0
    with pytest.raises(e.RateLimited) as info:
        client.leads.delete(7)
    assert info.value.retry_after is None


def test_malformed_json_on_2xx_raises_malformed_response(client, rsps):
    rsps.add("GET", BASE + "/lead/1", status=200, body="not json {", content_type="application/json")
    with pytest.raises(e.MalformedResponse):
        client.leads.get(1)


def test_truncated_json_on_2xx_raises_malformed_response(client, rsps):
    rsps.add(
        "GET",
        BASE + "/lead/1",
        status=200,
        body='{"msg": "Lead Details", "data": {"id": 1, "first_na',
        content_type="application/json",
    )
    with pytest.raises(e.MalformedResponse):
        client.leads.get(1)


def test_html_on_2xx_raises_malformed_response(client, rsps):
    rsps.add("GET", BASE + "/lead", status=200, body="<html>login</html>", content_type="text/html")
    with pytest.raises(e.MalformedResponse):
        client.leads.list()


@pytest.mark.parametrize("payload", [[{"id": 1}], {"msg": "Lead Details"}, {"msg": "x", "data": [1, 2]}, "string"])
def test_2xx_of_the_wrong_shape_raises_malformed_response(client, rsps, payload):
    rsps.add("GET", BASE + "/lead/1", status=200, json=payload)
    with pytest.raises(e.MalformedResponse):
        client.leads.get(1)


def test_list_whose_data_is_not_a_list_raises_malformed_response(client, rsps):
    rsps.add("GET", BASE + "/lead", status=200, json={"message": "ok", "data": {"id": 1}})
    with pytest.raises(e.MalformedResponse):
        client.leads.list()


def test_redirect_is_not_followed_and_raises(client, rsps):
    rsps.add("GET", BASE + "/lead/1", status=302, headers={"Location": "http://evil.example/steal"})
    with pytest.raises(e.TaskipAPIError) as info:
        client.leads.get(1)
    assert info.value.status == 302
    assert len(rsps.calls) == 1


def test_error_from_response_is_usable_directly():
    import requests

    r = requests.Response()
    r.status_code = 422
    r._content = b'{"message": "bad", "errors": {"email": ["x"]}}'
    err = e.error_from_response(r)
    assert isinstance(err, e.ValidationError) and err.errors == {"email": ["x"]}
