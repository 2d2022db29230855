"""The pipeline board: one column per status, counts and sums from one cached snapshot,
cards loaded per column, drag and drop to change a lead's stage."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import require
from crmui import reference
from crmui.errors import page_status, user_message
from crmui.htmx import HtmxHttpRequest, redirect_after_write, render_page, wants_json
from crmui.taskip import TaskipError
from crmui.taskip import errors as taskip_errors
from leads import moves, selectors
from leads import snapshot as snapshot_mod
from leads.views.listing import filter_context, reference_context


def _initials(name: str) -> str:
    parts = [p for p in name.replace("#", " ").split() if p[:1].isalnum()]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def _columns(query: selectors.LeadQuery, *, refresh: bool = False):
    # cold: the leads, the statuses and the team at the same time
    warming = reference.warm_beside()
    try:
        selectors.board_snapshot(query=query, refresh=refresh)
    finally:
        warming.exception()
    return selectors.board_columns(query=query, statuses=reference.statuses())


@require_GET
@require("lead.view")
def board(request: HtmxHttpRequest):
    query = selectors.LeadQuery.from_params(request.GET).for_board()
    qs = query.querystring()
    base = reverse("leads:board")
    self_url = f"{base}?{qs}" if qs else base
    context = {
        "error": None,
        "columns": [],
        "qs": qs,
        "self_url": self_url,
        "refresh_url": f"{base}?{query.querystring(refresh=1)}",
    }
    try:
        snapshot, columns = _columns(query, refresh="refresh" in request.GET)
        context.update(columns=list(columns.values()), fetched_at=snapshot.fetched_at, total=len(snapshot.value))
    except snapshot_mod.Preparing as exc:  # the first copy of a big workspace: the board asks again by itself
        context.update(error=user_message(exc), preparing=exc)
    except TaskipError as exc:
        context["error"] = user_message(exc)
    context.update(reference_context())
    context.update(filter_context(request, query, board=True))
    return render_page(request, "leads/board.html", context, partial="board", push_url=self_url)


@require_GET
@require("lead.view")
def board_column(request, key: str):
    """One column's cards, BOARD_PAGE at a time (offset=N for "load more")."""
    query = selectors.LeadQuery.from_params(request.GET).for_board()
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    context = {"key": key, "offset": offset, "error": None, "cards": [], "qs": query.querystring()}
    try:
        _, columns = _columns(query)
    except TaskipError as exc:
        context["error"] = user_message(exc)
        context["retry_url"] = request.get_full_path()
        return render(request, "leads/board.html#board-cards", context)
    column = columns.get(key)
    if column is None:
        if key != selectors.NO_STATUS and not key.startswith("s"):
            raise Http404("No such column")
        column = selectors.Column(key, None)
    try:
        names = reference.team_member_names()
    except TaskipError:
        names = {}
    end = offset + selectors.BOARD_PAGE
    context["cards"] = [_card(lead, names) for lead in column.leads[offset:end]]
    context["remaining"] = max(0, column.count - end)
    if context["remaining"]:
        context["more_url"] = f"{reverse('leads:board_column', args=[key])}?{query.querystring(offset=end)}"
    context["column"] = column
    context["targets"] = [{"key": k, "name": c.name} for k, c in columns.items()]
    return render(request, "leads/board.html#board-cards", context)


def _card(lead, names: dict) -> dict:
    people = [names.get(i) or f"Member #{i}" for i in lead.assigned_to]
    return {"lead": lead, "people": [{"name": n, "initials": _initials(n)} for n in people]}


@require_POST
@require("lead.edit")
def move(request: HtmxHttpRequest):
    """Move a lead to a column. JSON for board.js: {ok, message, columns} or {ok: false, error}
    with an error status, so the script puts the card back and shows why. A plain form post
    (no JavaScript) gets the board back with a message."""
    try:
        lead_id = int(request.POST.get("lead_id", ""))
        if lead_id <= 0:
            raise ValueError
    except ValueError:
        return _refused(request, "No lead was given to move.", 400)
    to = (request.POST.get("to") or "").strip()
    if to == selectors.NO_STATUS:
        target = None
    elif to.startswith("s") and to[1:].isdigit():
        target = int(to[1:])
    else:
        return _refused(request, "That column does not exist.", 400)
    query = selectors.LeadQuery.from_params(_filters_from(request)).for_board()
    board_leads = _board_leads(query) if wants_json(request) else None  # before the move's effects
    try:
        result = moves.move_lead(
            actor=request.user,
            lead_id=lead_id,
            target_status_id=target,
            expected_from=(request.POST.get("from") or "").strip() or None,
        )
    except (moves.UnknownStatus, moves.MissingFirstName) as exc:
        return _refused(request, exc.message, 422)
    except moves.MovedMeanwhile as exc:
        return _refused(request, exc.message, 409)
    except moves.NotConfirmed as exc:
        return _refused(request, exc.message, 504)
    except TaskipError as exc:
        return _refused(request, user_message(exc), _status_for(exc))
    columns = _stats_after_move(board_leads, result) if result.changed and board_leads is not None else None
    name = result.lead.display_name
    target_name = (
        "No status"
        if target is None
        else next((s.name for s in reference.statuses() if s.id == target), "the new stage")
    )
    message = f"{name} moved to {target_name}." if result.changed else f"{name} is already in {target_name}."
    if not wants_json(request):
        messages.success(request, message)
        return _back_to_board(request, query)
    return JsonResponse({"ok": True, "changed": result.changed, "message": message, "columns": columns})


def _back_to_board(request: HtmxHttpRequest, query):
    qs = query.querystring()
    return redirect_after_write(request, f"{reverse('leads:board')}?{qs}" if qs else reverse("leads:board"))


def _refused(request, message: str, status: int):
    if wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    messages.error(request, f"Not moved: {message}")
    return _back_to_board(request, selectors.LeadQuery.from_params(_filters_from(request)).for_board())


def _status_for(exc: TaskipError) -> int:
    if isinstance(exc, taskip_errors.TaskipAPIError) and exc.status in (404, 409, 422, 429):
        return exc.status
    return page_status(exc)  # board.js reads {"ok": false, "error": ...} and puts the card back


def _filters_from(request):
    from django.http import QueryDict

    return QueryDict(request.POST.get("filters", "").lstrip("?"))


def _board_leads(query):
    """The board's snapshot as cached before the move (no extra call), or None."""
    try:
        return list(selectors.board_snapshot(query=query).value)
    except TaskipError:
        return None


def _stats_after_move(board_leads, result: moves.MoveResult) -> dict | None:
    """New header counts and sums: the board's snapshot with the moved lead's statuses
    replaced by what was just saved. None if it is not at hand."""
    try:
        statuses = reference.statuses()
    except TaskipError:
        return None
    by_id = {s.id: s for s in statuses}
    new_attrs = tuple(by_id[i] for i in result.new_ids if i in by_id)
    leads = [replace(lead, statuses=new_attrs) if lead.id == result.lead.id else lead for lead in board_leads]
    columns = selectors.group_board(leads, statuses)
    return {key: _stats_json(col) for key, col in columns.items()}


def _stats_json(column: selectors.Column) -> dict:
    from django.template.loader import render_to_string

    return {
        "count": column.count,
        "html": render_to_string("leads/board.html#column-stats", {"column": column}).strip(),
    }
