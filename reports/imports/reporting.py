"""An import's progress counts and its downloadable report (one line per row of the file)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from reports.imports.validation import row_values
from reports.models import ImportJob, ImportRow
from reports.services import csv_line


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
    return Progress(
        sum(c.values()),
        c["invalid"],
        c["pending"],
        c["in_flight"],
        c["created"],
        c["updated"],
        c["skipped"],
        c["failed"],
    )


REPORT_COLUMNS = ("Row", "Email", "First name", "Last name", "Outcome", "Lead ID", "Reason")
OUTCOME_LABELS = {
    ImportRow.CREATED: "created",
    ImportRow.UPDATED: "updated",
    ImportRow.SKIPPED: "skipped",
    ImportRow.FAILED: "failed",
    ImportRow.INVALID: "skipped (problems)",
    ImportRow.PENDING: "not processed",
    ImportRow.IN_FLIGHT: "unknown (answer lost)",
}


def report_lines(job: ImportJob):
    yield "\ufeff" + csv_line(REPORT_COLUMNS)
    for row in job.rows.all().iterator(chunk_size=500):
        values = row_values(job, row.cells)
        first = row.payload.get("first_name") or values.get("first_name") or values.get("full_name", "")
        last = row.payload.get("last_name") or values.get("last_name", "")
        yield csv_line(
            [
                row.line,
                row.email or values.get("email", ""),
                first,
                last,
                OUTCOME_LABELS.get(row.state, row.state),
                row.lead_id or "",
                row.message,
            ]
        )
