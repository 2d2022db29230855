"""Record every write made through the dashboard. The one write path (crmui/writes.py) calls
``record`` for every write (registered in audit/apps.py): outcome "ok", "failed" or "unknown"
(TaskIP's answer was lost and it could not be asked). ``audited`` wraps other recorded actions:

    with audited(actor, "view.share", "view", view_id, label=name):
        ...

Success records outcome "ok"; a TaskipError records "failed" with the API's status and is
re-raised for the view to show. The key is never part of what is recorded.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from crmui.taskip import TaskipError

log = logging.getLogger("crmui.audit")


def record(
    actor,
    action: str,
    object_type: str,
    object_id=None,
    *,
    changes=None,
    outcome="ok",
    api_status=None,
    message="",
    label="",
) -> None:
    from audit.models import AuditEntry

    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        AuditEntry.objects.create(
            user=user,
            username=getattr(user, "username", "") or "",
            action=action,
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            object_label=str(label or "")[:300],
            changes=_jsonable(changes or {}),
            outcome=outcome,
            api_status=api_status,
            message=str(message or "")[:500],
        )
    except Exception:  # the audit trail must never break the user's action
        log.exception("could not record audit entry for %s", action)


class _Result:
    object_id = None
    label = ""


@contextmanager
def audited(actor, action: str, object_type: str, object_id=None, *, changes=None, label=""):
    """Yields a holder whose ``object_id``/``label`` may be set inside (e.g. after a create)."""
    result = _Result()
    result.object_id, result.label = object_id, label
    try:
        yield result
    except TaskipError as exc:
        record(
            actor,
            action,
            object_type,
            result.object_id,
            changes=changes,
            outcome="failed",
            api_status=getattr(exc, "status", None),
            message=type(exc).__name__ + ": " + (exc.message or ""),
            label=result.label,
        )
        raise
    record(
        actor, action, object_type, result.object_id, changes=changes, outcome="ok", api_status=200, label=result.label
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
