"""The overview: the pipeline in numbers and bars, for the lead list's filters."""
import time

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import require
from crmui import reference
from crmui.errors import user_message
from crmui.taskip import TaskipError
from leads.selectors import LeadQuery
from reports import selectors


def _choices():
    """Filter choices; a failure here leaves the selects empty but the page still works."""
    try:
        return reference.statuses(), reference.sources(), sorted(reference.team_member_names().items(), key=lambda kv: kv[1].lower())
    except TaskipError:
        return [], [], []


@require_GET
@require("lead.view")
def overview(request):
    query = LeadQuery.from_params(request.GET)
    qs = query.querystring(sort=None, dir=None)
    context = {
        "query": query,
        "qs": qs,
        "list_qs": query.querystring(),
        "error": None,
        "ov": None,
        "filtered": query.is_filtered,
    }
    try:
        result = selectors.overview(query=query, refresh="refresh" in request.GET)
        age = int(time.time() - result.fetched_at)
        context.update(ov=result.overview, cache_hit=result.cache_hit,
                       age_text="just now" if age < 5 else f"{age} seconds ago" if age < 90 else f"{age // 60} minutes ago")
    except TaskipError as exc:
        context["error"] = user_message(exc)
    if request.htmx and request.htmx.target == "overview-charts":
        return render(request, "reports/overview.html#overview-charts", context)
    statuses, sources, members = _choices()
    context.update(statuses=statuses, sources=sources, members=members)
    return render(request, "reports/overview.html", context)
