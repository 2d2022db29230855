"""How TaskIP failures are told to the people using the dashboard."""

from __future__ import annotations

import math

from django import forms

from crmui.taskip import errors as e


def retry_hint(exc: e.RateLimited) -> str:
    if exc.retry_after:
        secs = math.ceil(exc.retry_after)
        if secs >= 90:
            return f"Try again in about {math.ceil(secs / 60)} minutes."
        return f"Try again in {secs} seconds."
    return "Try again in a minute."


def user_message(exc: Exception) -> str:
    """One clear sentence for any failure of an upstream call. Never includes the key."""
    if isinstance(exc, e.RateLimited):
        return "TaskIP's hourly request limit for this workspace has been reached. " + retry_hint(exc)
    if isinstance(exc, e.TaskipTimeout):
        return "TaskIP took too long to answer. Nothing was lost; try again."
    if isinstance(exc, e.TaskipConnectionError):
        return "TaskIP cannot be reached right now. Check the connection and try again."
    if isinstance(exc, e.AuthenticationError):
        return "TaskIP refused the dashboard's API key. An administrator needs to set a valid key."
    if isinstance(exc, e.PermissionDenied):
        return "The dashboard's API key is not allowed to do this in TaskIP."
    if isinstance(exc, e.NotFound):
        return "That record no longer exists in TaskIP. It may have been deleted by someone else."
    if isinstance(exc, e.Conflict):
        return exc.message or "That email address is already in use."
    if isinstance(exc, e.ValidationError):
        return exc.message or "TaskIP did not accept the data. See the highlighted fields."
    if isinstance(exc, e.ServerError):
        return "TaskIP had an internal problem answering. Nothing was changed on our side; try again shortly."
    if isinstance(exc, e.MalformedResponse):
        return "TaskIP sent an answer the dashboard could not read. Try again; if it persists, TaskIP may be having trouble."
    if isinstance(exc, e.TaskipAPIError):
        return exc.message or f"TaskIP answered with an error ({exc.status})."
    if isinstance(exc, e.TaskipError):
        return exc.message or "TaskIP could not complete the request."
    return "Something went wrong talking to TaskIP."


def page_status(exc: Exception) -> int:
    """The HTTP status of a page or panel that shows an upstream failure. Not a 5xx: the
    dashboard itself worked and says what happened (monitoring counts the dashboard's own
    failures by 5xx); a rate limit passes through as 429 so scripts can back off."""
    return 429 if isinstance(exc, e.RateLimited) else 200


def apply_api_errors(form: forms.Form, exc: e.TaskipAPIError, *, field_map: dict[str, str] | None = None) -> None:
    """Put a 422/409's field errors on the form's fields; what does not match a field
    goes to the form's non-field errors. The form keeps everything the user typed."""
    field_map = field_map or {}
    placed = False
    for api_field, messages in (getattr(exc, "errors", None) or {}).items():
        name = field_map.get(api_field, api_field.split(".")[0])
        if isinstance(messages, str):
            messages = [messages]
        for msg in messages:
            if name in form.fields:
                form.add_error(name, str(msg))
                placed = True
            else:
                form.add_error(None, f"{api_field}: {msg}")
                placed = True
    if not placed:
        form.add_error(None, user_message(exc))
