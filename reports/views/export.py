"""CSV exports of the filtered lead list and of the contacts, streamed page by page."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import require
from audit.trail import record
from crmui.errors import page_status, user_message
from crmui.taskip import TaskipError
from leads.selectors import LeadQuery
from reports import services

CONTACT_SORTS = ("name", "email", "created_at")


def _csv_response(chunks, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((c.encode("utf-8") for c in chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _error_page(request, exc: TaskipError, what: str):
    status = page_status(exc)
    return render(
        request,
        "upstream_error.html",
        {"message": f"The {what} export could not start. {user_message(exc)}"},
        status=status,
    )


@require_GET
@require("export")
def export_leads(request):
    query = LeadQuery.from_params(request.GET)
    try:
        chunks = services.start_lead_export(query)
    except TaskipError as exc:
        return _error_page(request, exc, "lead")
    filename = services.lead_export_filename(query)
    record(request.user, "lead.export", "lead", changes=query.api_params(), label=filename)
    return _csv_response(chunks, filename)


@require_GET
@require("export")
def export_contacts(request):
    search = (request.GET.get("q") or request.GET.get("search") or "").strip()
    # The API's sort/order, or the contact list's own sort/dir and its combined order ("name-asc").
    sort = (request.GET.get("sort") or "").lower()
    order = (request.GET.get("order") or "").lower()
    direction = (request.GET.get("dir") or "").lower()
    if "-" in order:
        sort, direction = order.split("-", 1)
    elif order:
        direction = order
    sort = {"created": "created_at"}.get(sort, sort)
    sort = sort if sort in CONTACT_SORTS else None
    order = direction if direction in ("asc", "desc") else None
    try:
        chunks = services.start_contact_export(search=search, sort=sort, order=order)
    except TaskipError as exc:
        return _error_page(request, exc, "contact")
    filename = services.contact_export_filename(search=search)
    record(request.user, "contact.export", "contact", changes={"search": search}, label=filename)
    return _csv_response(chunks, filename)
