"""Create, edit, clone, delete, convert and send email.

Every failed save re-renders the bound form (nothing typed is lost) with TaskIP's field
errors on the fields; htmx requests get only the ``#lead-form`` / ``#email-form`` partial
back, plain POSTs get the whole page. Success redirects (HX-Redirect for htmx, 303 otherwise).
"""

from __future__ import annotations

from uuid import uuid4

from django import forms
from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import profile_for
from accounts.roles import require
from crmui import reference
from crmui.errors import apply_api_errors, page_status, retry_hint, user_message
from crmui.htmx import redirect_after_write, render_page
from crmui.taskip import Conflict, NotFound, RateLimited, TaskipError, ValidationError
from crmui.writes import canon, conflict_rows, read_snapshot, resolve_edit, seen_of, snapshot
from leads import services
from leads.forms import API_FIELDS, LeadForm, custom_pairs, initial_from_lead, lead_payload
from leads.places import workspace_places


# --------------------------------------------------------------------------- helpers
def detail_url(lead_id) -> str:
    return reverse("leads:detail", args=[lead_id])


def _references(lead=None) -> tuple[dict, str | None]:
    """The form's choice lists. Each comes from the cache when it can; one that cannot be
    loaded is left empty (what the lead already has stays selectable) and the page says so."""
    refs: dict = {}
    failed = []
    unverified = set()
    for key, fetch, what, field in (
        ("companies", reference.companies, "companies", "company_id"),
        ("team_members", reference.team_members, "team members", "assigned_to"),
        ("statuses", reference.statuses, "statuses", "status_ids"),
        ("sources", reference.sources, "sources", "source_ids"),
        ("places", workspace_places, "places (from the workspace's leads)", ("country_id", "state_id", "city_id")),
    ):
        try:
            refs[key] = fetch()
        except TaskipError:
            refs[key] = None if key == "places" else []
            failed.append(what)
            # cannot check a posted choice against a list we do not have
            unverified.update(field if isinstance(field, tuple) else (field,))
    refs["lead"] = lead
    refs["unverified"] = frozenset(unverified)
    warning = None
    if failed:
        warning = (
            f"The lists of {', '.join(failed)} could not be loaded from TaskIP just now, so those choices "
            "are limited to what the lead already has. Reload the page to try again."
        )
    return refs, warning


def _form_failed(form: LeadForm, exc: TaskipError, *, checked: bool = False) -> None:
    """Tell the user on the form why TaskIP did not save it."""
    if isinstance(exc, (ValidationError, Conflict)):
        apply_api_errors(form, exc)
    elif isinstance(exc, RateLimited):
        form.add_error(
            None,
            "TaskIP's request limit for this workspace has been reached, so nothing was saved. "
            + retry_hint(exc)
            + " Everything you typed is still here.",
        )
    elif checked:
        form.add_error(
            None,
            user_message(exc) + " Nothing was saved (the dashboard checked with TaskIP); "
            "everything you typed is still here, so save again.",
        )
    else:
        form.add_error(None, user_message(exc) + " Nothing was saved; everything you typed is still here.")


def _render_form(
    request,
    form: LeadForm,
    *,
    mode: str,
    lead=None,
    title: str,
    action: str,
    warning=None,
    existing=None,
    conflict: dict | None = None,
):
    context = {
        "form": form,
        "mode": mode,
        "lead": lead,
        "title": title,
        "action": action,
        "ref_warning": warning,
        "existing_lead": existing,
        **(conflict or {}),
        "cancel_url": detail_url(lead.id) if (lead is not None and mode == "edit") else reverse("leads:list"),
    }
    return render_page(request, "leads/lead_form.html", context, partial="lead-form")


def _gone(request, lead_id):
    """The lead does not exist (any more)."""
    if request.htmx:
        return render(
            request,
            "_error_fragment.html",
            {"message": "This lead no longer exists in TaskIP. It may have been deleted by someone else."},
        )
    return render(request, "leads/lead_detail.html", {"gone": True, "lead_id": lead_id}, status=404)


def _load_failed(request, exc: TaskipError, lead_id=None):
    status = page_status(exc)
    if request.htmx:
        return render(request, "_error_fragment.html", {"message": user_message(exc)})
    return render(request, "leads/lead_detail.html", {"error": user_message(exc), "lead_id": lead_id}, status=status)


def _reason(exc: TaskipError) -> str:
    """TaskIP's own words for a refusal: its field messages when it sent any, else its message."""
    msgs = []
    for value in (getattr(exc, "errors", None) or {}).values():
        msgs.extend([value] if isinstance(value, str) else [str(v) for v in value])
    return " ".join(dict.fromkeys(msgs)) or exc.message or user_message(exc)


def _duplicate_of(email: str):
    """The lead that already has this email, when TaskIP says it is taken (best effort)."""
    try:
        return services.find_lead_by_email(email=email)
    except TaskipError:
        return None


# --------------------------------------------------------------------------- create / clone
@require_http_methods(["GET", "POST"])
@require("lead.create")
def lead_create(request):
    refs, warning = _references()
    if request.method == "GET":
        initial = {"idem_token": uuid4().hex, "currency": "USD"}
        profile = profile_for(request.user)
        if profile and profile.team_member_id:
            initial["assigned_to"] = [profile.team_member_id]
        form = LeadForm(initial=initial, **refs)
        return _render_form(
            request, form, mode="create", title="New lead", action=reverse("leads:create"), warning=warning
        )

    form = LeadForm(request.POST, **refs)
    title = request.POST.get("form_title") or "New lead"
    title = title if title.startswith("Clone of ") or title == "New lead" else "New lead"
    existing = None
    if form.is_valid():
        email = form.cleaned_data["email"]
        outcome = services.lead_create(
            actor=request.user, payload=form.create_payload(), token=form.cleaned_data.get("idem_token") or None
        )
        if outcome.saved:
            lead_id = outcome.value.id if outcome.value is not None else outcome.result
            if outcome.replay:
                messages.info(request, "This lead was already saved; here it is.")
            else:
                messages.success(request, f"Lead “{outcome.value.display_name}” created.")
            return redirect_after_write(request, detail_url(lead_id) if lead_id else reverse("leads:list"))
        if outcome.unconfirmed:
            form.add_error(None, outcome.unconfirmed_message("the lead") + f" Search the lead list for {email}.")
        else:
            _form_failed(form, outcome.error, checked=outcome.checked)
            if isinstance(outcome.error, Conflict):
                existing = _duplicate_of(email)
    return _render_form(
        request, form, mode="create", title=title, action=reverse("leads:create"), warning=warning, existing=existing
    )


@require_GET
@require("lead.create")
def lead_clone(request, lead_id: int):
    try:
        lead = services.lead_fields(lead_id=lead_id).value
    except NotFound:
        return _gone(request, lead_id)
    except TaskipError as exc:
        return _load_failed(request, exc, lead_id)
    refs, warning = _references(lead)
    initial = initial_from_lead(lead, clone=True)
    initial["idem_token"] = uuid4().hex
    initial.pop("loaded", None)
    form = LeadForm(initial=initial, custom_rows=custom_pairs(lead.custom_fields), **refs)
    return _render_form(
        request,
        form,
        mode="clone",
        lead=lead,
        title=f"Clone of {lead.display_name}",
        action=reverse("leads:create"),
        warning=warning,
    )


# --------------------------------------------------------------------------- edit
@require_http_methods(["GET", "POST"])
@require("lead.edit")
def lead_edit(request, lead_id: int):
    # GET: the lead as the snapshot holds it (patched by every write made through the
    # dashboard, no call) is what the person sees and edits (the form carries it as loaded).
    # POST: what TaskIP holds now, the one extra read of a save: only the fields this person
    # changed since loading the form are sent; what someone else changed meanwhile is kept.
    load_error = None
    try:
        if request.method == "POST":
            lead = services.lead_get(lead_id=lead_id, refresh=True).value
        else:
            lead = services.lead_fields(lead_id=lead_id).value
    except NotFound as exc:
        if request.method == "GET":
            return _gone(request, lead_id)
        lead, load_error = None, exc
    except TaskipError as exc:
        if request.method == "GET":
            return _load_failed(request, exc, lead_id)
        lead, load_error = None, exc
    refs, warning = _references(lead)
    action = reverse("leads:edit", args=[lead_id])
    title = f"Edit {lead.display_name}" if lead else "Edit lead"

    if request.method == "GET":
        initial = initial_from_lead(lead)
        initial["loaded"] = snapshot(lead_payload(lead))
        form = LeadForm(initial=initial, custom_rows=custom_pairs(lead.custom_fields), **refs)
        return _render_form(request, form, mode="edit", lead=lead, title=title, action=action, warning=warning)

    form = LeadForm(request.POST, **refs)
    existing = None
    conflict = None
    if form.is_valid():
        if isinstance(load_error, NotFound):
            form.add_error(
                None,
                "This lead no longer exists in TaskIP (someone may have deleted it), so the "
                "changes could not be saved. Everything you typed is still here.",
            )
        elif load_error is not None:
            # Without the lead as it is now we cannot tell what changed: save nothing, keep everything typed.
            form.add_error(None, user_message(load_error) + " Nothing was saved; everything you typed is still here.")
        else:
            conflict, existing = _save_edit(request, form, lead_id, lead)
            if conflict is None and not form.errors:
                return redirect_after_write(request, detail_url(lead_id))
    return _render_form(
        request,
        form,
        mode="edit",
        lead=lead,
        title=title,
        action=action,
        warning=warning,
        existing=existing,
        conflict=conflict,
    )


def _save_edit(request, form: LeadForm, lead_id: int, current):
    """Merge and save. Returns (conflict context or None, existing lead for a 409). A success
    leaves a flash message; a failure adds form errors."""
    held = lead_payload(current)
    typed = form.payload()
    loaded = read_snapshot(form.cleaned_data.get("loaded")) or {k: canon(v) for k, v in held.items()}
    merge = resolve_edit(form=form, post=request.POST, loaded=loaded, typed=typed, held=held, fields=API_FIELDS)
    if merge.conflicts:
        data = form.data.copy()
        data["seen"] = seen_of(merge)
        form.data = data
        return {
            "conflicts": conflict_rows(form, merge, _FIELD_TITLES),
            "conflict_what": "lead",
            "conflict_kept": [_FIELD_TITLES.get(k, k) for k in sorted(merge.theirs)],
            "conflict_seen": seen_of(merge),
        }, None
    send = {k: typed[k] for k in API_FIELDS if k in merge.mine}
    if not send:
        kept = [_FIELD_LABELS.get(k, k) for k in sorted(merge.theirs)]
        messages.info(
            request, "Nothing was changed." + (f" Someone else's changes ({', '.join(kept)}) are kept." if kept else "")
        )
        return None, None
    first_name = send.get("first_name") or held.get("first_name") or typed.get("first_name")
    payload = {"first_name": first_name, **send}
    changes = {k: [held.get(k), v] for k, v in send.items()}
    outcome = services.lead_update(
        actor=request.user, lead_id=lead_id, payload=payload, changes=changes, label=current.display_name, base=current
    )
    if outcome.saved:
        kept = [_FIELD_LABELS.get(k, k) for k in sorted(merge.theirs)]
        text = f"Saved changes to “{current.display_name}” ({', '.join(_FIELD_LABELS.get(k, k) for k in send)})."
        if kept:
            text += f" Someone else's changes meanwhile ({', '.join(kept)}) are kept."
        messages.success(request, text)
        return None, None
    if outcome.unconfirmed:
        form.add_error(None, outcome.unconfirmed_message("your changes") + " Open the lead to see what it holds.")
        return None, None
    exc = outcome.error
    if isinstance(exc, NotFound):
        form.add_error(
            None,
            "This lead no longer exists in TaskIP (someone may have deleted it), so the "
            "changes could not be saved. Everything you typed is still here.",
        )
        return None, None
    _form_failed(form, exc, checked=outcome.checked)
    existing = None
    if isinstance(exc, Conflict) and payload.get("email"):
        existing = _duplicate_of(payload["email"])
        existing = existing if existing is not None and existing.id != lead_id else None
    return None, existing


_FIELD_LABELS = {name: str(field.label or name).lower() for name, field in LeadForm.base_fields.items()}
_FIELD_LABELS["custom_fields"] = "custom fields"
_FIELD_TITLES = {name: str(field.label or name) for name, field in LeadForm.base_fields.items()}
_FIELD_TITLES["custom_fields"] = "Custom fields"


# --------------------------------------------------------------------------- delete / convert
def _cached_label(lead_id: int) -> tuple[object, str]:
    try:
        lead = services.lead_fields(lead_id=lead_id).value  # from the lead snapshot: no call
        return lead, lead.display_name
    except TaskipError:
        return None, f"Lead #{lead_id}"


@require_POST
@require("lead.delete")
def lead_delete(request, lead_id: int):
    _, label = _cached_label(lead_id)
    outcome = services.lead_delete(actor=request.user, lead_id=lead_id, label=label)
    if outcome.saved:
        messages.success(request, f"Lead “{label}” deleted.")
        return redirect_after_write(request, reverse("leads:list"))
    if isinstance(outcome.error, NotFound):
        messages.info(request, f"“{label}” was already deleted.")
        return redirect_after_write(request, reverse("leads:list"))
    if outcome.unconfirmed:
        messages.error(request, f"“{label}”: " + outcome.unconfirmed_message("the delete", "done"))
    else:
        messages.error(
            request,
            f"“{label}” was not deleted. {user_message(outcome.error)}"
            + (" (The dashboard checked with TaskIP.)" if outcome.checked else ""),
        )
    return redirect_after_write(request, detail_url(lead_id))


@require_POST
@require("lead.convert")
def lead_convert(request, lead_id: int):
    lead, label = _cached_label(lead_id)
    if lead is not None and lead.converted:
        messages.error(request, f"“{label}” was already converted to a contact; a lead can be converted only once.")
        return redirect_after_write(request, detail_url(lead_id))
    outcome = services.lead_convert(actor=request.user, lead_id=lead_id, label=label)
    exc = outcome.error
    if outcome.unconfirmed:
        messages.error(request, f"“{label}”: " + outcome.unconfirmed_message("the conversion", "done"))
        return redirect_after_write(request, detail_url(lead_id))
    if isinstance(exc, NotFound):
        messages.error(request, "This lead no longer exists in TaskIP, so it could not be converted.")
        return redirect_after_write(request, reverse("leads:list"))
    if isinstance(exc, ValidationError):
        messages.error(request, f"TaskIP did not convert “{label}”: {_reason(exc)}")
        return redirect_after_write(request, detail_url(lead_id))
    if outcome.not_saved:
        messages.error(request, f"“{label}” was not converted. {user_message(exc)}")
        return redirect_after_write(request, detail_url(lead_id))
    contact = outcome.value
    if contact is not None and contact.id:
        messages.success(
            request,
            format_html(
                '“{}” is now a contact. <a href="{}">Open the contact</a>',
                label,
                reverse("contacts:detail", args=[contact.id]),
            ),
        )
    else:
        messages.success(request, f"“{label}” is now a contact.")
    return redirect_after_write(request, detail_url(lead_id))


# --------------------------------------------------------------------------- send email
class EmailForm(forms.Form):
    subject = forms.CharField(max_length=255, label="Subject")
    message = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 8}))
    # double-submit token: the same form sent twice sends one email
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid4().hex)


def _email_refused(form: EmailForm, exc: ValidationError) -> None:
    """TaskIP's 422: subject/message errors on their fields; the rest (no email on the lead,
    workspace mail not connected) said plainly above the form."""
    errors = exc.errors or {}
    for api_field, msgs in errors.items():
        name = api_field.split(".")[0]
        for msg in [msgs] if isinstance(msgs, str) else msgs:
            form.add_error(name if name in form.fields else None, f"{msg}")
    if not errors:
        form.add_error(None, f"TaskIP did not send the email: {user_message(exc)}")


@require_http_methods(["GET", "POST"])
@require("lead.email")
def lead_email(request, lead_id: int):
    try:
        lead = services.lead_fields(lead_id=lead_id).value
    except NotFound:
        return _gone(request, lead_id)
    except TaskipError as exc:
        if request.method == "GET":
            return _load_failed(request, exc, lead_id)
        lead = None

    if request.method == "GET":
        form = EmailForm()
    else:
        form = EmailForm(request.POST)
        if form.is_valid():
            label = lead.display_name if lead else f"Lead #{lead_id}"
            outcome = services.lead_send_email(
                actor=request.user,
                lead_id=lead_id,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
                label=label,
                token=form.cleaned_data.get("token") or None,
            )
            exc = outcome.error
            if outcome.saved:
                to = lead.email if lead and lead.email else label
                if outcome.replay:
                    messages.info(
                        request,
                        f"Email “{form.cleaned_data['subject']}” was already sent to {to}; it was not sent twice.",
                    )
                else:
                    messages.success(request, f"Email “{form.cleaned_data['subject']}” sent to {to}.")
                return redirect_after_write(request, detail_url(lead_id))
            if outcome.unconfirmed:
                form.add_error(
                    None,
                    outcome.unconfirmed_message("the email", "sent")
                    + " Look at the lead's activity; your text is kept.",
                )
            elif isinstance(exc, ValidationError):
                _email_refused(form, exc)
            elif isinstance(exc, NotFound):
                form.add_error(None, "This lead no longer exists in TaskIP, so the email was not sent.")
            elif isinstance(exc, RateLimited):
                form.add_error(
                    None, "TaskIP's request limit has been reached; the email was not sent. " + retry_hint(exc)
                )
            else:
                form.add_error(
                    None,
                    user_message(exc)
                    + " The email was not sent"
                    + (" (the dashboard checked with TaskIP)" if outcome.checked else "")
                    + "; your text is kept.",
                )
    if request.htmx:
        return render(
            request, "leads/_email_dialog.html#email-form", {"lead": lead, "lead_id": lead_id, "email_form": form}
        )
    # Without JavaScript: the detail page with the email form open.
    from leads.views.detail import detail_context

    context = detail_context(lead_id, lead) if lead else {"lead": None, "lead_id": lead_id}
    context.update(email_form=form, email_open=True)
    return render(request, "leads/lead_detail.html", context)
