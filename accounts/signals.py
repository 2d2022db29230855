"""Logins, logouts and failed logins go to the audit trail; the Admin role gets /admin/ access."""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from accounts.lockout import client_ip

log = logging.getLogger("crmui.audit")


def record_auth(action: str, username: str, ip: str, *, user=None, outcome: str = "ok", message: str = "") -> None:
    from audit.models import AuditEntry

    try:
        AuditEntry.objects.create(
            user=user if getattr(user, "pk", None) else None,
            username=str(username or "")[:150],
            action=action,
            object_type="user",
            object_id=str(user.pk) if getattr(user, "pk", None) else "",
            object_label=str(username or "")[:300],
            outcome=outcome,
            message=f"{message} (from {ip})".strip()[:500],
        )
    except Exception:  # never break a login because the trail could not be written
        log.exception("could not record %s", action)


@receiver(user_logged_in, dispatch_uid="accounts-audit-login")
def _logged_in(sender, request, user, **kwargs):
    # (axes clears the failure count: AXES_RESET_ON_SUCCESS)
    record_auth("login", user.get_username(), client_ip(request), user=user, message="logged in")


@receiver(user_logged_out, dispatch_uid="accounts-audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_auth("logout", user.get_username(), client_ip(request), user=user, message="logged out")


@receiver(user_login_failed, dispatch_uid="accounts-audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # credentials are already scrubbed by Django (the password is replaced by stars)
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    if getattr(request, "axes_refused", False):  # locked out: the password was not even checked
        record_auth(
            "login.locked", username, client_ip(request), outcome="failed", message="refused: login is locked out"
        )
        return
    record_auth("login.failed", username, client_ip(request), outcome="failed", message="wrong username or password")


@receiver(user_locked_out, dispatch_uid="accounts-audit-lockout")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    if getattr(request, "axes_refused", False):  # a try while locked: "login.locked" above
        return
    record_auth(
        "login.lockout",
        username or "",
        client_ip(request),
        outcome="failed",
        message="locked out after repeated failed logins",
    )


def _sync_staff(user) -> None:
    """Admin-group members (and superusers) may open /admin/ to manage users; nobody else."""
    should = bool(user.is_superuser or user.groups.filter(name="Admin").exists())
    if user.is_staff != should:
        type(user).objects.filter(pk=user.pk).update(is_staff=should)
        user.is_staff = should


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    User = get_user_model()
    if not reverse:
        _sync_staff(instance)
    else:  # group.user_set changed
        users = User.objects.filter(pk__in=pk_set) if pk_set else User.objects.filter(is_staff=True)
        for user in users:
            _sync_staff(user)


def connect():
    m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through, dispatch_uid="accounts-sync-staff")
