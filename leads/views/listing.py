"""The lead list: search, filters, sorting, paging, all in the URL; only #lead-table swaps."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import SavedView, profile_for
from accounts.roles import can, require
from crmui import fragments, reference
from crmui.errors import user_message
from crmui.htmx import HtmxHttpRequest, render_page
from crmui.sorting import SortHeader, sort_headers
from crmui.taskip import TaskipError
from leads import selectors

SORT_COLUMNS = (("name", "Name"), ("status", "Status"), ("date", "Interaction"))


def reference_context() -> dict:
    """Statuses, sources and team members for the filter form and the rows. A failure here
    leaves the filters without choices (and says so) instead of breaking the page."""
    ctx = {"statuses": [], "sources": [], "team": [], "team_names": {}, "reference_error": None}
    try:
        ctx["statuses"] = reference.statuses()
        ctx["sources"] = reference.sources()
    except TaskipError as exc:
        ctx["reference_error"] = user_message(exc)
    try:
        members = reference.team_members()
        names = reference.team_member_names()
        ctx["team_names"] = names
        ctx["team"] = sorted(
            ((m.id, names.get(m.id) or f"#{m.id}") for m in members if m.id is not None), key=lambda p: p[1].lower()
        )
    except TaskipError as exc:
        ctx["reference_error"] = ctx["reference_error"] or user_message(exc)
    return ctx


def filter_context(request, query: selectors.LeadQuery, *, board: bool) -> dict:
    profile = profile_for(request.user)
    mine = profile.team_member_id if profile and profile.team_member_id else None
    base = reverse("leads:board" if board else "leads:list")
    return {
        "query": query,
        "board": board,
        "base_url": base,
        "my_member_id": mine,
        "mine_url": f"{base}?{query.querystring(assigned=mine)}" if mine else None,
        "all_url": f"{base}?{query.querystring(assigned=None)}",
        "clear_url": base,
        "list_url": f"{reverse('leads:list')}?{query.querystring(status=None) if board else query.querystring()}",
        "board_url": f"{reverse('leads:board')}?{query.for_board().querystring()}",
        "per_page_choices": selectors.PER_PAGE_CHOICES,
    }


@require_GET
@require("lead.view")
def lead_list(request: HtmxHttpRequest):
    query = selectors.LeadQuery.from_params(request.GET)
    page_no = selectors.parse_page(request.GET.get("page"))
    per_page = selectors.parse_per_page(request.GET.get("per"))
    per = per_page if per_page != selectors.DEFAULT_PER_PAGE else None
    base = reverse("leads:list")

    def url(**extra):
        qs = query.querystring(per=per, **extra)
        return f"{base}?{qs}" if qs else base

    context = {
        "page_no": page_no,
        "per_page": per_page,
        "error": None,
        "page": None,
        "self_url": url(page=page_no if page_no > 1 else None),
    }
    # The list first: when TaskIP fails, the failure belongs to the table area. A cold page
    # makes its calls (leads, statuses and sources, team) at the same time.
    try:
        warming = reference.warm_beside()  # what reference_context shows
        try:
            result = selectors.lead_list(query=query, page=page_no, per_page=per_page, refresh="refresh" in request.GET)
        finally:
            warming.exception()  # wait for it; a failure shows in the filters below
        context.update(page=result.value, fetched_at=result.fetched_at, cache_hit=result.hit)
    except TaskipError as exc:
        context["error"] = user_message(exc)
    context.update(reference_context())
    context.update(filter_context(request, query, board=False))
    if context["my_member_id"]:
        context["mine_url"] = f"{base}?{query.querystring(per=per, assigned=context['my_member_id'])}"
    context["all_url"] = url(assigned=None)  # the quick views keep the page size
    context.update(
        refresh_url=url(page=page_no if page_no > 1 else None, refresh=1),
        prev_url=url(page=page_no - 1 if page_no > 2 else None) if page_no > 1 else None,
        next_url=url(page=page_no + 1) if context["page"] is not None and context["page"].has_next else None,
        export_qs=query.querystring(),
        sort={s.key: s for s in _sort_links(query, url)},
        first_url=url(),
        rows=_rows(
            context["page"],
            context["team_names"],
            selectors.status_order(context["statuses"]),
            bulk=can(request.user, "lead.bulk"),
        ),
        first_index=(page_no - 1) * per_page + 1,
        bulk_token=uuid.uuid4().hex,
        saved_views=list(SavedView.objects.order_by("name")[:12]),  # the team's shared views, as quick views
    )
    context["saved_active"] = any(v.query == context["export_qs"] for v in context["saved_views"])
    if context["page"] is not None:
        context["last_index"] = context["first_index"] + len(context["page"]) - 1
        context["match_count"] = selectors.match_count_text(context["page"], context["first_index"])
        # TaskIP's own status sort orders by each lead's LOWEST status; a row shows its furthest.
        context["api_status_sort"] = query.sort == "status" and context["page"].total is None
    # after a swap the location bar shows the tidy URL: no empty fields, no refresh=1
    return render_page(request, "leads/lead_list.html", context, partial="lead-table", push_url=context["self_url"])


def _rows(page, names: dict, order_of: dict, *, bulk: bool) -> list[dict]:
    """Each lead with its assignees' names, its stage (the status that places it on the board)
    and its other statuses (earlier stages it passed through), and its rendered ``<tr>``
    (``html``, see ``row_html``)."""
    if page is None:
        return []
    result = []
    for lead in page.items:
        if lead.id is None:
            continue
        stage = selectors.placing_status(lead, order_of)
        row = {
            "lead": lead,
            "assignees": [names.get(i) or f"Member #{i}" for i in lead.assigned_to],
            "stage": stage,
            "other_statuses": [s for s in lead.statuses if stage is None or s.id != stage.id],
        }
        row["html"] = row_html(row, bulk=bulk)
        result.append(row)
    return result


def row_html(row: dict, *, bulk: bool) -> str:
    """One row's ``<tr>`` (the ``lead-row`` partial), rendered once per lead and kept while the
    row shows that lead (the same object or an equal one: a refetched copy of an unchanged lead)
    with the same stage, statuses, assignees and checkbox."""
    lead = row["lead"]
    return fragments.render_once(
        "leads/lead_list.html#lead-row",
        {"row": row, "lead": lead, "caps": {"lead_bulk": bulk}},
        source=lead,
        key=("lead-row", lead.id),
        around=(bulk, row["stage"], tuple(row["other_statuses"]), tuple(row["assignees"])),
        equal=True,  # a new snapshot copy's unchanged lead keeps its row
    )


def _sort_links(query: selectors.LeadQuery, url) -> list[SortHeader]:
    """Clickable column headers; the interaction date sorts newest first on its first click."""
    return sort_headers(
        SORT_COLUMNS,
        sort=query.sort,
        direction=query.direction,
        url=lambda key, direction: url(sort=key, dir=direction),
        descending_first={"date"},
    )
