"""Exceptions raised by the TaskIP client.

Every message here is safe to show to a user and to log: none of them ever contains the
secret key (the client scrubs anything the server echoes back before it gets here).
"""

from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = [
    "TaskipError",
    "TaskipConnectionError",
    "TaskipTimeout",
    "MalformedResponse",
    "TaskipAPIError",
    "BadRequest",
    "AuthenticationError",
    "PermissionDenied",
    "NotFound",
    "Conflict",
    "ValidationError",
    "RateLimited",
    "ServerError",
    "error_from_response",
    "parse_retry_after",
]


class TaskipError(Exception):
    """Base class of every error the client raises.

    ``may_have_reached``: after this failure, may the request have reached TaskIP and been
    carried out (so a write's outcome is unknown and must be read back)? False when TaskIP
    refused it (4xx) or it was never sent (connection refused, connect timeout); True when the
    request went out and its answer was lost, cut short, unreadable or a 5xx.
    """

    default_message = "TaskIP could not complete the request."
    may_have_reached: bool = False

    def __init__(self, message: str | None = None) -> None:
        self.message: str = message or self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class TaskipConnectionError(TaskipError):
    """TaskIP could not be reached, or the connection broke while waiting for it.

    The client passes ``may_have_reached=False`` when the connection was never made."""

    default_message = "Could not connect to TaskIP."
    may_have_reached = True

    def __init__(self, message: str | None = None, *, may_have_reached: bool | None = None) -> None:
        super().__init__(message)
        if may_have_reached is not None:
            self.may_have_reached = may_have_reached


class TaskipTimeout(TaskipConnectionError):
    """TaskIP did not connect or answer within the timeout."""

    default_message = "TaskIP did not answer in time."


class MalformedResponse(TaskipError):
    """A 2xx answer that is not JSON, is cut short, or has the wrong shape."""

    default_message = "TaskIP sent a response that could not be read."
    may_have_reached = True

    def __init__(self, message: str | None = None, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TaskipAPIError(TaskipError):
    """TaskIP answered with an error status."""

    default_message = "TaskIP answered with an error."

    def __init__(
        self,
        status: int,
        message: str | None = None,
        errors: dict[str, list[str]] | None = None,
        body: dict | None = None,
        error_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors: dict[str, list[str]] = dict(errors or {})
        self.body = body
        self.error_type = error_type

    def __str__(self) -> str:
        return f"[{self.status}] {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"


class BadRequest(TaskipAPIError):
    default_message = "TaskIP rejected the request as invalid."


class AuthenticationError(TaskipAPIError):
    default_message = "TaskIP rejected the API key (missing, wrong or expired)."


class PermissionDenied(TaskipAPIError):
    default_message = "The API key is not allowed to do this."


class NotFound(TaskipAPIError):
    default_message = "The record was not found in TaskIP."


class Conflict(TaskipAPIError):
    """409: a duplicate email, per the docs. ``errors`` always has at least one entry."""

    default_message = "That email address is already in use."

    def __init__(self, status: int, message: str | None = None, errors=None, body=None, error_type=None) -> None:
        super().__init__(status, message, errors, body, error_type)
        if not self.errors:
            self.errors = {"email": [self.message]}


class ValidationError(TaskipAPIError):
    default_message = "TaskIP did not accept the data."


class RateLimited(TaskipAPIError):
    default_message = "TaskIP's request limit has been reached."

    def __init__(
        self,
        status: int = 429,
        message: str | None = None,
        errors=None,
        body=None,
        error_type=None,
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, message, errors, body, error_type)
        self.retry_after: float | None = retry_after


class ServerError(TaskipAPIError):
    """5xx: TaskIP (or a proxy in front of it) failed; the write may have been carried out."""

    default_message = "TaskIP had an internal error."
    may_have_reached = True


_BY_STATUS: dict[int, type[TaskipAPIError]] = {
    400: BadRequest,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: ValidationError,
    429: RateLimited,
}

_FALLBACK_MESSAGES = {
    400: "TaskIP rejected the request as invalid.",
    401: "TaskIP rejected the API key (missing, wrong or expired).",
    403: "The API key is not allowed to do this.",
    404: "The record was not found in TaskIP.",
    409: "That email address is already in use.",
    422: "TaskIP did not accept the data.",
    429: "TaskIP's request limit has been reached.",
    500: "TaskIP had an internal error.",
    502: "TaskIP is unreachable behind its gateway (502 Bad Gateway).",
    503: "TaskIP is temporarily unavailable (503).",
    504: "TaskIP's gateway timed out (504).",
}


def parse_retry_after(headers: Any, now: float | None = None) -> float | None:
    """Seconds to wait, from ``Retry-After`` (seconds or HTTP date), else ``X-RateLimit-Reset``
    (a Unix timestamp) minus now. ``None`` when neither header is usable."""
    now = time.time() if now is None else now
    raw = headers.get("Retry-After") if headers is not None else None
    if raw:
        raw = str(raw).strip()
        try:
            return max(0.0, float(raw))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(raw).timestamp() - now)
            except (TypeError, ValueError, IndexError, OverflowError):
                pass
    reset = headers.get("X-RateLimit-Reset") if headers is not None else None
    if reset:
        try:
            return max(0.0, float(reset) - now)
        except (TypeError, ValueError):
            return None
    return None


def _scrub(value: Any, secret: str | None) -> Any:
    if not secret:
        return value
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, dict):
        return {_scrub(k, secret): _scrub(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, secret) for v in value]
    return value


def _normalise_errors(raw: Any) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        return {}
    out: dict[str, list[str]] = {}
    for field, msgs in raw.items():
        if msgs is None:
            continue
        if isinstance(msgs, (list, tuple)):
            out[str(field)] = [str(m) for m in msgs if m is not None]
        else:
            out[str(field)] = [str(msgs)]
    return out


def error_from_response(response: Any, *, redact: str | None = None, now: float | None = None) -> TaskipAPIError:
    """Map an error response (a ``requests.Response``) to the matching ``TaskipAPIError``.

    ``redact``: a string (the secret key) to replace with ``***`` wherever the body echoes it.
    """
    status = int(response.status_code)
    body: dict | None = None
    try:
        parsed = json.loads(response.content) if response.content else None
    except (ValueError, UnicodeDecodeError):
        parsed = None
    if isinstance(parsed, dict):
        body = _scrub(parsed, redact)

    message = None
    errors: dict[str, list[str]] = {}
    error_type = None
    if body is not None:
        for key in ("message", "msg"):
            if isinstance(body.get(key), str) and body[key].strip():
                message = body[key].strip()
                break
        errors = _normalise_errors(body.get("errors"))
        if isinstance(body.get("error"), str):
            error_type = body["error"]
        if message is None and error_type:
            message = error_type
    if message is None:
        message = _FALLBACK_MESSAGES.get(status) or (
            "TaskIP had an internal error." if status >= 500 else f"TaskIP answered with HTTP {status}."
        )

    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else TaskipAPIError)
    if cls is RateLimited:
        return RateLimited(
            status, message, errors, body, error_type, retry_after=parse_retry_after(response.headers, now)
        )
    return cls(status, message, errors, body, error_type)
