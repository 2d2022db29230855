"""A lead with the fields just sent applied, without reading it again: used to write an update
through to the cached detail (leads.services) and into the lead snapshot (leads.snapshot)."""

from __future__ import annotations

from dataclasses import replace

from crmui import reference
from crmui.taskip import Lead, TaskipError

_SCALARS = (
    "first_name",
    "last_name",
    "email",
    "phone_number",
    "website",
    "company_id",
    "value",
    "currency",
    "lead_interaction_date",
    "address",
    "zip_code",
    "description",
)


def patched_lead(base: Lead, payload: dict) -> Lead | None:
    """``base`` with the sent fields, when every sent field can be applied without a read
    (statuses and sources need their names from the reference list)."""
    changes: dict = {}
    for key, value in payload.items():
        if key in _SCALARS:
            changes[key] = value
        elif key == "assigned_to":
            changes[key] = tuple(value or ())
        elif key in ("status_ids", "source_ids"):
            try:
                known = {a.id: a for a in reference.attributes()}
            except TaskipError:
                return None
            if not all(i in known for i in value or ()):
                return None
            changes["statuses" if key == "status_ids" else "sources"] = tuple(known[i] for i in value or ())
        else:
            return None  # place ids, groups, custom fields: TaskIP derives names we cannot know
    if "first_name" in changes or "last_name" in changes:
        changes["full_name"] = None
    try:
        return replace(base, **changes)
    except TypeError:
        return None
