"""Laravel's two paginators as TaskIP answers with them: ``simple_page`` (links + meta, no
total: leads, files, attributes) and ``length_aware_page`` (with last_page and total: team
members, companies). The page number is resolved as Laravel does: anything but an integer of
at least 1 (``page=abc``, ``page=0``) is page 1."""

import math

from .http import absolute
from .validation import query_int


def current_page(request):
    """Laravel's Paginator::resolveCurrentPage: a valid integer >= 1, else 1 (never an error)."""
    raw = (request.GET.get("page") or "").strip()
    try:
        page = int(raw)
    except ValueError:
        return 1
    return page if page >= 1 else 1


def simple_page(request, queryset, path, per_page_default=10, item_param="item"):
    """Laravel simplePaginate: no total. `item=0` returns everything.
    Returns (rows, links, meta) with `rows` from `queryset` (a values() queryset or list)."""
    item = query_int(request, item_param, per_page_default, min_value=0)
    page = current_page(request)
    base = absolute(request, path)
    if item == 0:
        rows = list(queryset)
        per_page, page, has_more, offset = len(rows), 1, False, 0
    else:
        offset = (page - 1) * item
        rows = list(queryset[offset : offset + item + 1])
        has_more = len(rows) > item
        rows = rows[:item]
        per_page = item
    links = {
        "first": f"{base}?page=1",
        "last": None,
        "prev": f"{base}?page={page - 1}" if page > 1 else None,
        "next": f"{base}?page={page + 1}" if has_more else None,
    }
    meta = {
        "current_page": page,
        "from": offset + 1 if rows else None,
        "path": base,
        "per_page": per_page,
        "to": offset + len(rows) if rows else None,
    }
    return rows, links, meta


def length_aware_page(request, queryset, path, default_limit=50, max_limit=100):
    """Laravel paginate(): links with last, meta with last_page and total."""
    limit = query_int(request, "limit", default_limit, min_value=1, max_value=max_limit)
    page = current_page(request)
    total = queryset.count()
    last_page = max(1, math.ceil(total / limit))
    offset = (page - 1) * limit
    rows = list(queryset[offset : offset + limit])
    base = absolute(request, path)
    links = {
        "first": f"{base}?page=1",
        "last": f"{base}?page={last_page}",
        "prev": f"{base}?page={page - 1}" if page > 1 else None,
        "next": f"{base}?page={page + 1}" if page < last_page else None,
    }
    meta = {
        "current_page": page,
        "from": offset + 1 if rows else None,
        "last_page": last_page,
        "path": base,
        "per_page": limit,
        "to": offset + len(rows) if rows else None,
        "total": total,
    }
    return rows, links, meta
