"""reports.templatetags.overview.bar_row: a chart's bar row is rendered once per bar and kept for
an equal bar, so a new snapshot copy's overview renders again only the bars that changed."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from crmui import fragments
from reports.selectors import Bar
from reports.templatetags.overview import bar_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    fragments.forget()
    from reports.templatetags import overview

    rendered = []
    real = overview.row_html
    monkeypatch.setattr(overview, "row_html", lambda *a, **kw: rendered.append(1) or real(*a, **kw))
    yield rendered
    fragments.forget()


def test_an_equal_bar_keeps_its_row_and_a_changed_one_is_rendered_again(renders):
    won = Bar("Won", 3, (("USD", Decimal("1500")),), "#16a34a", pct=60.0, share=30.0, link="status=4")
    first = bar_row({"list_qs": "q=acme"}, won, True)
    assert 'data-count="3"' in first and "1,500" in first and 'href="/leads/?q=acme&amp;status=4"' in first
    assert bar_row({"list_qs": "q=acme"}, dataclasses.replace(won), True) == first
    assert len(renders) == 1, "an equal bar's row is not rendered again"
    moved = dataclasses.replace(won, count=4, pct=80.0, share=40.0)
    assert 'data-count="4"' in bar_row({"list_qs": "q=acme"}, moved, True)
    assert len(renders) == 2


def test_a_kept_row_follows_the_filters_its_link_carries_and_the_value_column():
    fragments.forget()
    bar = Bar("Web", 2, (("EUR", Decimal("10")),), link="source=2")
    bar_row({"list_qs": "q=acme"}, bar, True)
    other = bar_row({"list_qs": "assigned_to=5"}, bar, False)
    assert 'href="/leads/?assigned_to=5&amp;source=2"' in other and "q=acme" not in other
    assert "cur-amount" not in other  # the value column is not asked for


def test_a_bar_label_from_taskip_is_escaped_in_a_kept_row():
    fragments.forget()
    bar = Bar("<img src=x onerror=alert(1)>", 1, link="status=9")
    for _ in range(2):
        html = bar_row({"list_qs": ""}, bar, True)
        assert "<img" not in html and "&lt;img" in html


def test_a_currency_and_a_link_from_taskip_are_escaped_in_a_row():
    fragments.forget()
    bar = Bar("Web", 1, (('<x onmouseover="a">', Decimal("1234.5")),), link="source=1&q=<y>")
    html = bar_row({"list_qs": 'q="z"'}, bar, True)
    assert "<x" not in html and "<y>" not in html and '"z"' not in html
    assert "&lt;x onmouseover=&quot;a&quot;&gt;" in html and "1,235" in html
