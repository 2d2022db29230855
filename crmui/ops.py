"""Operations: one log line per request, refusals without tracebacks, private pages.

``RequestLogMiddleware`` writes one line per request to the ``crmui.request`` logger: method,
path (never the query string: searches carry names and emails), status, the TaskIP calls the
request made and their time, the total time, and the worker's pid; with ``LOG_FORMAT=json``
each line is a JSON object with those fields (python-json-logger).

Django itself logs every 4xx on ``django.request`` (a refused request, 403, with the whole
``PermissionDenied`` traceback) and CSRF refusals on ``django.security.csrf``.
``FoldIntoRequestLine`` drops those records and hands their text to the request's own line as
its ``reason``: one line per refusal. 5xx records (real errors) keep their tracebacks.

``PrivatePagesMiddleware``: every answer to a signed-in person carries customer data (leads,
contacts, notes, the audit trail), so none may be kept by a shared cache or the browser's
disk cache: ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger("crmui.request")

_FOLDED_LOGGERS = ("django.request", "django.security.csrf")


class FoldIntoRequestLine(logging.Filter):
    """On ``django.request`` / ``django.security.csrf``: a 4xx record is not written; its message
    becomes the ``reason`` of the request's own line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name not in _FOLDED_LOGGERS or status is None or status >= 500:
            return True
        request = getattr(record, "request", None)
        if request is not None:
            try:
                reason = record.getMessage()
                if record.exc_info and record.exc_info[1] is not None and str(record.exc_info[1]):
                    reason = f"{reason} ({record.exc_info[1]})"
                request.refusal_reason = reason
            except Exception:  # never lose a request over its log line
                pass
        return False


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.pid = os.getpid()

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        total_ms = (time.perf_counter() - started) * 1000
        tally = getattr(request, "upstream", None)
        calls = getattr(tally, "calls", 0)
        upstream_ms = getattr(tally, "elapsed_ms", 0.0)  # summed: calls made at the same time each count
        longest_ms = getattr(tally, "longest_ms", 0.0)
        user = getattr(request, "user", None)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "upstream_calls": calls,
            "upstream_ms": round(upstream_ms),
            "upstream_longest_ms": round(longest_ms),
            "total_ms": round(total_ms),
            "pid": self.pid,
            "user_id": getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None,
        }
        reason = getattr(request, "refusal_reason", "")
        if reason:
            fields["reason"] = reason
        level = logging.WARNING if 400 <= response.status_code < 500 else logging.INFO
        if response.status_code >= 500:
            level = logging.ERROR
        log.log(
            level,
            "%s %s %s upstream_calls=%d upstream_ms=%d upstream_longest_ms=%d total_ms=%d pid=%d%s",
            request.method,
            request.path,
            response.status_code,
            calls,
            round(upstream_ms),
            round(longest_ms),
            round(total_ms),
            self.pid,
            f" reason={reason!r}" if reason else "",
            extra=fields,
        )
        return response


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            from django.utils.cache import patch_cache_control

            cc = response.get("Cache-Control", "")
            if "public" in cc:
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response


def logging_config(level: str = "INFO", fmt: str = "plain") -> dict:
    """LOGGING for settings: plain lines, or one JSON object per line (LOG_FORMAT=json)."""
    formatters = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "reserved_attrs": [*_RESERVED, "request"],
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": formatters,
        "filters": {"fold_into_request_line": {"()": "crmui.ops.FoldIntoRequestLine"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if fmt == "json" else "plain",
                "filters": ["fold_into_request_line"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # one line per request: each TaskIP call (crmui.taskip) and axes' bookkeeping only at
        # LOG_LEVEL=DEBUG; their warnings always
        "loggers": {
            "django.server": {"level": "WARNING"},
            # the job worker's own logger: one line per task (run_huey adds none when it has one)
            "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
            **(
                {} if level.upper() == "DEBUG" else {"crmui.taskip": {"level": "WARNING"}, "axes": {"level": "WARNING"}}
            ),
        },
    }


# LogRecord's own attributes (not fields of a JSON line)
_RESERVED = [
    "args",
    "asctime",
    "created",
    "exc_info",
    "exc_text",
    "filename",
    "funcName",
    "levelname",
    "levelno",
    "lineno",
    "module",
    "msecs",
    "message",
    "msg",
    "name",
    "pathname",
    "process",
    "processName",
    "relativeCreated",
    "stack_info",
    "thread",
    "threadName",
    "taskName",
    "status_code",
]


# --- /healthz ---------------------------------------------------------------------------------
def health() -> tuple[bool, dict]:
    """What /healthz reports, without calling TaskIP and without any secret: the database, the
    shared cache, the job queue, and the last TaskIP answer this dashboard heard (from the cache)."""
    from django.core.cache import cache
    from django.db import connection

    from crmui import tally

    report: dict = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports, never raises
        report["database"] = f"unavailable ({type(exc).__name__})"
        ok = False
    try:
        stamp = str(time.time())
        cache.set("healthz:probe", stamp, 30)
        report["cache"] = "ok" if cache.get("healthz:probe") == stamp else "not keeping values"
    except Exception as exc:  # noqa: BLE001
        report["cache"] = f"unavailable ({type(exc).__name__})"
    if report["cache"] != "ok":
        ok = False
    report["jobs"] = jobs_health()
    if report["jobs"]["queue"].startswith("unavailable"):
        ok = False
    try:
        status = tally.api_status()
        reading = tally.rate_limit()
    except Exception:  # noqa: BLE001 - the cache is down: said above
        status, reading = None, None
    taskip = {"last_answer": status or ("ok" if reading else "none yet")}
    if reading:
        taskip.update(
            {
                "seen_seconds_ago": max(0, int(time.time() - reading.get("seen", time.time()))),
                "requests_left": reading.get("remaining"),
                "limit": reading.get("limit"),
            }
        )
    report["taskip"] = taskip
    return ok, report


def jobs_health() -> dict:
    """The job queue: whether it answers, how many tasks wait in it, how many jobs run, and when
    a worker last renewed a running job's lease (its heartbeat)."""
    from django.apps import apps
    from django.conf import settings
    from django.db.models import Max
    from django.utils import timezone

    if not getattr(settings, "HUEY", None):
        return {"queue": "not configured"}
    try:
        from huey.contrib.djhuey import HUEY

        report = {"queue": "ok", "waiting": HUEY.pending_count()}
    except Exception as exc:  # noqa: BLE001 - a health check reports, never raises
        return {"queue": f"unavailable ({type(exc).__name__})"}
    try:
        Job = apps.get_model("jobs", "Job")  # by name: crmui imports no app
        running = Job.objects.filter(state="running")
        report["running"] = running.count()
        lease_until = running.aggregate(last=Max("lease_until"))["last"]
        if lease_until is not None:
            renewed = lease_until - timezone.timedelta(seconds=float(getattr(settings, "JOBS_LEASE_SECONDS", 3.0)))
            report["last_heartbeat_seconds_ago"] = max(0, int((timezone.now() - renewed).total_seconds()))
    except LookupError:
        pass
    return report
