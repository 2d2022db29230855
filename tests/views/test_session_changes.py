"""Issue #14.6: session expiry and a login in another tab. The htmx redirect's ``next`` keeps the
whole address; a CSRF mismatch says the session changed, keeps what was typed and sends it
again with one click; a board move after expiry says the session ended and where to log in."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import uuid4

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_expired_htmx_request_comes_back_to_the_whole_address_filters_included(client):
    page = "/leads/?status=1&source=2&q=a%26b&sort=-value"
    response = client.get("/leads/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}")
    login = response["HX-Redirect"]
    assert parse_qs(urlsplit(login).query)["next"] == [page]


def test_a_board_move_after_expiry_says_the_session_ended_and_where_to_log_in(client):
    response = client.post(
        reverse("leads:move"),
        {"lead_id": "1", "to": "s2"},
        HTTP_ACCEPT="application/json",
        HTTP_REFERER="http://testserver/leads/board/?q=x&assignee=3",
    )
    assert response.status_code == 401
    body = response.json()
    assert body["ok"] is False and "Your session has ended" in body["error"]
    assert body["login"] == "/login/?next=%2Fleads%2Fboard%2F%3Fq%3Dx%26assignee%3D3"


def _logged_in_again(user) -> tuple[Client, str]:
    """A browser whose old page holds a token from before a login made in another tab."""
    from tests.conftest import PASSWORD

    browser = Client(enforce_csrf_checks=True)
    browser.login(username=user.username, password=PASSWORD)
    old_page = browser.get(reverse("leads:create")).content.decode()
    old_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', old_page).group(1)
    browser.cookies.pop("csrftoken", None)  # the other tab's login: a new CSRF secret in the cookie jar
    browser.login(username=user.username, password=PASSWORD)
    browser.get(reverse("leads:list"))  # the new tab's page sets the new cookie
    return browser, old_token


def test_a_form_sent_from_an_old_tab_says_the_session_changed_and_resends_with_one_click(sales_user, use_sandbox):
    browser, old_token = _logged_in_again(sales_user)
    email = f"oldtab-{uuid4().hex[:8]}@example.com"
    typed = {
        "first_name": "Olga",
        "last_name": "Oldtab",
        "email": email,
        "currency": "USD",
        "description": "Met at the fair\nwants a demo",
        "idem_token": uuid4().hex,
    }
    refused = browser.post(
        reverse("leads:create"), {**typed, "csrfmiddlewaretoken": old_token}, HTTP_ORIGIN="http://testserver"
    )
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "Your session changed since this page was opened" in html
    assert "Your role may not do that" not in html
    form = re.search(r'<form method="post" action="([^"]+)" class="csrf-resend">(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("leads:create")
    resend = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)):
        resend.setdefault(name, []).append(unescape(value))
    assert resend["csrfmiddlewaretoken"][0] != old_token
    assert {k: v[0] for k, v in resend.items() if k != "csrfmiddlewaretoken"} == typed
    sent = browser.post(form.group(1), resend, HTTP_ORIGIN="http://testserver")
    assert sent.status_code in (302, 303)
    assert (
        len(
            [x for x in use_sandbox.api("GET", "/lead", params={"search": email}).json()["data"] if x["email"] == email]
        )
        == 1
    )


def test_an_htmx_form_from_an_old_tab_gets_a_fresh_token_and_the_reason(sales_user):
    browser, old_token = _logged_in_again(sales_user)
    refused = browser.post(
        reverse("leads:create"),
        {"first_name": "H"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=old_token,
        HTTP_ORIGIN="http://testserver",
    )
    assert refused.status_code == 403
    assert unquote(refused["X-Problem"]).startswith("Your session changed since this page was opened")
    fresh = refused["X-CSRF-Fresh"]
    again = browser.post(
        reverse("leads:create"),
        {"first_name": "H"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=fresh,
        HTTP_ORIGIN="http://testserver",
    )
    assert again.status_code == 200  # past CSRF: the form answers (email missing)


def test_a_post_from_another_site_is_never_offered_for_resending(sales_user):
    browser, old_token = _logged_in_again(sales_user)
    refused = browser.post(
        reverse("leads:create"),
        {"first_name": "Evil", "csrfmiddlewaretoken": "x" * 64},
        HTTP_ORIGIN="https://evil.example",
    )
    html = refused.content.decode()
    assert refused.status_code == 403 and "csrf-resend" not in html and "Evil" not in html
    refused = browser.post(
        reverse("leads:create"), {"first_name": "Evil"}, HTTP_HX_REQUEST="true", HTTP_ORIGIN="https://evil.example"
    )
    assert "X-CSRF-Fresh" not in refused
