"""Retry rules, attempt counting, timeouts, rate-limit headers and the on_call hook."""

from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from crmui.taskip import errors as e

from .conftest import BASE

LEAD = {"msg": "Lead Details", "data": {"id": 1, "first_name": "John"}}


def refused():
    return requests.exceptions.ConnectionError(
        MaxRetryError(None, "/api/public-v1/lead", reason=NewConnectionError(None, "Connection refused"))
    )


def reset():
    return requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer"))
    )


@pytest.mark.parametrize("status", [502, 503, 504, 429])
def test_get_is_retried_on_transient_status_then_raises(client, rsps, calls, sleeps, status):
    rsps.add("GET", BASE + "/lead/1", status=status, json={"message": "busy"})
    with pytest.raises(e.TaskipAPIError) as info:
        client.leads.get(1)
    assert info.value.status == status
    assert len(rsps.calls) == 3  # 1 + max_retries
    assert [c.attempt for c in calls] == [1, 2, 3]
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [502, 503, 504])
def test_get_succeeds_after_a_transient_failure(client, rsps, calls, status):
    rsps.add("GET", BASE + "/lead/1", status=status, body="<html>oops</html>")
    rsps.add("GET", BASE + "/lead/1", status=200, json=LEAD)
    assert client.leads.get(1).first_name == "John"
    assert [(c.status, c.attempt) for c in calls] == [(status, 1), (200, 2)]


@pytest.mark.parametrize(
    "exc, cls",
    [
        (requests.exceptions.ReadTimeout("read timed out"), e.TaskipTimeout),
        (requests.exceptions.ConnectTimeout("connect timed out"), e.TaskipTimeout),
        (refused(), e.TaskipConnectionError),
        (reset(), e.TaskipConnectionError),
    ],
)
def test_get_is_retried_on_timeout_and_connection_errors(client, rsps, calls, sleeps, exc, cls):
    rsps.add("GET", BASE + "/lead/1", body=exc)
    with pytest.raises(cls):
        client.leads.get(1)
    assert len(calls) == 3
    assert all(c.status is None and c.error for c in calls)
    assert len(sleeps) == 2


def test_timeout_is_a_connection_error_subclass():
    assert issubclass(e.TaskipTimeout, e.TaskipConnectionError)


@pytest.mark.parametrize("status", [500, 404, 400, 401, 403, 422])
def test_get_is_not_retried_on_500_or_4xx(client, rsps, sleeps, status):
    rsps.add("GET", BASE + "/lead/1", status=status, json={"message": "no"})
    with pytest.raises(e.TaskipAPIError):
        client.leads.get(1)
    assert len(rsps.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_is_not_retried_on_server_errors(client, rsps, sleeps, status):
    rsps.add("POST", BASE + "/lead", status=status, json={"message": "fail"})
    with pytest.raises(e.ServerError):
        client.leads.create({"first_name": "A", "email": "a@x.io"})
    assert len(rsps.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize("exc", [requests.exceptions.ReadTimeout("read timed out"), reset()])
def test_post_is_not_retried_after_the_request_may_have_been_sent(client, rsps, sleeps, exc):
    rsps.add("POST", BASE + "/lead", body=exc)
    with pytest.raises(e.TaskipConnectionError):
        client.leads.create({"first_name": "A", "email": "a@x.io"})
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_post_is_retried_when_the_connection_was_refused(client, rsps, calls):
    rsps.add("POST", BASE + "/lead", body=refused())
    rsps.add("POST", BASE + "/lead", status=200, json={"msg": "Lead Created", "data": {"id": 9, "first_name": "A"}})
    lead = client.leads.create({"first_name": "A", "email": "a@x.io"})
    assert lead.id == 9
    assert [c.attempt for c in calls] == [1, 2]


def test_post_connect_timeout_is_retried(client, rsps):
    rsps.add("POST", BASE + "/lead", body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(e.TaskipTimeout):
        client.leads.create({"first_name": "A", "email": "a@x.io"})
    assert len(rsps.calls) == 3


def test_refused_connection_gives_up_after_max_retries(client, rsps, sleeps):
    rsps.add("PUT", BASE + "/lead/1", body=refused())
    with pytest.raises(e.TaskipConnectionError) as info:
        client.leads.update(1, {"first_name": "A"})
    assert not isinstance(info.value, e.TaskipTimeout)
    assert len(rsps.calls) == 3
    assert len(sleeps) == 2


def test_post_is_retried_on_429_honouring_retry_after(client, rsps, sleeps):
    rsps.add("POST", BASE + "/lead", status=429, json={"message": "slow down"}, headers={"Retry-After": "2"})
    rsps.add("POST", BASE + "/lead", status=200, json={"msg": "Lead Created", "data": {"id": 3}})
    assert client.leads.create({"first_name": "A", "email": "a@x.io"}).id == 3
    assert sleeps == [2.0]


def test_429_waits_until_ratelimit_reset_when_no_retry_after(client, rsps, sleeps):
    rsps.add("GET", BASE + "/lead/1", status=429, json={}, headers={"X-RateLimit-Reset": str(1_700_000_000 + 4)})
    rsps.add("GET", BASE + "/lead/1", status=200, json=LEAD)
    client.leads.get(1)
    assert sleeps == [4.0]


@pytest.mark.parametrize("headers", [{"Retry-After": "3600"}, {"X-RateLimit-Reset": str(1_700_000_000 + 900)}])
def test_long_retry_after_raises_immediately_without_sleeping(client, rsps, sleeps, headers):
    rsps.add("GET", BASE + "/lead/1", status=429, json={"message": "limit"}, headers=headers)
    with pytest.raises(e.RateLimited) as info:
        client.leads.get(1)
    assert info.value.retry_after > 10
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_backoff_grows_and_is_capped(client, rsps, sleeps):
    client.max_retries = 6
    rsps.add("GET", BASE + "/lead/1", status=503)
    with pytest.raises(e.ServerError):
        client.leads.get(1)
    assert len(sleeps) == 6
    for attempt, s in enumerate(sleeps, start=1):
        full = min(10.0, 0.5 * 2 ** (attempt - 1))
        assert full / 2 <= s <= full


def test_max_retries_zero_means_a_single_attempt(client, rsps):
    client.max_retries = 0
    rsps.add("GET", BASE + "/lead/1", status=503)
    with pytest.raises(e.ServerError):
        client.leads.get(1)
    assert len(rsps.calls) == 1


def test_connect_and_read_timeouts_are_passed_on_every_call(client, rsps):
    rsps.add("GET", BASE + "/lead/1", status=503)
    rsps.add("GET", BASE + "/lead/1", status=200, json=LEAD)
    rsps.add("POST", BASE + "/lead/bulk-delete", json={"msg": "ok"})
    client.leads.get(1)
    client.leads.bulk_delete([1, 2])
    assert len(rsps.calls) == 3
    for call in rsps.calls:
        assert call.request.req_kwargs["timeout"] == (3.05, 15.0)


def test_custom_timeout_is_used(rsps):
    from crmui.taskip import TaskipClient

    c = TaskipClient(BASE, "k", timeout=(1, 2))
    rsps.add("GET", BASE + "/lead/1", json=LEAD)
    c.leads.get(1)
    assert rsps.calls[0].request.req_kwargs["timeout"] == (1, 2)


def test_rate_limit_headers_are_kept_after_every_response(client, rsps):
    assert client.rate_limit is None
    rsps.add(
        "GET",
        BASE + "/lead/1",
        json=LEAD,
        headers={"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "998", "X-RateLimit-Reset": "1700003600"},
    )
    rsps.add(
        "GET",
        BASE + "/lead/2",
        status=404,
        json={"message": "nf"},
        headers={"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "997", "X-RateLimit-Reset": "1700003600"},
    )
    client.leads.get(1)
    assert (client.rate_limit.limit, client.rate_limit.remaining, client.rate_limit.reset) == (1000, 998, 1700003600)
    with pytest.raises(e.NotFound):
        client.leads.get(2)
    assert client.rate_limit.remaining == 997


def test_on_call_gets_one_callinfo_per_attempt(client, rsps, calls):
    rsps.add("GET", BASE + "/lead", status=502)
    rsps.add("GET", BASE + "/lead", json={"message": "ok", "data": [], "links": {"next": None}})
    client.leads.list(search="john")
    assert [(c.method, c.path, c.status, c.attempt, c.error) for c in calls] == [
        ("GET", "/lead", 502, 1, None),
        ("GET", "/lead", 200, 2, None),
    ]
    assert all(c.elapsed_ms >= 0 for c in calls)


def test_a_failing_on_call_callback_does_not_break_the_call(client, rsps):
    def boom(info):
        raise RuntimeError("counter broken")

    client.on_call = boom
    rsps.add("GET", BASE + "/lead/1", json=LEAD)
    assert client.leads.get(1).id == 1


def test_session_has_key_accept_header_and_pool(client, rsps):
    from .conftest import SECRET

    rsps.add("GET", BASE + "/lead/1", json=LEAD)
    client.leads.get(1)
    req = rsps.calls[0].request
    assert req.headers["X-Secret-Key"] == SECRET
    assert req.headers["Accept"] == "application/json"
    assert client._session.get_adapter(BASE)._pool_maxsize == 20
