"""Jobs run in real worker processes with the page closed: what a person sees in the browser
(the browser half of tests/jobs/test_worker.py, whose helpers it uses)."""

from uuid import uuid4

import pytest

from jobs.models import Job
from tests.conftest import wait_for
from tests.jobs.test_worker import _make_leads, _put_count, _remember_sandbox, _sandbox  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.browser


def test_a_bulk_change_of_50_leads_finishes_with_the_page_closed(
    browser, dashboard, manager_user, log_in, start_worker
):
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
    assert page.locator(".nav-toggle .nav-badge").is_visible()  # on a phone the menu button carries it
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


def test_an_import_of_200_rows_runs_to_its_report_with_the_tab_closed(
    browser, dashboard, manager_user, log_in, use_sandbox, start_worker
):
    marker = "Im" + uuid4().hex[:8]
    text = "First name,Last name,Email\n" + "".join(
        f"{marker} {n},Row,{marker.lower()}-{n}@example.com\n" for n in range(200)
    )
    start_worker(TASKIP_BURST_LIMIT=6000)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, dashboard, manager_user.username)
    page.goto(dashboard + "/reports/import/")
    page.set_input_files(
        "#id_file", files=[{"name": "two-hundred.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
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
