"""The lead detail page: every field (from the lead snapshot: no call), badges in their
colours, assignees by name, the converted state and the actions the user's role allows; the
notes, files and activity panels load when shown, each cached per lead (leads/panels.py,
``LEAD_PANEL_SECONDS``) and saying how old it is."""

from __future__ import annotations

from uuid import uuid4

from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from accounts.roles import require
from audit import labels as audit_labels
from crmui import reference
from crmui.errors import page_status, user_message
from crmui.htmx import HtmxHttpRequest, is_partial, render_page
from crmui.taskip import NotFound, TaskipError
from leads import services
from leads.forms import custom_pairs


def _safe_url(url: str | None) -> str | None:
    """A website worth linking to: http(s) only (never javascript: or data:)."""
    if not url:
        return None
    u = url.strip()
    if u.lower().startswith(("http://", "https://")):
        return u
    if "." in u and " " not in u and ":" not in u.split("/")[0]:
        return "https://" + u
    return None


def _activities(lead) -> list[dict]:
    """Whatever TaskIP sends as activities, in a shape the timeline can show."""
    out = []
    for item in lead.activities:
        if isinstance(item, dict):
            text = next(
                (
                    str(item[k])
                    for k in ("description", "message", "text", "title", "activity", "type", "event")
                    if item.get(k)
                ),
                "Activity",
            )
            detail = item.get("properties") or item.get("changes")
            when = next((item[k] for k in ("created_at", "date", "time", "updated_at") if item.get(k)), None)
            try:
                when = parse_datetime(str(when)) or when if when else None
            except ValueError:
                pass
            who = item.get("causer") or item.get("user") or item.get("created_by")
            if isinstance(who, dict):
                who = who.get("name") or who.get("full_name") or who.get("email")
            out.append(
                {
                    "text": audit_labels.fields_sentence("lead", text),
                    "when": when,
                    "who": who if isinstance(who, str) else None,
                    "detail": detail if isinstance(detail, str) else None,
                }
            )
        elif item not in (None, ""):
            out.append({"text": str(item), "when": None, "who": None, "detail": None})
    return out


def detail_context(lead_id: int, lead, *, fetched_at=None, cache_hit=None) -> dict:
    """What the detail template needs besides the lead (names of assignees and company)."""
    try:
        names = reference.team_member_names()
    except TaskipError:
        names = {}
    company_name = lead.company.name if lead.company and lead.company.name else None
    if company_name is None and lead.company_id:
        try:
            company_name = reference.company_names().get(lead.company_id)
        except TaskipError:
            company_name = None
    assignees = [{"id": i, "name": names.get(i) or f"Team member #{i}"} for i in lead.assigned_to]
    place = [p for p in (lead.address, lead.city, lead.state, lead.zip_code, lead.country) if p]
    return {
        "lead": lead,
        "lead_id": lead_id,
        "assignees": assignees,
        "company_name": company_name or (f"Company #{lead.company_id}" if lead.company_id else None),
        "website_url": _safe_url(lead.website),
        "custom": custom_pairs(lead.custom_fields),
        "activities": _activities(lead),
        "groups": [g.get("name") or f"#{g.get('id')}" if isinstance(g, dict) else f"#{g}" for g in lead.groups],
        "has_place": bool(place),
        "fetched_at": fetched_at,
        "cache_hit": cache_hit,
        "email_token": uuid4().hex,  # the email dialog's double-submit token (crmui/writes.py)
    }


@require_GET
@require("lead.view")
def lead_detail(request: HtmxHttpRequest, lead_id: int):
    try:
        # cold: the lead and the team's names at the same time
        warming = reference.warm_beside(team_only=True)
        try:
            result = services.lead_fields(lead_id=lead_id, refresh="refresh" in request.GET)
        finally:
            warming.exception()
    except NotFound:
        return _detail_page(request, {"gone": True, "lead_id": lead_id}, status=404)
    except TaskipError as exc:
        return _detail_page(request, {"error": user_message(exc), "lead_id": lead_id}, status=page_status(exc))
    context = detail_context(lead_id, result.value, fetched_at=result.fetched_at, cache_hit=result.hit)
    return _detail_page(request, context)


def _detail_page(request: HtmxHttpRequest, context: dict, *, status: int = 200):
    """The page, or its #lead-detail block for a panel refresh. A failed refresh says so in
    place with 200: htmx swaps only 2xx answers."""
    return render_page(
        request, "leads/lead_detail.html", context, partial="lead-detail", status=200 if is_partial(request) else status
    )


@require_GET
@require("lead.view")
def activity_panel(request, lead_id: int):
    """The activity tab: the lead's timeline from ``GET /lead/{id}`` (cached per lead for
    ``LEAD_PANEL_SECONDS`` or until the lead snapshot shows the lead changed; Refresh costs one
    call)."""
    ctx = {"lead_id": lead_id, "activities": None, "activity_error": "", "fetched_at": None}
    try:
        result = services.lead_activity(lead_id=lead_id, refresh="refresh" in request.GET)
        ctx["activities"] = _activities(result.value)
        ctx["fetched_at"] = result.fetched_at
        ctx["stale"] = result.stale
    except NotFound:
        ctx["activity_error"] = "This lead no longer exists in TaskIP, so its activity cannot be shown."
    except TaskipError as exc:
        ctx["activity_error"] = user_message(exc)
    if request.htmx:
        return render(request, "leads/_activity_panel.html", ctx)
    ctx.update(panel_template="leads/_activity_panel.html", panel_title="Activity")
    return render(request, "leads/panel_page.html", ctx)
