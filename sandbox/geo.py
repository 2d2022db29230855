"""A tiny fixed geography so that country_id/state_id/city_id resolve to names."""

COUNTRIES = {
    1: "United States",
    2: "United Kingdom",
    3: "Germany",
    4: "Canada",
    5: "Australia",
    6: "France",
    7: "Netherlands",
    8: "Bangladesh",
}

# state_id: (country_id, name)
STATES = {
    1: (1, "New York"),
    2: (1, "California"),
    3: (1, "Texas"),
    4: (1, "Illinois"),
    5: (1, "Washington"),
    6: (2, "England"),
    7: (2, "Scotland"),
    8: (3, "Bavaria"),
    9: (3, "Berlin"),
    10: (4, "Ontario"),
    11: (4, "British Columbia"),
    12: (5, "New South Wales"),
    13: (5, "Victoria"),
    14: (6, "Ile-de-France"),
    15: (7, "North Holland"),
    16: (8, "Dhaka Division"),
}

# city_id: (state_id, name, zip prefix, timezone)
CITIES = {
    1: (1, "New York", "100", "America/New_York"),
    2: (2, "San Francisco", "941", "America/Los_Angeles"),
    3: (2, "Los Angeles", "900", "America/Los_Angeles"),
    4: (3, "Austin", "787", "America/Chicago"),
    5: (4, "Chicago", "606", "America/Chicago"),
    6: (5, "Seattle", "981", "America/Los_Angeles"),
    7: (6, "London", "EC1", "Europe/London"),
    8: (6, "Manchester", "M1", "Europe/London"),
    9: (7, "Edinburgh", "EH1", "Europe/London"),
    10: (8, "Munich", "803", "Europe/Berlin"),
    11: (9, "Berlin", "101", "Europe/Berlin"),
    12: (10, "Toronto", "M5V", "America/Toronto"),
    13: (11, "Vancouver", "V6B", "America/Vancouver"),
    14: (12, "Sydney", "200", "Australia/Sydney"),
    15: (13, "Melbourne", "300", "Australia/Melbourne"),
    16: (14, "Paris", "750", "Europe/Paris"),
    17: (15, "Amsterdam", "101", "Europe/Amsterdam"),
    18: (16, "Dhaka", "121", "Asia/Dhaka"),
}


def country_name(cid):
    return COUNTRIES.get(cid) if cid is not None else None


def state_name(sid):
    s = STATES.get(sid) if sid is not None else None
    return s[1] if s else None


def city_name(cid):
    c = CITIES.get(cid) if cid is not None else None
    return c[1] if c else None


def city_location(city_id):
    """(country_id, state_id, city_id) for a city."""
    state_id = CITIES[city_id][0]
    return STATES[state_id][0], state_id, city_id
