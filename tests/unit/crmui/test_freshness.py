"""The one freshness line (templates/_freshness.html) and the wording of ages (crmui.htmx.age_text)."""

from __future__ import annotations

import time

import pytest
from django.template import Context, Template

from crmui.htmx import age_text


def render(src, **ctx):
    return Template(src).render(Context(ctx))


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "just now"),
        (44, "just now"),
        (60, "1 min ago"),
        (180, "3 min ago"),
        (7200, "2 h ago"),
        (23 * 3600, "23 h ago"),
        (24 * 3600, "1 day ago"),
        (30 * 3600, "1 day ago"),
        (50 * 3600, "2 days ago"),
        (72 * 3600, "3 days ago"),
    ],
)
def test_age_text_says_how_long_ago_in_words(seconds, words):
    assert age_text(1_000_000.0, now=1_000_000.0 + seconds) == words


def test_age_text_is_empty_without_a_time():
    assert age_text(None) == ""


def test_freshness_line_says_how_old_the_data_is_and_links_a_refresh():
    html = render(
        '{% include "_freshness.html" with fetched_at=ts refresh_url="/x/?refresh=1" %}', ts=time.time() - 180
    )
    assert ">3 min ago</time>" in html
    assert 'href="/x/?refresh=1"' in html and "Refresh" in html
    assert "hx-get" not in html  # no target, no push URL: a plain link
    assert "Saved copy" not in html


def test_freshness_line_refreshes_in_place_with_a_target():
    html = render(
        '{% include "_freshness.html" with fetched_at=ts refresh_url="/x/?refresh=1" target="#t" stale=True %}',
        ts=time.time(),
    )
    assert 'hx-get="/x/?refresh=1" hx-target="#t" hx-swap="outerHTML"' in html
    assert "Saved copy" in html


def test_freshness_line_without_a_time_shows_only_the_refresh_link():
    html = render('{% include "_freshness.html" with fetched_at=None refresh_url="/x/" %}').strip()
    assert "<time" not in html and html.endswith(">Refresh</a>")
