"""python manage.py taskip_check: read-only probes of the configured TaskIP workspace (about 20
calls) that check the dashboard's assumptions; prints what matched and what differed, and
switches local list cutting off for a query shape where it differs (leads/selfcheck.py)."""

from django.core.management.base import BaseCommand

from leads import selfcheck


class Command(BaseCommand):
    help = (
        "Check envelopes, paging, the local list cut and rate-limit headers against the configured TaskIP "
        f"workspace (read-only, at most {selfcheck.CALL_BUDGET} calls)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report only: do not switch local cutting on or off, do not store the run",
        )

    def handle(self, *args, dry_run=False, **options):
        report = selfcheck.run(record=not dry_run)
        if not dry_run:
            selfcheck.save(report)
        self.stdout.write(report.table())
        if not report.passed:
            # exit status 1 when anything differed (scripts and CI can act on it)
            raise SystemExit(1)
