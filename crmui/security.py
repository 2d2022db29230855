"""Security pieces shared by the whole dashboard.

* ``ContentSecurityPolicyMiddleware``: a strict CSP on every response (all settings, not only
  production, so tests and browser runs catch any inline script or style attribute).
* ``validate_upload(uploaded_file) -> str | None``: size, extension and content checks for lead
  files (every upload path of leads/views/files.py calls it); returns the message to show the
  user when the file is refused (it names the file and why), None when it is fine.
"""

from __future__ import annotations

import os
import re
import time

import filetype
from django.conf import settings

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy`` unless the response set its own. Django's admin is
    served with the same policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class SessionIdleMiddleware:
    """Sliding session expiry: a signed-in person's session is pushed SESSION_COOKIE_AGE into the
    future when a request comes more than SESSION_REFRESH_SECONDS after the last push, so the
    session ends after SESSION_COOKIE_AGE without activity. Writing the session on every request
    (SESSION_SAVE_EVERY_REQUEST) would make every parallel htmx request write it."""

    KEY = "_crm_touched"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or not getattr(user, "is_authenticated", False) or response.status_code >= 500:
            return response
        now = int(time.time())
        last = session.get(self.KEY, 0)
        from crmui.timescale import scaled

        if now - last >= scaled(getattr(settings, "SESSION_REFRESH_SECONDS", 300)):
            session[self.KEY] = now  # marks the session modified: SessionMiddleware saves it, new expiry
        return response


# --- uploads -----------------------------------------------------------------------------
DEFAULT_ALLOWED_TYPES = {
    # extension: accepted MIME types (as the browser reports them)
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "gif": {"image/gif"},
    "webp": {"image/webp"},
    "txt": {"text/plain"},
    "csv": {"text/csv", "text/plain", "application/vnd.ms-excel"},
    "doc": {"application/msword"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xls": {"application/vnd.ms-excel"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "ppt": {"application/vnd.ms-powerpoint"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "odt": {"application/vnd.oasis.opendocument.text"},
    "ods": {"application/vnd.oasis.opendocument.spreadsheet"},
    "zip": {"application/zip", "application/x-zip-compressed"},
    "eml": {"message/rfc822"},
    # call recordings
    "mp3": {"audio/mpeg", "audio/mp3"},
    "m4a": {"audio/mp4", "audio/x-m4a", "audio/m4a"},
    "wav": {"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"},
    "ogg": {"audio/ogg", "application/ogg"},
}
# Browsers send this for anything they do not recognise; the extension then decides.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
# What the file's first bytes must be, per extension, as the ``filetype`` library names them
# (magic numbers). Office files are zip or OLE containers: filetype tells the kinds apart
# where it can, otherwise reports the container.
_OOXML = {"zip", "docx", "xlsx", "pptx"}
_ODF = {"zip", "odt", "ods", "odp"}
_OLE = {"doc", "xls", "ppt", "msi"}
_CONTENT_KINDS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "gif": {"gif"},
    "webp": {"webp"},
    "zip": {"zip"} | _OOXML | _ODF,
    "docx": _OOXML,
    "xlsx": _OOXML,
    "pptx": _OOXML,
    "odt": _ODF,
    "ods": _ODF,
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "mp3": {"mp3"},
    "m4a": {"m4a", "mp4"},
    "wav": {"wav"},
    "ogg": {"ogg", "opus", "oga"},
}
# Extensions whose content is text: no magic number, but no markup or binary either.
_TEXT_EXTENSIONS = {"txt", "csv", "eml", "md", "tsv", "json", "ics", "vcf"}
# Content never accepted whatever the name says (programs; web pages run in the browser that opens them).
_KIND_WORDS = {
    "exe": "a Windows program",
    "elf": "a Linux program",
    "swf": "a Flash file",
    "wasm": "a WebAssembly program",
    "dex": "an Android program",
    "crx": "a browser extension",
}
_MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed)\b|<\?xml", re.IGNORECASE)
_HEAD_BYTES = 8192


def _read_head(uploaded_file) -> bytes | None:
    """The first bytes of the file, leaving it where it was (readable from the start)."""
    if not (hasattr(uploaded_file, "read") and hasattr(uploaded_file, "seek")):
        return None
    try:
        pos = uploaded_file.tell()
        uploaded_file.seek(0)
        head = uploaded_file.read(_HEAD_BYTES)
        uploaded_file.seek(pos)
    except (OSError, ValueError):
        return None
    return head if isinstance(head, bytes) else None


def content_problem(name: str, ext: str, head: bytes) -> str | None:
    """Why the file's content does not match its extension (one sentence naming the file), or None.

    Magic numbers come from ``filetype`` (a maintained library): a program or a file of another
    kind renamed to an allowed extension is refused; text extensions must hold text that is not
    a web page or SVG (those run scripts in the browser of whoever opens them)."""
    kind = filetype.guess(head) if head else None
    detected = kind.extension if kind else None
    if detected in _KIND_WORDS:
        what = _KIND_WORDS[detected]
        return f"“{name}” was not uploaded: its content is {what}, not a .{ext} file."
    expected = _CONTENT_KINDS.get(ext)
    if expected is not None:
        if detected not in expected:
            found = f"a {detected.upper()} file" if detected else "not recognisable as one"
            return f"“{name}” was not uploaded: it is named .{ext} but its content is {found}."
        return None
    if ext in _TEXT_EXTENSIONS:
        if detected is not None:
            return f"“{name}” was not uploaded: it is named .{ext} but its content is a {detected.upper()} file."
        if b"\x00" in head:
            return f"“{name}” was not uploaded: it is named .{ext} but its content is not text."
        if _MARKUP.search(head):
            return f"“{name}” was not uploaded: it is named .{ext} but its content is a web page (HTML, SVG or XML)."
    return None


def allowed_types() -> dict[str, set[str]]:
    configured = getattr(settings, "LEAD_FILE_ALLOWED_TYPES", None)
    if not configured:
        return DEFAULT_ALLOWED_TYPES
    return {ext.lower().lstrip("."): {m.lower() for m in mimes} for ext, mimes in configured.items()}


def allowed_extensions_label() -> str:
    return ", ".join(sorted(allowed_types()))


# Longer names do not fit the 1 KB a multipart part's headers may take in Django's parser (and
# TaskIP keeps file titles short): refused with a message naming the limit, never a bare 400.
MAX_FILE_NAME_CHARS = 200


def short_file_name(name: str, keep: int = 60) -> str:
    """A file name short enough to repeat in a message: its start, "…", its last characters."""
    return name if len(name) <= keep else f"{name[: keep - 12]}…{name[-10:]}"


def _human_mb(n_bytes: int) -> str:
    mb = n_bytes / (1024 * 1024)
    return f"{mb:.1f} MB" if mb < 10 else f"{mb:.0f} MB"


def validate_upload(uploaded_file) -> str | None:
    """Check an uploaded file against LEAD_FILE_MAX_MB and LEAD_FILE_ALLOWED_TYPES.

    Returns None when the file may be sent to TaskIP, else one sentence for the user.
    Checks: a name, not empty, size, extension, the browser's MIME type for that extension,
    and the file's content against its extension (``content_problem``: magic numbers through
    ``filetype``; a renamed .exe is not a PDF, a web page is not a .txt). Every refusal names the file."""
    if uploaded_file is None:
        return "Choose a file to upload."
    name = os.path.basename(str(getattr(uploaded_file, "name", "") or "")).strip()
    if not name or name in {".", ".."}:
        return "The file has no name."
    if len(name) > MAX_FILE_NAME_CHARS:
        return (
            f"“{short_file_name(name)}” was not uploaded: its name is longer than {MAX_FILE_NAME_CHARS} "
            f"characters. Rename it to at most {MAX_FILE_NAME_CHARS} characters and upload it again."
        )
    size = getattr(uploaded_file, "size", None)
    if size is not None and size <= 0:
        return f"“{name}” is empty."
    max_mb = getattr(settings, "LEAD_FILE_MAX_MB", 20)
    if size is not None and size > max_mb * 1024 * 1024:
        return f"“{name}” is {_human_mb(size)}; files can be at most {max_mb} MB."
    ext = name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""
    types = allowed_types()
    if ext not in types:
        what = f".{ext} files" if ext else "Files without an extension"
        return f"“{name}” was not uploaded: {what} cannot be uploaded. Allowed: {allowed_extensions_label()}."
    content_type = (getattr(uploaded_file, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in _GENERIC_TYPES and content_type not in types[ext]:
        return f"“{name}” was not uploaded: it does not look like a .{ext} file (it was sent as {content_type})."
    head = _read_head(uploaded_file)
    if head is not None:
        return content_problem(name, ext, head)
    return None
