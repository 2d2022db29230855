"""Production settings: ``DJANGO_SETTINGS_MODULE=crmui.settings_production``.

Everything of crmui.settings, plus HTTPS-only cookies and redirects, HSTS, and hashed static
files. DJANGO_SECRET_KEY and ALLOWED_HOSTS must come from the environment.
``python manage.py check --deploy`` prints no warning with these settings.

A broken setup is refused at start (ImproperlyConfigured, saying what to set): a weak or
placeholder secret key, and a per-process cache (local memory, the default without CACHE_URL)
when more than one process serves the dashboard: every gunicorn worker and job worker would
keep its own copy, so one worker would show what another has already changed.
"""

from django.core.exceptions import ImproperlyConfigured

from crmui.deploy_checks import per_process_cache_problem, weak_secret_key
from crmui.settings import *  # noqa: F401,F403
from crmui.settings import CACHES, DATABASES, STORAGES, env

DEBUG = False

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
_weak = weak_secret_key(SECRET_KEY)
if _weak:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is refused in production: {_weak}. Set it to a random string of at least 50 "
        "characters, e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# One cache for every process. Without CACHE_URL crmui.settings falls back to a per-process
# local-memory cache: with several workers (gunicorn's, the job workers) each keeps its own copy.
_cache_problem = per_process_cache_problem(CACHES["default"]["BACKEND"], env.int("WEB_CONCURRENCY", default=0))
if _cache_problem:
    raise ImproperlyConfigured(_cache_problem)

# Each worker thread keeps its database connection between requests (a new PostgreSQL connection
# per page costs a TCP and authentication handshake), checked before reuse so a restarted
# database is survived. Count the connections: servers x WEB_CONCURRENCY x GUNICORN_THREADS, plus
# the job workers. DB_CONN_MAX_AGE=0 opens one per request again.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the dashboard's host names in production.")

# HTTPS everywhere. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=1
# (the proxy must set X-Forwarded-Proto and strip it from clients).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe the servers over plain HTTP
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Hashed, compressed static files (run `manage.py collectstatic` at deploy time).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
