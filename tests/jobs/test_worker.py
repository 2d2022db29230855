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

    line = wait_for(
        lambda: next((x for x in worker.log().splitlines() if "consumer started" in x), None), 30, "the worker to start"
    )
    return (
        datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
        .replace(tzinfo=__import__("datetime").timezone.utc)
        .timestamp()
    )


def _put_count(sandbox):
    return sum(v for k, v in sandbox.stats()["by_endpoint"].items() if k.startswith("PUT"))


def _start_bulk(client, ids, do):
    data = {"ids": ids, "do": do, "back": "/leads/", **{f"label_{i}": f"Lead {i}" for i in ids}}
    response = client.post(reverse("leads:bulk_start"), data)
    assert response.status_code == 303, response.content[:500]
    return BulkJob.objects.latest("id")


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
    print(
        f"\nresumed {resumed - restarted:.2f} s after the restart; {resumed - ready:.2f} s after the new worker was up"
    )


def test_a_worker_killed_inside_a_write_hands_it_on_at_once(manager_client, use_sandbox, start_worker):
    from crmui.models import WriteClaim

    tag, ids = _make_leads(use_sandbox, 8, source_ids=[7])
    # long enough to kill the worker inside it, short enough not to hold one of the shared
    # sandbox's threads into the next test
    use_sandbox.config(hang_seconds=5)
    use_sandbox.reset_stats()
    use_sandbox.fail_next("hang", method="PUT")  # the first change hangs before TaskIP saves it
    worker = start_worker(TASKIP_BURST_LIMIT=600)
    bulk = _start_bulk(manager_client, ids, "source:9")
    wait_for(lambda: _put_count(use_sandbox) >= 1, 60, "the first change to reach TaskIP")
    time.sleep(0.5)
    worker.kill()  # killed while it waits for TaskIP's answer: its claim on that write is pending
    pending = WriteClaim.objects.filter(state=WriteClaim.PENDING, key__contains=f"bulk{bulk.pk}-")
    assert pending.count() == 1 and pending.get().holder.startswith("job:")

    start_worker(TASKIP_BURST_LIMIT=600)
    # The new worker reads the lead back (not changed) and sends the change again under the same
    # token: the claim's holder, the dead worker's job lease, has lapsed, so it is taken over at
    # once rather than waited for (a web request's claim is given 120 s, this wait 38 s).
    job = wait_for(lambda: Job.objects.filter(pk=bulk.job_id, state=Job.DONE).first(), 30, "the job to finish")
    assert job.processed == 8 and job.failed == 0
    assert _put_count(use_sandbox) == 9  # the hung one (never carried out), then each lead once
    leads = use_sandbox.api("GET", "/lead", params={"search": tag, "item": 0}).json()["data"]
    assert sorted(s["id"] for x in leads for s in x["sources"]) == [9] * 8


def test_with_60_calls_an_hour_the_job_waits_for_the_reset_while_pages_still_load(
    manager_client, use_sandbox, start_worker
):
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
        # the dashboard's rate-limit wordings (crmui.errors.user_message, taskip errors' fallback,
        # crmui.governor's refusal) and its 429 page status; a bare "429" may be a lead id on the page
        assert response.status_code == 200 and "request limit" not in html
        assert "too many requests" not in html.lower()
    assert tag in listing.content.decode()
    remaining = int(use_sandbox.api("GET", "/lead-attribute").headers["X-RateLimit-Remaining"])
    assert remaining >= 10  # the reserve was left for people (18 of 60, less what the pages used)
    time.sleep(3)
    assert Job.objects.get(pk=bulk.job_id).processed == job.processed  # no spinning, no more calls
