"""The API budget page, the per-request tally and the rolling record of calls by page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crmui import budget, tally

pytestmark = pytest.mark.django_db


def test_budget_page_shows_last_reading_and_calls_by_page(admin_client_, use_sandbox):
    first = admin_client_.get(reverse("leads:list"))
    assert int(first["X-Upstream-Calls"]) >= 1
    again = admin_client_.get(reverse("leads:list"))
    assert again["X-Upstream-Calls"] == "0", "the second view of the same list is served from the cache"

    page = admin_client_.get(reverse("budget"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Requests left" in html
    rl = tally.rate_limit()
    assert rl and rl["remaining"] is not None
    assert f'<span class="strong">{rl["remaining"]:,}</span>' in html  # with a thousands separator
    assert "leads:list" in html
    row = next(r for r in budget.usage() if r.view == "leads:list")
    assert row.views == 2 and row.calls == int(first["X-Upstream-Calls"])
    assert row.hits >= 1  # the second view was a cache hit


def test_budget_page_is_for_admins_only(sales_client, manager_client):
    assert sales_client.get(reverse("budget")).status_code == 403
    assert manager_client.get(reverse("budget")).status_code == 403


def test_forget_cache_makes_the_next_view_fetch_fresh(admin_client_, use_sandbox):
    admin_client_.get(reverse("leads:list"))
    assert admin_client_.get(reverse("leads:list"))["X-Upstream-Calls"] == "0"
    resp = admin_client_.post(reverse("budget"), {"action": "forget-cache"}, follow=True)
    assert "Saved copies forgotten" in resp.content.decode()
    assert int(admin_client_.get(reverse("leads:list"))["X-Upstream-Calls"]) >= 1


def test_footer_tells_admins_what_the_page_cost(admin_client_, use_sandbox):
    html = admin_client_.get(reverse("leads:list")).content.decode()
    assert "TaskIP call" in html and "left this hour" in html
