"""The files panel of the lead detail page (``#files-panel``): list with search and paging,
upload (one file per request from static/js/files.js, or several from a plain form), and
bulk delete.

Uploads stream through: Django keeps an upload over FILE_UPLOAD_MAX_MEMORY_SIZE in a temporary
file and the client reads it in chunks while sending it on, so no file is held whole in memory.
"""

from __future__ import annotations

from urllib.parse import unquote
from uuid import uuid4

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import require
from crmui.errors import retry_hint, user_message
from crmui.htmx import redirect_after_write, wants_json
from crmui.security import MAX_FILE_NAME_CHARS, allowed_extensions_label, allowed_types, validate_upload
from crmui.taskip import TaskipError
from crmui.taskip import errors as api_errors
from leads import panels

# TaskIP accepts this many uploads an hour per workspace (a documented limit of its API).
UPLOADS_PER_HOUR = 50

_TYPE_NAMES = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/zip": "ZIP",
    "text/csv": "CSV",
    "text/plain": "Text",
    "application/json": "JSON",
}


def type_label(mime: str | None, name: str | None = None) -> str:
    mime = (mime or "").lower()
    if mime in _TYPE_NAMES:
        return _TYPE_NAMES[mime]
    major = mime.split("/")[0]
    if major in ("image", "video", "audio"):
        sub = mime.split("/")[-1].split("+")[0].upper()
        return f"{major.title()} ({sub})" if sub else major.title()
    if name and "." in name:
        return name.rsplit(".", 1)[-1].upper()[:8]
    return mime or "File"


def max_bytes() -> int:
    return int(settings.LEAD_FILE_MAX_MB) * 1024 * 1024


def too_large_message(name: str, size: int | None) -> str:
    got = f" ({filesizeformat(size)})" if size is not None else ""
    return f"“{name}”{got} is larger than the {settings.LEAD_FILE_MAX_MB} MB limit for lead files. It was not uploaded."


def upload_error_message(exc: TaskipError) -> str:
    if isinstance(exc, api_errors.RateLimited) and "upload" in (exc.message or "").lower():
        return (
            f"TaskIP accepts at most {UPLOADS_PER_HOUR} file uploads an hour for the whole team, and that "
            f"limit has been reached. Nothing more was uploaded. {retry_hint(exc)}"
        )
    if isinstance(exc, api_errors.ValidationError):
        details = "; ".join(m for msgs in exc.errors.values() for m in msgs)
        return "TaskIP did not accept the file" + (f": {details}" if details else f": {exc.message}")
    return user_message(exc)


def upload_token(raw: str | None) -> str | None:
    """A submitted upload token, when it looks like one (letters, digits, dashes; 8-64 long)."""
    raw = (raw or "").strip()
    return raw if 8 <= len(raw) <= 64 and all(c.isascii() and (c.isalnum() or c == "-") for c in raw) else None


def _page_no(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def _render(
    request,
    lead_id: int,
    *,
    search: str = "",
    page_no: int = 1,
    flash: str = "",
    alert: str = "",
    refresh: bool = False,
    selected: frozenset[int] = frozenset(),
):
    ctx = {
        "lead_id": lead_id,
        "page": None,
        "files": [],
        "files_error": "",
        "search": search,
        "page_no": page_no,
        "flash": flash,
        "alert": alert,
        "selected": selected,
        "max_mb": settings.LEAD_FILE_MAX_MB,
        "max_bytes": max_bytes(),
        "uploads_per_hour": UPLOADS_PER_HOUR,
        "accept": ",".join(f".{ext}" for ext in sorted(allowed_types())),
        "allowed_label": allowed_extensions_label(),
        "max_name": MAX_FILE_NAME_CHARS,
        "upload_token": uuid4().hex,
    }
    try:
        result = panels.files_for(lead_id=lead_id, search=search, page=page_no, refresh=refresh)
        page = result.value
        ctx["page"] = page
        ctx["fetched_at"], ctx["stale"] = result.fetched_at, result.stale
        who = panels.file_uploaders(lead_id=lead_id, names=[f.title for f in page.items if f.title])
        ctx["files"] = [
            {
                "f": f,
                "type": type_label(f.mime_type, f.title),
                "by": who.get(f.title or "") or (f.created_by.name if f.created_by else "") or "",
            }
            for f in page.items
        ]
    except TaskipError as exc:
        ctx["files_error"] = user_message(exc)
        if isinstance(exc, api_errors.NotFound):
            ctx["files_error"] = "This lead no longer exists in TaskIP, so its files cannot be shown."
    if request.htmx:
        return render(request, "leads/_files_panel.html", ctx)
    ctx["panel_template"] = "leads/_files_panel.html"
    ctx["panel_title"] = "Files"
    return render(request, "leads/panel_page.html", ctx)


@require_GET
@require("lead.view")
def files_panel(request, lead_id: int):
    return _render(
        request,
        lead_id,
        search=request.GET.get("q", "").strip()[:200],
        page_no=_page_no(request),
        refresh="refresh" in request.GET,
    )


class SizeCapUploadHandler(FileUploadHandler):
    """Runs first while a multipart body streams in: a file that grows past the limit is
    skipped on the spot (SkipFile), so at most ``limit`` bytes of it ever reach the temporary
    file, and the other files of the same request still go through."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.skipped: list[str] = []

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.skipped.append(self.file_name or "The file")
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers (memory / temporary file) build the file


@require_POST
@require("file.write")
@csrf_exempt  # only so the size cap can be installed before the body is read; CSRF is checked just below
def file_upload(request, lead_id: int):
    """One file from files.js (answers JSON, status per outcome), or several from the plain form."""
    as_json = wants_json(request)
    limit = max_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if as_json and declared > limit + 256 * 1024:
        # One file per request from files.js: refuse before reading the body at all when it cannot fit.
        name = unquote(request.headers.get("X-File-Name", ""))[:200] or "The file"
        return JsonResponse({"ok": False, "error": too_large_message(name, None)}, status=413)
    cap = SizeCapUploadHandler(request, limit)
    request.upload_handlers.insert(0, cap)
    return _file_upload(request, lead_id, cap=cap, as_json=as_json, limit=limit)


@csrf_protect
def _file_upload(request, lead_id: int, *, cap: SizeCapUploadHandler, as_json: bool, limit: int):
    uploads = request.FILES.getlist("file")
    if not uploads and not cap.skipped:
        text = "Choose a file to upload."
        if as_json:
            return JsonResponse({"ok": False, "error": text}, status=400)
        messages.error(request, text)
        return redirect_after_write(request, reverse("leads:detail", args=[lead_id]) + "#files-panel")

    done: list[str] = []
    failures: list[str] = [too_large_message(name, None) for name in cap.skipped]
    status = 413 if cap.skipped else 200
    # The submission's token (the plain form's hidden field; files.js sends one per file): the
    # same upload posted twice (a double click, a resend after a lost answer, two servers) is
    # stored once, and the second post is told it was saved.
    token = upload_token(request.POST.get("idem_token"))
    for index, up in enumerate(uploads):
        if up.size is not None and up.size > limit:
            failures.append(too_large_message(up.name, up.size))
            status = 413
            continue
        if up.size == 0:
            failures.append(f"“{up.name}” is empty. It was not uploaded.")
            status = 400
            continue
        refused = validate_upload(up)  # extension and content against the allowed types
        if refused:
            failures.append(refused)
            status = 415
            continue
        try:
            outcome = panels.file_upload(
                actor=request.user,
                lead_id=lead_id,
                file=up.file,
                filename=up.name,
                content_type=up.content_type,
                size=up.size,
                token=f"{token}:{index}:{up.name}" if token else None,
            )
        finally:
            up.close()
        if outcome.saved:
            done.append(up.name)
            continue
        exc = outcome.error
        if outcome.unconfirmed:
            failures.append(
                f"“{up.name}”: "
                + outcome.unconfirmed_message("the file", "uploaded")
                + " Refresh the files list to look."
            )
            continue
        failures.append(
            f"“{up.name}”: {upload_error_message(exc)}"
            + (" (The dashboard checked with TaskIP: it was not saved.)" if outcome.checked else "")
        )
        status = (
            429
            if isinstance(exc, api_errors.RateLimited)
            else (422 if isinstance(exc, api_errors.ValidationError) else 200)
        )  # files.js reads ok: false
        if isinstance(exc, api_errors.RateLimited):
            failures.extend(f"“{u.name}” was not sent." for u in uploads[uploads.index(up) + 1 :])
            break

    if as_json:
        if failures:
            return JsonResponse({"ok": False, "error": " ".join(failures), "uploaded": done}, status=status)
        return JsonResponse({"ok": True, "uploaded": done})
    if done:
        messages.success(request, f"Uploaded {', '.join(done)}.")
    for text in failures:
        messages.error(request, text)
    return redirect_after_write(request, reverse("leads:detail", args=[lead_id]) + "#files-panel")


def _names_of(lead_id: int, ids: list[int], search: str, page_no: int) -> list[str]:
    """Names of the selected files for the audit trail, from the list the user saw (cached)."""
    try:
        page = panels.files_for(lead_id=lead_id, search=search, page=page_no).value
    except TaskipError:
        return []
    by_id = {f.id: f.title or "" for f in page.items}
    return [by_id.get(i, f"#{i}") for i in ids]


@require_POST
@require("file.write")
def files_delete(request, lead_id: int):
    ids: list[int] = []
    for raw in request.POST.getlist("ids"):
        try:
            value = int(raw)
        except (TypeError, ValueError):
            continue
        if value > 0 and value not in ids:
            ids.append(value)
    search = request.POST.get("q", "").strip()[:200]
    try:
        page_no = max(1, int(request.POST.get("page", 1)))
    except (TypeError, ValueError):
        page_no = 1
    names = _names_of(lead_id, ids, search, page_no)
    if not ids:
        text = "Select the files to delete first."
        if request.htmx:
            return _render(request, lead_id, search=search, page_no=page_no, alert=text)
        messages.error(request, text)
        return redirect_after_write(request, reverse("leads:detail", args=[lead_id]) + "#files-panel")
    outcome = panels.files_delete(actor=request.user, lead_id=lead_id, ids=ids, names=names)
    if not outcome.saved:
        if outcome.unconfirmed:
            text = outcome.unconfirmed_message("the delete", "done") + " Refresh the files list to look."
        else:
            text = "The files were not deleted. " + user_message(outcome.error)
        if request.htmx:
            return _render(request, lead_id, search=search, page_no=page_no, alert=text, selected=frozenset(ids))
        messages.error(request, text)
        return redirect_after_write(request, reverse("leads:detail", args=[lead_id]) + "#files-panel")
    text = f"Deleted {len(ids)} file{'s' if len(ids) != 1 else ''}."
    if request.htmx:
        # The page may now be empty: go back to the first page of the same search.
        return _render(request, lead_id, search=search, page_no=1, flash=text)
    messages.success(request, text)
    return redirect_after_write(request, reverse("leads:detail", args=[lead_id]) + "#files-panel")
