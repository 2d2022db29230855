"""Jobs run in real worker processes (`manage.py run_huey`), with the page closed, through a
SIGKILL, and inside the hour's budget."""
import time
from uuid import uuid4

import pytest
from django.urls import reverse

from jobs.models import Job
from leads.models import BulkJob
from tests.conftest import wait_for

pytestmark = pytest.mark.live


def _job():
    return Job.objects.order_by("-id").first()


def _make_leads(sandbox, n, **fields):
    tag = "Jb" + uuid4().hex[:8]
    return tag, [sandbox.create_lead(first_name=f"{tag} {i}", **fields)["id"] for i in range(n)]


def _ready_at(worker) -> float:
    """The Unix time of the worker's "Huey consumer started" log line."""
    from datetime import datetime

    line = wait_for(lambda: next((x for x in worker.log().splitlines() if "consumer started" in x), None), 30, "the worker to start")
    return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=__import__("datetime").timezone.utc).timestamp()


def _put_count(sandbox):
    return sum(v for k, v in sandbox.stats()["by_endpoint"].items() if k.startswith("PUT"))


def _start_bulk(client, ids, do):
    data = {"ids": ids, "do": do, "back": "/leads/", **{f"label_{i}": f"Lead {i}" for i in ids}}
    response = client.post(reverse("leads:bulk_start"), data)
    assert response.status_code == 302, response.content[:500]
    return BulkJob.objects.latest("id")


@pytest.mark.browser
def test_a_bulk_change_of_50_leads_finishes_with_the_page_closed(browser, dashboard, manager_user, log_in, start_worker):
    tag, ids = _make_leads(_sandbox(), 50, status_ids=[1])
    _sandbox().reset_stats()
    start_worker(TASKIP_BURST_LIMIT=1200)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, dashboard, manager_user.username)
    page.goto(f"{dashboard}/leads/?q={tag}&per=50")
    page.wait_for_selector("input.row-check")
    assert page.locator("input.row-check").count() == 50
    page.check("[data-check-all]")
    page.select_option("#bulk-do", "status:3")
    page.click("[data-bulk-submit]")
    page.wait_for_url("**/leads/bulk/*/")
    context.close()  # the person closes the tab at once

    job = wait_for(lambda: Job.objects.filter(state=Job.DONE).first(), 120, "the bulk job to finish")
    assert job.processed == 50 and job.failed == 0 and job.owner_id == manager_user.pk

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, dashboard, manager_user.username)
    page.goto(f"{dashboard}/jobs/")
    row = page.locator(f"tr[data-job='{job.pk}']")
    assert "50 / 50" in row.inner_text() and "done" in row.inner_text()
    assert page.locator(".mainnav .nav-badge").inner_text().startswith("1")
    page.screenshot(path="test-artifacts/jobs-list-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="test-artifacts/jobs-list-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click(f"tr[data-job='{job.pk}'] a")
    page.wait_for_selector("#bulk-progress[data-state=done]")
    assert page.locator(".bulk-results tr.ok").count() == 50
    page.screenshot(path="test-artifacts/jobs-bulk-done-1366.png", full_page=True)
    context.close()

    leads = _sandbox().api("GET", "/lead", params={"search": tag, "item": 0}).json()["data"]
    assert len(leads) == 50 and all([s["id"] for s in x["statuses"]] == [1, 3] for x in leads)
    assert _put_count(_sandbox()) == 50


_SANDBOX = {}


def _sandbox():
    return _SANDBOX["s"]


@pytest.fixture(autouse=True)
def _remember_sandbox(use_sandbox):
    _SANDBOX["s"] = use_sandbox
    yield
    _SANDBOX.clear()


def test_sigkill_mid_job_resumes_within_seconds_and_writes_each_lead_once(manager_client, use_sandbox, start_worker):
    tag, ids = _make_leads(use_sandbox, 40, source_ids=[7])
    use_sandbox.reset_stats()
    worker = start_worker(TASKIP_BURST_LIMIT=600)  # jobs: one call every 0.2 s
    bulk = _start_bulk(manager_client, ids, "source:9")
    wait_for(lambda: Job.objects.get(pk=bulk.job_id).processed >= 12, 90, "12 leads done")
    worker.kill()
    at_kill = Job.objects.get(pk=bulk.job_id)
    assert at_kill.state == Job.RUNNING and at_kill.processed < 40

    restarted = time.time()
    second = start_worker(TASKIP_BURST_LIMIT=600)
    wait_for(lambda: Job.objects.get(pk=bulk.job_id).processed > at_kill.processed, 30, "the job to go on")
    resumed = time.time()
    ready = _ready_at(second)  # when the new process had Django loaded and its consumer running
    # The job goes on within 5 s of the new worker being up (its lease of 2 s ran out and the
    # sentinel handed it back); the process's own start-up time comes on top (printed).
    assert resumed - ready < 5, f"resumed {resumed - ready:.1f} s after the new worker was up"

    job = wait_for(lambda: Job.objects.filter(pk=bulk.job_id, state=Job.DONE).first(), 90, "the job to finish")
    assert job.processed == 40 and job.failed == 0
    assert _put_count(use_sandbox) == 40  # each lead written exactly once: none twice, none skipped
    leads = use_sandbox.api("GET", "/lead", params={"search": tag, "item": 0}).json()["data"]
    assert sorted(s["id"] for x in leads for s in x["sources"]) == [9] * 40
    print(f"\nresumed {resumed - restarted:.2f} s after the restart; {resumed - ready:.2f} s after the new worker was up")


def test_with_60_calls_an_hour_the_job_waits_for_the_reset_while_pages_still_load(manager_client, use_sandbox, start_worker):
    tag, ids = _make_leads(use_sandbox, 40, status_ids=[1])
    use_sandbox.config(rate_limit=60)
    use_sandbox.reset_limits()
    start_worker()
    bulk = _start_bulk(manager_client, ids, "status:2")
    job = wait_for(lambda: Job.objects.filter(pk=bulk.job_id, state=Job.WAITING).first(), 90, "the job to wait")
    hour_end = (int(time.time()) // 3600 + 1) * 3600
    assert abs(job.retry_at.timestamp() - (hour_end + 1)) <= 2  # X-RateLimit-Reset, +1 s
    assert "Keeping the last 30 %" in job.message
    assert 0 < job.processed < 40
    page = manager_client.get(reverse("leads:bulk_job", args=[bulk.pk])).content.decode()
    assert "It goes on at" in page and job.retry_at.strftime("%H:%M:%S") in page

    # People keep working: the list and a lead's page load, without a rate-limit error.
    listing = manager_client.get(reverse("leads:list"), {"q": tag})
    detail = manager_client.get(reverse("leads:detail", args=[ids[-1]]))
    for response in (listing, detail):
        html = response.content.decode()
        assert response.status_code == 200 and "request limit" not in html and "429" not in html
    assert tag in listing.content.decode()
    remaining = int(use_sandbox.api("GET", "/lead-attribute").headers["X-RateLimit-Remaining"])
    assert remaining >= 10  # the reserve was left for people (18 of 60, less what the pages used)
    time.sleep(3)
    assert Job.objects.get(pk=bulk.job_id).processed == job.processed  # no spinning, no more calls


@pytest.mark.browser
def test_an_import_of_200_rows_runs_to_its_report_with_the_tab_closed(browser, dashboard, manager_user, log_in, use_sandbox, start_worker):
    marker = "Im" + uuid4().hex[:8]
    text = "First name,Last name,Email\n" + "".join(f"{marker} {n},Row,{marker.lower()}-{n}@example.com\n" for n in range(200))
    start_worker(TASKIP_BURST_LIMIT=6000)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, dashboard, manager_user.username)
    page.goto(dashboard + "/reports/import/")
    page.set_input_files("#id_file", files=[{"name": "two-hundred.csv", "mimeType": "text/csv", "buffer": text.encode()}])
    page.click("#upload-form button[type=submit]")
    page.click("#map-form button[type=submit]")
    assert " ".join(page.inner_text("#start-import").split()) == "Import 200 rows"
    page.click("#start-import")
    page.wait_for_url("**/reports/import/*/")
    context.close()

    job = wait_for(lambda: Job.objects.filter(kind="import", state=Job.DONE).first(), 180, "the import to finish")
    assert job.processed == 200 and job.succeeded == 200

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, dashboard, manager_user.username)
    page.goto(dashboard + "/jobs/")
    page.click(f"tr[data-job='{job.pk}'] a")
    assert page.inner_text("#import-title") == "Import report"
    assert page.inner_text("#count-created") == "200"
    with page.expect_download() as download:
        page.click("#download-report")
    report = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert len(report) == 201 and sum(1 for line in report if ",created," in line) == 200
    context.close()
    leads = use_sandbox.api("GET", "/lead", params={"search": marker, "item": 0}).json()["data"]
    assert len(leads) == 200 and len({x["email"] for x in leads}) == 200
