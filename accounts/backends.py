"""The password backend, reading a signed-in person in ONE query per request.

Django's ``ModelBackend`` reads the user on every request, then the roles (their groups) and the
profile each with a query of its own when the page asks. ``RoleBackend`` reads the user with
their profile joined and, for each role (``accounts.roles.ROLES``), whether they hold it: one
query, as fresh as before (nothing is kept between requests, so a role taken away or an account
switched off counts on the very next request, on every server).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from accounts import roles


def _holds(role: str) -> Exists:
    return Exists(Group.objects.filter(user=OuterRef("pk"), name=role))


class RoleBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager
        held = {f"_holds_{i}": _holds(role) for i, role in enumerate(roles.ROLES)}
        try:
            user = users.select_related("crm_profile").annotate(**held).get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        roles.remember_roles(user, [role for i, role in enumerate(roles.ROLES) if getattr(user, f"_holds_{i}")])
        return user
