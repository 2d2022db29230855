"""Login lock-out on django-axes, exact across servers.

After LOGIN_FAILURE_LIMIT failed logins for one username from one address, that username is
locked from that address for LOGIN_LOCKOUT_SECONDS after the last failure, even with the right
password; a successful login clears the count. The same on our login page and the admin's.
Failures live in the database (axes' AccessAttempt), so every server and worker sees them.

Why a handler of our own: axes' database handler checks the count *before* the password and
adds the failure *after* it, so parallel guesses all pass the check (a burst of 20 would have
all 20 passwords checked against a limit of 5). ``AtomicLoginHandler`` claims a try first:
under a per-(username, address) lock it reads the count and, below the limit, records the try
as a failure before the password is looked at; a successful login then clears the count as
before (AXES_RESET_ON_SUCCESS). So at most LOGIN_FAILURE_LIMIT passwords are ever checked
between two successes, however many servers take the burst.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import zlib
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_query_str
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Max
from django.forms.forms import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape

log = logging.getLogger("crmui.auth")

# Without PostgreSQL (SQLite in development: one server) a process-wide lock serialises tries.
_local_gate = threading.Lock()


def lockout_seconds() -> int:
    return int(getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60))


def failure_limit(request=None, credentials=None) -> int:
    return int(getattr(settings, "LOGIN_FAILURE_LIMIT", 5))


def cool_off(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: read at run time so LOGIN_LOCKOUT_SECONDS can change (tests, settings);
    divided by TIME_SCALE like every other lifetime."""
    from crmui.timescale import scaled

    return timedelta(seconds=scaled(lockout_seconds()))


def client_ip_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    nearest trusted proxy saw (from the right of X-Forwarded-For: entries further left are the
    client's own claims)."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    candidate = hops[-proxies] if len(hops) >= proxies else (hops[0] if hops else remote)
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def client_ip(request) -> str:
    if request is None:
        return "-"
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or "-"


def _advisory_lock(username: str, ip: str, using: str) -> None:
    """PostgreSQL: hold a lock on (username, ip) until the surrounding transaction ends."""
    key = zlib.crc32(f"axes|{username}|{ip}".encode()) - 2**31
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


class AtomicLoginHandler(AxesDatabaseHandler):
    def is_allowed(self, request, credentials=None) -> bool:
        if self.is_blacklisted(request, credentials):
            request.axes_refused = True
            return False
        if self.is_whitelisted(request, credentials):
            return True
        username = get_client_username(request, credentials)
        ip = request.axes_ip_address
        using = router.db_for_write(AccessAttempt)
        shared = connections[using].vendor == "postgresql"
        if not shared:
            _local_gate.acquire()
        try:
            with transaction.atomic(using=using):
                if shared:
                    _advisory_lock(username or "", ip or "", using)
                self.clean_expired_user_attempts(request, credentials)
                if self.get_failures(request, credentials) >= get_failure_limit(request, credentials):
                    request.axes_refused = True
                    return False
                self._claim(request, username)
        finally:
            if not shared:
                _local_gate.release()
        request.axes_claimed = True
        return True

    def _claim(self, request, username) -> None:
        """Record this try as a failure now (a successful login clears it again)."""
        attempt, created = AccessAttempt.objects.select_for_update().get_or_create(
            username=username,
            ip_address=request.axes_ip_address,
            user_agent=request.axes_user_agent,
            defaults={
                "get_data": get_query_str(request.GET).replace("\0", "0x00"),
                "post_data": get_query_str(request.POST).replace("\0", "0x00"),
                "http_accept": request.axes_http_accept,
                "path_info": request.axes_path_info,
                "failures_since_start": 1,
                "attempt_time": request.axes_attempt_time,
            },
        )
        if not created:
            AccessAttempt.objects.filter(pk=attempt.pk).update(
                failures_since_start=F("failures_since_start") + 1,
                attempt_time=request.axes_attempt_time,
                path_info=request.axes_path_info,
                http_accept=request.axes_http_accept,
            )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None or not getattr(request, "axes_claimed", False):
            # refused while locked (nothing to count), or a path that never claimed a try
            return super().user_login_failed(sender, credentials, request, **kwargs)
        # the failure was counted when the try was claimed: only decide about the lock-out
        failures = self.get_failures(request, credentials)
        request.axes_failures_since_start = failures
        if failures >= get_failure_limit(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            username = get_client_username(request, credentials)
            log.warning("login locked out after %d failures (from %s)", failures, request.axes_ip_address)
            # accounts.signals records it in the audit trail
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)


def locked_until(request, credentials=None):
    """When the lock-out of this request's (username, address) ends, or None."""
    username = get_client_username(request, credentials)
    last = AccessAttempt.objects.filter(username=username, ip_address=client_ip(request)).aggregate(
        last=Max("attempt_time")
    )["last"]
    return last + cool_off() if last else None


def lockout_message(until) -> str:
    from crmui.timescale import product_seconds

    seconds = product_seconds((until - timezone.now()).total_seconds()) if until else lockout_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    return (
        f"Too many failed login attempts. This login is locked for {minutes} minute{'s' if minutes != 1 else ''}; "
        "try again later or ask an administrator."
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page it was (ours or the admin's), with the lock-out as
    the form's error instead of "wrong password"."""
    message = lockout_message(locked_until(request, credentials))
    form = (getattr(original_response, "context_data", None) or {}).get("form")
    if form is not None and hasattr(original_response, "rendered_content"):
        if form._errors is None:
            form._errors = ErrorDict()
        form._errors[NON_FIELD_ERRORS] = form.error_class([message], error_class="nonfield")
        original_response.content = original_response.rendered_content
        return original_response
    return HttpResponse(f"<!doctype html><title>Locked</title><p>{escape(message)}</p>", status=429)


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend (first in AUTHENTICATION_BACKENDS), which refuses a locked-out try. A login
    without a request (Django's test client ``login()``, a script) has no address to count by:
    it is not counted, where axes itself would raise."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
