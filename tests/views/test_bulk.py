"""Bulk actions on the lead list, run as a persisted job that the page polls."""
from uuid import uuid4

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from leads.models import BulkJob

pytestmark = pytest.mark.django_db


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


def run_to_end(client, job, max_steps=30):
    for _ in range(max_steps):
        job.refresh_from_db()
        if job.state != BulkJob.RUNNING:
            return job
        client.post(reverse("leads:bulk_step", args=[job.pk]), HTTP_HX_REQUEST="true")
    job.refresh_from_db()
    return job


def put_count(sandbox):
    return sum(v for k, v in sandbox.stats()["by_endpoint"].items() if k.startswith("PUT"))


def test_sales_may_not_bulk(sales_client, use_sandbox):
    assert start(sales_client, [1, 2], "status:2").status_code == 403
    assert not BulkJob.objects.exists()


def test_bulk_status_change_runs_a_few_leads_per_poll_with_progress(manager_client, manager_user, use_sandbox):
    leads = make_leads(use_sandbox, 7, status_ids=[1])
    ids = [x["id"] for x in leads]
    response = start(manager_client, ids, "status:3")
    job = BulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("leads:bulk_job", args=[job.pk])

    page = manager_client.get(response["Location"]).content.decode()
    assert "Move 7 leads to Qualified" in page and "0 / 7" in page
    assert f'hx-post="{reverse("leads:bulk_step", args=[job.pk])}"' in page and 'hx-trigger="load delay' in page

    step = manager_client.post(reverse("leads:bulk_step", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = step.content.decode()
    assert html.lstrip().startswith('<div id="bulk-progress"')
    assert "3 / 7" in html and 'value="3"' in html and "hx-post" in html  # keeps polling
    assert int(step["X-Upstream-Calls"]) <= 7  # short requests: a few leads each

    job = run_to_end(manager_client, job)
    assert job.state == BulkJob.DONE and job.processed == 7 and job.failed == 0
    for x in leads:
        assert [s["id"] for s in lead(use_sandbox, x["id"])["statuses"]] == [1, 3]
    done = manager_client.get(reverse("leads:bulk_job", args=[job.pk])).content.decode()
    assert "7 / 7" in done and "Finished" in done and "hx-post=\"/leads/bulk" not in done.split("bulk-progress")[1].split(">")[0]
    entries = AuditEntry.objects.filter(action="lead.move", outcome="ok", object_id__in=[str(i) for i in ids])
    assert entries.count() == 7 and {e.user_id for e in entries} == {manager_user.pk}


def test_bulk_source_and_assign_and_nothing_to_change(manager_client, use_sandbox):
    leads = make_leads(use_sandbox, 2, source_ids=[7], assigned_to=[1])
    ids = [x["id"] for x in leads]
    start(manager_client, ids, "source:9")
    job = run_to_end(manager_client, BulkJob.objects.latest("id"))
    assert job.state == BulkJob.DONE
    assert all([s["id"] for s in lead(use_sandbox, i)["sources"]] == [9] for i in ids)
    start(manager_client, ids, "assign:2")
    run_to_end(manager_client, BulkJob.objects.latest("id"))
    assert all(lead(use_sandbox, i)["assigned_to"] in ([2], [{"id": 2}]) or
               [a["id"] if isinstance(a, dict) else a for a in lead(use_sandbox, i)["assigned_to"]] == [2] for i in ids)
    use_sandbox.reset_stats()
    start(manager_client, ids, "assign:2")
    job = run_to_end(manager_client, BulkJob.objects.latest("id"))
    assert job.state == BulkJob.DONE and put_count(use_sandbox) == 0  # already so: nothing written
    assert "Already so" in manager_client.get(reverse("leads:bulk_job", args=[job.pk])).content.decode()


def test_429_pauses_cleanly_and_resume_writes_nothing_twice(manager_client, use_sandbox):
    leads = make_leads(use_sandbox, 6, status_ids=[1])
    ids = [x["id"] for x in leads]
    start(manager_client, ids, "status:4")
    job = BulkJob.objects.get()
    manager_client.post(reverse("leads:bulk_step", args=[job.pk]), HTTP_HX_REQUEST="true")  # 3 done
    use_sandbox.reset_stats()
    use_sandbox.fail_next(status=429, count=1, path_contains="/lead/", method="PUT")
    html = manager_client.post(reverse("leads:bulk_step", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    job.refresh_from_db()
    assert job.state == BulkJob.PAUSED and job.processed == 3
    assert "request limit" in html and "Try again in 30 seconds" in html and "Resume" in html
    assert "hx-trigger" not in html.split(">")[0]  # polling stops

    # polling while paused does nothing
    manager_client.post(reverse("leads:bulk_step", args=[job.pk]), HTTP_HX_REQUEST="true")
    job.refresh_from_db()
    assert job.processed == 3

    resumed = manager_client.post(reverse("leads:bulk_control", args=[job.pk, "resume"]), HTTP_HX_REQUEST="true")
    assert "hx-post" in resumed.content.decode()
    job = run_to_end(manager_client, job)
    assert job.state == BulkJob.DONE and job.processed == 6 and job.failed == 0
    assert put_count(use_sandbox) == 4  # the refused PUT + the 3 remaining leads, none of the first 3 again
    for i in ids:
        assert AuditEntry.objects.filter(action="lead.move", outcome="ok", object_id=str(i)).count() == 1
        assert [s["id"] for s in lead(use_sandbox, i)["statuses"]] == [1, 4]


def test_progress_survives_a_reload(manager_client, use_sandbox):
    ids = [x["id"] for x in make_leads(use_sandbox, 4)]
    start(manager_client, ids, "source:8")
    job = BulkJob.objects.get()
    manager_client.post(reverse("leads:bulk_step", args=[job.pk]), HTTP_HX_REQUEST="true")
    page = manager_client.get(reverse("leads:bulk_job", args=[job.pk])).content.decode()
    assert "3 / 4" in page and page.count("✓ Saved") == 3 and "Waiting" in page


def test_a_failing_lead_is_reported_and_the_rest_go_on(manager_client, use_sandbox):
    leads = make_leads(use_sandbox, 3)
    ids = [x["id"] for x in leads]
    use_sandbox.api("DELETE", f"/lead/{ids[1]}")
    start(manager_client, ids, "status:2")
    job = run_to_end(manager_client, BulkJob.objects.get())
    assert job.state == BulkJob.DONE and job.failed == 1 and job.succeeded == 2
    html = manager_client.get(reverse("leads:bulk_job", args=[job.pk])).content.decode()
    assert "no longer exists" in html and "Retry the 1 failed" in html


def test_bulk_delete_asks_first_then_makes_one_call(manager_client, use_sandbox):
    ids = [x["id"] for x in make_leads(use_sandbox, 3)]
    confirm = start(manager_client, ids, "delete")
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Delete 3 leads?" in html and "Label " in html
    assert not BulkJob.objects.exists()
    use_sandbox.reset_stats()
    response = start(manager_client, ids, "delete", confirmed="1")
    job = run_to_end(manager_client, BulkJob.objects.get())
    assert response.status_code == 302 and job.state == BulkJob.DONE and job.succeeded == 3
    by = use_sandbox.stats()["by_endpoint"]
    assert sum(v for k, v in by.items() if "bulk-delete" in k) == 1
    assert all(use_sandbox.api("GET", f"/lead/{i}").status_code == 404 for i in ids)
    entry = AuditEntry.objects.get(action="lead.bulk_delete", outcome="ok")  # one write, one entry
    assert entry.object_id == ",".join(map(str, ids)) and entry.changes["ids"] == ids


def test_bulk_without_selection_or_action_goes_back_with_a_message(manager_client, use_sandbox):
    r = start(manager_client, [], "status:2")
    assert r.status_code == 302 and r["Location"] == "/leads/?q=x"
    r = manager_client.post(reverse("leads:bulk_start"), {"ids": [1], "do": "explode", "back": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == reverse("leads:list")
    assert not BulkJob.objects.exists()


def test_someone_elses_job_is_not_visible(manager_client, client, django_user_model, use_sandbox):
    from tests.conftest import make_user

    ids = [x["id"] for x in make_leads(use_sandbox, 1)]
    start(manager_client, ids, "status:2")
    job = BulkJob.objects.get()
    other = make_user(django_user_model, "other-manager", "Manager")
    client.force_login(other)
    assert client.get(reverse("leads:bulk_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("leads:bulk_step", args=[job.pk])).status_code == 404


def test_a_double_submit_starts_one_job(manager_client, use_sandbox):
    ids = [x["id"] for x in make_leads(use_sandbox, 2)]
    first = start(manager_client, ids, "status:2", token="tok-1")
    second = start(manager_client, ids, "status:2", token="tok-1")
    assert BulkJob.objects.count() == 1 and first["Location"] == second["Location"]
