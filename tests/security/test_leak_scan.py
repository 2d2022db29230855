"""The suite-wide secret scan (tests/conftest.py `_secret_leak_scan`) catches a key that
reaches a response body, a header or a log line — and the real pages never send it."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

pytestmark = pytest.mark.django_db


@login_not_required
def _leaky_body(request):
    from django.conf import settings

    return HttpResponse(f"debug: key={settings.TASKIP_SECRET_KEY}")


def _leaky_header(request):
    from django.conf import settings

    response = HttpResponse("ok")
    response["X-Debug"] = settings.TASKIP_SECRET_KEY
    return response


def _leaky_stream(request):
    from django.conf import settings
    from django.http import StreamingHttpResponse

    return StreamingHttpResponse(iter([b"chunk ", settings.TASKIP_SECRET_KEY.encode()]))


urlpatterns = [
    path("leaky-body/", _leaky_body),
    path("leaky-header/", _leaky_header),
    path("leaky-stream/", _leaky_stream),
]


@override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=[], TASKIP_SECRET_KEY="a-very-secret-api-key-1234")
def test_scan_catches_a_key_in_a_body_a_header_and_a_log_line(_secret_leak_scan):
    client = Client()
    client.get("/leaky-body/")
    client.get("/leaky-header/")
    b"".join(client.get("/leaky-stream/").streaming_content)
    logging.getLogger("crmui.test").warning("calling with key %s", "a-very-secret-api-key-1234")
    leaks = list(_secret_leak_scan.leaks)
    _secret_leak_scan.leaks.clear()  # this test leaks on purpose
    assert any("/leaky-body/" in x and "body" in x for x in leaks), leaks
    assert any("header X-Debug" in x for x in leaks), leaks
    assert any("/leaky-stream/" in x and "streamed" in x for x in leaks), leaks
    assert any(x.startswith("log crmui.test") for x in leaks), leaks


def test_pages_with_an_upstream_failure_do_not_leak_the_key(admin_client_, use_sandbox):
    """Error paths are where keys leak: a refused key, a 500, a malformed answer."""
    for status in (500, 502, 429, "malformed"):
        use_sandbox.fail_next(status=status, count=3, path_contains="/lead")
        response = admin_client_.get(reverse("leads:list") + f"?q=leak{status}")
        assert use_sandbox.key.encode() not in response.content


@pytest.mark.django_db(transaction=True)
def test_scan_covers_the_live_server_of_browser_tests(live_server, _secret_leak_scan):
    import requests

    with override_settings(ROOT_URLCONF=__name__, TASKIP_SECRET_KEY="live-secret-api-key-9999"):
        response = requests.get(live_server.url + "/leaky-body/", timeout=10)
    assert response.status_code == 200
    leaks = list(_secret_leak_scan.leaks)
    _secret_leak_scan.leaks.clear()
    assert any("/leaky-body/" in x for x in leaks), leaks
