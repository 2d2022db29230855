"""Importing leads from CSV: read the upload, guess the column mapping, validate every row
before anything is written, then process a few rows per request within the rate budget.

Safety rules:
* nothing is written until every row is validated and the person starts the import;
* existing leads are found by email with ONE snapshot (``leads.list(item=0)``) at start;
* a row is marked IN_FLIGHT before its write; a write whose answer was lost leaves it in
  flight and pauses the job; on resume the lead is looked up by email before writing again;
* a 429 puts the row back to PENDING (nothing was written) and the job waits until TaskIP
  says to retry; resume continues from the next unprocessed row;
* one step at a time per job (a lock in the database, so two tabs cannot double-write).
"""
from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from audit.trail import audited
from crmui import api, reference, tally
from crmui.cache import invalidate
from crmui.errors import retry_hint, user_message
from crmui.taskip import errors as e
from leads import snapshot as lead_snapshot_store
from leads.selectors import LeadQuery, lead_snapshot
from reports.models import ImportJob, ImportRow
from reports.services import csv_line, csv_unescape


class ImportFileError(Exception):
    """The uploaded file cannot be read as a CSV of leads."""


def _setting(name, default):
    return getattr(settings, name, default)


# --------------------------------------------------------------------------- fields and guessing
IGNORE = ""
FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("full_name", "Full name (split into first and last)"),
    ("email", "Email"),
    ("phone_number", "Phone"),
    ("website", "Website"),
    ("company", "Company (name)"),
    ("value", "Value"),
    ("currency", "Currency"),
    ("lead_interaction_date", "Interaction date"),
    ("status", "Status (names)"),
    ("source", "Source (names)"),
    ("assigned_to", "Assigned to (team member names)"),
    ("address", "Address"),
    ("zip_code", "Zip code"),
    ("description", "Description"),
    ("country_id", "Country ID"),
    ("state_id", "State ID"),
    ("city_id", "City ID"),
)
FIELD_LABELS = dict(FIELDS)

SYNONYMS = {
    "first_name": ["first name", "firstname", "first", "given name", "givenname", "forename", "vorname", "prenom"],
    "last_name": ["last name", "lastname", "last", "surname", "family name", "familyname", "nachname", "nom"],
    "full_name": ["name", "full name", "fullname", "contact name", "lead name", "contact", "lead"],
    "email": ["email", "e mail", "email address", "e mail address", "mail", "emailaddress", "work email"],
    "phone_number": ["phone", "phone number", "phonenumber", "telephone", "tel", "mobile", "mobile phone", "cell", "mobile number"],
    "website": ["website", "web site", "web", "url", "site", "homepage", "domain"],
    "company": ["company", "company name", "organization", "organisation", "organization name", "account", "account name", "firm", "business"],
    "value": ["value", "deal value", "lead value", "amount", "deal amount", "deal size", "revenue", "worth"],
    "currency": ["currency", "currency code"],
    "lead_interaction_date": ["interaction date", "lead interaction date", "last interaction", "last contact", "last contacted", "interaction", "date", "contact date"],
    "status": ["status", "statuses", "lead status", "stage", "pipeline stage", "deal stage"],
    "source": ["source", "sources", "lead source", "channel", "origin", "utm source"],
    "assigned_to": ["assigned to", "assignee", "assignees", "assigned", "owner", "lead owner", "sales rep", "salesperson", "rep", "account owner"],
    "address": ["address", "street", "street address", "address line 1"],
    "zip_code": ["zip", "zip code", "zipcode", "postal code", "postcode", "post code", "plz"],
    "description": ["description", "notes", "note", "comments", "comment", "details", "about"],
    "country_id": ["country id", "countryid"],
    "state_id": ["state id", "stateid"],
    "city_id": ["city id", "cityid"],
}
_LOOKUP = {syn: f for f, syns in SYNONYMS.items() for syn in syns}
for _f, _label in FIELDS:
    _LOOKUP.setdefault(_f.replace("_", " "), _f)


def normalize_header(h: str) -> str:
    h = re.sub(r"([a-z])([A-Z])", r"\1 \2", h or "")  # firstName -> first Name
    return re.sub(r"[^a-z0-9]+", " ", h.lower()).strip()


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{"<column index>": field}; each field guessed for at most one column."""
    out, taken = {}, set()
    for i, h in enumerate(headers):
        f = _LOOKUP.get(normalize_header(h))
        if f and f not in taken:
            out[str(i)] = f
            taken.add(f)
        else:
            out[str(i)] = IGNORE
    if "first_name" in taken and "full_name" in taken and "last_name" in taken:
        # "Name" next to first/last name columns is most likely redundant.
        for k, v in out.items():
            if v == "full_name":
                out[k] = IGNORE
    return out


def mapping_problems(mapping: dict[str, str]) -> list[str]:
    fields = [f for f in mapping.values() if f]
    problems = []
    for f in sorted({f for f in fields if fields.count(f) > 1}):
        problems.append(f"“{FIELD_LABELS.get(f, f)}” is chosen for more than one column.")
    if "email" not in fields:
        problems.append("Choose the column that holds the email address.")
    if "first_name" not in fields and "full_name" not in fields:
        problems.append("Choose the column that holds the first name (or a full name to split).")
    return problems


# --------------------------------------------------------------------------- reading the upload
@dataclass
class ParsedCSV:
    encoding: str
    delimiter: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line in the file, cells)


def detect_encoding(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", raw[3:].decode("utf-8", errors="replace")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1", raw.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    sample = text[:16384]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample.splitlines() else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read_csv(upload) -> ParsedCSV:
    max_bytes = int(_setting("REPORTS_IMPORT_MAX_MB", 5) * 1024 * 1024)
    max_rows = _setting("REPORTS_IMPORT_MAX_ROWS", 5000)
    if upload.size is not None and upload.size > max_bytes:
        raise ImportFileError(f"The file is larger than {max_bytes // (1024 * 1024)} MB. Split it into smaller files.")
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ImportFileError(f"The file is larger than {max_bytes // (1024 * 1024)} MB. Split it into smaller files.")
    if not raw.strip():
        raise ImportFileError("The file is empty.")
    if b"\x00" in raw[:4096]:
        raise ImportFileError("This does not look like a CSV file (is it an Excel .xlsx file? Save it as CSV first).")
    encoding, text = detect_encoding(raw)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if headers is None:
                if not any(c.strip() for c in cells):
                    continue
                headers = [c.strip() for c in cells]
                header_line = number
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= max_rows:
                raise ImportFileError(f"The file has more than {max_rows} rows. Split it into smaller files.")
            rows.append((number, cells))
    except csv.Error as exc:
        raise ImportFileError(f"The file could not be read as CSV ({exc}).") from None
    if not headers:
        raise ImportFileError("The file has no header row.")
    if not rows:
        raise ImportFileError("The file has a header row but no rows of data.")
    width = len(headers)
    headers = [h or f"Column {i + 1}" for i, h in enumerate(headers)]
    widest = max(len(c) for _, c in rows)
    headers += [f"Column {i + 1}" for i in range(width, widest)]
    del header_line
    return ParsedCSV(encoding, delimiter, headers, rows)


def create_job(*, actor, upload) -> ImportJob:
    parsed = read_csv(upload)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            filename=(getattr(upload, "name", "") or "upload.csv")[:255],
            encoding=parsed.encoding, delimiter=parsed.delimiter, headers=parsed.headers,
            mapping=guess_mapping(parsed.headers),
        )
        ImportRow.objects.bulk_create(
            [ImportRow(job=job, line=line, cells=cells) for line, cells in parsed.rows], batch_size=500)
    return job


def samples(job: ImportJob, n: int = 3) -> list[list[str]]:
    """Up to n non-empty sample values per column."""
    out = [[] for _ in job.headers]
    for row in job.rows.all()[:50]:
        for i, cell in enumerate(row.cells[: len(out)]):
            cell = csv_unescape(cell.strip())
            if cell and len(out[i]) < n and cell not in out[i]:
                out[i].append(cell[:60])
    return out


# --------------------------------------------------------------------------- validation
DATE_FORMATS_ALWAYS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y",
                       "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y", "%Y%m%d")
DATE_FORMATS_DMY = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y")
DATE_FORMATS_MDY = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%m.%d.%Y")


def parse_date(text: str, order: str = "dmy") -> date | None:
    text = text.strip()
    if "T" in text[10:11] or (len(text) > 10 and text[10] == " " and text[4] == "-"):
        text = text[:10]  # 2026-04-01T10:00:00Z, 2026-04-01 10:00
    formats = DATE_FORMATS_ALWAYS + (DATE_FORMATS_DMY + DATE_FORMATS_MDY if order == "dmy" else DATE_FORMATS_MDY + DATE_FORMATS_DMY)
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
        status_ids={s.id for s in st}, source_ids={s.id for s in so},
        members=mem, member_ids={m.id for m in members},
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
            problems.append(f"Interaction date “{values['lead_interaction_date']}” is not a date (use e.g. 2026-04-01).")
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
    ImportRow.objects.bulk_update(rows, ["email", "payload", "problems", "state", "message", "lead_id", "attempted_at"], batch_size=500)
    job.status = ImportJob.VALIDATED
    job.save(update_fields=["status", "updated_at"])


def existing_in_snapshot(job: ImportJob, *, refresh: bool = False) -> dict[str, list]:
    """{email: [lead_id, first_name]} for the file's emails, from ONE all-leads call (cached)."""
    emails = {e.casefold() for e in job.rows.exclude(email="").values_list("email", flat=True)}
    snap = lead_snapshot(query=LeadQuery(), refresh=refresh).value
    out = {}
    for lead in snap:
        if lead.email and lead.email.casefold() in emails:
            out.setdefault(lead.email.casefold(), [lead.id, lead.first_name or ""])
    return out


def start(job: ImportJob, *, mode: str) -> None:
    """Take the snapshot of existing leads (raises TaskipError) and set the job running."""
    job.existing = existing_in_snapshot(job, refresh=True)
    job.mode = mode
    job.status = ImportJob.RUNNING
    job.started_at = timezone.now()
    job.message = ""
    job.retry_at = None
    job.save()


# --------------------------------------------------------------------------- progress
@dataclass
class Progress:
    total: int
    invalid: int
    pending: int
    in_flight: int
    created: int
    updated: int
    skipped: int
    failed: int

    @property
    def to_write(self) -> int:
        return self.total - self.invalid

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.skipped + self.failed

    @property
    def pct(self) -> int:
        return int(100 * self.processed / self.to_write) if self.to_write else 100

    @property
    def written(self) -> int:
        return self.created + self.updated

    @property
    def not_written(self) -> int:
        return self.skipped + self.failed + self.invalid


def progress(job: ImportJob) -> Progress:
    c = {s: 0 for s, _ in ImportRow.STATE_CHOICES}
    for r in job.rows.values("state").annotate(n=Count("id")):
        c[r["state"]] = r["n"]
    return Progress(sum(c.values()), c["invalid"], c["pending"], c["in_flight"], c["created"], c["updated"],
                    c["skipped"], c["failed"])


# --------------------------------------------------------------------------- running
def _lock(job: ImportJob, seconds: int = 60) -> bool:
    now = timezone.now()
    return bool(ImportJob.objects.filter(pk=job.pk).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
                .update(locked_until=now + timedelta(seconds=seconds)))


def _unlock(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(locked_until=None)


def _send_payload(row: ImportRow) -> dict:
    payload = dict(row.payload)
    if "value" in payload:
        payload["value"] = Decimal(payload["value"])
    return payload


def _find_by_email(email: str):
    page = api.client().leads.list(search=email, item=50)
    for lead in page.items:
        if (lead.email or "").casefold() == email.casefold():
            return lead
    return None


def _field_errors(exc: e.TaskipAPIError) -> str:
    parts = []
    for f, msgs in (exc.errors or {}).items():
        msgs = [msgs] if isinstance(msgs, str) else msgs
        parts.append(f"{f}: {' '.join(str(m) for m in msgs)}")
    return "; ".join(parts) or user_message(exc)


def _finish_row(row: ImportRow, state: str, message: str = "", lead_id=None) -> None:
    row.state, row.message = state, message[:500]
    if lead_id is not None:
        row.lead_id = lead_id
    row.save(update_fields=["state", "message", "lead_id"])


def _pause(job: ImportJob, status: str, message: str, retry_at=None) -> None:
    job.status, job.message, job.retry_at = status, message[:500], retry_at
    job.save(update_fields=["status", "message", "retry_at", "updated_at"])


def _process(job: ImportJob, row: ImportRow, actor, recovering: bool) -> str:
    """Write one row. Returns "ok" to go on, or "stop" when the job was paused."""
    email_key = row.email.casefold()
    existing = job.existing.get(email_key)
    update = job.mode == ImportJob.UPDATE_EXISTING and existing is not None
    if job.mode == ImportJob.CREATE_ONLY and existing is not None:
        _finish_row(row, ImportRow.SKIPPED, f"A lead with this email already exists (#{existing[0]}); create only.", existing[0])
        return "ok"
    if recovering:
        # The answer to an earlier write of this row was lost: did it happen?
        found = _find_by_email(row.email)
        if found is not None and not update:
            _finish_row(row, ImportRow.CREATED, "Created (confirmed by email after a lost answer).", found.id)
            return "ok"
        if found is not None and update and row.attempted_at and found.updated_at and found.updated_at >= row.attempted_at - timedelta(seconds=5):
            _finish_row(row, ImportRow.UPDATED, "Updated (confirmed by email after a lost answer).", found.id)
            return "ok"
    if recovering:
        # In flight again, with the time of this new attempt, before writing.
        row.attempted_at = timezone.now()
        row.save(update_fields=["attempted_at"])
    payload = _send_payload(row)
    label = f"{payload.get('first_name', '')} {payload.get('last_name', '')}".strip() or row.email
    changes = {"import": str(job.id), "line": row.line, **row.payload}
    try:
        if update:
            with audited(actor, "lead.update", "lead", existing[0], changes=changes, label=label):
                api.client().leads.update(existing[0], payload)
            _finish_row(row, ImportRow.UPDATED, "", existing[0])
        else:
            with audited(actor, "lead.create", "lead", changes=changes, label=label) as res:
                lead = api.client().leads.create(payload)
                res.object_id = lead.id
            _finish_row(row, ImportRow.CREATED, "", lead.id)
        return "ok"
    except e.RateLimited as exc:
        # Nothing was written: the row goes back to the queue and the job waits.
        row.state, row.attempted_at = ImportRow.PENDING, None
        row.save(update_fields=["state", "attempted_at"])
        wait = exc.retry_after if exc.retry_after else 60
        _pause(job, ImportJob.RATE_LIMITED,
               "TaskIP's request limit was reached, so the import is waiting. " + retry_hint(exc) + " It resumes by itself.",
               timezone.now() + timedelta(seconds=max(1, wait)))
        return "stop"
    except (e.AuthenticationError, e.PermissionDenied) as exc:
        row.state, row.attempted_at = ImportRow.PENDING, None
        row.save(update_fields=["state", "attempted_at"])
        _pause(job, ImportJob.PAUSED, user_message(exc) + " The import is paused; resume it once that is fixed.")
        return "stop"
    except e.Conflict as exc:
        if job.mode == ImportJob.CREATE_ONLY:
            _finish_row(row, ImportRow.SKIPPED, "A lead with this email already exists; create only.")
        else:
            _finish_row(row, ImportRow.FAILED, _field_errors(exc))
        return "ok"
    except (e.ValidationError, e.BadRequest) as exc:
        _finish_row(row, ImportRow.FAILED, _field_errors(exc))
        return "ok"
    except e.NotFound:
        _finish_row(row, ImportRow.FAILED, "The existing lead with this email was deleted in the meantime.")
        return "ok"
    except (e.TaskipConnectionError, e.MalformedResponse, e.ServerError, e.TaskipError) as exc:
        # The write may or may not have happened: leave the row in flight and stop.
        row.message = "The answer to this write was lost; it is checked by email before writing again."
        row.save(update_fields=["message"])
        _pause(job, ImportJob.PAUSED, f"Paused at row {row.line}: {user_message(exc)} "
               "Resume to continue; a row whose answer was lost is checked by email first, so nothing is written twice.")
        return "stop"


def run_step(job: ImportJob, *, actor) -> ImportJob:
    """Process the next few rows of a running job, for at most a few seconds."""
    job.refresh_from_db()
    if job.status == ImportJob.RATE_LIMITED and job.retry_at and job.retry_at <= timezone.now():
        _pause(job, ImportJob.RUNNING, "")
    if job.status != ImportJob.RUNNING:
        return job
    if not _lock(job):
        return job  # another request is processing this job right now
    wrote = False
    try:
        reserve = _setting("REPORTS_IMPORT_RESERVE", 25)
        rl = tally.rate_limit()
        if rl and rl.get("remaining") is not None and rl["remaining"] <= reserve and (rl.get("reset") or 0) > time.time():
            wait = int(rl["reset"] - time.time()) + 1
            _pause(job, ImportJob.RATE_LIMITED,
                   f"Waiting so the team keeps {reserve} TaskIP requests for this hour. It resumes by itself in about {max(1, wait // 60)} minute{'s' if wait >= 120 else ''}.",
                   timezone.now() + timedelta(seconds=wait))
            return job
        max_rows = _setting("REPORTS_IMPORT_ROWS_PER_STEP", 5)
        deadline = time.monotonic() + _setting("REPORTS_IMPORT_STEP_SECONDS", 4)
        # Rows left in flight by an earlier step first (their answers were lost), then the next pending ones.
        queue = [(r, True) for r in job.rows.filter(state=ImportRow.IN_FLIGHT)]
        queue += [(r, False) for r in job.rows.filter(state=ImportRow.PENDING)[:max(0, max_rows - len(queue))]]
        stopped = False
        for row, recovering in queue:
            if not recovering:
                # Claim it: only one request may move a pending row in flight.
                now = timezone.now()
                if not ImportRow.objects.filter(pk=row.pk, state=ImportRow.PENDING).update(
                        state=ImportRow.IN_FLIGHT, attempted_at=now):
                    continue
                row.state, row.attempted_at = ImportRow.IN_FLIGHT, now
            try:
                outcome = _process(job, row, actor, recovering)
            except e.TaskipError as exc:  # the recovery lookup itself failed; nothing was written
                _pause(job, ImportJob.RATE_LIMITED if isinstance(exc, e.RateLimited) else ImportJob.PAUSED,
                       f"Paused at row {row.line}: {user_message(exc)}",
                       timezone.now() + timedelta(seconds=exc.retry_after or 60) if isinstance(exc, e.RateLimited) else None)
                stopped = True
                break
            wrote = True
            if outcome == "stop":
                stopped = True
                break
            if time.monotonic() > deadline:
                break
        if not stopped and not job.rows.filter(state__in=(ImportRow.PENDING, ImportRow.IN_FLIGHT)).exists():
            job.status, job.finished_at, job.message, job.retry_at = ImportJob.DONE, timezone.now(), "", None
            job.save(update_fields=["status", "finished_at", "message", "retry_at", "updated_at"])
    finally:
        if wrote:
            invalidate("leads")
            lead_snapshot_store.stale()  # the new leads show once the snapshot is fetched again
        _unlock(job)
    job.refresh_from_db()
    return job


def pause(job: ImportJob) -> None:
    if job.status in (ImportJob.RUNNING, ImportJob.RATE_LIMITED):
        _pause(job, ImportJob.PAUSED, "Paused. Resume to continue from the next row.")


def resume(job: ImportJob) -> None:
    if job.status in (ImportJob.PAUSED, ImportJob.RATE_LIMITED, ImportJob.STOPPED):
        _pause(job, ImportJob.RUNNING, "")


# --------------------------------------------------------------------------- report
REPORT_COLUMNS = ("Row", "Email", "First name", "Last name", "Outcome", "Lead ID", "Reason")
OUTCOME_LABELS = {
    ImportRow.CREATED: "created", ImportRow.UPDATED: "updated", ImportRow.SKIPPED: "skipped",
    ImportRow.FAILED: "failed", ImportRow.INVALID: "skipped (problems)", ImportRow.PENDING: "not processed",
    ImportRow.IN_FLIGHT: "unknown (answer lost)",
}


def report_lines(job: ImportJob):
    yield "\ufeff" + csv_line(REPORT_COLUMNS)
    for row in job.rows.all().iterator(chunk_size=500):
        values = row_values(job, row.cells)
        first = row.payload.get("first_name") or values.get("first_name") or values.get("full_name", "")
        last = row.payload.get("last_name") or values.get("last_name", "")
        yield csv_line([row.line, row.email or values.get("email", ""), first, last,
                        OUTCOME_LABELS.get(row.state, row.state), row.lead_id or "", row.message])
