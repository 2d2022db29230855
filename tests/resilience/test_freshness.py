"""The freshness include every page with cached data uses."""
from __future__ import annotations

import time

from django.template import Context, Template
from django.test import RequestFactory

from crmui.cache import Cached


def render(src, **ctx):
    request = RequestFactory().get("/leads/", {"q": "smith", "refresh": "1"})
    return Template("{% load freshness %}" + src).render(Context({"request": request, **ctx}))


def test_freshness_says_how_old_the_data_is_and_links_a_refresh():
    html = render("{% freshness result %}", result=Cached([], time.time() - 180, True))
    assert "3\xa0minutes ago" in html or "3 minutes ago" in html
    assert 'href="/leads/?q=smith&amp;refresh=1"' in html
    assert "Saved copy" not in html


def test_freshness_marks_a_saved_copy_and_says_why():
    html = render('{% freshness result target="#lead-table" %}',
                  result=Cached([], time.time() - 60, True, stale=True, stale_reason="TaskIP cannot be reached <now>."))
    assert "Saved copy" in html and "TaskIP cannot be reached &lt;now&gt;." in html
    assert 'hx-target="#lead-table"' in html


def test_freshness_include_with_explicit_values():
    html = render('{% include "_freshness.html" with fetched_at=ts refresh_url="/x/?refresh=1" %}', ts=time.time())
    assert 'href="/x/?refresh=1"' in html and "Refresh" in html


def test_freshness_renders_nothing_without_a_time():
    assert render("{% freshness fetched_at=None %}").strip() == ""
