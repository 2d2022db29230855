"""Roles and what each may do. The roles are Django groups (made by a migration); a user's
capabilities are the union of their groups' capabilities. Superusers may do everything.

Views declare what they need with ``@require("lead.delete")``; templates ask ``caps.lead_delete``.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from crmui import hotsql

SALES = "Sales"
MANAGER = "Manager"
ADMIN = "Admin"
ROLES = (SALES, MANAGER, ADMIN)

_SALES_CAPS = frozenset(
    {
        "lead.view",
        "lead.create",
        "lead.edit",
        "lead.convert",
        "lead.email",
        "note.write",
        "file.write",
        "contact.view",
        "contact.create",
        "contact.edit",
        "contact.invite",
    }
)
_MANAGER_CAPS = _SALES_CAPS | {
    "lead.delete",
    "lead.bulk",
    "contact.delete",
    "contact.bulk",
    "view.share",
    "export",
    "import",
}
_ADMIN_CAPS = _MANAGER_CAPS | {"attributes.manage", "audit.view", "users.manage", "budget.view", "jobs.all"}

ROLE_CAPS: dict[str, frozenset[str]] = {
    SALES: _SALES_CAPS,
    MANAGER: frozenset(_MANAGER_CAPS),
    ADMIN: frozenset(_ADMIN_CAPS),
}
ALL_CAPS = frozenset(_ADMIN_CAPS)


def capabilities(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return ALL_CAPS
    cached = getattr(user, "_crm_caps", None)
    if cached is None:
        names = set(hotsql.column(hotsql.statement("roles:names", _role_names_sql), [user.pk]))
        cached = frozenset().union(*(ROLE_CAPS.get(n, frozenset()) for n in names)) if names else frozenset()
        user._crm_caps = cached
    return cached


def _role_names_sql() -> str:
    """The names of a user's groups, in plain SQL (``crmui.hotsql``: asked on every request)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    through, q = get_user_model().groups.through._meta, hotsql.quote
    return (
        f"SELECT g.{q('name')} FROM {q(Group._meta.db_table)} g "
        f"INNER JOIN {q(through.db_table)} ug ON ug.{q(through.get_field('group').column)} = g.{q(Group._meta.pk.column)} "
        f"WHERE ug.{q(through.get_field('user').column)} = %s"
    )


def can(user, cap: str) -> bool:
    return cap in capabilities(user)


def role_name(user) -> str:
    caps = capabilities(user)
    if "attributes.manage" in caps:
        return ADMIN
    if "lead.delete" in caps:
        return MANAGER
    if "lead.view" in caps:
        return SALES
    return "No role"


class Caps:
    """Template helper: ``{% if caps.lead_delete %}``."""

    def __init__(self, user):
        self._caps = capabilities(user)

    def __getattr__(self, name: str) -> bool:
        return name.replace("_", ".", 1) in self._caps

    def __contains__(self, cap: str) -> bool:
        return cap in self._caps


def require(*caps: str):
    """Refuse the view (403) unless the user holds every capability named."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            for cap in caps:
                if not can(request.user, cap):
                    raise PermissionDenied(f"Your role may not do this ({cap}).")
            return view(request, *args, **kwargs)

        wrapped.required_caps = caps
        return wrapped

    return decorator
