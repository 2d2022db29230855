"""Placeholder lead detail page (the lead pipeline issue replaces it)."""
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import require
from crmui import api
from crmui.errors import user_message
from crmui.taskip import TaskipError


@require_GET
@require("lead.view")
def lead_detail(request, lead_id: int):
    try:
        lead = api.client().leads.get(lead_id)
        error = None
    except TaskipError as exc:
        lead, error = None, user_message(exc)
    return render(request, "leads/lead_detail.html", {"lead": lead, "error": error})
