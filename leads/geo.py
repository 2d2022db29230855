"""Countries, states and cities the lead form offers.

TaskIP's lead payload takes ``country_id`` / ``state_id`` / ``city_id`` but the public API has
no endpoint that lists them, so the dashboard carries a small list mirroring the ids the
sandbox seeds (sandbox/geo.py). A lead that already has another id keeps it (shown by the name
TaskIP sent with the lead), so nothing is lost when editing.
"""
from __future__ import annotations

# (id, name)
COUNTRIES: tuple[tuple[int, str], ...] = (
    (1, 'United States'),
    (2, 'United Kingdom'),
    (3, 'Germany'),
    (4, 'Canada'),
    (5, 'Australia'),
    (6, 'France'),
    (7, 'Netherlands'),
    (8, 'Bangladesh'),
)
# (id, country_id, name)
STATES: tuple[tuple[int, int, str], ...] = (
    (1, 1, 'New York'),
    (2, 1, 'California'),
    (3, 1, 'Texas'),
    (4, 1, 'Illinois'),
    (5, 1, 'Washington'),
    (6, 2, 'England'),
    (7, 2, 'Scotland'),
    (8, 3, 'Bavaria'),
    (9, 3, 'Berlin'),
    (10, 4, 'Ontario'),
    (11, 4, 'British Columbia'),
    (12, 5, 'New South Wales'),
    (13, 5, 'Victoria'),
    (14, 6, 'Ile-de-France'),
    (15, 7, 'North Holland'),
    (16, 8, 'Dhaka Division'),
)
# (id, state_id, name)
CITIES: tuple[tuple[int, int, str], ...] = (
    (1, 1, 'New York'),
    (2, 2, 'San Francisco'),
    (3, 2, 'Los Angeles'),
    (4, 3, 'Austin'),
    (5, 4, 'Chicago'),
    (6, 5, 'Seattle'),
    (7, 6, 'London'),
    (8, 6, 'Manchester'),
    (9, 7, 'Edinburgh'),
    (10, 8, 'Munich'),
    (11, 9, 'Berlin'),
    (12, 10, 'Toronto'),
    (13, 11, 'Vancouver'),
    (14, 12, 'Sydney'),
    (15, 13, 'Melbourne'),
    (16, 14, 'Paris'),
    (17, 15, 'Amsterdam'),
    (18, 16, 'Dhaka'),
)


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


def place_of_city(city_id) -> tuple[int, int] | None:
    """(country_id, state_id) of a city on the list, or None."""
    state_id = next((s for c, s, _ in CITIES if c == city_id), None)
    if state_id is None:
        return None
    country_id = next((c for s, c, _ in STATES if s == state_id), None)
    return (country_id, state_id) if country_id is not None else None
