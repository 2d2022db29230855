"""The secret key never shows up in a repr, an exception or a log line."""

from __future__ import annotations

import logging
import pickle

import pytest
import requests

from crmui.taskip import Lead, Page, TaskipClient
from crmui.taskip import errors as e

from .conftest import BASE, SECRET


def test_client_repr_hides_the_key(client):
    assert repr(client) == f"TaskipClient(base_url='{BASE}', secret_key='***')"
    assert SECRET not in repr(client) and SECRET not in str(client)


def test_session_headers_repr_hides_the_key(client):
    assert SECRET not in repr(client._session.headers)
    assert SECRET not in repr(vars(client))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 502])
def test_errors_never_contain_the_key_even_when_the_server_echoes_it(client, rsps, caplog, status):
    caplog.set_level(logging.DEBUG)
    client.max_retries = 0
    rsps.add(
        "GET",
        BASE + "/lead/1",
        status=status,
        json={
            "error": f"bad key {SECRET}",
            "message": f"Key {SECRET} is invalid",
            "errors": {"key": [f"{SECRET} expired"]},
        },
    )
    with pytest.raises(e.TaskipAPIError) as info:
        client.leads.get(1)
    err = info.value
    for text in (str(err), repr(err), err.message, repr(err.errors), repr(err.body), str(err.error_type)):
        assert SECRET not in text
    assert "***" in err.message
    assert SECRET not in caplog.text


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.ConnectionError(f"could not connect with {SECRET}"),
        requests.exceptions.ReadTimeout(f"read timeout {SECRET}"),
        requests.exceptions.ConnectTimeout(f"connect timeout {SECRET}"),
        requests.exceptions.ChunkedEncodingError(f"cut {SECRET}"),
    ],
)
def test_transport_errors_never_contain_the_key(client, rsps, caplog, calls, exc):
    caplog.set_level(logging.DEBUG)
    rsps.add("GET", BASE + "/lead/1", body=exc)
    with pytest.raises(e.TaskipError) as info:
        client.leads.get(1)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)
    assert info.value.__suppress_context__  # the requests exception (with its headers) is not chained
    assert SECRET not in caplog.text
    assert all(SECRET not in repr(c) for c in calls)


def test_malformed_response_never_contains_the_key(client, rsps):
    rsps.add("GET", BASE + "/lead/1", body=f"<html>{SECRET}</html>")
    with pytest.raises(e.MalformedResponse) as info:
        client.leads.get(1)
    assert SECRET not in str(info.value)


def test_one_log_line_per_call_with_method_path_status_ms_attempt_and_no_key(client, rsps, caplog):
    caplog.set_level(logging.DEBUG, logger="crmui.taskip")
    rsps.add("GET", BASE + "/lead", status=503)
    rsps.add("GET", BASE + "/lead", json={"message": "ok", "data": [], "links": {"next": None}})
    client.leads.list(search="x")
    records = [r for r in caplog.records if r.name == "crmui.taskip"]
    assert len(records) == 2
    assert "GET /lead status=503" in records[0].getMessage() and "attempt=1" in records[0].getMessage()
    assert "GET /lead status=200" in records[1].getMessage() and "attempt=2" in records[1].getMessage()
    assert "ms=" in records[1].getMessage()
    assert SECRET not in caplog.text


def test_key_is_still_sent_in_the_header(client, rsps):
    rsps.add("GET", BASE + "/lead/1", json={"msg": "x", "data": {"id": 1}})
    client.leads.get(1)
    assert rsps.calls[0].request.headers["X-Secret-Key"] == SECRET
    assert SECRET not in rsps.calls[0].request.url


def test_resources_are_picklable_for_the_cache():
    lead = Lead.from_api({"id": 1, "first_name": "A", "value": "1.5", "statuses": [{"id": 2, "type": 1}]})
    page = Page((lead,), 1, 10, False, {"search": "a"})
    assert pickle.loads(pickle.dumps(page)) == page


def test_invalid_base_url_is_rejected():
    with pytest.raises(ValueError):
        TaskipClient("ftp://x", "k")
