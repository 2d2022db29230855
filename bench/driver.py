"""Drive the dashboard over HTTP the way a browser with htmx does: full pages, the panels a
page loads itself (``hx-trigger="load"``), and forms (CSRF token and hidden fields kept).

Two transports: Django's test client in-process (``InProcess``) or a live server through
``requests`` (``Remote``, e.g. the gunicorn dashboard of ``bench/serve.py``).
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import requests

NOT_BUILT = "This page is not built yet."


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    selects: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)  # names of text-like inputs and textareas
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons (name, value)
    htmx: bool = False


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.lazy: list[str] = []  # hx-get URLs loaded by the page itself
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "hx-get" in a and "load" in a.get("hx-trigger", ""):
            self.lazy.append(a["hx-get"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            method = (a.get("method") or ("post" if "hx-post" in a else "get")).lower()
            action = a.get("hx-post") or a.get("action") or ""
            self._form = Form(action, method, htmx="hx-post" in a)
            self.forms.append(self._form)
        f = self._form
        if f is None:
            return
        name = a.get("name")
        if tag == "button" and name and a.get("type", "submit").lower() == "submit":
            f.buttons.append((name, a.get("value", "")))
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    f.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "reset", "image"):
                f.fields[name] = a.get("value", "")
                if kind in ("text", "email", "search", "tel", "url", "") and kind != "hidden":
                    f.texts.append(name)
        elif tag == "select" and name:
            self._select = name
            f.selects[name] = []
            f.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            value = a.get("value", "")
            f.selects[self._select].append(value)
            if "selected" in a:
                f.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            f.fields[name] = ""
            f.texts.append(name)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse(html: str) -> _Parser:
    p = _Parser()
    p.feed(html)
    return p


@dataclass
class Result:
    status: int
    text: str
    upstream: int
    seconds: float
    url: str
    headers: dict


class InProcess:
    """Django's test client (one per user); Django must be set up by the caller."""

    def __init__(self, user):
        from django.test import Client

        self.c = Client()
        self.user = user
        self.login()

    def login(self):
        self.c.force_login(self.user)

    def request(self, method: str, url: str, data=None, htmx=False) -> Result:
        extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        started = time.perf_counter()
        if method == "get":
            r = self.c.get(url, data or {}, **extra)
        else:
            r = self.c.post(url, data or {}, **extra)
        took = time.perf_counter() - started
        text = r.content.decode("utf-8", "replace") if not getattr(r, "streaming", False) else ""
        loc = r.headers.get("Location") or r.headers.get("HX-Redirect")
        res = Result(r.status_code, text, int(r.headers.get("X-Upstream-Calls", 0) or 0), took, url, dict(r.headers))
        res.location = loc
        return res


class Remote:
    """A live dashboard over HTTP (requests.Session, already logged in)."""

    def __init__(self, base_url: str, session):
        self.base = base_url
        self.s = session
        self.resets = 0

    def request(self, method: str, url: str, data=None, htmx=False) -> Result:
        headers = {"HX-Request": "true"} if htmx else {}
        if method == "post":
            headers["Referer"] = self.base + "/"
            token = self.s.cookies.get("csrftoken")
            if token:
                headers["X-CSRFToken"] = token
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                r = self.s.request(
                    method.upper(),
                    urljoin(self.base, url),
                    params=data if method == "get" else None,
                    data=data if method == "post" else None,
                    headers=headers,
                    allow_redirects=False,
                    timeout=60,
                )
                break
            except requests.ConnectionError:
                # a kept-alive connection closed by the server just as we reused it: browsers
                # retry such a GET silently; a POST is never re-sent
                if method != "get" or attempt == 2:
                    raise
                self.resets += 1
        took = time.perf_counter() - started
        res = Result(r.status_code, r.text, int(r.headers.get("X-Upstream-Calls", 0) or 0), took, url, dict(r.headers))
        res.location = r.headers.get("Location") or r.headers.get("HX-Redirect")
        return res


def path_of(url: str) -> str:
    u = urlparse(url)
    return u.path + (f"?{u.query}" if u.query else "")


def fill(form: Form, rng: random.Random, values: dict[str, str]) -> dict:
    """The form's data with ``values`` applied (only to fields the form has)."""
    data = dict(form.fields)
    for k, v in values.items():
        if k in data or k in form.selects:
            data[k] = v
    return data


def other_option(form: Form, name: str, rng: random.Random) -> str | None:
    opts = [o for o in form.selects.get(name, []) if o and o != form.fields.get(name)]
    return rng.choice(opts) if opts else None


_EMAIL_SAFE = re.compile(r"[^a-z0-9]")


class FormFields(HTMLParser):
    """Every field a browser posts from the form marked ``marker`` (checkboxes: all checked)."""

    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker, self.inside, self.done = marker, False, False
        self.data: list[tuple[str, str]] = []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and any(self.marker in f"{k}={v or ''}" for k, v in attrs):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "password"):
                self.data.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.data.append((self.select, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea[0], self.textarea[1].lstrip("\n")))
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True
