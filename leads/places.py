"""Countries, states and cities as the workspace's own leads name them.

TaskIP's lead payload takes ``country_id`` / ``state_id`` / ``city_id`` and every lead it sends
carries the names beside the ids (``country``, ``state``, ``city``), but the public API has no
endpoint that lists places. So the lead form offers the (id, name) pairs seen in the workspace's
leads (the lead snapshot holds them all), states grouped by the country they were seen with and
cities by their state; an id never seen stays selectable as "#id" when a lead has it. Nothing
here invents a name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from crmui.taskip import Lead


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    parent_id: int | None  # the country of a state, the state of a city (most often seen with it)


@dataclass(frozen=True)
class Places:
    countries: dict[int, Place] = field(default_factory=dict)
    states: dict[int, Place] = field(default_factory=dict)
    cities: dict[int, Place] = field(default_factory=dict)

    def parents_of_city(self, city_id: int | None) -> tuple[int | None, int | None]:
        """(country_id, state_id) a city was seen with, as far as known."""
        city = self.cities.get(city_id) if city_id else None
        state_id = city.parent_id if city else None
        state = self.states.get(state_id) if state_id else None
        return (state.parent_id if state else None), state_id


def places_from(leads: Iterable[Lead]) -> Places:
    """The places named in ``leads``: each id with the name TaskIP sent most often for it, and
    the parent it was seen with most often."""
    names: dict[str, dict[int, Counter]] = {k: defaultdict(Counter) for k in ("country", "state", "city")}
    parents: dict[str, dict[int, Counter]] = {k: defaultdict(Counter) for k in ("state", "city")}
    for lead in leads:
        for kind, pid, pname, parent in (
            ("country", lead.country_id, lead.country, None),
            ("state", lead.state_id, lead.state, lead.country_id),
            ("city", lead.city_id, lead.city, lead.state_id),
        ):
            if pid is None or pid <= 0 or not (pname or "").strip():
                continue
            names[kind][pid][pname.strip()] += 1
            if kind in parents and parent:
                parents[kind][pid][parent] += 1

    def build(kind: str) -> dict[int, Place]:
        out = {}
        for pid, counter in names[kind].items():
            seen_with = parents.get(kind, {}).get(pid)
            out[pid] = Place(pid, counter.most_common(1)[0][0], seen_with.most_common(1)[0][0] if seen_with else None)
        return out

    return Places(build("country"), build("state"), build("city"))


def workspace_places() -> Places:
    """The places of every lead in the workspace, from the cached lead snapshot (one call when
    it is not held yet). Raises TaskipError when TaskIP cannot be read."""
    from leads.selectors import LeadQuery, board_snapshot

    return places_from(board_snapshot(query=LeadQuery()).value)
