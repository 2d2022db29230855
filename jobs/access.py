"""Who may see a job: its owner, and admins (``jobs.all``). Everyone else gets a 404."""

from __future__ import annotations

from django.utils import timezone

from accounts.roles import can
from crmui import hotsql
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


def _unseen_sql() -> str:
    m, q = Job._meta, hotsql.quote
    return (
        f"SELECT COUNT(*) FROM {q(m.db_table)} WHERE {q(m.get_field('owner').column)} = %s "
        f"AND {q(m.get_field('seen_at').column)} IS NULL "
        f"AND {q(m.get_field('state').column)} IN ({', '.join(['%s'] * len(Job.FINISHED))})"
    )


def unseen_finished(user) -> int:
    """The owner's finished jobs not looked at yet: the navigation's badge, on every page, so in
    plain SQL (``crmui.hotsql``)."""
    return hotsql.scalar(hotsql.statement("jobs:unseen", _unseen_sql), [user.pk, *Job.FINISHED])
