from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import require
from crmui.errors import user_message
from crmui.taskip import TaskipError
from leads import selectors as services


@require_GET
@require("lead.view")
def lead_list(request):
    try:
        page_no = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page_no = 1
    query = services.LeadQuery(search=request.GET.get("q", "").strip())
    context = {"query": query, "page_no": page_no, "error": None, "page": None}
    try:
        result = services.lead_list(query=query, page=page_no, refresh="refresh" in request.GET)
        context.update(page=result.value, fetched_at=result.fetched_at, cache_hit=result.hit)
    except TaskipError as exc:
        context["error"] = user_message(exc)
    template = "leads/lead_list.html#lead-table" if request.htmx else "leads/lead_list.html"
    return render(request, template, context)
