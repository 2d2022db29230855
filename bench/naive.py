"""The one-call-per-page baseline for bench/speed.py: a dashboard that asks TaskIP on every view.

    TASKIP_BASE_URL=... TASKIP_SECRET_KEY=... gunicorn bench.naive:app --workers 2 --threads 8

``GET /leads/?page=N`` asks TaskIP for that page of leads (25 a page) and renders a plain table,
escaped; nothing is cached, nothing else is done (no login, no session, no templates, no
database). It is what the dashboard is compared with: a page that waits on TaskIP every time.
"""

from __future__ import annotations

import html
import os

import requests

_session = requests.Session()


def _leads(page: int) -> list[dict]:
    base = os.environ["TASKIP_BASE_URL"].rstrip("/")
    r = _session.get(
        f"{base}/lead",
        params={"item": 25, "page": page},
        headers={"X-Secret-Key": os.environ["TASKIP_SECRET_KEY"], "Accept": "application/json"},
        timeout=(3.05, 15),
    )
    r.raise_for_status()
    return r.json().get("data") or []


def app(environ, start_response):
    if environ.get("PATH_INFO") != "/leads/":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    query = dict(p.split("=", 1) for p in (environ.get("QUERY_STRING") or "").split("&") if "=" in p)
    try:
        page = max(1, int(query.get("page", "1")))
    except ValueError:
        page = 1
    try:
        rows = "".join(
            f"<tr><td>{html.escape(str(x.get('full_name') or ''))}</td><td>{html.escape(str(x.get('email') or ''))}</td>"
            f"<td>{html.escape(str(x.get('value') or ''))}</td></tr>"
            for x in _leads(page)
        )
        body = f"<!doctype html><title>Leads</title><table>{rows}</table>".encode()
        status = "200 OK"
    except (requests.RequestException, ValueError) as exc:
        body = f"TaskIP failed: {html.escape(type(exc).__name__)}".encode()
        status = "502 Bad Gateway"
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
