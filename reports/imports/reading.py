"""Reading an uploaded CSV of leads: the file (size, encoding, delimiter, header row), the
fields a column can map to and the guess from its header, and the job's rows as stored."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from reports.models import ImportJob, ImportRow
from reports.services import csv_unescape


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
    "phone_number": [
        "phone",
        "phone number",
        "phonenumber",
        "telephone",
        "tel",
        "mobile",
        "mobile phone",
        "cell",
        "mobile number",
    ],
    "website": ["website", "web site", "web", "url", "site", "homepage", "domain"],
    "company": [
        "company",
        "company name",
        "organization",
        "organisation",
        "organization name",
        "account",
        "account name",
        "firm",
        "business",
    ],
    "value": ["value", "deal value", "lead value", "amount", "deal amount", "deal size", "revenue", "worth"],
    "currency": ["currency", "currency code"],
    "lead_interaction_date": [
        "interaction date",
        "lead interaction date",
        "last interaction",
        "last contact",
        "last contacted",
        "interaction",
        "date",
        "contact date",
    ],
    "status": ["status", "statuses", "lead status", "stage", "pipeline stage", "deal stage"],
    "source": ["source", "sources", "lead source", "channel", "origin", "utm source"],
    "assigned_to": [
        "assigned to",
        "assignee",
        "assignees",
        "assigned",
        "owner",
        "lead owner",
        "sales rep",
        "salesperson",
        "rep",
        "account owner",
    ],
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
            encoding=parsed.encoding,
            delimiter=parsed.delimiter,
            headers=parsed.headers,
            mapping=guess_mapping(parsed.headers),
        )
        ImportRow.objects.bulk_create(
            [ImportRow(job=job, line=line, cells=cells) for line, cells in parsed.rows], batch_size=500
        )
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
