"""Reference data every page needs (statuses, sources, team members, companies), read
rarely and cached. Writes made through the dashboard call the matching ``invalidate_*``."""

from __future__ import annotations

from django.conf import settings

from crmui import api
from crmui.cache import at_hand, cached, invalidate
from crmui.taskip import Attribute, Company, TeamMember

STATUS = 1
SOURCE = 2


def _ttl() -> int:
    # Reference data changes rarely, and every change made through the dashboard invalidates it.
    # (crmui.cache.cached divides every lifetime by TIME_SCALE)
    return getattr(settings, "TASKIP_REFERENCE_SECONDS", 3600)


def attributes(*, refresh: bool = False) -> list[Attribute]:
    return cached("attributes", "all", lambda: api.client().attributes.all(), refresh=refresh, ttl=_ttl()).value


def statuses() -> list[Attribute]:
    return [a for a in attributes() if a.type == STATUS]


def sources() -> list[Attribute]:
    return [a for a in attributes() if a.type == SOURCE]


def warm_beside(*, team_only: bool = False):
    """Load the statuses and sources and the team (or only the team) in the request's pool
    beside the caller's own fetch, so a cold page makes its calls at the same time; a cached
    page, which has them at hand, starts no thread; each one missing is loaded on its own thread
    (both at the same time). ``.exception()`` on what it returns waits for them (a failure shows
    where the data is used)."""
    wanted = (
        [("team", "all", team_members)]
        if team_only
        else [("attributes", "all", attributes), ("team", "all", team_members)]
    )
    return api.beside_each(*(load for namespace, parts, load in wanted if not at_hand(namespace, parts)))


def invalidate_attributes() -> None:
    # Lead lists and boards embed attribute names and colours, so they go stale too.
    invalidate("attributes", "leads")


def team_members(*, refresh: bool = False) -> list[TeamMember]:
    return cached("team", "all", lambda: api.client().team_members.all(), refresh=refresh, ttl=_ttl()).value


def team_member_names() -> dict[int, str]:
    return {m.id: (m.full_name or f"{m.first_name} {m.last_name}".strip()) for m in team_members()}


def companies(*, refresh: bool = False) -> list[Company]:
    return cached("companies", "all", lambda: api.client().companies.all(), refresh=refresh, ttl=_ttl()).value


def company_names() -> dict[int, str]:
    return {c.id: c.name for c in companies()}
