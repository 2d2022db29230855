"""CSV export (streamed, every page) and the lead import's row processing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from crmui import api, reference
from crmui.errors import user_message
from crmui.taskip import Contact, Lead, TaskipError
from leads import selectors
from leads.selectors import LeadQuery, lead_snapshot

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell as text, with a leading quote when it would start a spreadsheet formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_unescape(text: str) -> str:
    """Undo ``csv_safe``: a quote in front of a formula character is ours."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def csv_line(cells: Iterable) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([csv_safe(c) for c in cells])
    return buf.getvalue()


# --------------------------------------------------------------------------- lead export
LEAD_COLUMNS = (
    "ID",
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Website",
    "Company",
    "Value",
    "Currency",
    "Interaction date",
    "Status",
    "Source",
    "Assigned to",
    "Address",
    "City",
    "State",
    "Country",
    "Zip code",
    "Description",
    "Converted",
    "Converted at",
    "Created at",
    "Updated at",
    "Country ID",
    "State ID",
    "City ID",
)
LIST_SEP = "; "


def _d(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _money(value) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def lead_row(lead: Lead, members: dict[int, str]) -> list:
    return [
        lead.id,
        lead.first_name,
        lead.last_name,
        lead.email,
        lead.phone_number,
        lead.website,
        lead.company.name if lead.company else "",
        _money(lead.value),
        lead.currency,
        _d(lead.lead_interaction_date),
        LIST_SEP.join(s.name or "" for s in lead.statuses),
        LIST_SEP.join(s.name or "" for s in lead.sources),
        LIST_SEP.join(members.get(m) or f"#{m}" for m in lead.assigned_to),
        lead.address,
        lead.city,
        lead.state,
        lead.country,
        lead.zip_code,
        lead.description,
        "yes" if lead.converted else "no",
        _d(lead.converted_at),
        _d(lead.created_at),
        _d(lead.updated_at),
        lead.country_id,
        lead.state_id,
        lead.city_id,
    ]


def _safe_names():
    try:
        return {s.id: s.name for s in reference.attributes()}, reference.team_member_names()
    except TaskipError:
        return {}, {}


def lead_export_filename(query: LeadQuery, *, today: date | None = None) -> str:
    attrs, members = _safe_names()
    parts = ["leads"]
    if query.search:
        parts.append("search-" + (slugify(query.search) or "text"))
    if query.status_id:
        parts.append("status-" + (slugify(attrs.get(query.status_id) or "") or str(query.status_id)))
    if query.source_id:
        parts.append("source-" + (slugify(attrs.get(query.source_id) or "") or str(query.source_id)))
    if query.assigned_to:
        parts.append("assigned-" + (slugify(members.get(query.assigned_to) or "") or str(query.assigned_to)))
    if query.is_converted is not None:
        parts.append("converted" if query.is_converted else "not-converted")
    if query.from_date:
        parts.append("from-" + query.from_date)
    if query.to_date:
        parts.append("to-" + query.to_date)
    parts.append((today or timezone.localdate()).isoformat())
    return "_".join(parts)[:180] + ".csv"


def contact_export_filename(*, search: str = "", today: date | None = None) -> str:
    parts = ["contacts"]
    if search:
        parts.append("search-" + (slugify(search) or "text"))
    parts.append((today or timezone.localdate()).isoformat())
    return "_".join(parts)[:180] + ".csv"


def start_lead_export(query: LeadQuery) -> Iterator[str]:
    """The leads matching the query, in its order, from the one lead snapshot
    (``lead_snapshot``: no call when the dashboard holds it; otherwise ONE item=0 call, and a
    failure raises TaskipError before any byte is sent). Returns a generator of CSV chunks."""
    page_size = getattr(settings, "REPORTS_EXPORT_PAGE_SIZE", 100)
    chosen = selectors.sorted_leads(lead_snapshot(query=query).value, query)
    leads = iter(chosen)
    first = next(leads, None)
    _, members = _safe_names()
    return _stream(first, leads, lambda lead: lead_row(lead, members), LEAD_COLUMNS, page_size, "leads")


def _stream(first, rest: Iterator, to_row, columns, chunk: int, what: str) -> Iterator[str]:
    yield BOM + csv_line(columns)
    if first is None:
        return
    n = 1
    buf = [csv_line(to_row(first))]
    try:
        for item in rest:
            buf.append(csv_line(to_row(item)))
            n += 1
            if len(buf) >= chunk:
                yield "".join(buf)
                buf = []
    except TaskipError as exc:
        if buf:
            yield "".join(buf)
        yield csv_line([f"ERROR: the export stopped after {n} {what}; this file is INCOMPLETE. {user_message(exc)}"])
        return
    if buf:
        yield "".join(buf)


# --------------------------------------------------------------------------- contact export
CONTACT_COLUMNS = (
    "ID",
    "First name",
    "Last name",
    "Email",
    "Company",
    "Position",
    "Phone",
    "Address",
    "City",
    "State",
    "Country",
    "Zip code",
    "Timezone",
    "Portal access",
)


def contact_row(c: Contact) -> list:
    return [
        c.id,
        c.first_name,
        c.last_name,
        c.email,
        c.company.name if c.company else "",
        c.position,
        c.phone_number,
        c.address,
        c.city,
        c.state,
        c.country,
        c.zip_code,
        c.timezone,
        "yes" if c.access_portal else "no",
    ]


def start_contact_export(*, search: str = "", sort: str | None = None, order: str | None = None) -> Iterator[str]:
    page_size = getattr(settings, "REPORTS_EXPORT_PAGE_SIZE", 100)
    filters = {"limit": page_size}
    if search:
        filters["search"] = search
    if sort:
        filters["sort"] = sort
    if order:
        filters["order"] = order
    contacts = api.client().contacts.iter_all(**filters)
    first = next(contacts, None)
    return _stream(first, contacts, contact_row, CONTACT_COLUMNS, page_size, "contacts")
