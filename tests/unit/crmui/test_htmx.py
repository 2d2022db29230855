"""crmui.htmx: page or partial, redirect after a write, JSON for scripts."""

from __future__ import annotations

from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from crmui.htmx import is_partial, page_or_partial, redirect_after_write, wants_json


def request(*, htmx=False, boosted=False, accept=None, method="get"):
    headers = {}
    if htmx:
        headers["HX-Request"] = "true"
    if boosted:
        headers["HX-Boosted"] = "true"
    if accept:
        headers["Accept"] = accept
    req = getattr(RequestFactory(), method)("/leads/", headers=headers)
    req.htmx = HtmxDetails(req)
    return req


def test_a_normal_request_gets_the_page():
    assert page_or_partial(request(), "x.html", "part") == "x.html"


def test_an_htmx_swap_gets_the_partial():
    assert page_or_partial(request(htmx=True), "x.html", "part") == "x.html#part"


def test_a_boosted_request_gets_the_whole_page():
    req = request(htmx=True, boosted=True)
    assert not is_partial(req) and page_or_partial(req, "x.html", "part") == "x.html"


def test_after_a_plain_write_the_browser_is_sent_on_with_303():
    response = redirect_after_write(request(method="post"), "/leads/1/")
    assert response.status_code == 303 and response["Location"] == "/leads/1/"


def test_after_an_htmx_write_the_page_is_loaded_with_hx_redirect():
    response = redirect_after_write(request(htmx=True, method="post"), "/leads/1/")
    assert response["HX-Redirect"] == "/leads/1/" and response.status_code == 200


def test_after_an_htmx_write_with_a_target_only_that_element_is_loaded():
    response = redirect_after_write(request(htmx=True, method="post"), "/leads/1/", target="#main")
    assert '"target": "#main"' in response["HX-Location"] and '"path": "/leads/1/"' in response["HX-Location"]


def test_scripts_asking_for_json_get_json_but_htmx_never_does():
    assert wants_json(request(accept="application/json"))
    assert not wants_json(request(accept="application/json", htmx=True))
    assert not wants_json(request(accept="text/html"))
