"""Navigation built from URL names, shown only when the URL exists and the role may use it."""
from django.urls import NoReverseMatch, reverse

from accounts.roles import can

# (label, url name, capability, app namespaces that light the entry up)
MAIN = (
    ("Pipeline", "leads:list", "lead.view", ("leads",)),
    ("Board", "leads:board", "lead.view", ()),
    ("Overview", "reports:overview", "lead.view", ("reports",)),
    ("Contacts", "contacts:list", "contact.view", ("contacts",)),
    ("Jobs", "jobs:list", "lead.bulk", ("jobs",)),
    ("Settings", "accounts:index", None, ("accounts", "pipeline", "audit")),
)

SETTINGS = (
    ("Your TaskIP team member", "accounts:profile", None, "Link your login to a TaskIP team member for “My leads”."),
    ("Statuses and sources", "pipeline:attributes", "attributes.manage", "Create, rename, recolour and reorder lead statuses and sources."),
    ("Audit trail", "audit:list", "audit.view", "Every change made through the dashboard: who, when, what, and the outcome."),
    ("API budget", "budget", "budget.view", "TaskIP calls per page and what is left of the hourly budget."),
    ("Import leads from CSV", "reports:import", "import", "Upload a CSV, map its columns, validate, and import within the rate budget."),
    ("Users and roles", "admin:index", "users.manage", "Add people and give them the Sales, Manager or Admin role."),
)


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def main_nav(request):
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    ns = current.split(":")[0] if ":" in current else ""
    items = []
    for label, name, cap, namespaces in MAIN:
        url = _url(name)
        if url and (cap is None or can(request.user, cap)):
            active = current == name or (ns in namespaces and not any(current == n for _, n, _, _ in MAIN if n != name))
            items.append({"label": label, "url": url, "active": active})
    return items


def settings_links(user):
    out = []
    for label, name, cap, blurb in SETTINGS:
        url = _url(name)
        if url and (cap is None or can(user, cap)):
            out.append({"label": label, "url": url, "blurb": blurb})
    return out
