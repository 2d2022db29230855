"""Standalone settings for the embedded TaskIP-compatible sandbox API server.

Run with ``DJANGO_SETTINGS_MODULE=sandbox.settings``. Nothing here depends on the
dashboard project (crmui); the sandbox is its own Django site.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent  # the repository root
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = os.environ.get("SANDBOX_DJANGO_SECRET_KEY", "sandbox-insecure-django-secret-not-for-production")
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "sandbox",
]

MIDDLEWARE = []  # no sessions, auth, CSRF: the API authenticates with X-Secret-Key

ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"
TEMPLATES = []

_db_path = os.environ.get("SANDBOX_DB_PATH") or str(VAR_DIR / "sandbox.sqlite3")
Path(_db_path).parent.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _db_path,
        "OPTIONS": {
            # several gunicorn workers/threads share the file: wait for locks, take the
            # write lock up front in transactions, and let readers run beside a writer
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
LANGUAGE_CODE = "en-us"

MEDIA_ROOT = os.environ.get("SANDBOX_MEDIA_ROOT") or str(VAR_DIR / "sandbox-media")
Path(MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"

# uploads stream to temporary files on disk beyond 64 KB
FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024  # JSON bodies (bulk ids etc.)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
FILE_UPLOAD_PERMISSIONS = 0o644

APPEND_SLASH = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "sandbox": {"handlers": ["console"], "level": os.environ.get("SANDBOX_LOG_LEVEL", "WARNING")},
    },
}
