"""Sandbox machinery shared by all worker processes through the database:
runtime configuration, fixed-window rate-limit counters, call statistics and the
forced-fault queue."""

import math
import os
import random
import time

from django.db import connection, transaction
from django.db.models import F

from .models import Counter, ForcedFault, SandboxConfig

# "malformed-after" and "hang-after" carry the request out first, then garble the 200 answer or
# hang past the client's read timeout: the write happened but its answer is lost.
ALL_FAULT_KINDS = ["500", "502", "malformed", "hang", "429", "malformed-after", "hang-after"]
AFTER_KINDS = ("malformed-after", "hang-after")
UNLIMITED_SENTINEL = 1_000_000  # what X-RateLimit-Limit says when a limit is 0 (= unlimited)


def _env_int(name, default):
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


def _env_float(name, default):
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def parse_kinds(value):
    if value is None:
        return list(ALL_FAULT_KINDS)
    if isinstance(value, str):
        value = [v for v in (p.strip() for p in value.split(",")) if v]
    kinds = [str(v).strip().lower() for v in value]
    bad = [k for k in kinds if k not in ALL_FAULT_KINDS]
    if bad:
        raise ValueError(f"unknown fault kinds: {', '.join(bad)}")
    return kinds


def _collation(value):
    from .collation import COLLATIONS

    value = str(value).strip().lower()
    if value not in COLLATIONS:
        raise ValueError(f"collation must be one of: {', '.join(COLLATIONS)}")
    return value


def env_defaults():
    """Configuration as given by the environment at process start."""
    try:
        kinds = parse_kinds(os.environ.get("SANDBOX_FAULT_KINDS") or None)
    except ValueError:
        kinds = list(ALL_FAULT_KINDS)
    try:
        collation = _collation(os.environ.get("SANDBOX_COLLATION") or "unicode_ci")
    except ValueError:
        collation = "unicode_ci"
    return {
        "latency_ms": _env_int("SANDBOX_LATENCY_MS", 0),
        "fault_rate": _env_float("SANDBOX_FAULT_RATE", 0.0),
        "fault_kinds": kinds,
        "hang_seconds": _env_float("SANDBOX_HANG_SECONDS", 30.0),
        "mail_connected": os.environ.get("SANDBOX_MAIL_CONNECTED", "1").strip().lower()
        not in ("0", "false", "no", "off", ""),
        "rate_limit": _env_int("SANDBOX_RATE_LIMIT", 1000),
        "burst_limit": _env_int("SANDBOX_BURST_LIMIT", 100),
        "max_upload_mb": _env_float("SANDBOX_MAX_UPLOAD_MB", 20.0),
        "upload_limit": _env_int("SANDBOX_UPLOAD_LIMIT", 50),
        "collation": collation,
    }


ENV_DEFAULTS = env_defaults()

_VALIDATORS = {
    "latency_ms": lambda v: max(0, int(v)),
    "fault_rate": lambda v: min(1.0, max(0.0, float(v))),
    "fault_kinds": parse_kinds,
    "hang_seconds": lambda v: max(0.0, float(v)),
    "mail_connected": lambda v: v if isinstance(v, bool) else str(v).strip().lower() in ("1", "true", "yes", "on"),
    "rate_limit": lambda v: max(0, int(v)),
    "burst_limit": lambda v: max(0, int(v)),
    "max_upload_mb": lambda v: max(0.0, float(v)),
    "upload_limit": lambda v: max(0, int(v)),
    "collation": _collation,
}
CONFIG_KEYS = list(_VALIDATORS)


def get_config():
    """Effective configuration: env defaults merged with the DB overrides (one query)."""
    cfg = dict(ENV_DEFAULTS)
    row = SandboxConfig.objects.filter(pk=1).values_list("overrides", flat=True).first()
    if row:
        cfg.update({k: v for k, v in row.items() if k in _VALIDATORS})
    return cfg


def update_config(changes, reset=False):
    """Validate and merge `changes` into the overrides; returns (config, errors)."""
    errors = {}
    clean = {}
    for key, value in changes.items():
        if key == "reset":
            continue
        if key not in _VALIDATORS:
            errors[key] = ["Unknown config key."]
            continue
        try:
            clean[key] = _VALIDATORS[key](value)
        except (TypeError, ValueError) as exc:
            errors[key] = [str(exc) or "Invalid value."]
    if errors:
        return None, errors
    with transaction.atomic():
        row, _ = SandboxConfig.objects.get_or_create(pk=1, defaults={"overrides": {}})
        overrides = {} if reset else dict(row.overrides or {})
        overrides.update(clean)
        row.overrides = overrides
        row.save()
    return get_config(), None


# ------------------------------------------------------------------ counters
_UPSERT = (
    "INSERT INTO sandbox_counter (key, count, expires_at) VALUES (%s, %s, %s) "
    "ON CONFLICT(key) DO UPDATE SET count = count + excluded.count RETURNING count"
)


def _incr(cursor, key, amount=1, expires_at=0):
    cursor.execute(_UPSERT, [key, amount, expires_at])
    return cursor.fetchone()[0]


def _read(key):
    return Counter.objects.filter(key=key).values_list("count", flat=True).first() or 0


class RateResult:
    def __init__(self, headers, blocked=False, retry_after=0):
        self.headers = headers
        self.blocked = blocked
        self.retry_after = retry_after


def account_request(key_id, stat_key, cfg, count_rate=True):
    """Count one API call (statistics and, for an authenticated key, the hourly and
    per-minute windows) in a single write transaction; decide whether it is over budget."""
    now = time.time()
    hour_start = int(now // 3600 * 3600)
    minute_start = int(now // 60 * 60)
    hour_end, minute_end = hour_start + 3600, minute_start + 60
    with transaction.atomic():
        with connection.cursor() as cur:
            _incr(cur, "stat:__total__")
            _incr(cur, "stat:" + stat_key)
            if not count_rate:
                return None
            hour_count = _incr(cur, f"rate:h:{key_id}:{hour_start}", 1, hour_end)
            minute_count = _incr(cur, f"rate:m:{key_id}:{minute_start}", 1, minute_end)
            if random.random() < 0.01:
                cur.execute("DELETE FROM sandbox_counter WHERE expires_at > 0 AND expires_at < %s", [int(now)])
    hour_limit = cfg["rate_limit"]
    burst_limit = cfg["burst_limit"]
    shown_limit = hour_limit or UNLIMITED_SENTINEL
    headers = {
        "X-RateLimit-Limit": str(shown_limit),
        "X-RateLimit-Remaining": str(max(0, shown_limit - hour_count)),
        "X-RateLimit-Reset": str(hour_end),
    }
    if hour_limit and hour_count > hour_limit:
        return RateResult(headers, True, max(1, math.ceil(hour_end - now)))
    if burst_limit and minute_count > burst_limit:
        headers = {
            "X-RateLimit-Limit": str(burst_limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(minute_end),
        }
        return RateResult(headers, True, max(1, math.ceil(minute_end - now)))
    return RateResult(headers)


def unauthenticated_headers(cfg):
    now = time.time()
    hour_end = int(now // 3600 * 3600) + 3600
    limit = cfg["rate_limit"] or UNLIMITED_SENTINEL
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(limit), "X-RateLimit-Reset": str(hour_end)}


def upload_budget_spent(key_id, cfg):
    """Retry-after seconds if the hourly upload budget is already spent, else 0."""
    limit = cfg["upload_limit"]
    if not limit:
        return 0
    now = time.time()
    hour_start = int(now // 3600 * 3600)
    if _read(f"rate:u:{key_id}:{hour_start}") >= limit:
        return max(1, math.ceil(hour_start + 3600 - now))
    return 0


def take_upload_slot(key_id, cfg):
    """Count one upload request against the hourly upload budget. Returns retry-after
    seconds when the budget is spent (the request is then not counted), else 0."""
    limit = cfg["upload_limit"]
    now = time.time()
    hour_start = int(now // 3600 * 3600)
    key = f"rate:u:{key_id}:{hour_start}"
    with transaction.atomic():
        if limit and _read(key) >= limit:
            return max(1, math.ceil(hour_start + 3600 - now))
        with connection.cursor() as cur:
            _incr(cur, key, 1, hour_start + 3600)
    return 0


def reset_limits():
    Counter.objects.filter(key__startswith="rate:").delete()


def reset_stats():
    with transaction.atomic():
        Counter.objects.filter(key__startswith="stat:").delete()
        Counter.objects.update_or_create(key="meta:stats_since", defaults={"count": int(time.time())})


def get_stats():
    rows = dict(Counter.objects.filter(key__startswith="stat:").values_list("key", "count"))
    total = rows.pop("stat:__total__", 0)
    since = Counter.objects.filter(key="meta:stats_since").values_list("count", flat=True).first()
    by = {k[len("stat:") :]: v for k, v in sorted(rows.items())}
    return {"total": total, "by_endpoint": by, "since": since}


# ------------------------------------------------------------------ faults
def take_forced_fault(method, path):
    """Pop the first queued forced fault matching this request, if any."""
    candidates = list(
        ForcedFault.objects.filter(remaining__gt=0).order_by("id").values("id", "status", "path_contains", "method")
    )
    for f in candidates:
        if f["method"] and f["method"].upper() != method.upper():
            continue
        if f["path_contains"] and f["path_contains"] not in path:
            continue
        with transaction.atomic():
            taken = ForcedFault.objects.filter(id=f["id"], remaining__gt=0).update(remaining=F("remaining") - 1)
            ForcedFault.objects.filter(remaining__lte=0).delete()
        if taken:
            return f["status"]
    return None


def choose_fault(method, path, cfg):
    forced = take_forced_fault(method, path)
    if forced:
        return forced
    rate = cfg["fault_rate"]
    if rate > 0 and cfg["fault_kinds"] and random.random() < rate:
        return random.choice(cfg["fault_kinds"])
    return None
