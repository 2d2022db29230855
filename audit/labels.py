"""Names and labels for the audit trail and activity lists instead of raw field names and ids.

Apps register how their fields read (``register("lead", describe)`` in their AppConfig.ready),
so this app imports none of them: ``describe(field, value) -> (label, text) | None``; None falls
back to the generic wording here ("phone_number" → "Phone number")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Describe = Callable[[str, Any], "tuple[str, str] | None"]
_describers: dict[str, Describe] = {}

ACTION_LABELS = {
    "lead.create": "Created a lead",
    "lead.update": "Changed a lead",
    "lead.move": "Moved a lead on the board",
    "lead.delete": "Deleted a lead",
    "lead.convert": "Converted a lead to a contact",
    "lead.email": "Emailed a lead",
    "lead.bulk_delete": "Deleted leads in bulk",
    "note.create": "Added a note",
    "note.update": "Changed a note",
    "note.delete": "Deleted a note",
    "file.upload": "Uploaded a file",
    "file.delete": "Deleted files",
    "contact.create": "Created a contact",
    "contact.update": "Changed a contact",
    "contact.delete": "Deleted a contact",
    "contact.bulk_delete": "Deleted contacts in bulk",
    "contact.invite": "Invited a contact to the portal",
    "attribute.create": "Added a status or source",
    "attribute.update": "Changed a status or source",
    "attribute.delete": "Deleted a status or source",
    "attribute.reorder": "Reordered statuses or sources",
    "login": "Logged in",
    "login.failed": "Failed login",
    "logout": "Logged out",
}
GENERIC_FIELDS = {
    "order": "Position",
    "bulk_job": "Bulk action",
    "lead_id": "Lead",
    "name": "Name",
    "color": "Colour",
    "type": "Kind",
}


def register(object_type: str, describe: Describe) -> None:
    _describers[object_type] = describe


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    return action.replace(".", " ").replace("_", " ").capitalize()


def humanize(field: str) -> str:
    """'phone_number' → 'Phone number', 'status_ids' → 'Status', 'company_id' → 'Company'."""
    if field in GENERIC_FIELDS:
        return GENERIC_FIELDS[field]
    base = field.removesuffix("_ids").removesuffix("_id")
    return base.replace("_", " ").strip().capitalize() or field


def plain(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {plain(v)}" for k, v in value.items()) or "—"
    return str(value)


def describe(object_type: str, field: str, value) -> tuple[str, str]:
    """(label, text) of one changed field's value, in words."""
    describer = _describers.get(object_type)
    if describer is not None:
        try:
            found = describer(field, value)
        except Exception:  # a label is a nicety: never break the audit page over it
            found = None
        if found is not None:
            return found
    if field == "bulk_job" and value not in (None, ""):
        return GENERIC_FIELDS["bulk_job"], f"#{value}"
    return humanize(field), plain(value)


def fields_sentence(object_type: str, text: str) -> str:
    """'Lead updated: phone_number, status_ids' → 'Lead updated: Phone, Statuses' (activity lines)."""
    head, sep, tail = text.partition(": ")
    names = [n.strip() for n in tail.split(",")] if sep else []
    if not names or not all(n and n.replace("_", "").isalnum() and n == n.lower() and " " not in n for n in names):
        return text
    return head + sep + ", ".join(describe(object_type, n, None)[0] for n in names)
