"""/__sandbox__/ control API (not part of TaskIP): config, forced faults, stats, limits, mail."""

from django.views.decorators.csrf import csrf_exempt

from .. import runtime
from ..models import ForcedFault, SentEmail
from .api import identify_key
from .dates import ISO_MICRO, stamp
from .http import ApiError, bad_request, json_response, parse_body, unauthorized

FAULT_STATUSES = {"500", "502", "429", "malformed", "hang", "malformed-after", "hang-after"}


def _guard(request, methods):
    if request.method not in methods:
        raise ApiError(405, "Method Not Allowed", f"Use {' or '.join(methods)}.")
    if identify_key(request) != "main":
        raise unauthorized()


def control(methods):
    def deco(fn):
        @csrf_exempt
        def view(request, *args, **kwargs):
            try:
                _guard(request, methods)
                return fn(request, *args, **kwargs)
            except ApiError as exc:
                return exc.response()

        view.__name__ = fn.__name__
        return view

    return deco


def health(request):
    return json_response({"ok": True})


@control(["GET", "POST"])
def config(request):
    if request.method == "GET":
        return json_response(runtime.get_config())
    data = parse_body(request)
    cfg, errors = runtime.update_config(data, reset=bool(data.get("reset")))
    if errors:
        raise ApiError(422, "Validation Error", "Invalid config.", errors=errors)
    return json_response(cfg)


@control(["GET", "POST", "DELETE"])
def fail_next(request):
    if request.method == "GET":
        return json_response(
            {
                "queue": list(
                    ForcedFault.objects.order_by("id").values("id", "status", "remaining", "path_contains", "method")
                )
            }
        )
    if request.method == "DELETE":
        ForcedFault.objects.all().delete()
        return json_response({"ok": True, "queue": []})
    data = parse_body(request)
    status = str(data.get("status", "500")).strip().lower()
    if status not in FAULT_STATUSES:
        raise bad_request(f"status must be one of {sorted(FAULT_STATUSES)}")
    try:
        count = int(data.get("count", 1))
    except (TypeError, ValueError):
        raise bad_request("count must be an integer")
    if count < 1:
        raise bad_request("count must be >= 1")
    f = ForcedFault.objects.create(
        status=status,
        remaining=count,
        path_contains=str(data.get("path_contains") or ""),
        method=str(data.get("method") or "").upper(),
    )
    return json_response(
        {
            "ok": True,
            "queued": {
                "id": f.id,
                "status": status,
                "remaining": count,
                "path_contains": f.path_contains,
                "method": f.method,
            },
        }
    )


@control(["GET"])
def stats(request):
    return json_response(runtime.get_stats())


@control(["POST"])
def stats_reset(request):
    runtime.reset_stats()
    return json_response({"ok": True})


@control(["POST"])
def reset_limits(request):
    runtime.reset_limits()
    return json_response({"ok": True})


@control(["GET", "DELETE"])
def emails(request):
    if request.method == "DELETE":
        SentEmail.objects.all().delete()
        return json_response({"ok": True})
    rows = SentEmail.objects.order_by("id")
    return json_response(
        {
            "data": [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "lead_id": e.lead_id,
                    "contact_id": e.contact_id,
                    "to": e.to,
                    "subject": e.subject,
                    "message": e.message,
                    "created_at": stamp(e.created_at, ISO_MICRO),
                }
                for e in rows
            ]
        }
    )
