"""Operations: one log line per request (JSON on request), refusals without a traceback,
``Cache-Control: private, no-store`` on pages with customer data, /healthz."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from django.urls import reverse

from crmui.ops import logging_config

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output(settings):
    """The log lines the configured console handler writes while the test runs; ``fmt`` as in
    LOG_FORMAT."""
    streams = []

    def configure(fmt="plain"):
        logging.config.dictConfig(logging_config("INFO", fmt))
        stream = io.StringIO()
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.get_name() == "console":
                handler.setStream(stream)
        streams.append(stream)
        return stream

    yield configure
    logging.config.dictConfig(settings.LOGGING)


def test_a_refused_request_logs_one_line_and_no_traceback(sales_client, log_output):
    out = log_output()
    response = sales_client.get(reverse("audit:list") if _has("audit:list") else "/settings/audit/")
    assert response.status_code == 403
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in out.getvalue() and "PermissionDenied" not in out.getvalue()
    assert "WARNING crmui.request GET /settings/audit/ 403 upstream_calls=0" in lines[0]
    assert "reason='Forbidden (Permission denied): /settings/audit/" in lines[0]


def test_a_csrf_refusal_logs_one_line(client, sales_user, log_output):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(sales_user)
    out = log_output()
    assert strict.post(reverse("logout")).status_code == 403
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "POST /logout/ 403" in lines[0] and "CSRF" in lines[0]


def test_each_request_is_one_json_line_with_its_upstream_calls(sales_client, use_sandbox, log_output):
    out = log_output("json")
    response = sales_client.get(reverse("leads:list"), {"q": "someone@example.com"})
    assert response.status_code == 200
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    line = json.loads(lines[0])
    assert line["logger"] == "crmui.request" and line["level"] == "INFO"
    assert line["method"] == "GET" and line["path"] == "/leads/" and line["status"] == 200
    assert line["upstream_calls"] == int(response["X-Upstream-Calls"]) >= 1
    # its calls run at the same time: the page takes at least its longest, not their sum
    assert line["upstream_ms"] >= line["upstream_longest_ms"] > 0 and line["user_id"] is not None
    assert line["total_ms"] >= line["upstream_longest_ms"]
    assert "someone" not in lines[0], "the query string (names, emails) is never logged"


def _has(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
        return True
    except NoReverseMatch:
        return False


# --- Cache-Control --------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/leads/", "/settings/", "/settings/audit/", "/contacts/"])
def test_pages_of_a_signed_in_person_are_private_and_not_stored(admin_client_, use_sandbox, url):
    response = admin_client_.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives and "public" not in directives


def test_an_htmx_partial_is_private_too(admin_client_, use_sandbox):
    response = admin_client_.get("/leads/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}


# --- /healthz -------------------------------------------------------------------------------
def test_healthz_needs_no_login_calls_no_upstream_and_reports_the_last_taskip_answer(client, sales_client, use_sandbox):
    from django.test import Client

    anonymous = Client()
    before = anonymous.get("/healthz")
    assert before.status_code == 200 and before["X-Upstream-Calls"] == "0"
    body = before.json()
    assert body["ok"] is True and body["database"] == "ok" and body["cache"] == "ok"
    assert body["taskip"] == {"last_answer": "none yet"} and "queue" in body["jobs"]
    assert sales_client.get("/leads/").status_code == 200  # the dashboard hears from TaskIP
    after = anonymous.get("/healthz").json()
    assert after["taskip"]["last_answer"] == "ok" and after["taskip"]["requests_left"] > 0
    assert use_sandbox.key not in str(after) and "secret" not in str(after).lower()


def test_healthz_says_when_taskip_refused_the_key(client, use_sandbox, settings, sales_client):
    from crmui import api

    settings.TASKIP_SECRET_KEY = "not-the-key"
    api.reset_client()
    sales_client.get("/leads/")
    body = client.get("/healthz").json()
    assert body["taskip"]["last_answer"] == "unauthorized" and "not-the-key" not in str(body)
