"""The Settings page's links, built from URL names, shown only when the URL exists and the
role may use it."""

from django.urls import NoReverseMatch, reverse

from accounts.roles import can

# (label, url name, capability, blurb)
SETTINGS = (
    ("Your TaskIP team member", "accounts:profile", None, "Link your login to a TaskIP team member for “My leads”."),
    (
        "Statuses and sources",
        "pipeline:attributes",
        "attributes.manage",
        "Create, rename, recolour and reorder lead statuses and sources.",
    ),
    (
        "Audit trail",
        "audit:list",
        "audit.view",
        "Every change made through the dashboard: who, when, what, and the outcome.",
    ),
    ("API budget", "budget", "budget.view", "TaskIP calls per page and what is left of the hourly budget."),
    (
        "Import leads from CSV",
        "reports:import",
        "import",
        "Upload a CSV, map its columns, validate, and import within the rate budget.",
    ),
    ("Users and roles", "admin:index", "users.manage", "Add people and give them the Sales, Manager or Admin role."),
)


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def settings_links(user):
    out = []
    for label, name, cap, blurb in SETTINGS:
        url = _url(name)
        if url and (cap is None or can(user, cap)):
            out.append({"label": label, "url": url, "blurb": blurb})
    return out
