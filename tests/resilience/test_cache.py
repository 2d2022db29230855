"""The cache under the pages: every read cached (even one no service cached), every write
through the one write path (crmui/writes.py) invalidates what its kind declares, stampedes
fetch once."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.urls import reverse

from crmui import api
from crmui import tally as upstream
from crmui.cache import cached, invalidate, put
from leads import services as lead_services

pytestmark = pytest.mark.django_db


def _calls(fn):
    tally = upstream.begin_tally()
    fn()
    return tally.calls


def test_a_read_no_service_cached_is_cached_and_a_write_to_that_lead_refetches_it(use_sandbox):
    c = api.client()
    assert _calls(lambda: c.leads.get(3)) == 1
    assert _calls(lambda: c.leads.get(3)) == 0
    assert _calls(lambda: c.leads.get(4)) == 1
    lead = c.leads.get(3)
    outcome = lead_services.lead_update(
        actor=None, lead_id=3, payload={"first_name": lead.first_name, "description": f"Buyer {uuid.uuid4().hex[:4]}"}
    )
    assert outcome.saved
    assert _calls(lambda: c.leads.get(3)) == 1, "the written lead is fetched again"
    assert _calls(lambda: c.leads.get(4)) == 0, "other leads stay cached"


def test_a_lead_page_is_cached_and_an_edit_through_the_dashboard_shows_at_once_without_a_call(
    sales_client, sales_user, use_sandbox
):

    url = reverse("leads:detail", args=[3])
    assert int(sales_client.get(url)["X-Upstream-Calls"]) >= 1
    assert sales_client.get(url)["X-Upstream-Calls"] == "0"
    lead = api.client().leads.get(3)
    title = f"555-{uuid.uuid4().int % 10000:04d}"
    lead_services.lead_update(
        actor=sales_user,
        lead_id=3,
        payload={"first_name": lead.first_name, "phone_number": title},
        changes={"phone_number": title},
    )
    page = sales_client.get(url)
    assert title in page.content.decode()
    assert page["X-Upstream-Calls"] == "0", "the edit was patched into the lead snapshot"


def test_a_refused_write_invalidates_nothing(sales_client, use_sandbox):
    url = reverse("leads:list")
    sales_client.get(url)
    from crmui.taskip import errors

    outcome = lead_services.lead_create(actor=None, payload={"first_name": "", "email": "not-an-email"})
    assert outcome.not_saved and isinstance(outcome.error, errors.ValidationError)
    assert sales_client.get(url)["X-Upstream-Calls"] == "0"


def test_a_write_that_timed_out_invalidates_what_it_may_have_changed(sales_client, use_sandbox, settings):
    settings.TASKIP_READ_TIMEOUT = 1.5  # room for the read-back on a loaded machine
    api.reset_client()
    use_sandbox.config(hang_seconds=2.5)
    url = reverse("leads:list")
    sales_client.get(url)
    use_sandbox.fail_next(status="hang", count=1, path_contains="/lead", method="POST")
    from crmui.taskip import errors

    outcome = lead_services.lead_create(
        actor=None, payload={"first_name": "Tim", "email": f"t-{uuid.uuid4().hex[:8]}@example.com"}
    )
    assert outcome.not_saved and outcome.checked and isinstance(outcome.error, errors.TaskipTimeout)
    assert int(sales_client.get(url)["X-Upstream-Calls"]) == 1


def test_refresh_fetches_fresh_even_for_client_cached_reads(use_sandbox):
    from crmui.cache import refresh_requested

    c = api.client()
    c.leads.get(5)
    token = refresh_requested.set(True)
    try:
        assert _calls(lambda: c.leads.get(5)) == 1
    finally:
        refresh_requested.reset(token)
    assert _calls(lambda: c.leads.get(5)) == 0


def test_stampede_many_misses_fetch_once(settings):
    fetches = []

    def slow_fetch():
        fetches.append(1)
        time.sleep(0.3)
        return "value"

    results = []

    def reader():
        upstream.begin_tally()
        results.append(cached("leads", ["stampede"], slow_fetch))

    threads = [threading.Thread(target=reader) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fetches) == 1
    assert [r.value for r in results] == ["value"] * 12


def test_waiting_readers_get_the_saved_copy_while_one_refetches(settings):
    cached("leads", ["swr"], lambda: "old")
    invalidate("leads")
    release = threading.Event()

    def slow_fetch():
        release.wait(5)
        return "new"

    t = threading.Thread(target=lambda: cached("leads", ["swr"], slow_fetch))
    t.start()
    time.sleep(0.1)
    settings.TASKIP_LOCK_WAIT = 0.2
    other = cached("leads", ["swr"], lambda: pytest.fail("only one request fetches"))
    assert other.value == "old" and other.stale
    release.set()
    t.join()
    assert cached("leads", ["swr"], lambda: "unused").value == "new"


def test_write_through_put_serves_the_next_read_without_a_call():
    invalidate("lead:9")
    put("lead:9", ["detail"], {"id": 9, "name": "Put"})
    assert cached("lead:9", ["detail"], lambda: pytest.fail("no fetch")).value["name"] == "Put"


def test_parallel_counts_calls_against_the_request(use_sandbox):
    tally = upstream.begin_tally()
    a, b, c = api.parallel(
        lambda: api.client().leads.get(1), lambda: api.client().leads.get(2), lambda: api.client().attributes.all()
    )
    assert a.id == 1 and b.id == 2 and c
    assert tally.calls == 3
    errs = api.parallel(lambda: 1 / 0, lambda: "ok", return_exceptions=True)
    assert isinstance(errs[0], ZeroDivisionError) and errs[1] == "ok"
    with pytest.raises(ZeroDivisionError):
        api.parallel(lambda: 1 / 0, lambda: "ok")


def test_parallel_fetches_run_at_the_same_time(use_sandbox):
    # Each call takes at least 0.5 s at TaskIP; run at the same time, every call has started
    # before the first one has ended (one after another, each would start after the last ended).
    use_sandbox.config(latency_ms=500)
    upstream.begin_tally()
    spans = {}

    def fetch(i):
        started = time.monotonic()
        api.client().leads.get(i)
        spans[i] = (started, time.monotonic())

    api.parallel(*(lambda i=i: fetch(i) for i in range(1, 5)))
    assert len(spans) == 4
    assert max(s for s, _ in spans.values()) < min(e for _, e in spans.values()), spans
