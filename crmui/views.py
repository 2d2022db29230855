"""Django's request-error handlers (``handler400`` in crmui/urls.py). The frame's own pages
(home, /healthz, the budget page) are in ``shell.views``."""

from django.http import JsonResponse
from django.shortcuts import render


# --------------------------------------------------------------------------- request errors
def _limit_sentence(exception) -> str:
    """What went wrong with the request's body, in the user's words (never "Bad Request")."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.http.multipartparser import MultiPartParserError

    if isinstance(exception, TooManyFieldsSent):
        return (
            f"The form sent more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields, more than the dashboard "
            "takes at once, so nothing was saved. Select fewer leads or remove some rows, then send it again."
        )
    if isinstance(exception, TooManyFilesSent):
        return (
            f"More than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files were sent at once, so none was uploaded. "
            f"Send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} at a time."
        )
    if isinstance(exception, RequestDataTooBig):
        mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return (
            f"The form was larger than {mb:.0f} MB without its files, so nothing was saved. "
            "Shorten the longest texts and send it again."
        )
    if isinstance(exception, MultiPartParserError):
        from crmui.security import MAX_FILE_NAME_CHARS

        return (
            "The upload could not be read, usually because a file name is very long, so nothing was uploaded. "
            f"Rename the file to at most {MAX_FILE_NAME_CHARS} characters and upload it again."
        )
    return "The dashboard could not read what was sent, so nothing was saved. Go back and send it again."


def bad_request(request, exception=None):
    """Django's handler400: a form too big for the server's limits (more fields or files than
    DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a file name
    too long to parse) says so plainly. htmx leaves the page as it is (what was typed stays) and
    app.js shows the X-Problem header; a plain form gets a page whose Back button returns to the
    form with its input; a script asking for JSON gets ``{"ok": false, "error": ...}``."""
    from urllib.parse import quote, unquote

    from crmui.security import short_file_name

    message = _limit_sentence(exception)
    file_name = unquote(request.headers.get("X-File-Name", ""))
    if file_name and "file name" in message:
        message = f"“{short_file_name(file_name)}” was not uploaded: its name is too long. " + message.split(". ", 1)[1]
    if "application/json" in request.headers.get("Accept", "") and not getattr(request, "htmx", False):
        return JsonResponse({"ok": False, "error": message}, status=400)
    from django.utils.http import url_has_allowed_host_and_scheme

    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    response = render(request, "400.html", {"message": message, "back": back}, status=400)
    response["X-Problem"] = quote(message)
    return response


# --------------------------------------------------------------------------- CSRF failure
SESSION_CHANGED = (
    "Your session changed since this page was opened (you logged in again, perhaps in another "
    "tab), so this was not sent."
)
TECHNICAL = "(The form's security token, CSRF, no longer matched the session.)"
_NOT_RESENT = {"csrfmiddlewaretoken"}


def _same_origin(request) -> bool:
    """The refused request came from one of our own pages (Origin, else Referer, is this site).
    Only then is it offered for sending again: a form posted from another site never is."""
    from urllib.parse import urlsplit

    own = f"{request.scheme}://{request.get_host()}"
    origin = request.headers.get("Origin")
    if origin:
        return origin == own
    referer = urlsplit(request.headers.get("Referer", ""))
    return bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}" == own


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. The usual cause here is not an attack but a person who logged in again
    in another tab (a login rotates the CSRF token) and then sends a form from an older tab.

    * plain form: a page that says so, shows what was typed and sends it again with one click
      (a fresh token; only for requests from our own pages);
    * htmx: 403 with ``X-Problem`` (app.js shows it with a "Send again" button) and
      ``X-CSRF-Fresh`` (app.js puts the new token in the page); the form keeps its input;
    * a script asking for JSON (board moves, uploads): ``{"ok": false, "error", "csrf"}``."""
    from urllib.parse import quote

    from django.middleware.csrf import get_token

    from crmui.htmx import wants_json

    resend = _same_origin(request) and request.method == "POST"
    token = get_token(request) if resend else None
    if wants_json(request):
        body = {"ok": False, "error": SESSION_CHANGED + " Try again."}
        if token:
            body["csrf"] = token
        return JsonResponse(body, status=403)
    if getattr(request, "htmx", False):
        response = render(request, "_error_fragment.html", {"message": f"{SESSION_CHANGED} {TECHNICAL}"}, status=403)
        response["X-Problem"] = quote(SESSION_CHANGED + " What you typed is still here." if resend else SESSION_CHANGED)
        if token:
            response["X-CSRF-Fresh"] = token
        return response
    fields, files = [], []
    if resend:
        try:
            fields = [(k, v) for k, values in request.POST.lists() for v in values if k not in _NOT_RESENT]
            files = [f.name for f in request.FILES.values()]
        except Exception:  # an unreadable body: nothing to offer again
            fields, resend = [], False
    # What the person typed, in words ("first_name" → "First name"); tokens are sent, not shown.
    shown = [
        (k.removesuffix("_id").replace("_", " ").capitalize(), v if len(v) <= 200 else v[:200] + "…")
        for k, v in fields
        if v.strip() and not k.endswith(("token", "form_title"))
    ][:40]
    return render(
        request,
        "csrf_failure.html",
        {
            "message": SESSION_CHANGED,
            "technical": TECHNICAL,
            "resend": resend,
            "fields": fields,
            "shown": shown,
            "files": files,
            "action": request.get_full_path(),
        },
        status=403,
    )
