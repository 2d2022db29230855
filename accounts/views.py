from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import ProfileForm, SavedViewForm
from accounts.models import Profile, SavedView, profile_for
from accounts.nav import settings_links
from accounts.roles import can, require
from audit.trail import record
from crmui import reference
from crmui.errors import user_message
from crmui.htmx import redirect_after_write
from crmui.taskip import TaskipError


@require_GET
@require()  # any signed-in person (a user without a role sees only this page and their profile)
def settings_index(request):
    return render(
        request,
        "accounts/settings_index.html",
        {
            "profile": profile_for(request.user),
            "taskip_base_url": settings.TASKIP_BASE_URL,
            "links": settings_links(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@require()
def profile(request):
    """Link one's login to a TaskIP team member (for "My leads" and the default assignee)."""
    current = profile_for(request.user)
    error = None
    try:
        names = reference.team_member_names()
    except TaskipError as exc:
        names, error = {}, user_message(exc)
    members = sorted(names.items(), key=lambda kv: (kv[1] or "").lower())
    if current and current.team_member_id and current.team_member_id not in names:
        members.append((current.team_member_id, current.team_member_name or f"Team member #{current.team_member_id}"))
    initial = {"team_member": current.team_member_id if current else None}
    if request.method == "POST":
        form = ProfileForm(request.POST, members=members, initial=initial)
        if error:
            form.add_error(None, error + " Your choice was not saved.")
        elif form.is_valid():
            member_id = form.cleaned_data["team_member"]
            name = names.get(member_id, "") if member_id else ""
            prof, _ = Profile.objects.get_or_create(user=request.user)
            old = (prof.team_member_id, prof.team_member_name)
            prof.team_member_id, prof.team_member_name = member_id, name[:200]
            prof.save()
            record(
                request.user,
                "profile.update",
                "user",
                request.user.pk,
                label=request.user.get_username(),
                changes={"team_member": [old[1] or old[0], name or member_id]},
            )
            messages.success(
                request,
                f"You are now linked to {name}." if member_id else "Your login is no longer linked to a team member.",
            )
            return redirect_after_write(request, reverse("accounts:profile"))
    else:
        form = ProfileForm(initial=initial, members=members)
    return render(request, "accounts/profile.html", {"form": form, "profile": current, "error": error})


def _next_or(request, default: str) -> str:
    nxt = request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


@require_GET
@require("lead.view")
def saved_views(request):
    """The team's shared lead-list views. Everyone with the leads may open them; managers
    (``view.share``) save and delete them."""
    form = SavedViewForm(initial={"query": request.GET.get("query", "")}) if can(request.user, "view.share") else None
    return render(
        request, "accounts/saved_views.html", {"views": SavedView.objects.select_related("created_by"), "form": form}
    )


@require_POST
@require("view.share")
def saved_view_save(request):
    """ "Save this view": POST ``name`` + ``query`` (the lead list's current query string);
    optional ``next`` (a local URL) to return to."""
    form = SavedViewForm(request.POST)
    if form.is_valid():
        view = form.save(commit=False)
        view.created_by = request.user
        view.save()
        record(request.user, "view.create", "saved_view", view.pk, label=view.name, changes={"query": view.query})
        messages.success(request, f"Saved “{view.name}” for the team.")
        return redirect_after_write(request, _next_or(request, reverse("accounts:saved_views")))
    return render(
        request, "accounts/saved_views.html", {"views": SavedView.objects.select_related("created_by"), "form": form}
    )


@require_POST
@require("view.share")
def saved_view_delete(request, view_id: int):
    view = get_object_or_404(SavedView, pk=view_id)
    name = view.name
    view.delete()
    record(request.user, "view.delete", "saved_view", view_id, label=name)
    messages.success(request, f"Deleted the saved view “{name}”.")
    return redirect_after_write(request, _next_or(request, reverse("accounts:saved_views")))
