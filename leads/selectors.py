"""Lead reads: lists and the board. Writes live in leads/services.py."""
from __future__ import annotations

from dataclasses import dataclass

from crmui import api
from crmui.cache import Cached, cached
from crmui.taskip import Lead, Page

PER_PAGE_CHOICES = (10, 25, 50, 100)


@dataclass(frozen=True)
class LeadQuery:
    search: str = ""
    status_id: int | None = None
    source_id: int | None = None
    assigned_to: int | None = None
    is_converted: int | None = None
    from_date: str | None = None
    to_date: str | None = None
    sort_by: str | None = None
    sort_order: str | None = None

    def api_params(self) -> dict:
        params = {
            "search": self.search or None,
            "status_id": self.status_id,
            "source_id": self.source_id,
            "assigned_to": self.assigned_to,
            "is_converted": self.is_converted,
            "from_date": self.from_date,
            "to_date": self.to_date,
            "sort_by": self.sort_by,
            "sort_order": self.sort_order,
        }
        return {k: v for k, v in params.items() if v not in (None, "")}


def lead_list(*, query: LeadQuery, page: int = 1, per_page: int = 25, refresh: bool = False) -> Cached[Page[Lead]]:
    params = query.api_params()
    return cached(
        "leads",
        ["list", params, page, per_page],
        lambda: api.client().leads.list(**params, item=per_page, page=page),
        refresh=refresh,
    )
