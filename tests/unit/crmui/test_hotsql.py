"""crmui.hotsql, through the three reads every page makes in plain SQL: each answers what the
ORM's own query answers, whatever the rows hold."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import ADMIN, MANAGER, SALES, capabilities, role_name
from jobs.access import unseen_finished
from jobs.models import Job
from leads import localcut
from leads.models import LocalCutShape

pytestmark = pytest.mark.django_db


def test_a_users_roles_are_the_groups_the_orm_finds(django_user_model):
    sam = django_user_model.objects.create_user("sam", password="x-sam-1")
    other = django_user_model.objects.create_user("other", password="x-other-1")
    for name in (SALES, MANAGER, ADMIN, "Not a role"):
        Group.objects.get_or_create(name=name)
    other.groups.add(Group.objects.get(name=ADMIN))
    for groups, role in (([], "No role"), ([SALES], SALES), ([SALES, MANAGER, "Not a role"], MANAGER)):
        sam.groups.set([Group.objects.get(name=n) for n in groups])
        user = django_user_model.objects.get(pk=sam.pk)  # a new request's user: nothing remembered
        assert role_name(user) == role
        names = set(user.groups.values_list("name", flat=True))
        assert capabilities(user) == frozenset().union(*(capabilities_of(n) for n in names))


def capabilities_of(name):
    from accounts.roles import ROLE_CAPS

    return ROLE_CAPS.get(name, frozenset())


def test_the_jobs_badge_counts_what_the_orm_counts(django_user_model):
    ann = django_user_model.objects.create_user("ann", password="x-ann-1")
    bob = django_user_model.objects.create_user("bob", password="x-bob-1")
    now = timezone.now()
    for owner, state, seen in (
        (ann, Job.DONE, None),
        (ann, Job.CANCELLED, None),
        (ann, Job.DONE, now),  # seen: off the badge
        (ann, Job.QUEUED, None),  # not finished
        (bob, Job.DONE, None),  # somebody else's
        (None, Job.DONE, None),
    ):
        Job.objects.create(kind="bulk", owner=owner, title="t", detail_url="/x/", state=state, seen_at=seen)
    for user in (ann, bob):
        expected = Job.objects.filter(owner_id=user.pk, seen_at__isnull=True, state__in=Job.FINISHED).count()
        assert unseen_finished(user) == expected
    assert unseen_finished(ann) == 2


def test_the_switched_off_shapes_are_the_ones_the_orm_finds():
    LocalCutShape.objects.create(shape="search", enabled=False)
    LocalCutShape.objects.create(shape="sort:name", enabled=True)
    LocalCutShape.objects.create(shape="filter:status_id", enabled=False)
    expected = frozenset(LocalCutShape.objects.filter(enabled=False).values_list("shape", flat=True))
    assert localcut.disabled_shapes() == expected == {"search", "filter:status_id"}
