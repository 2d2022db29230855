"""Who may see a job: its owner, and admins (``jobs.all``). Everyone else gets a 404."""

from __future__ import annotations

from django.utils import timezone

from accounts.roles import can
from jobs.models import Job


def visible_to(user):
    qs = Job.objects.select_related("owner")
    return qs if can(user, "jobs.all") else qs.filter(owner_id=user.pk)


def may_see(user, job: Job) -> bool:
    return bool(user.is_authenticated and (job.owner_id == user.pk or can(user, "jobs.all")))


def mark_seen(user, job: Job) -> None:
    """The owner looked at the finished job: it leaves the navigation badge."""
    if job.owner_id == user.pk and job.state in Job.FINISHED and job.seen_at is None:
        Job.objects.filter(pk=job.pk, seen_at__isnull=True).update(seen_at=timezone.now())


def unseen_finished(user) -> int:
    return Job.objects.filter(owner_id=user.pk, seen_at__isnull=True, state__in=Job.FINISHED).count()
