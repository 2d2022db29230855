"""Bulk actions on the lead list: started by the page, run by the job runner (here in-process,
one step at a time; tests/jobs runs them in real worker processes)."""

from uuid import uuid4

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from jobs import runner
from jobs.models import Job
from leads.models import BulkJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_budget(settings):
    settings.TASKIP_BURST_LIMIT = 1_000_000  # the test sandbox has no burst limit: no pacing here


def make_leads(sandbox, n, **fields):
    tag = f"bulk{uuid4().hex[:6]}"
    out = []
    for i in range(n):
        body = {"first_name": f"B{i}{tag}", "email": f"{tag}-{i}@example.com"}
        body.update(fields)
        r = sandbox.api("POST", "/lead", json=body)
        assert r.status_code in (200, 201), r.text
        out.append(r.json()["data"])
    return out


def lead(sandbox, lead_id):
    return sandbox.api("GET", f"/lead/{lead_id}").json()["data"]


def start(client, ids, do, **extra):
    data = {"ids": ids, "do": do, "back": "/leads/?q=x"}
    data.update({f"label_{i}": f"Label {i}" for i in ids})
    data.update(extra)
    return client.post(reverse("leads:bulk_start"), data)


def run_to_end(bulk, max_steps=None):
    """What the worker does with the job (without its heartbeat thread: one test transaction)."""
    runner.run(bulk.job_id, max_steps=max_steps, heartbeat=False)
    bulk.refresh_from_db()
    bulk.job.refresh_from_db()
    return bulk


def put_count(sandbox):
    return sum(v for k, v in sandbox.stats()["by_endpoint"].items() if k.startswith("PUT"))


def test_sales_may_not_bulk(sales_client, use_sandbox):
    assert start(sales_client, [1, 2], "status:2").status_code == 403
    assert not BulkJob.objects.exists()


def test_starting_a_bulk_change_makes_a_job_the_page_shows_and_polls(manager_client, manager_user, use_sandbox):
    leads = make_leads(use_sandbox, 7, status_ids=[1])
    ids = [x["id"] for x in leads]
    use_sandbox.reset_stats()
    response = start(manager_client, ids, "status:3")
    bulk = BulkJob.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse("leads:bulk_job", args=[bulk.pk])
    assert bulk.job.owner == manager_user and bulk.job.state == Job.QUEUED and bulk.job.total == 7
    assert sum(use_sandbox.stats()["by_endpoint"].values()) <= 4  # the page wrote nothing: the worker does

    page = manager_client.get(response["Location"]).content.decode()
    assert "Move 7 leads to Qualified" in page and "0 / 7" in page
    assert f'hx-get="{reverse("leads:bulk_job", args=[bulk.pk])}"' in page and 'hx-trigger="every 2s"' in page
    assert "You can close this page" in page

    bulk = run_to_end(bulk, max_steps=3)
    html = manager_client.get(reverse("leads:bulk_job", args=[bulk.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="bulk-progress"')
    assert "3 / 7" in html and 'value="3"' in html and "every 2s" in html  # keeps polling

    bulk = run_to_end(bulk)
    assert bulk.job.state == Job.DONE and bulk.job.processed == 7 and bulk.job.failed == 0
    assert bulk.job.calls == 14  # a read and a write per lead
    for x in leads:
        assert [s["id"] for s in lead(use_sandbox, x["id"])["statuses"]] == [1, 3]
    done = manager_client.get(reverse("leads:bulk_job", args=[bulk.pk])).content.decode()
    assert "7 / 7" in done and "Finished" in done and "every 2s" not in done
    entries = AuditEntry.objects.filter(action="lead.move", outcome="ok", object_id__in=[str(i) for i in ids])
    assert entries.count() == 7 and {e.user_id for e in entries} == {manager_user.pk}


def test_a_move_back_says_which_later_stage_it_removed(manager_client, use_sandbox):
    statuses = {a["name"]: a for a in use_sandbox.api("GET", "/lead-attribute", params={"type": 1}).json()["data"]}
    ordered = sorted(statuses.values(), key=lambda a: a["order"])
    early, late = ordered[1], ordered[-1]
    x = make_leads(use_sandbox, 1, status_ids=[ordered[0]["id"], late["id"]])[0]
    start(manager_client, [x["id"]], f"status:{early['id']}")
    bulk = run_to_end(BulkJob.objects.get())
    message = bulk.results[str(x["id"])]["message"]
    assert message == f"Saved: moved to {early['name']}; removed the later stage {late['name']}"
    page = manager_client.get(reverse("leads:bulk_job", args=[bulk.pk])).content.decode()
    assert f"removed the later stage {late['name']}" in page


def test_bulk_source_and_assign_and_nothing_to_change(manager_client, use_sandbox):
    leads = make_leads(use_sandbox, 2, source_ids=[7], assigned_to=[1])
    ids = [x["id"] for x in leads]
    start(manager_client, ids, "source:9")
    bulk = run_to_end(BulkJob.objects.latest("id"))
    assert bulk.job.state == Job.DONE
    assert all([s["id"] for s in lead(use_sandbox, i)["sources"]] == [9] for i in ids)
    assert "source" in bulk.results[str(ids[0])]["message"] and "→" in bulk.results[str(ids[0])]["message"]
    start(manager_client, ids, "assign:2")
    run_to_end(BulkJob.objects.latest("id"))
    for i in ids:
        assert [a["id"] if isinstance(a, dict) else a for a in lead(use_sandbox, i)["assigned_to"]] == [2]
    use_sandbox.reset_stats()
    start(manager_client, ids, "assign:2")
    bulk = run_to_end(BulkJob.objects.latest("id"))
    assert bulk.job.state == Job.DONE and put_count(use_sandbox) == 0  # already so: nothing written
    assert "Already so" in manager_client.get(reverse("leads:bulk_job", args=[bulk.pk])).content.decode()


def test_a_429_makes_the_job_wait_for_retry_after_and_it_writes_nothing_twice(manager_client, use_sandbox):
    leads = make_leads(use_sandbox, 6, status_ids=[1])
    ids = [x["id"] for x in leads]
    start(manager_client, ids, "status:4")
    bulk = run_to_end(BulkJob.objects.get(), max_steps=3)
    use_sandbox.reset_stats()
    use_sandbox.fail_next(status=429, count=1, path_contains="/lead/", method="PUT")
    bulk = run_to_end(bulk)
    job = bulk.job
    assert job.state == Job.WAITING and job.processed == 3 and job.retry_at is not None
    assert 25 <= (job.retry_at - job.updated_at).total_seconds() <= 31  # the sandbox's Retry-After: 30 s
    html = manager_client.get(reverse("leads:bulk_job", args=[bulk.pk])).content.decode()
    assert "request limit" in html and "It goes on at" in html and "Pause" in html

    assert runner.run(job.pk, heartbeat=False) == "not yet"  # an early run does nothing
    Job.objects.filter(pk=job.pk).update(retry_at=job.retry_at.replace(year=2000))  # its time has come
    from crmui.models import BudgetState

    BudgetState.objects.update(blocked_until=0)
    bulk = run_to_end(bulk)
    assert bulk.job.state == Job.DONE and bulk.job.processed == 6 and bulk.job.failed == 0
    assert put_count(use_sandbox) == 4  # the refused PUT + the 3 remaining leads, none of the first 3 again
    for i in ids:
        assert AuditEntry.objects.filter(action="lead.move", outcome="ok", object_id=str(i)).count() == 1
        assert [s["id"] for s in lead(use_sandbox, i)["statuses"]] == [1, 4]


def test_a_lead_left_in_flight_is_read_back_not_written_again(manager_client, use_sandbox):
    leads = make_leads(use_sandbox, 2, status_ids=[1])
    ids = [x["id"] for x in leads]
    start(manager_client, ids, "status:4")
    bulk = BulkJob.objects.get()
    # A worker died after TaskIP saved the first lead, before it recorded the result:
    use_sandbox.api("PUT", f"/lead/{ids[0]}", json={"first_name": leads[0]["first_name"], "status_ids": [1, 4]})
    bulk.results = {str(ids[0]): {"ok": None, "in_flight": True, "old": [1], "new": [1, 4]}}
    bulk.save()
    use_sandbox.reset_stats()
    bulk = run_to_end(bulk)
    assert bulk.job.state == Job.DONE and bulk.job.succeeded == 2
    assert put_count(use_sandbox) == 1  # only the second lead
    assert "confirmed by reading it back" in bulk.results[str(ids[0])]["message"]


def test_pause_stops_the_runner_and_resume_queues_it_again(manager_client, use_sandbox):
    ids = [x["id"] for x in make_leads(use_sandbox, 4)]
    start(manager_client, ids, "source:8")
    bulk = run_to_end(BulkJob.objects.get(), max_steps=2)
    r = manager_client.post(reverse("jobs:control", args=[bulk.job_id, "pause"]))
    assert r.status_code == 303 and r["Location"] == reverse("leads:bulk_job", args=[bulk.pk])
    assert run_to_end(bulk).job.state == Job.PAUSED and bulk.job.processed == 2
    page = manager_client.get(reverse("leads:bulk_job", args=[bulk.pk])).content.decode()
    assert "2 / 4" in page and page.count("✓ Saved") == 2 and "Resume" in page and "every 2s" not in page
    manager_client.post(reverse("jobs:control", args=[bulk.job_id, "resume"]))
    bulk.job.refresh_from_db()
    assert bulk.job.state == Job.QUEUED
    assert run_to_end(bulk).job.state == Job.DONE and bulk.job.processed == 4


def test_cancel_leaves_the_rest_undone(manager_client, use_sandbox):
    ids = [x["id"] for x in make_leads(use_sandbox, 4)]
    start(manager_client, ids, "source:8")
    bulk = run_to_end(BulkJob.objects.get(), max_steps=1)
    manager_client.post(reverse("jobs:control", args=[bulk.job_id, "cancel"]))
    bulk = run_to_end(bulk)
    assert bulk.job.state == Job.CANCELLED and bulk.job.processed == 1
    assert "Not done (cancelled)" in manager_client.get(reverse("leads:bulk_job", args=[bulk.pk])).content.decode()


def test_a_failing_lead_is_reported_and_the_rest_go_on(manager_client, use_sandbox):
    leads = make_leads(use_sandbox, 3)
    ids = [x["id"] for x in leads]
    use_sandbox.api("DELETE", f"/lead/{ids[1]}")
    start(manager_client, ids, "status:2")
    bulk = run_to_end(BulkJob.objects.get())
    assert bulk.job.state == Job.DONE and bulk.job.failed == 1 and bulk.job.succeeded == 2
    html = manager_client.get(reverse("leads:bulk_job", args=[bulk.pk])).content.decode()
    assert "no longer exists" in html and "Retry the 1 failed" in html
    manager_client.post(reverse("leads:bulk_retry", args=[bulk.pk]))
    bulk.job.refresh_from_db()
    assert bulk.job.state == Job.QUEUED
    assert run_to_end(bulk).job.failed == 1  # still gone: failed again, the others untouched


def test_bulk_delete_asks_first_then_deletes_in_chunks(manager_client, use_sandbox):
    ids = [x["id"] for x in make_leads(use_sandbox, 3)]
    confirm = start(manager_client, ids, "delete")
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Delete 3 leads?" in html and "Label " in html
    assert not BulkJob.objects.exists()
    use_sandbox.reset_stats()
    response = start(manager_client, ids, "delete", confirmed="1")
    bulk = run_to_end(BulkJob.objects.get())
    assert response.status_code == 303 and bulk.job.state == Job.DONE and bulk.job.succeeded == 3
    by = use_sandbox.stats()["by_endpoint"]
    assert sum(v for k, v in by.items() if "bulk-delete" in k) == 1
    assert all(use_sandbox.api("GET", f"/lead/{i}").status_code == 404 for i in ids)
    entry = AuditEntry.objects.get(action="lead.bulk_delete", outcome="ok")  # one write, one entry
    assert entry.object_id == ",".join(map(str, ids)) and entry.changes["ids"] == ids


def test_bulk_without_selection_or_action_goes_back_with_a_message(manager_client, use_sandbox):
    r = start(manager_client, [], "status:2")
    assert r.status_code == 303 and r["Location"] == "/leads/?q=x"
    r = manager_client.post(reverse("leads:bulk_start"), {"ids": [1], "do": "explode", "back": "https://evil.example/"})
    assert r.status_code == 303 and r["Location"] == reverse("leads:list")
    assert not BulkJob.objects.exists()


def test_someone_elses_job_is_not_visible_but_an_admin_sees_it(manager_client, client, django_user_model, use_sandbox):
    from tests.conftest import make_user

    ids = [x["id"] for x in make_leads(use_sandbox, 1)]
    start(manager_client, ids, "status:2")
    bulk = BulkJob.objects.get()
    other = make_user(django_user_model, "other-manager", "Manager")
    client.force_login(other)
    assert client.get(reverse("leads:bulk_job", args=[bulk.pk])).status_code == 404
    assert client.get(reverse("jobs:detail", args=[bulk.job_id])).status_code == 404
    assert client.post(reverse("jobs:control", args=[bulk.job_id, "cancel"])).status_code == 404
    assert "Move 1 lead" not in client.get(reverse("jobs:list")).content.decode()
    bulk.job.refresh_from_db()
    assert bulk.job.state == Job.QUEUED
    admin = make_user(django_user_model, "the-admin", "Admin")
    client.force_login(admin)
    assert client.get(reverse("leads:bulk_job", args=[bulk.pk])).status_code == 200
    listing = client.get(reverse("jobs:list")).content.decode()
    assert "Move 1 lead" in listing and "Started by" in listing


def test_the_jobs_page_lists_state_counts_and_the_badge_counts_finished_jobs(manager_client, use_sandbox):
    ids = [x["id"] for x in make_leads(use_sandbox, 3)]
    start(manager_client, ids, "source:8")
    bulk = BulkJob.objects.get()
    listing = manager_client.get(reverse("jobs:list")).content.decode()
    assert "Set the source of 3 leads" in listing and "0 / 3" in listing and "queued" in listing
    assert 'class="nav-badge"' not in listing
    run_to_end(bulk)
    listing = manager_client.get(reverse("jobs:list")).content.decode()
    assert "3 / 3" in listing and "done" in listing and 'class="nav-badge"' in listing
    manager_client.get(reverse("leads:bulk_job", args=[bulk.pk]))  # the owner looks at it
    assert 'class="nav-badge"' not in manager_client.get(reverse("jobs:list")).content.decode()


def test_a_double_submit_starts_one_job(manager_client, use_sandbox):
    ids = [x["id"] for x in make_leads(use_sandbox, 2)]
    first = start(manager_client, ids, "status:2", token="tok-1")
    second = start(manager_client, ids, "status:2", token="tok-1")
    assert BulkJob.objects.count() == 1 and first["Location"] == second["Location"]
