"""Convenience: migrate, seed if empty, then serve the sandbox with gunicorn.

DJANGO_SETTINGS_MODULE=sandbox.settings python manage.py sandbox_serve [--port 8001]
    [--host 127.0.0.1] [--workers 2] [--threads 8] [--leads 300] [--no-seed]
"""

import os
import shutil
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, seed (if empty) and serve the TaskIP sandbox with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--leads", type=int, default=300)
        parser.add_argument("--no-seed", action="store_true")

    def handle(self, *args, **o):
        call_command("migrate", verbosity=0, interactive=False)
        if not o["no_seed"]:
            call_command("sandbox_seed", leads=o["leads"])  # a no-op when already seeded
        os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings"
        argv = [
            "gunicorn",
            "sandbox.wsgi",
            "-b",
            f"{o['host']}:{o['port']}",
            "--workers",
            str(o["workers"]),
            "--threads",
            str(o["threads"]),
            "--timeout",
            "120",
        ]
        self.stdout.write(
            f"Sandbox API on http://{o['host']}:{o['port']}/api/public-v1 "
            f"(key: {os.environ.get('SANDBOX_SECRET_KEY') or 'sandbox-demo-key'})"
        )
        self.stdout.flush()
        exe = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
        if os.path.exists(exe):
            os.execv(exe, argv)
        os.execv(sys.executable, [sys.executable, "-m", *argv])
