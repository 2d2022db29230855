"""The team's shared hourly budget: the reading, the low-budget banner, saved copies instead of
refetches when it runs low, and a 429 on a write telling when to retry with nothing lost."""

from __future__ import annotations

import uuid

import pytest
from django import forms
from django.urls import reverse

from crmui import api, tally
from crmui.errors import apply_api_errors, retry_hint
from crmui.taskip import errors as taskip_errors
from leads import snapshot

pytestmark = pytest.mark.django_db


def _burn(sandbox, n):
    for _ in range(n):
        sandbox.api("GET", "/lead-attribute", params={"item": 1})


def test_low_budget_shows_the_banner_and_serves_saved_copies_instead_of_refetching(sales_client, use_sandbox, settings):
    settings.TASKIP_CACHE_SECONDS = 60
    settings.LEADS_SNAPSHOT_SECONDS = 2
    use_sandbox.config(rate_limit=40)
    use_sandbox.reset_limits()
    first = sales_client.get(reverse("leads:list"))
    assert int(first["X-Upstream-Calls"]) >= 1
    assert "requests left this hour" not in first.content.decode()

    _burn(use_sandbox, 35)  # the rest of the team spends the budget
    low = sales_client.get(reverse("leads:list"), {"refresh": "1"})  # a fetch that brings the low reading
    assert int(low["X-Upstream-Calls"]) == 1
    html = low.content.decode()
    assert "TaskIP requests left this hour" in html, "the banner tells the team"
    assert tally.rate_limit()["low"]

    # the lead snapshot passes its lifetime: the saved copy is served, nothing is fetched
    import time

    time.sleep(2.1)
    use_sandbox.reset_stats()
    again = sales_client.get(reverse("leads:list"))
    assert again["X-Upstream-Calls"] == "0"
    assert again["X-Served-Stale"] == "1"
    assert use_sandbox.stats()["total"] == 0
    assert "<tbody" in again.content.decode()


def test_a_users_explicit_refresh_still_fetches_when_the_budget_is_low(sales_client, use_sandbox):
    use_sandbox.config(rate_limit=40)
    use_sandbox.reset_limits()
    _burn(use_sandbox, 37)
    sales_client.get(reverse("leads:list"))
    assert tally.rate_limit()["low"]
    snapshot.flush()  # the first page's copy is stored (a Refresh meanwhile shows that copy)
    resp = sales_client.get(reverse("leads:list"), {"refresh": "1"})
    assert int(resp["X-Upstream-Calls"]) == 1


def test_spent_budget_serves_saved_copy_with_the_reason(sales_client, use_sandbox, settings):
    settings.LEADS_SNAPSHOT_SECONDS = 1
    use_sandbox.config(rate_limit=5)
    use_sandbox.reset_limits()
    sales_client.get(reverse("leads:list"))
    import time

    time.sleep(1.1)  # the lead snapshot is past its lifetime
    _burn(use_sandbox, 10)
    resp = sales_client.get(reverse("leads:list"))
    assert resp.status_code == 200
    assert resp["X-Served-Stale"] == "1"
    assert "<tbody" in resp.content.decode()


class _LeadForm(forms.Form):
    first_name = forms.CharField()
    email = forms.EmailField()


def test_429_on_a_write_says_when_to_retry_keeps_the_input_and_creates_nothing(use_sandbox):
    email = f"rl-{uuid.uuid4().hex[:10]}@example.com"
    use_sandbox.fail_next(status="429", count=1, path_contains="/lead", method="POST")
    form = _LeadForm({"first_name": "Rita", "email": email})
    assert form.is_valid()
    with pytest.raises(taskip_errors.RateLimited) as caught:
        api.client().leads.create({"first_name": "Rita", "email": email})
    exc = caught.value
    assert exc.retry_after == 30
    assert retry_hint(exc) == "Try again in 30 seconds."
    apply_api_errors(form, exc)
    assert "Try again in 30 seconds." in " ".join(form.non_field_errors())
    assert form.data["first_name"] == "Rita" and form.data["email"] == email  # nothing typed is lost
    found = use_sandbox.api("GET", "/lead", params={"search": email, "item": 0}).json()["data"]
    assert found == [], "a refused write created nothing"

    # trying again after the wait creates exactly one lead
    api.client().leads.create({"first_name": "Rita", "email": email})
    found = use_sandbox.api("GET", "/lead", params={"search": email, "item": 0}).json()["data"]
    assert len(found) == 1


def test_short_429_on_a_write_is_retried_once_and_creates_one_lead(use_sandbox, settings):
    # the burst window answers 429 with a short Retry-After: the client waits and retries,
    # which is safe because a 429 means TaskIP did nothing
    settings.TASKIP_MAX_WAIT = 40
    api.reset_client()
    email = f"rl2-{uuid.uuid4().hex[:10]}@example.com"
    client = api.client()
    client._sleep = lambda s: None  # do not really wait 30 s in a test
    use_sandbox.fail_next(status="429", count=1, path_contains="/lead", method="POST")
    client.leads.create({"first_name": "Rafa", "email": email})
    found = use_sandbox.api("GET", "/lead", params={"search": email, "item": 0}).json()["data"]
    assert len(found) == 1
