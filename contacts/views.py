"""Contacts: list (+ bulk delete), detail, create, edit, delete, invite to the client portal."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import require
from contacts import services
from contacts.forms import MERGE_FIELDS, ContactForm, InviteForm, contact_values, form_values, parse_ids
from contacts.services import ContactQuery
from crmui import reference
from crmui.errors import apply_api_errors, page_status, user_message
from crmui.htmx import HtmxHttpRequest, redirect_after_write, render_page
from crmui.sorting import SortHeader, sort_headers
from crmui.taskip import Conflict, NotFound, TaskipError, ValidationError
from crmui.writes import canon, conflict_rows, read_snapshot, resolve_edit, seen_of

LIST_TEMPLATE = "contacts/contact_list.html"
COLUMNS = (("name", "Name"), ("email", "Email"), ("created", "Added"))


# --------------------------------------------------------------------------- helpers
def _list_url(query: ContactQuery, **overrides) -> str:
    params = query.url_params(**overrides)
    base = reverse("contacts:list")
    return f"{base}?{urlencode(params)}" if params else base


def _sort_headers(query: ContactQuery) -> list[SortHeader]:
    """Clickable column headers; "Added" sorts newest first on its first click."""
    return sort_headers(
        COLUMNS,
        sort=query.sort,
        direction=query.direction,
        descending_first={"created"},
        url=lambda key, direction: _list_url(query, sort=key, direction=direction, page=1),
    )


def _list_context(request, query: ContactQuery, *, refresh: bool = False) -> dict:
    ctx = {
        "query": query,
        "page": None,
        "error": None,
        "sort_headers": _sort_headers(query),
        "per_page_choices": services.PER_PAGE_CHOICES,
        "sort_choices": services.ORDER_CHOICES,
        "list_url": _list_url(query),
        "refresh_url": _list_url(query) + ("&" if "?" in _list_url(query) else "?") + "refresh=1",
        "clear_url": _list_url(query, search="", page=1),
        "selected_ids": set(),
    }
    try:
        result = services.contact_list(query=query, refresh=refresh)
    except TaskipError as exc:
        ctx["error"] = user_message(exc)
        return ctx
    page = result.value
    ctx.update(page=page, fetched_at=result.fetched_at, cache_hit=result.hit)
    if not page.items and query.search:
        ctx["create_url"] = reverse("contacts:create") + "?" + urlencode(_prefill(query.search))
    if query.page > 1:
        ctx["prev_url"] = _list_url(query, page=query.page - 1)
    if page.has_next:
        ctx["next_url"] = _list_url(query, page=query.page + 1)
    if page.items:
        ctx["first_row"] = query.first_row()
        ctx["last_row"] = query.first_row() + len(page.items) - 1
    return ctx


def _prefill(search: str) -> dict[str, str]:
    """What a search that found nothing suggests for a new contact."""
    if "@" in search:
        return {"email": search}
    first, _, last = search.partition(" ")
    return {"first_name": first, "last_name": last} if last else {"first_name": first}


def _short(name: str, limit: int = 80) -> str:
    """Names in messages: TaskIP allows very long ones."""
    return Truncator(name).chars(limit)


def _render_list(request: HtmxHttpRequest, ctx, *, status=200):
    return render_page(request, LIST_TEMPLATE, ctx, partial="contact-table", status=status)


def _gone(request, contact_id: int, *, status: int = 404):
    ctx = {"contact_id": contact_id}
    if request.htmx:
        return render(request, "contacts/_gone.html", ctx, status=200)
    return render(request, "contacts/contact_gone.html", ctx, status=status)


def _load_contact(request, contact_id: int, *, refresh: bool = False, max_age: int | None = None):
    """(contact, error_response). NotFound becomes the "no longer exists" page.
    max_age: refetch a cached copy older than this many seconds."""
    if contact_id < 1:  # TaskIP ids are positive; /contacts/0/ cannot exist
        return None, _gone(request, contact_id)
    try:
        result = services.contact_get(contact_id=contact_id, refresh=refresh)
        if max_age is not None and result.hit and result.age_seconds > max_age:
            result = services.contact_get(contact_id=contact_id, refresh=True)
        return result.value, None
    except NotFound:
        return None, _gone(request, contact_id)
    except TaskipError as exc:
        if request.htmx:
            return None, render(request, "_error_fragment.html", {"message": user_message(exc)})
        return None, render(request, "upstream_error.html", {"message": user_message(exc)}, status=page_status(exc))


def _companies():
    try:
        return reference.companies(), None
    except TaskipError as exc:
        return [], "The company list could not be loaded from TaskIP (" + user_message(exc) + ")"


# --------------------------------------------------------------------------- list
@require_http_methods(["GET", "HEAD"])
@require("contact.view")
def contact_list(request: HtmxHttpRequest):
    query = ContactQuery.from_params(request.GET)
    ctx = _list_context(request, query, refresh="refresh" in request.GET)
    return _render_list(request, ctx)


@require_POST
@require("contact.bulk")
def contact_bulk_delete(request: HtmxHttpRequest):
    query = ContactQuery.from_params(request.POST)
    confirmed = request.POST.get("confirm") == "yes"
    # The confirmation carries the ids it listed (confirm_ids), so what is deleted is exactly
    # what the person saw listed, even if the ticks changed meanwhile.
    ids = parse_ids(request.POST.getlist("confirm_ids" if confirmed else "ids"))
    if not ids:
        if request.htmx and not confirmed:
            return render(request, "contacts/_bulk_confirm.html", {"query": query, "items": []})
        ctx = _list_context(request, query)
        ctx["bulk_error"] = "Select at least one contact to delete."
        return _render_list(request, ctx)
    names = _names_for(query, ids)
    if not confirmed:
        ctx = {"query": query, "items": [(i, names.get(i)) for i in ids], "list_url": _list_url(query)}
        if request.htmx:
            return render(request, "contacts/_bulk_confirm.html", ctx)
        return render(request, "contacts/contact_bulk_confirm.html", ctx)
    labels = [names.get(i, f"#{i}") for i in ids]
    outcome = services.contact_bulk_delete(actor=request.user, contact_ids=ids, labels=labels)
    if not outcome.saved:
        if outcome.unconfirmed:
            error = outcome.unconfirmed_message("the delete", "done") + " Reload the list to look."
        else:
            error = "The contacts were not deleted. " + user_message(outcome.error)
        if request.htmx:
            ctx = _list_context(request, query)
            ctx.update(bulk_error=error, selected_ids=set(ids))
            return _render_list(request, ctx)
        ctx = {"query": query, "items": [(i, names.get(i)) for i in ids], "list_url": _list_url(query), "error": error}
        return render(request, "contacts/contact_bulk_confirm.html", ctx)
    notice = f"Deleted {len(ids)} contact{'s' if len(ids) != 1 else ''}: {', '.join(labels)}."
    if not request.htmx:
        messages.success(request, notice)
        return redirect_after_write(request, _list_url(query))
    ctx = _list_context(request, query)
    if ctx.get("page") is not None and not ctx["page"].items and query.page > 1:
        query = replace(query, page=query.page - 1)
        ctx = _list_context(request, query)
    ctx["notice"] = notice
    response = _render_list(request, ctx)
    response["HX-Push-Url"] = _list_url(query)
    return response


def _names_for(query: ContactQuery, ids: list[int]) -> dict[int, str]:
    """Names of the selected contacts, from the (cached) list page they were picked on."""
    try:
        page = services.contact_list(query=query).value
    except TaskipError:
        return {}
    return {c.id: _short(c.display_name) for c in page if c.id in ids}


# --------------------------------------------------------------------------- detail
@require_http_methods(["GET", "HEAD"])
@require("contact.view")
def contact_detail(request: HtmxHttpRequest, contact_id: int):
    if contact_id < 1:
        return _gone(request, contact_id)
    try:
        result = services.contact_get(contact_id=contact_id, refresh="refresh" in request.GET)
    except NotFound:
        return _gone(request, contact_id)
    except TaskipError as exc:
        return render(request, "upstream_error.html", {"message": user_message(exc)}, status=page_status(exc))
    contact = result.value
    # values may be any JSON: text as is, numbers and lists as JSON text
    custom = [
        (
            k,
            v if isinstance(v, str) or v is None else json.dumps(v, ensure_ascii=False),
            isinstance(v, str) and services.is_web_url(v),
        )
        for k, v in contact.custom_fields
    ]
    ctx = {
        "contact": contact,
        "fetched_at": result.fetched_at,
        "cache_hit": result.hit,
        "lead_id": services.lead_id_from_reference(contact),
        "image_url": contact.image.url if contact.image and services.is_web_url(contact.image.url) else None,
        "custom_fields": custom,
        "billing": contact.billings,
        "has_billing": bool(
            contact.billings
            and any(
                getattr(contact.billings, f)
                for f in (
                    "billing_address",
                    "billing_city",
                    "billing_state",
                    "billing_country",
                    "billing_zip",
                    "billing_phone",
                    "tax_number",
                )
            )
        ),
    }
    return render(request, "contacts/contact_detail.html", ctx)


# --------------------------------------------------------------------------- create / edit
@require_http_methods(["GET", "POST"])
@require("contact.create")
def contact_create(request: HtmxHttpRequest):
    companies, companies_error = _companies()
    if request.method == "GET":
        initial = {"idem": uuid.uuid4().hex}
        # "New contact" from a search that found nothing starts with what was searched for
        for key in ("first_name", "last_name", "email"):
            if request.GET.get(key):
                initial[key] = request.GET[key][:191]
        form = ContactForm(initial=initial, companies=companies, companies_error=companies_error)
        return _render_form(request, form)

    form = ContactForm(request.POST, companies=companies, companies_error=companies_error)
    if not form.is_valid():
        return _render_form(request, form)
    outcome = services.contact_create(
        actor=request.user, payload=form.create_payload(), token=form.cleaned_data.get("idem") or None
    )
    if outcome.saved:
        contact_id = outcome.value.id if outcome.value is not None else outcome.result
        if outcome.replay:
            messages.info(
                request, "This contact was already saved: the form was sent twice, so nothing was created again."
            )
        else:
            messages.success(request, f"Contact {_short(outcome.value.display_name)} created.")
        if not contact_id:  # TaskIP said yes but sent no id: show the list rather than guess
            return redirect_after_write(request, reverse("contacts:list"))
        return redirect_after_write(request, reverse("contacts:detail", args=[contact_id]))
    if outcome.unconfirmed:
        form.add_error(
            None,
            outcome.unconfirmed_message("the contact")
            + " Search the contact list for "
            + (form.cleaned_data.get("email") or "its email")
            + ".",
        )
    else:
        _form_error(form, outcome.error, checked=outcome.checked)
    return _render_form(request, form)


@require_http_methods(["GET", "POST"])
@require("contact.edit")
def contact_edit(request: HtmxHttpRequest, contact_id: int):
    # The form starts from a copy at most a minute old, so nobody edits what TaskIP no longer has.
    contact, failure = _load_contact(request, contact_id, max_age=60 if request.method == "GET" else None)
    if failure:
        return failure
    companies, companies_error = _companies()
    if request.method == "GET":
        form = ContactForm(contact=contact, companies=companies, companies_error=companies_error)
        return _render_form(request, form)

    # What TaskIP holds now (the one extra read of a save): only the fields this person changed
    # since loading the form are sent; what someone else changed meanwhile is kept.
    current, failure = _load_contact(request, contact_id, refresh=True)
    if failure:
        if failure.status_code == 404:
            return failure
        form = ContactForm(request.POST, contact=contact, companies=companies, companies_error=companies_error)
        if form.is_valid():
            form.add_error(
                None,
                "TaskIP could not be asked what the contact holds now, so nothing was saved. "
                "Everything you typed is kept; save again in a moment.",
            )
        return _render_form(request, form)
    form = ContactForm(request.POST, contact=current, companies=companies, companies_error=companies_error)
    if not form.is_valid():
        return _render_form(request, form)
    held = contact_values(current)
    typed = form_values(form)
    loaded = read_snapshot(form.cleaned_data.get("loaded")) or {k: canon(v) for k, v in held.items()}
    merge = resolve_edit(form=form, post=request.POST, loaded=loaded, typed=typed, held=held, fields=MERGE_FIELDS)
    if merge.conflicts:
        data = form.data.copy()
        data["seen"] = seen_of(merge)
        form.data = data
        return _render_form(
            request,
            form,
            conflict={
                "conflicts": conflict_rows(form, merge, {"custom_fields": "Custom fields"}),
                "conflict_what": "contact",
                "conflict_kept": [_label_of(form, k) for k in sorted(merge.theirs)],
                "conflict_seen": seen_of(merge),
            },
        )
    payload = {k: v for k, v in form.update_payload().items() if k in merge.mine or k == "password"}
    kept = [_label_of(form, k) for k in sorted(merge.theirs)]
    kept_text = f" Someone else's changes meanwhile ({', '.join(kept)}) are kept." if kept else ""
    if not payload:
        messages.info(request, "Nothing changed, so nothing was sent to TaskIP." + kept_text)
        return redirect_after_write(request, reverse("contacts:detail", args=[contact_id]))
    outcome = services.contact_update(
        actor=request.user, contact_id=contact_id, payload=payload, label=current.display_name
    )
    if isinstance(outcome.error, NotFound):
        return _gone(request, contact_id)
    if outcome.unconfirmed:
        form.add_error(None, outcome.unconfirmed_message("your changes") + " Open the contact to see what it holds.")
        return _render_form(request, form)
    if outcome.not_saved:
        _form_error(form, outcome.error, checked=outcome.checked)
        return _render_form(request, form)
    # TaskIP answers an update with {"msg": "Contact Updated"} only. We show the saved contact by
    # REFETCHING it: the update invalidated the contact, so the detail page we redirect to reads
    # it fresh from TaskIP (one GET) and shows exactly what TaskIP stored.
    saved_name = f"{form.cleaned_data['first_name']} {form.cleaned_data.get('last_name') or ''}".strip()
    messages.success(request, f"Saved {_short(saved_name)}." + kept_text)
    return redirect_after_write(request, reverse("contacts:detail", args=[contact_id]))


def _label_of(form: ContactForm, name: str) -> str:
    field = form.fields.get(name)
    return "custom fields" if name == "custom_fields" else (str(field.label).lower() if field is not None else name)


def _form_error(form: ContactForm, exc: TaskipError, *, checked: bool = False) -> None:
    if isinstance(exc, Conflict):
        email = form.cleaned_data.get("email") or ""  # read before add_error drops it
        apply_api_errors(form, exc)
        try:  # point at the contact that already has this email, when we can find it
            form.duplicate = services.find_by_email(email)
        except TaskipError:
            form.duplicate = None
        if form.duplicate is not None and form.contact is not None and form.duplicate.id == form.contact.id:
            form.duplicate = None
    elif isinstance(exc, ValidationError):
        apply_api_errors(form, exc)
    elif checked:
        form.add_error(
            None,
            "Nothing was saved (the dashboard checked with TaskIP). "
            + user_message(exc)
            + " Everything you typed is kept, so send it again.",
        )
    else:
        form.add_error(None, "Nothing was saved. " + user_message(exc))


def _render_form(request, form: ContactForm, conflict: dict | None = None) -> HttpResponse:
    return render(request, "contacts/contact_form.html", {"form": form, "contact": form.contact, **(conflict or {})})


# --------------------------------------------------------------------------- delete
@require_http_methods(["GET", "POST"])
@require("contact.delete")
def contact_delete(request: HtmxHttpRequest, contact_id: int):
    contact, failure = _load_contact(request, contact_id)
    if failure:
        if request.method == "POST" and failure.status_code == 404:
            messages.info(request, "That contact had already been deleted.")
            return redirect_after_write(request, reverse("contacts:list"))
        return failure
    ctx = {"contact": contact, "error": None}
    if request.method == "POST":
        outcome = services.contact_delete(actor=request.user, contact_id=contact_id, label=contact.display_name)
        if outcome.saved:
            messages.success(request, f"Deleted {_short(contact.display_name)}.")
            return redirect_after_write(request, reverse("contacts:list"))
        if isinstance(outcome.error, NotFound):
            messages.info(request, f"{_short(contact.display_name)} had already been deleted.")
            return redirect_after_write(request, reverse("contacts:list"))
        if outcome.unconfirmed:
            ctx["error"] = f"{_short(contact.display_name)}: " + outcome.unconfirmed_message("the delete", "done")
        else:
            ctx["error"] = f"{_short(contact.display_name)} was not deleted. " + user_message(outcome.error)
    template = "contacts/_delete_panel.html" if request.htmx else "contacts/contact_delete.html"
    return render(request, template, ctx)


# --------------------------------------------------------------------------- invite
@require_http_methods(["GET", "POST"])
@require("contact.invite")
def contact_invite(request: HtmxHttpRequest, contact_id: int):
    contact, failure = _load_contact(request, contact_id)
    if failure:
        return failure
    ctx = {"contact": contact, "result": None, "error": None}
    if request.method == "GET":
        form = InviteForm()
    else:
        form = InviteForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            outcome = services.contact_invite(
                actor=request.user,
                contact_id=contact_id,
                message=d["message"],
                send_email=d["send_email"],
                access_level=d["access_level"],
                label=contact.display_name,
            )
            exc = outcome.error
            if isinstance(exc, NotFound):
                return _gone(request, contact_id)
            if outcome.unconfirmed:
                ctx["error"] = f"{_short(contact.display_name)}: " + outcome.unconfirmed_message(
                    "the invitation", "sent"
                )
            elif outcome.not_saved:
                reason = user_message(exc)
                if isinstance(exc, ValidationError) and exc.errors:
                    # errors about the form's fields go on them; the rest (e.g. "the contact has
                    # no email address") is the reason given in the panel
                    others = []
                    for api_field, msgs in exc.errors.items():
                        for msg in msgs:
                            if api_field in form.fields:
                                form.add_error(api_field, msg)
                            else:
                                others.append(msg)
                    reason = " ".join(others) or "See the highlighted fields."
                ctx["error"] = f"{_short(contact.display_name)} was not invited. " + reason
            else:
                # Our words, not TaskIP's ("Invitation sent success"): what happened, to whom.
                ctx["result"] = {
                    "message": f"{_short(contact.display_name)} is invited to the client portal.",
                    "send_email": d["send_email"],
                    "access_level": dict(form.fields["access_level"].choices).get(d["access_level"]),
                    "email": contact.email,
                }
    ctx["form"] = form
    template = "contacts/_invite_panel.html" if request.htmx else "contacts/contact_invite.html"
    return render(request, template, ctx)
