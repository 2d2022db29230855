"""The overview: the pipeline in numbers and bars, for the lead list's filters."""
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import require
from crmui import reference
from crmui.errors import user_message
from crmui.htmx import HtmxHttpRequest
from crmui.taskip import TaskipError
from reports import selectors


def _choices():
    """Filter choices; a failure here leaves the selects empty but the page still works."""
    try:
        return reference.statuses(), reference.sources(), sorted(reference.team_member_names().items(), key=lambda kv: kv[1].lower())
    except TaskipError:
        return [], [], []


@require_GET
@require("lead.view")
def overview(request: HtmxHttpRequest):
    query = selectors.lead_query_from(request.GET)
    context = {
        "query": query,
        "qs": selectors.query_string(query, keep_sort=False),
        "list_qs": selectors.list_query_string(query),
        "error": None,
        "ov": None,
        "filtered": bool(selectors.query_string(query, keep_sort=False)),
    }
    try:
        result = selectors.overview(query=query, refresh="refresh" in request.GET)
        context.update(ov=result.overview, cache_hit=result.cache_hit, fetched_at=result.fetched_at,
                       refresh_url=f"?{context['qs']}&refresh=1" if context["qs"] else "?refresh=1")
    except TaskipError as exc:
        context["error"] = user_message(exc)
    if request.htmx and request.htmx.target == "overview-charts":
        return render(request, "reports/overview.html#overview-charts", context)
    statuses, sources, members = _choices()
    context.update(statuses=statuses, sources=sources, members=members)
    return render(request, "reports/overview.html", context)
