"""How a lead's fields read in the audit trail and activity lists (registered with
``audit.labels`` in LeadsConfig.ready): form labels for field names, and names for ids of
statuses, sources, team members and companies (from the cached reference lists)."""

from __future__ import annotations

from crmui import reference
from crmui.taskip import TaskipError

_EXTRA = {
    "custom_fields": "Custom fields",
    "groups": "Groups",
    "bulk_job": "Bulk action",
    "subject": "Subject",
    "title": "Title",
    "lead_id": "Lead",
    "status_ids": "Statuses",
    "source_ids": "Sources",
    "assigned_to": "Assignees",
    "company_id": "Company",
}


def field_label(field: str) -> str | None:
    from leads.forms import LeadForm

    if field in _EXTRA:
        return _EXTRA[field]
    form_field = LeadForm.base_fields.get(field)
    return str(form_field.label) if form_field is not None and form_field.label else None


def _names(field: str) -> dict[int, str]:
    try:
        if field == "status_ids":
            return {a.id: a.name for a in reference.statuses() if a.name}
        if field == "source_ids":
            return {a.id: a.name for a in reference.sources() if a.name}
        if field == "assigned_to":
            return reference.team_member_names()
        if field == "company_id":
            return reference.company_names()
    except TaskipError:
        pass
    return {}


def _as_ids(value) -> list | None:
    items = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for v in items:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            return None
    return out


def describe(field: str, value) -> tuple[str, str] | None:
    label = field_label(field)
    if label is None:
        return None
    if field in ("status_ids", "source_ids", "assigned_to", "company_id") and value not in (None, "", []):
        ids = _as_ids(value)
        if ids is not None:
            names = _names(field)
            return label, ", ".join(names.get(i) or f"#{i}" for i in ids)
    if field == "lead_id" and value not in (None, ""):
        return label, f"#{value}"
    from audit.labels import plain

    return label, plain(value)
