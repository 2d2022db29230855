"""The htmx plumbing every view shares, in one place.

    render_page(request, "leads/lead_list.html", context, partial="lead-table")
        the whole page for a normal (or boosted) request, only the ``{% partialdef lead-table %}``
        block for an htmx request that swaps part of the page
    redirect_after_write(request, url)
        after a successful POST: ``HX-Redirect`` for htmx (the browser loads the page),
        ``HX-Location`` when a ``target`` is given (htmx loads it into that element),
        ``303 See Other`` otherwise (the browser GETs the page; a reload does not resend)
    wants_json(request)
        a script's fetch() asked for JSON (board.js, files.js); htmx and forms get HTML
    age_text(fetched_at)
        "just now", "3 min ago": how old cached data is, the wording every page uses
        (templates: ``{% include "_freshness.html" %}``, which calls it through ``|age``)

Views annotate ``request: HtmxHttpRequest`` so editors and type checkers know ``request.htmx``.
Modelled on django-htmx-patterns' ``for_htmx(use_block=...)``.
"""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation
from django_htmx.middleware import HtmxDetails

__all__ = [
    "HtmxHttpRequest",
    "age_text",
    "is_partial",
    "page_or_partial",
    "redirect_after_write",
    "render_page",
    "wants_json",
]


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest that went through django-htmx's HtmxMiddleware (every request here does)."""

    htmx: HtmxDetails


def is_partial(request: HtmxHttpRequest) -> bool:
    """True for an htmx request that swaps part of a page. A boosted link or form (hx-boost)
    wants the whole page: htmx swaps its <body>."""
    return bool(request.htmx) and not request.htmx.boosted


def page_or_partial(request: HtmxHttpRequest, template: str, partial: str) -> str:
    """The template name to render: ``template`` or its ``template#partial`` block."""
    return f"{template}#{partial}" if is_partial(request) else template


def render_page(
    request: HtmxHttpRequest,
    template: str,
    context: dict | None = None,
    *,
    partial: str | None = None,
    status: int = 200,
    push_url: str | None = None,
) -> HttpResponse:
    """Render the page, or only its ``partial`` block for an htmx swap. ``push_url``: the
    address htmx puts in the location bar after a partial swap (the tidy URL of what is shown)."""
    name = page_or_partial(request, template, partial) if partial else template
    response = render(request, name, context, status=status)
    if push_url and partial and is_partial(request):
        response["HX-Push-Url"] = push_url
    return response


def redirect_after_write(request: HtmxHttpRequest, url: str, *, target: str | None = None) -> HttpResponse:
    """Where to go after a successful write (Post/Redirect/Get).

    htmx with ``target``: HX-Location, htmx loads ``url`` into that element without a reload;
    htmx: HX-Redirect, a full page load (messages show there); otherwise 303 See Other."""
    if request.htmx:
        if target:
            return HttpResponseLocation(url, target=target)
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url, status=303)


def wants_json(request: HtmxHttpRequest) -> bool:
    """A script's fetch() asking for JSON. htmx requests always get HTML to swap."""
    return "application/json" in request.headers.get("Accept", "") and not request.htmx


def age_text(fetched_at: float | None, *, now: float | None = None) -> str:
    """How long ago cached data was loaded from TaskIP: "just now", "1 min ago", "12 min ago",
    "2 h ago", "1 day ago", "3 days ago". Empty when the time is unknown."""
    if not fetched_at:
        return ""
    secs = max(0, int((time.time() if now is None else now) - float(fetched_at)))
    if secs < 45:
        return "just now"
    if secs < 90:
        return "1 min ago"
    if secs < 3600:
        return f"{round(secs / 60)} min ago"
    if secs < 24 * 3600 - 1800:
        return f"{round(secs / 3600)} h ago"
    days = max(1, round(secs / 86400))
    return "1 day ago" if days == 1 else f"{days} days ago"
