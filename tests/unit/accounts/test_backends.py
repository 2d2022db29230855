"""accounts.backends.RoleBackend: the signed-in person, their roles and profile in one query,
as fresh on every request as Django's own backend."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import RoleBackend
from accounts.models import profile_for
from accounts.roles import ADMIN, MANAGER, SALES, can, role_name
from tests.conftest import make_user
from tests.security.conftest import ensure_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def manny(django_user_model):
    ensure_roles()
    return make_user(django_user_model, "manny", MANAGER, team_member_id=2)


def test_the_user_roles_and_profile_come_in_one_query(manny):
    with CaptureQueriesContext(connection) as queries:
        user = RoleBackend().get_user(manny.pk)
        assert role_name(user) == MANAGER and can(user, "lead.delete") and not can(user, "users.manage")
        assert profile_for(user).team_member_id == 2
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]


def test_a_role_taken_away_or_given_counts_on_the_next_request(manny):
    manny.groups.set([Group.objects.get(name=SALES)])
    user = RoleBackend().get_user(manny.pk)
    assert role_name(user) == SALES and not can(user, "lead.delete")
    manny.groups.add(Group.objects.get(name=ADMIN))
    assert can(RoleBackend().get_user(manny.pk), "users.manage")
    manny.groups.clear()
    assert role_name(RoleBackend().get_user(manny.pk)) == "No role"


def test_a_switched_off_account_or_a_missing_one_is_nobody(manny):
    manny.is_active = False
    manny.save()
    assert RoleBackend().get_user(manny.pk) is None
    assert RoleBackend().get_user(999_999) is None


def test_a_user_without_a_profile_has_none(django_user_model):
    ensure_roles()
    bare = django_user_model.objects.create_user("bare", password="x-bare-1")
    bare.groups.add(Group.objects.get(name=SALES))
    user = RoleBackend().get_user(bare.pk)
    assert profile_for(user) is None and can(user, "lead.view")
