"""The self-check (manage.py taskip_check, the budget page's button) against the sandbox: all
matches; against a sandbox switched to another collation, the differing shapes are found and
the list stops cutting them locally until a later check passes."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from leads import localcut, selfcheck
from leads.models import SelfCheckRun
from leads.selectors import LeadQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def accented(use_sandbox):
    """Names whose order and matching depend on the collation."""
    for first, last in (("Émile", "Zola"), ("zoë", "Ångström"), ("Åsa", "Müller")):
        use_sandbox.create_lead(first_name=first, last_name=last)
    return use_sandbox


def test_against_the_sandbox_everything_matches_within_the_call_budget(accented):
    accented.reset_stats()
    report = selfcheck.run()
    assert report.error == ""
    assert [r.probe for r in report.rows if not r.matched] == []
    assert report.passed and 15 <= report.calls <= selfcheck.CALL_BUDGET
    assert accented.stats()["total"] == report.calls  # every call counted, none hidden
    areas = {r.area for r in report.rows}
    assert areas == {"envelope", "paging", "local cut", "rate limit"}
    probes = " ".join(r.probe for r in report.rows)
    for sort in (
        "sort_by=name&sort_order=asc",
        "sort_by=lead_interaction_date&sort_order=desc",
        "sort_by=status&sort_order=asc",
        "search=",
        "status_id=",
        "is_converted=1",
    ):
        assert sort in probes, sort
    assert localcut.disabled_shapes() == frozenset()


def test_another_collation_is_detected_and_switches_local_cutting_off_until_it_matches_again(accented, sales_client):
    accented.config(collation="binary")
    report = selfcheck.run()
    differed = {r.probe for r in report.rows if not r.matched}
    assert "GET /lead?sort_by=name&sort_order=desc" in differed
    assert any(p.startswith("GET /lead?search=") for p in differed)
    assert not report.passed
    assert {"sort:name", "search"} <= set(report.switched_off)
    assert not localcut.allowed(LeadQuery(sort_by="name", sort_order="asc"))
    assert localcut.allowed(LeadQuery(sort_by="lead_interaction_date", sort_order="asc"))  # not differing: still local

    # the list asks TaskIP for the switched-off shape, even with every lead held locally
    sales_client.get(reverse("leads:board"))
    by_name = sales_client.get(reverse("leads:list"), {"sort": "name", "dir": "desc"})
    assert by_name["X-Upstream-Calls"] == "1"
    by_date = sales_client.get(reverse("leads:list"), {"sort": "date", "dir": "desc"})
    assert by_date["X-Upstream-Calls"] == "0"

    accented.config(collation="unicode_ci")
    again = selfcheck.run()
    assert again.passed and {"sort:name", "search"} <= set(again.switched_on)
    assert localcut.allowed(LeadQuery(sort_by="name", sort_order="asc"))


def test_the_command_prints_a_table_and_stores_the_run(accented):
    out = io.StringIO()
    call_command("taskip_check", stdout=out)
    text = out.getvalue()
    assert re.search(r"^matched\s+local cut\s+GET /lead\?sort_by=name&sort_order=asc", text, re.M)
    assert re.search(r"\d+ matched, 0 differed; \d+ of at most 22 calls", text)
    run = SelfCheckRun.objects.get()
    assert run.passed and run.report["rows"]


def test_the_command_exits_non_zero_when_something_differs(accented):
    accented.config(collation="binary")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("taskip_check", stdout=out)
    assert exit_.value.code == 1
    assert "DIFFERED" in out.getvalue() and "switched OFF" in out.getvalue()


def test_an_unreachable_taskip_is_a_clear_report_that_switches_nothing(use_sandbox, settings):
    settings.TASKIP_BASE_URL = "http://127.0.0.1:9/api/public-v1"
    report = selfcheck.run()
    assert report.error == "the lead list could not be read" and not report.passed
    assert "connect" in report.rows[0].detail.lower()
    assert localcut.disabled_shapes() == frozenset()


@pytest.fixture
def immediate_queue():
    """The job queue runs a task as soon as it is enqueued (in memory), as a worker would."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


def test_admins_run_it_from_the_budget_page_through_the_queue(admin_client_, accented, immediate_queue):
    response = admin_client_.post(reverse("pipeline:self_check"))
    assert response.status_code == 303 and response["Location"] == reverse("budget")
    run = SelfCheckRun.objects.get()
    assert run.state == SelfCheckRun.DONE and run.passed and run.requested_by.username == "addie"
    page = admin_client_.get(reverse("budget")).content.decode()
    assert "Self-check against the workspace" in page and re.search(r"\d+ matched, 0 differed", page)
    assert "GET /lead?sort_by=name&amp;sort_order=asc" in page


def test_the_budget_page_says_when_a_check_is_queued_and_what_is_switched_off(admin_client_, use_sandbox):
    SelfCheckRun.objects.create(state=SelfCheckRun.QUEUED)
    localcut.record("sort:name", matched=False)
    page = admin_client_.get(reverse("budget")).content.decode()
    assert "Self-check queued" in page and "disabled" in page
    assert "The list asks TaskIP (does not cut locally) for: sort:name." in page


def test_a_queued_run_no_worker_took_does_not_block_a_new_one(admin_client_, use_sandbox, immediate_queue):
    from datetime import timedelta

    from django.utils import timezone

    old = SelfCheckRun.objects.create(state=SelfCheckRun.QUEUED)
    SelfCheckRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert "Run the self-check</button>" in admin_client_.get(reverse("budget")).content.decode()
    admin_client_.post(reverse("pipeline:self_check"))
    assert SelfCheckRun.objects.filter(state=SelfCheckRun.DONE).count() == 1


def test_only_admins_may_start_it(manager_client, use_sandbox):
    response = manager_client.post(reverse("pipeline:self_check"))
    assert response.status_code == 403
    assert not SelfCheckRun.objects.exists()
