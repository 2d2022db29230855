"""Statuses and sources (admins): /settings/pipeline/.

Two lists on one page, each its own htmx target (``#attr-list-statuses``, ``#attr-list-sources``):
create, rename and recolour in place, delete after a confirm that says how many leads carry it,
reorder by drag and drop (static/js/attributes.js) or with the up/down buttons. An error shows in
the list where it happened; the other list is untouched.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import require
from crmui.errors import apply_api_errors, user_message
from crmui.htmx import redirect_after_write
from crmui.taskip import TaskipError
from crmui.taskip import errors as api_errors
from leads import attributes as svc
from leads.forms_panels import DEFAULT_COLOR, AttributeForm

KINDS = {"statuses": svc.STATUS, "sources": svc.SOURCE}
KIND_OF = {v: k for k, v in KINDS.items()}
# Offered as the colour of a new status/source: the first one the list does not use yet.
PALETTE = (
    "#3498db",
    "#9b59b6",
    "#f1c40f",
    "#e67e22",
    "#e74c3c",
    "#2ecc71",
    "#1abc9c",
    "#34495e",
    "#d946ef",
    "#0ea5e9",
    "#84cc16",
    "#f43f5e",
    "#64748b",
    "#a16207",
)


def _free_colour(items) -> str:
    used = {(a.color or "").lower() for a in items}
    return next((c for c in PALETTE if c not in used), DEFAULT_COLOR)


SINGULAR = {"statuses": "status", "sources": "source"}


def _type_of(kind: str) -> int:
    if kind not in KINDS:
        raise Http404("No such list")
    return KINDS[kind]


def _list_ctx(
    kind: str,
    *,
    add_form=None,
    editing=None,
    edit_form=None,
    deleting=None,
    delete_count=None,
    delete_count_error: str = "",
    flash: str = "",
    alert: str = "",
    refresh: bool = False,
) -> dict:
    type_ = KINDS[kind]
    ctx = {
        "kind": kind,
        "singular": SINGULAR[kind],
        "title": svc.TYPE_PLURAL[type_],
        "items": [],
        "error": "",
        "add_form": add_form,
        "editing": editing,
        "edit_form": edit_form,
        "deleting": deleting,
        "delete_count": delete_count,
        "delete_count_error": delete_count_error,
        "flash": flash,
        "alert": alert,
    }
    try:
        ctx["items"] = svc.attributes_of(type_, refresh=refresh)
    except TaskipError as exc:
        ctx["error"] = user_message(exc)
    if ctx["add_form"] is None:
        ctx["add_form"] = AttributeForm(prefix_id=f"new-{kind}", initial={"color": _free_colour(ctx["items"])})
    return ctx


def _respond(request, kind: str, **kw):
    """The one list (htmx) or the whole page with both lists (plain request)."""
    if request.htmx:
        return render(request, "leads/_attr_list.html", {"l": _list_ctx(kind, **kw)})
    lists = [_list_ctx(k, **kw) if k == kind else _list_ctx(k) for k in KINDS]
    return render(request, "leads/attributes.html", {"lists": lists})


def _done(request, kind: str, text: str):
    if request.htmx:
        return _respond(request, kind, flash=text)
    messages.success(request, text)
    return redirect_after_write(request, reverse("pipeline:attributes") + f"#attr-list-{kind}")


def _failed(request, kind: str, text: str, **kw):
    return _respond(request, kind, alert=text, **kw)


def _get_attr(kind: str, attribute_id: int):
    try:
        return svc.find(_type_of(kind), attribute_id)
    except TaskipError:
        return None


@require_GET
@require("attributes.manage")
def attributes_page(request):
    refresh = "refresh" in request.GET
    lists = [_list_ctx(k, refresh=refresh) for k in KINDS]
    return render(request, "leads/attributes.html", {"lists": lists})


@require_GET
@require("attributes.manage")
def attribute_list(request, kind: str):
    _type_of(kind)
    return _respond(request, kind, refresh="refresh" in request.GET)


@require_POST
@require("attributes.manage")
def attribute_add(request, kind: str):
    type_ = _type_of(kind)
    form = AttributeForm(request.POST, prefix_id=f"new-{kind}")
    if not form.is_valid():
        return _respond(request, kind, add_form=form)
    name = form.cleaned_data["name"]
    try:
        outcome = svc.attribute_create(
            actor=request.user,
            type_=type_,
            name=name,
            color=form.cleaned_data["color"],
            token=form.cleaned_data.get("token") or None,
        )
    except svc.DuplicateName as exc:
        form.add_error("name", exc.message)
        return _respond(request, kind, add_form=form)
    except TaskipError as exc:  # the list to compare names with could not be read
        form.add_error(None, f"“{name}” was not added. " + user_message(exc))
        return _respond(request, kind, add_form=form)
    if outcome.saved:
        return _done(request, kind, f"Added the {SINGULAR[kind]} “{name}”.")
    exc = outcome.error
    if outcome.unconfirmed:
        form.add_error(None, f"“{name}”: " + outcome.unconfirmed_message("it") + " Reload the list to look.")
    elif isinstance(exc, (api_errors.ValidationError, api_errors.Conflict)):
        apply_api_errors(form, exc)
    else:
        form.add_error(
            None,
            f"“{name}” was not added. "
            + user_message(exc)
            + (" (The dashboard checked with TaskIP.)" if outcome.checked else ""),
        )
    return _respond(request, kind, add_form=form)


@require_http_methods(["GET", "POST"])
@require("attributes.manage")
def attribute_edit(request, kind: str, attribute_id: int):
    _type_of(kind)
    attr = _get_attr(kind, attribute_id)
    if attr is None:
        return _failed(request, kind, f"That {SINGULAR[kind]} no longer exists.", refresh=True)
    prefix = f"edit-{attribute_id}"
    if request.method == "GET":
        form = AttributeForm(initial={"name": attr.name or "", "color": attr.color or DEFAULT_COLOR}, prefix_id=prefix)
        return _respond(request, kind, editing=attribute_id, edit_form=form)
    form = AttributeForm(request.POST, prefix_id=prefix)
    if not form.is_valid():
        return _respond(request, kind, editing=attribute_id, edit_form=form)
    name, color = form.cleaned_data["name"], form.cleaned_data["color"]
    try:
        outcome = svc.attribute_update(actor=request.user, attribute=attr, name=name, color=color)
    except svc.DuplicateName as exc:
        form.add_error("name", exc.message)
        return _respond(request, kind, editing=attribute_id, edit_form=form)
    except TaskipError as exc:
        form.add_error(None, "Not saved. " + user_message(exc))
        return _respond(request, kind, editing=attribute_id, edit_form=form)
    if outcome.saved:
        return _done(request, kind, f"Saved “{name}”.")
    exc = outcome.error
    if outcome.unconfirmed:
        form.add_error(None, outcome.unconfirmed_message("your change") + " Reload the list to look.")
    elif isinstance(exc, (api_errors.ValidationError, api_errors.Conflict)):
        apply_api_errors(form, exc)
    elif isinstance(exc, api_errors.NotFound):
        form.add_error(None, f"This {SINGULAR[kind]} no longer exists in TaskIP.")
    else:
        form.add_error(
            None,
            "Not saved. " + user_message(exc) + (" (The dashboard checked with TaskIP.)" if outcome.checked else ""),
        )
    return _respond(request, kind, editing=attribute_id, edit_form=form)


@require_http_methods(["GET", "POST"])
@require("attributes.manage")
def attribute_delete(request, kind: str, attribute_id: int):
    """GET: the confirm, with how many leads carry it (one call, made only now). POST: delete."""
    _type_of(kind)
    attr = _get_attr(kind, attribute_id)
    if attr is None:
        return _failed(request, kind, f"That {SINGULAR[kind]} no longer exists.", refresh=True)
    if request.method == "GET":
        try:
            count, count_error = svc.leads_carrying(attr), ""
        except TaskipError as exc:
            count, count_error = None, "Could not count the leads that carry it: " + user_message(exc)
        return _respond(request, kind, deleting=attribute_id, delete_count=count, delete_count_error=count_error)
    count = request.POST.get("count")
    outcome = svc.attribute_delete(
        actor=request.user, attribute=attr, lead_count=int(count) if count and count.isdigit() else None
    )
    if outcome.saved:
        return _done(request, kind, f"Deleted the {SINGULAR[kind]} “{attr.name}”.")
    if isinstance(outcome.error, api_errors.NotFound):
        return _done(request, kind, f"“{attr.name}” was already deleted.")
    if outcome.unconfirmed:
        return _failed(
            request, kind, f"“{attr.name}”: " + outcome.unconfirmed_message("the delete", "done"), refresh=True
        )
    return _failed(request, kind, f"“{attr.name}” was not deleted. " + user_message(outcome.error))


@require_POST
@require("attributes.manage")
def attribute_reorder(request, kind: str):
    type_ = _type_of(kind)
    ids: list[int] = []
    for raw in request.POST.getlist("order"):
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            continue
    move = request.POST.get("move", "")
    if move:
        try:
            raw_id, direction = move.split(":", 1)
            ids = svc.move(ids, int(raw_id), direction)
        except ValueError:
            pass
    try:
        written = svc.reorder(actor=request.user, type_=type_, ordered_ids=ids)
    except TaskipError as exc:
        return _failed(
            request,
            kind,
            "The new order was not fully saved; this is the order TaskIP has now. " + user_message(exc),
            refresh=True,
        )
    if not written:
        return _respond(request, kind)
    return _done(request, kind, "Order saved.")
