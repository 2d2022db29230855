"""Dashboard settings. Everything comes from the environment (or a .env file) through
django-environ; with no .env at all the defaults run locally against the embedded sandbox."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from crmui.ops import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Every lifetime, interval, pacing period and expiry is divided by TIME_SCALE (crmui/timescale.py):
# TIME_SCALE=100 runs a working day in under 5 minutes with everything expiring as it would.
TIME_SCALE = env.float("TIME_SCALE", default=1.0)
if TIME_SCALE <= 0:
    raise ImproperlyConfigured("TIME_SCALE must be a positive number (1 = real time).")

# --- TaskIP -----------------------------------------------------------------
# The full base URL, path included. The real service: https://public-api.taskip.net/api/public-v1
TASKIP_BASE_URL = env("TASKIP_BASE_URL", default="http://127.0.0.1:8001/api/public-v1")
TASKIP_SECRET_KEY = env("TASKIP_SECRET_KEY", default="sandbox-demo-key")
TASKIP_CONNECT_TIMEOUT = env.float("TASKIP_CONNECT_TIMEOUT", default=3.05)
TASKIP_READ_TIMEOUT = env.float("TASKIP_READ_TIMEOUT", default=10.0)
TASKIP_MAX_RETRIES = env.int("TASKIP_MAX_RETRIES", default=2)
# Reading TaskIP back after a write whose answer was lost (crmui/writes.py) gets this long.
TASKIP_SETTLE_SECONDS = env.float("TASKIP_SETTLE_SECONDS", default=10.0)
# Seconds a cached read (lead lists, board, attributes, team members, companies) stays fresh.
TASKIP_CACHE_SECONDS = env.int("TASKIP_CACHE_SECONDS", default=300)
# Largest file the dashboard accepts for upload to a lead, in MB.
LEAD_FILE_MAX_MB = env.int("LEAD_FILE_MAX_MB", default=20)
# Extensions (and the MIME types browsers send for them) accepted for lead files;
# crmui.security.validate_upload() enforces both. Empty = crmui.security.DEFAULT_ALLOWED_TYPES.
LEAD_FILE_ALLOWED_TYPES = {}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "crmui",
    "shell",
    "accounts",
    "leads",
    "contacts",
    "audit",
    "reports",
    "huey.contrib.djhuey",  # the job queue: `python manage.py run_huey` is the worker
    "jobs",
    "axes",  # login lock-out (accounts/lockout.py); last, so its signal handlers see ours
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "crmui.ops.RequestLogMiddleware",  # one log line per request (LOG_FORMAT=json for JSON lines)
    "crmui.ops.PrivatePagesMiddleware",  # Cache-Control: private, no-store for signed-in people
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crmui.middleware.UpstreamMiddleware",
    "crmui.middleware.LoginRequiredMiddleware",
    "crmui.security.ContentSecurityPolicyMiddleware",  # security: strict CSP everywhere (see crmui/security.py)
    "crmui.security.SessionIdleMiddleware",  # security: sliding session expiry (idle timeout)
    "axes.middleware.AxesMiddleware",  # a locked-out login gets the lock-out message (accounts/lockout.py)
]

ROOT_URLCONF = "crmui.urls"
WSGI_APPLICATION = "crmui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% partialdef %} / {% partial %} everywhere without {% load partials %}
            "builtins": ["template_partials.templatetags.partials", "crmui.templatetags.bidi"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shell.context_processors.shell",
                "jobs.context_processors.jobs_badge",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'dashboard.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web process and the job worker share this file: WAL lets pages read while the worker
    # writes, and a writer waits for the lock instead of failing. Tests use a file too (not
    # memory) so the worker processes they start see the same database.
    # IMMEDIATE: a transaction takes the write lock when it begins (waiting up to `timeout`),
    # never half-way, where SQLite would refuse at once ("database is locked").
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(BASE_DIR / "var" / "test-dashboard.sqlite3"))
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://crmui")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "leads:list"
LOGOUT_REDIRECT_URL = "login"
# Django reads SESSION_COOKIE_AGE itself, so TIME_SCALE is applied here (at least a minute).
SESSION_COOKIE_AGE = max(60, int(env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10) / TIME_SCALE))
# --- security: sessions, login lock-out, authentication (accounts/lockout.py, django-axes) ---
# SESSION_COOKIE_AGE is an idle timeout: crmui.security.SessionIdleMiddleware pushes the expiry
# forward when a request comes more than SESSION_REFRESH_SECONDS after the last push (not on every
# request: parallel htmx requests would all write the session); closing the browser ends it too.
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_SAMESITE = "Lax"
AUTHENTICATION_BACKENDS = ["accounts.lockout.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)  # failures per username + IP address ...
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)  # ... lock that long after the last
# django-axes, in the database (shared by every server), claiming each try before its password is
# checked so a parallel burst cannot get more guesses than LOGIN_FAILURE_LIMIT (accounts/lockout.py).
AXES_HANDLER = "accounts.lockout.AtomicLoginHandler"
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused tries do not extend the lock
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit trail already
# Behind N reverse proxies that each append to X-Forwarded-For, the client's address is the N-th
# entry from the right (0: REMOTE_ADDR, no proxy). Lock-outs and the audit trail use it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token is set as a header from a meta tag
# A token mismatch (mostly: logged in again in another tab) gets a page that says so and resends.
CSRF_FAILURE_VIEW = "crmui.views.csrf_failure"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
# The dashboard speaks English only (no translated strings). With Django's translation machinery
# off, every URL reversed and every number or date shown stops asking a thread-local for the
# active language: about 10 % more cached pages per second under gunicorn's threads (measured
# with 16 clients against the lead list; in one thread it makes no difference).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))  # collectstatic writes here
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads are streamed to a temporary file past 2.5 MB, never held whole in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
# Django's 1,000 fields is less than a bulk action on a few thousand leads (an id and a label each)
# or a long custom-field form; a request over the limit gets crmui.views.bad_request's page.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=20_000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One line per request on "crmui.request" (crmui/ops.py); LOG_FORMAT=json: one JSON object a line.
LOGGING = logging_config(env("LOG_LEVEL", default="INFO"), env("LOG_FORMAT", default="plain"))

# --- Resilience: the shared TaskIP budget, stale copies, deadlines (see docs/DEVELOPING.md) ---
# A page gives up waiting on TaskIP reads after this many seconds in all (retries included).
TASKIP_PAGE_DEADLINE = env.float("TASKIP_PAGE_DEADLINE", default=12.0)
# Longest wait the client accepts on a 429 before retrying; longer means "tell the user".
TASKIP_MAX_WAIT = env.float("TASKIP_MAX_WAIT", default=2.0)
# A cached read is also kept this long as a stale copy, served (marked) when TaskIP fails.
TASKIP_STALE_SECONDS = env.int("TASKIP_STALE_SECONDS", default=6 * 3600)
# Below this fraction of the hourly limit left, pages say so and serve saved copies.
TASKIP_BUDGET_LOW_FRACTION = env.float("TASKIP_BUDGET_LOW_FRACTION", default=0.1)
# Stampede protection: one request fetches a missing key; others wait this long for it.
TASKIP_LOCK_WAIT = env.float("TASKIP_LOCK_WAIT", default=3.0)
TASKIP_LOCK_SECONDS = env.int("TASKIP_LOCK_SECONDS", default=15)
TASKIP_PARALLEL_WORKERS = env.int("TASKIP_PARALLEL_WORKERS", default=8)
TASKIP_CLIENT_CACHE = env.bool("TASKIP_CLIENT_CACHE", default=True)  # cache reads no service cached
# Statuses, sources, team members and companies: read on every page, changed rarely.
TASKIP_REFERENCE_SECONDS = env.int("TASKIP_REFERENCE_SECONDS", default=3600)
# Local-memory and file caches keep only 300 entries by default and then evict at random: far
# too few for cached reads + saved copies + namespace versions + the budget record.
if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "FileBasedCache")):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", env.int("CACHE_MAX_ENTRIES", default=20000))

# --- Jobs: the queue, the worker and the background budget (see docs/DEVELOPING.md, "Jobs") ---
# Huey. Embedded default: a SQLite file under var/ (one machine). With a Redis URL, workers on
# several machines share one queue: JOBS_QUEUE_URL, or CACHE_URL when that is redis://.
JOBS_QUEUE_URL = env("JOBS_QUEUE_URL", default="")
if not JOBS_QUEUE_URL and env("CACHE_URL", default="").startswith(("redis://", "rediss://")):
    JOBS_QUEUE_URL = env("CACHE_URL")
JOBS_QUEUE_PATH = env("JOBS_QUEUE_PATH", default=str(BASE_DIR / "var" / "jobs-queue.sqlite3"))
_HUEY_CONSUMER = {
    "workers": env.int("JOBS_WORKER_THREADS", default=4),
    "worker_type": "thread",
    "periodic": True,  # periodic tasks (@db_periodic_task) run in the worker too
    "scheduler_interval": 1,  # seconds: a task scheduled for later starts within a second of its time
    "max_delay": 1.0,  # an idle worker looks at the SQLite queue at least every second (Redis blocks instead)
    "check_worker_health": True,
}
if JOBS_QUEUE_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": env("JOBS_QUEUE_NAME", default="crmui-jobs"),
        "url": JOBS_QUEUE_URL,
        "immediate": False,
        "results": False,
        "consumer": _HUEY_CONSUMER,
    }
else:
    Path(JOBS_QUEUE_PATH).parent.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "crmui-jobs",
        "filename": JOBS_QUEUE_PATH,
        "immediate": False,
        "results": False,
        "consumer": _HUEY_CONSUMER,
    }
# Seconds a worker holds a job between heartbeats: a worker killed mid-job is replaced within
# about this long (the heartbeat renews it every third of it).
JOBS_LEASE_SECONDS = env.float("JOBS_LEASE_SECONDS", default=3.0)
# Jobs never take the last JOBS_HOURLY_RESERVE of the hour's TaskIP calls, nor more than
# JOBS_BURST_SHARE of the per-minute burst (TASKIP_BURST_LIMIT): the rest is for people.
JOBS_HOURLY_RESERVE = env.float("JOBS_HOURLY_RESERVE", default=0.30)
JOBS_BURST_SHARE = env.float("JOBS_BURST_SHARE", default=0.5)
TASKIP_BURST_LIMIT = env.int("TASKIP_BURST_LIMIT", default=100)
# --- Snapshot-first reads (leads/snapshot.py; docs/DEVELOPING.md "The lead snapshot") ---
# Every lead in ONE call, fetched again in the background before this lifetime ends (so a change
# made in TaskIP's own screens shows within it); writes through the dashboard patch it at once.
LEADS_SNAPSHOT_SECONDS = env.int("LEADS_SNAPSHOT_SECONDS", default=300)
# With no copy at all (a fresh start, or nobody looked for a while) a page waits this long for
# the first fetch, then goes on without it (real seconds: not scaled).
LEADS_SNAPSHOT_WAIT = env.float("LEADS_SNAPSHOT_WAIT", default=2.0)
# Before the first copy ever, a page that needs every lead (board, overview) reads the lead at
# this place beside the fetch: if there is one, the workspace is big and the page says at once
# that the leads are on their way instead of waiting.
LEADS_BIG_AT = env.int("LEADS_BIG_AT", default=5000)
# A lead page's notes, files and activity panels: each cached per lead this long (every write
# made through the dashboard updates them at once, on every server; a change made in TaskIP's own
# screens shows within it, or on the panel's Refresh). Three days: a book of leads worked every
# day or two is read from TaskIP once, not every morning (docs/performance.md §0).
LEAD_PANEL_SECONDS = env.int("LEAD_PANEL_SECONDS", default=3 * 24 * 3600)
