"""The budget page shows what jobs spent and what they wait for."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crmui import governor
from jobs.models import Job

pytestmark = pytest.mark.django_db


def test_the_budget_page_shows_what_jobs_spent_and_wait_for(admin_client_, admin_user, use_sandbox):
    now = time.time()
    governor.note_reading(100, 32, now + 600, now=now)
    governor.acquire(now=now, sleep=lambda s: None)
    governor.acquire(now=now, sleep=lambda s: None)
    with pytest.raises(governor.BudgetWait):
        governor.acquire(now=now)
    Job.objects.create(
        kind="bulk",
        owner=admin_user,
        title="Move 40 leads to Won",
        state=Job.WAITING,
        total=40,
        processed=12,
        calls=24,
        retry_at=timezone.now() + timedelta(seconds=600),
    )
    html = admin_client_.get(reverse("budget")).content.decode()
    section = html.split('id="jobs-budget"')[1].split("</section>")[0]
    assert "Spent by jobs in the last hour</dt><dd>2 calls" in section
    assert "Keeping the last 30 % of this hour" in section and "Until " in section
    assert "Move 40 leads to Won" in section and "12 / 40" in section and ">24<" in section
