"""The main navigation, built from URL names, shown only when the URL exists and the role may use it.
(The Settings page's own list of links is ``accounts.nav``.)"""

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
