"""gunicorn settings for the dashboard: `gunicorn -c gunicorn.conf.py crmui.wsgi`.

Everything can be overridden from the environment. Workers share state only through the
cache (CACHE_URL: Redis in production, or a file cache) and the database (DATABASE_URL).
"""

import multiprocessing
import os


def _int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _float(name, default):
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
workers = _int("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1))
# Pages wait on TaskIP (I/O): threads let one worker serve other people meanwhile.
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 8)
# Above the client's read timeout and the page deadline (TASKIP_PAGE_DEADLINE, 12 s by
# default), so a slow TaskIP makes a page say so instead of gunicorn killing the worker.
_read = _float("TASKIP_READ_TIMEOUT", 10.0)
_deadline = _float("TASKIP_PAGE_DEADLINE", 12.0)
timeout = _int("GUNICORN_TIMEOUT", int(max(_read, _deadline) + 18))
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart workers now and then (with jitter) so a slow leak can never build up.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Uploads are streamed to TaskIP; do not buffer huge request lines or headers.
limit_request_line = 8190

# No access log of gunicorn's own: the dashboard writes one line per request itself
# (crmui/ops.py: method, path without the query string, status, TaskIP calls and time, pid;
# JSON with LOG_FORMAT=json). GUNICORN_ACCESS_LOG=- turns gunicorn's on as well.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "") or None
access_log_format = '%(h)s %(t)s pid=%(p)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms upstream=%({x-upstream-calls}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl):
# several dashboards (or the sandbox) on one machine would fight over it. Off unless asked for.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") == ""
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
