from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from crmui import budget, cache
from crmui import tally as upstream
from crmui.errors import page_status, user_message
from crmui.taskip import errors as taskip_errors

log = logging.getLogger("crmui.upstream")


class UpstreamMiddleware:
    """Counts the TaskIP calls each request makes, logs them, and turns any upstream
    failure a view did not handle itself into a clear page instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tally = upstream.begin_tally(deadline_seconds=getattr(settings, "TASKIP_PAGE_DEADLINE", None), page=True)
        request.upstream = tally
        cache.refresh_requested.set("refresh" in request.GET)
        try:
            response = self.get_response(request)
        finally:
            # the deadline and the refresh flag belong to this request only, not to what this
            # thread does next (a test's fixture, a thread-pool reuse)
            upstream.end_tally()
            cache.refresh_requested.set(False)
            upstream.hand_over(tally)  # its after-response work: when the response has gone out
        if tally.calls:  # (the request's log line is crmui.ops.RequestLogMiddleware's)
            upstream.remember_rate_limit(tally.rate_limit)
        response["X-Upstream-Calls"] = str(tally.calls)
        response["X-Upstream-Ms"] = f"{tally.elapsed_ms:.0f}"
        response["X-Upstream-Longest-Ms"] = f"{tally.longest_ms:.0f}"
        response["X-Cache-Hits"] = f"{tally.cache_hits}/{tally.cache_hits + tally.cache_misses}"
        if tally.stale_served:
            response["X-Served-Stale"] = str(tally.stale_served)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name:
            try:
                budget.record(
                    match.view_name,
                    calls=tally.calls,
                    hits=tally.cache_hits,
                    lookups=tally.cache_hits + tally.cache_misses,
                )
            except Exception:  # the record is a statistic: never let it break a page
                log.exception("could not record the upstream budget")
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, taskip_errors.TaskipError):
            return None
        log.warning("unhandled upstream failure on %s %s: %s", request.method, request.path, type(exception).__name__)
        message = user_message(exception)
        # Not a 5xx: the dashboard itself is fine and says what happened; monitoring counts
        # the dashboard's own failures by 5xx. A 429 is passed on as such.
        status = page_status(exception)
        if getattr(request, "htmx", False):
            response = render(request, "_error_fragment.html", {"message": message}, status=200)
            response["HX-Reswap"] = "innerHTML"
            return response
        return render(request, "upstream_error.html", {"message": message}, status=status)


def _same_site_path(request, url: str) -> str | None:
    """The path (with query) of ``url`` when it is on this site, else None."""
    from urllib.parse import urlsplit

    from django.utils.http import url_has_allowed_host_and_scheme

    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return None
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def login_url_for(next_path: str) -> str:
    """The login page that comes back to ``next_path`` (URL-encoded whole: filters after & stay)."""
    from urllib.parse import urlencode

    return f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_path or '/'})}"


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Every page needs a login. An htmx request whose session expired is sent to the
    login page as a whole (HX-Redirect) rather than getting a login form in a panel, with the
    page's whole address as ``next``; a script asking for JSON (board moves, uploads) gets a 401
    ``{"ok": false, "error", "login"}`` it can show and follow, never a login page to parse."""

    def handle_no_permission(self, request, view_func):
        from django.http import JsonResponse

        from crmui.htmx import wants_json

        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(login_url_for(request.htmx.current_url_abs_path or "/"))
        if wants_json(request):
            back = _same_site_path(request, request.headers.get("Referer", "")) or "/"
            return JsonResponse(
                {
                    "ok": False,
                    "login": login_url_for(back),
                    "error": "Your session has ended, so nothing was saved. Log in again to carry on.",
                },
                status=401,
            )
        return super().handle_no_permission(request, view_func)
