"""The overview: the pipeline in numbers and bars, for the lead list's filters."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import require
from crmui import fragments, reference
from crmui.errors import user_message
from crmui.htmx import HtmxHttpRequest
from crmui.taskip import TaskipError
from leads import snapshot
from leads.selectors import LeadQuery
from reports import selectors


def _choices():
    """Filter choices; a failure here leaves the selects empty but the page still works."""
    try:
        return (
            reference.statuses(),
            reference.sources(),
            sorted(reference.team_member_names().items(), key=lambda kv: kv[1].lower()),
        )
    except TaskipError:
        return [], [], []


@require_GET
@require("lead.view")
def overview(request: HtmxHttpRequest):
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
        context.update(
            ov=result.overview,
            cache_hit=result.cache_hit,
            fetched_at=result.fetched_at,
            refresh_url=f"?{context['qs']}&refresh=1" if context["qs"] else "?refresh=1",
            # the figures are rendered once per overview computed (one per snapshot copy and query)
            figures_html=fragments.render_once(
                "reports/overview.html#overview-figures",
                {"ov": result.overview, "list_qs": context["list_qs"]},
                source=result.overview,
                key=("overview-figures", context["list_qs"]),  # the filters its links carry
            ),
        )
    except snapshot.Preparing as exc:  # the first copy of a big workspace: the charts ask again by themselves
        context.update(error=user_message(exc), preparing=exc)
    except TaskipError as exc:
        context["error"] = user_message(exc)
    if request.htmx and request.htmx.target == "overview-charts":
        return render(request, "reports/overview.html#overview-charts", context)
    statuses, sources, members = _choices()
    context.update(statuses=statuses, sources=sources, members=members)
    return render(request, "reports/overview.html", context)
