"""Security pieces shared by the whole dashboard.

* ``ContentSecurityPolicyMiddleware``: a strict CSP on every response (all settings, not only
  production, so tests and browser runs catch any inline script or style attribute).
* ``validate_upload(uploaded_file) -> str | None``: size and type limits for lead files; returns
  the message to show the user when the file is refused, None when it is fine.
"""
from __future__ import annotations

import os
import time

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
}
# Browsers send this for anything they do not recognise; the extension then decides.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
# Magic numbers of a few types a renamed file commonly pretends to be.
_SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
}


def allowed_types() -> dict[str, set[str]]:
    configured = getattr(settings, "LEAD_FILE_ALLOWED_TYPES", None)
    if not configured:
        return DEFAULT_ALLOWED_TYPES
    return {ext.lower().lstrip("."): {m.lower() for m in mimes} for ext, mimes in configured.items()}


def allowed_extensions_label() -> str:
    return ", ".join(sorted(allowed_types()))


def _human_mb(n_bytes: int) -> str:
    mb = n_bytes / (1024 * 1024)
    return f"{mb:.1f} MB" if mb < 10 else f"{mb:.0f} MB"


def validate_upload(uploaded_file) -> str | None:
    """Check an uploaded file against LEAD_FILE_MAX_MB and LEAD_FILE_ALLOWED_TYPES.

    Returns None when the file may be sent to TaskIP, else one sentence for the user.
    Checks: a name, not empty, size, extension, the browser's MIME type for that extension,
    and for a few binary types the file's first bytes (a renamed .exe is not a PDF)."""
    if uploaded_file is None:
        return "Choose a file to upload."
    name = os.path.basename(str(getattr(uploaded_file, "name", "") or "")).strip()
    if not name or name in {".", ".."}:
        return "The file has no name."
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
        return f"{what} cannot be uploaded. Allowed: {allowed_extensions_label()}."
    content_type = (getattr(uploaded_file, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in _GENERIC_TYPES and content_type not in types[ext]:
        return f"“{name}” does not look like a .{ext} file (it was sent as {content_type})."
    signatures = _SIGNATURES.get(ext)
    if signatures and hasattr(uploaded_file, "read") and hasattr(uploaded_file, "seek"):
        try:
            pos = uploaded_file.tell()
            head = uploaded_file.read(16)
            uploaded_file.seek(pos)
        except (OSError, ValueError):
            head = None
        if head is not None and not any(head.startswith(sig) for sig in signatures):
            return f"“{name}” is not a real .{ext} file."
    return None
