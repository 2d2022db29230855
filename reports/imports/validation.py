"""Validating an import before anything is written: every row against TaskIP's reference data
(statuses, sources, team, companies), dates and values in the formats people type, duplicate
emails in the file; and which emails already belong to a lead (one snapshot)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email

from crmui import reference
from crmui.taskip import errors as e
from leads.selectors import LeadQuery, lead_snapshot
from reports.imports.reading import FIELD_LABELS
from reports.models import ImportJob, ImportRow
from reports.services import csv_unescape

DATE_FORMATS_ALWAYS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d-%b-%Y",
    "%Y%m%d",
)
DATE_FORMATS_DMY = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y")
DATE_FORMATS_MDY = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%m.%d.%Y")


def parse_date(text: str, order: str = "dmy") -> date | None:
    text = text.strip()
    if "T" in text[10:11] or (len(text) > 10 and text[10] == " " and text[4] == "-"):
        text = text[:10]  # 2026-04-01T10:00:00Z, 2026-04-01 10:00
    formats = DATE_FORMATS_ALWAYS + (
        DATE_FORMATS_DMY + DATE_FORMATS_MDY if order == "dmy" else DATE_FORMATS_MDY + DATE_FORMATS_DMY
    )
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_value(text: str) -> Decimal | None:
    t = re.sub(r"[\s\u00a0$€£¥]", "", text)
    t = re.sub(r"^[A-Za-z]{3}|[A-Za-z]{3}$", "", t)  # USD 1200 / 1200 EUR
    if "," in t and "." in t:
        t = t.replace(",", "") if t.rfind(".") > t.rfind(",") else t.replace(".", "").replace(",", ".")
    elif "," in t:
        head, _, tail = t.rpartition(",")
        t = t.replace(",", "") if len(tail) == 3 else head.replace(",", "") + "." + tail
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


@dataclass
class Reference:
    statuses: dict[str, int]
    sources: dict[str, int]
    status_ids: set[int]
    source_ids: set[int]
    members: dict[str, int]
    member_ids: set[int]
    companies: dict[str, int]


def load_reference() -> Reference:
    """Raises TaskipError for the view to show."""
    st = reference.statuses()
    so = reference.sources()
    members = reference.team_members()
    companies = reference.companies()
    mem = {}
    for m in members:
        for name in (m.full_name, f"{m.first_name or ''} {m.last_name or ''}", m.email):
            if name and name.strip():
                mem.setdefault(name.strip().casefold(), m.id)
    return Reference(
        statuses={(s.name or "").strip().casefold(): s.id for s in st},
        sources={(s.name or "").strip().casefold(): s.id for s in so},
        status_ids={s.id for s in st},
        source_ids={s.id for s in so},
        members=mem,
        member_ids={m.id for m in members},
        companies={(c.name or "").strip().casefold(): c.id for c in companies if c.name},
    )


def _names_to_ids(text: str, names: dict[str, int], ids: set[int], what: str, problems: list[str]) -> list[int]:
    out = []
    for part in _split(text):
        key = part.casefold()
        if key in names:
            i = names[key]
        elif part.lstrip("#").isdigit() and int(part.lstrip("#")) in ids:
            i = int(part.lstrip("#"))
        else:
            problems.append(f"Unknown {what} “{part}”.")
            continue
        if i not in out:
            out.append(i)
    return out


def validate_row(values: dict[str, str], ref: Reference, date_order: str) -> tuple[dict, list[str]]:
    """values: field -> cell text (stripped, unescaped). Returns (payload, problems)."""
    problems: list[str] = []
    payload: dict = {}
    first = values.get("first_name", "")
    last = values.get("last_name", "")
    full = values.get("full_name", "")
    if full and not first:
        first, _, rest = full.partition(" ")
        last = last or rest.strip()
    if not first:
        problems.append("First name is missing.")
    elif len(first) > 100:
        problems.append("First name is longer than 100 characters.")
    else:
        payload["first_name"] = first
    if last:
        if len(last) > 100:
            problems.append("Last name is longer than 100 characters.")
        else:
            payload["last_name"] = last
    email = values.get("email", "")
    if not email:
        problems.append("Email is missing.")
    else:
        try:
            validate_email(email)
            payload["email"] = email
        except DjangoValidationError:
            problems.append(f"“{email}” is not a valid email address.")
    for f in ("phone_number", "address", "zip_code", "description"):
        if values.get(f):
            payload[f] = values[f]
    if values.get("website"):
        site = values["website"]
        if "://" not in site:
            site = "https://" + site
        try:
            URLValidator(schemes=["http", "https"])(site)
            payload["website"] = site
        except DjangoValidationError:
            problems.append(f"Website “{values['website']}” is not a web address.")
    if values.get("currency"):
        cur = values["currency"].upper()
        if not re.fullmatch(r"[A-Z]{3}", cur):
            problems.append(f"Currency “{values['currency']}” is not a 3-letter code such as USD.")
        else:
            payload["currency"] = cur
    if values.get("value"):
        v = parse_value(values["value"])
        if v is None:
            problems.append(f"Value “{values['value']}” is not a number.")
        elif v < 0:
            problems.append(f"Value “{values['value']}” is negative.")
        else:
            payload["value"] = str(v)
    if values.get("lead_interaction_date"):
        d = parse_date(values["lead_interaction_date"], date_order)
        if d is None:
            problems.append(
                f"Interaction date “{values['lead_interaction_date']}” is not a date (use e.g. 2026-04-01)."
            )
        else:
            payload["lead_interaction_date"] = d.isoformat()
    if values.get("company"):
        key = values["company"].casefold()
        if key in ref.companies:
            payload["company_id"] = ref.companies[key]
        else:
            problems.append(f"Unknown company “{values['company']}”.")
    if values.get("status"):
        ids = _names_to_ids(values["status"], ref.statuses, ref.status_ids, "status", problems)
        if ids:
            payload["status_ids"] = ids
    if values.get("source"):
        ids = _names_to_ids(values["source"], ref.sources, ref.source_ids, "source", problems)
        if ids:
            payload["source_ids"] = ids
    if values.get("assigned_to"):
        ids = _names_to_ids(values["assigned_to"], ref.members, ref.member_ids, "team member", problems)
        if ids:
            payload["assigned_to"] = ids
    for f in ("country_id", "state_id", "city_id"):
        if values.get(f):
            if values[f].isdigit() and int(values[f]) > 0:
                payload[f] = int(values[f])
            else:
                problems.append(f"{FIELD_LABELS[f]} “{values[f]}” is not a number.")
    return payload, problems


def describe_payload(payload: dict) -> list[tuple[str, str]]:
    """A row's payload as people read it: names instead of ids (reference data is cached)."""
    try:
        attrs = {a.id: a.name for a in reference.attributes()}
        members = reference.team_member_names()
        companies = reference.company_names()
    except e.TaskipError:
        attrs, members, companies = {}, {}, {}
    labels = {"status_ids": "Status", "source_ids": "Source", "assigned_to": "Assigned to", "company_id": "Company"}
    out = []
    for key, value in payload.items():
        if key in ("first_name", "last_name", "email"):
            continue
        if key in ("status_ids", "source_ids"):
            value = ", ".join(attrs.get(i) or f"#{i}" for i in value)
        elif key == "assigned_to":
            value = ", ".join(members.get(i) or f"#{i}" for i in value)
        elif key == "company_id":
            value = companies.get(value) or f"#{value}"
        out.append((labels.get(key) or FIELD_LABELS.get(key, key), str(value)))
    return out


def row_values(job: ImportJob, cells: list[str]) -> dict[str, str]:
    values = {}
    for idx, f in job.mapping.items():
        if not f:
            continue
        i = int(idx)
        values[f] = csv_unescape(cells[i].strip()) if i < len(cells) else ""
    return values


def validate_job(job: ImportJob) -> None:
    """Validate every row (reference data may raise TaskipError). Nothing is written upstream."""
    ref = load_reference()
    seen: dict[str, int] = {}
    rows = list(job.rows.all())
    for row in rows:
        values = row_values(job, row.cells)
        payload, problems = validate_row(values, ref, job.date_order)
        email = (payload.get("email") or values.get("email") or "").strip()
        key = email.casefold()
        if key:
            if key in seen:
                problems.append(f"The same email is already on row {seen[key]}.")
            else:
                seen[key] = row.line
        row.email = email[:254]
        row.payload = payload
        row.problems = problems
        row.state = ImportRow.INVALID if problems else ImportRow.PENDING
        row.message = "; ".join(problems)[:500]
        row.lead_id = None
        row.attempted_at = None
    ImportRow.objects.bulk_update(
        rows, ["email", "payload", "problems", "state", "message", "lead_id", "attempted_at"], batch_size=500
    )
    job.status = ImportJob.VALIDATED
    job.save(update_fields=["status", "updated_at"])


def existing_in_snapshot(job: ImportJob, *, refresh: bool = False) -> dict[str, list]:
    """{email: [lead_id, first_name]} for the file's emails, from ONE all-leads call (cached)."""
    emails = {
        e.casefold() for e in job.rows.filter(state=ImportRow.PENDING).exclude(email="").values_list("email", flat=True)
    }
    snap = lead_snapshot(query=LeadQuery(), refresh=refresh).value
    out = {}
    for lead in snap:
        if lead.email and lead.email.casefold() in emails:
            out.setdefault(lead.email.casefold(), [lead.id, lead.first_name or ""])
    return out
