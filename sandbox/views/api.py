"""The single entry point of /api/public-v1/...: latency, auth, rate limits, statistics,
fault injection, then routing to a handler."""

import hmac
import logging
import os
import re
import time

from django.http import HttpResponse

from .. import runtime
from . import attributes, contacts, directory, leads
from .http import ApiError, forbidden, json_response, unauthorized

log = logging.getLogger("sandbox")

SECRET_KEY = os.environ.get("SANDBOX_SECRET_KEY") or "sandbox-demo-key"
READONLY_KEY = os.environ.get("SANDBOX_READONLY_KEY") or ""

ID = r"(\d+)"
# (regex on the path after /api/public-v1/, stats pattern, {method: handler})
ROUTES = [
    (r"lead", "/lead", {"GET": leads.lead_list, "POST": leads.lead_create}),
    (r"lead/bulk-delete", "/lead/bulk-delete", {"POST": leads.lead_bulk_delete}),
    (rf"lead/send-email/{ID}", "/lead/send-email/{id}", {"POST": leads.lead_send_email}),
    (
        rf"lead/notes/{ID}",
        "/lead/notes/{id}",
        {"GET": leads.notes_list, "POST": leads.notes_create, "PUT": leads.notes_update, "DELETE": leads.notes_delete},
    ),
    (rf"lead/files/bulk-delete/{ID}", "/lead/files/bulk-delete/{id}", {"DELETE": leads.files_bulk_delete}),
    (rf"lead/files/{ID}", "/lead/files/{id}", {"GET": leads.files_list, "POST": leads.files_upload}),
    (rf"lead/{ID}/convert", "/lead/{id}/convert", {"POST": leads.lead_convert}),
    (
        rf"lead/{ID}",
        "/lead/{id}",
        {"GET": leads.lead_detail, "PUT": leads.lead_update, "PATCH": leads.lead_update, "DELETE": leads.lead_delete},
    ),
    (r"lead-attribute", "/lead-attribute", {"GET": attributes.attribute_list, "POST": attributes.attribute_create}),
    (
        rf"lead-attribute/{ID}",
        "/lead-attribute/{id}",
        {
            "GET": attributes.attribute_detail,
            "PUT": attributes.attribute_update,
            "PATCH": attributes.attribute_update,
            "DELETE": attributes.attribute_delete,
        },
    ),
    (r"contact", "/contact", {"GET": contacts.contact_list, "POST": contacts.contact_create}),
    (r"contact/bulk-delete", "/contact/bulk-delete", {"POST": contacts.contact_bulk_delete}),
    (rf"contact/invite-client/{ID}", "/contact/invite-client/{id}", {"POST": contacts.contact_invite}),
    (
        rf"contact/{ID}",
        "/contact/{id}",
        {
            "GET": contacts.contact_detail,
            "PUT": contacts.contact_update,
            "PATCH": contacts.contact_update,
            "DELETE": contacts.contact_delete,
        },
    ),
    (r"team-member", "/team-member", {"GET": directory.member_list}),
    (rf"team-member/{ID}", "/team-member/{id}", {"GET": directory.member_detail}),
    (r"company", "/company", {"GET": directory.company_list}),
    (rf"company/{ID}", "/company/{id}", {"GET": directory.company_detail}),
]
ROUTES = [(re.compile(f"^{rx}/?$"), pattern, handlers) for rx, pattern, handlers in ROUTES]
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class Ctx:
    def __init__(self, key_id, cfg):
        self.key_id = key_id
        self.cfg = cfg


def identify_key(request):
    key = request.headers.get("X-Secret-Key") or ""
    if key and hmac.compare_digest(key.encode(), SECRET_KEY.encode()):
        return "main"
    if READONLY_KEY and key and hmac.compare_digest(key.encode(), READONLY_KEY.encode()):
        return "readonly"
    return None


def resolve(rest):
    for rx, pattern, handlers in ROUTES:
        m = rx.match(rest)
        if m:
            return pattern, handlers, [int(g) for g in m.groups()]
    return None, None, []


MALFORMED_BODY = '{"msg":"Lead Details","data":{"id":1,"first_name":"Jo'
HTML_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
    "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
HTML_504 = (
    "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out"
    "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def fault_response(kind, cfg):
    kind = str(kind)
    if kind == "500":
        return ApiError(500, "Server Error", "Internal server error.").response()
    if kind == "502":
        return HttpResponse(HTML_502, status=502, content_type="text/html")
    if kind == "429":
        return ApiError(
            429, "Too Many Requests", "Too many requests. Rate limit exceeded.", headers={"Retry-After": "30"}
        ).response()
    if kind == "malformed":
        return HttpResponse(MALFORMED_BODY, status=200, content_type="application/json")
    if kind == "hang":
        time.sleep(cfg["hang_seconds"])
        return HttpResponse(HTML_504, status=504, content_type="text/html")
    return ApiError(500, "Server Error", "Internal server error.").response()


def entry(request, rest=""):
    method = request.method.upper()
    pattern, handlers, args = resolve(rest or "")
    stat_key = f"{method} {pattern or '(unmatched)'}"
    cfg = runtime.get_config()
    if cfg["latency_ms"]:
        time.sleep(cfg["latency_ms"] / 1000.0)
    key_id = identify_key(request)
    if key_id is None:
        runtime.account_request(None, stat_key, cfg, count_rate=False)
        resp = unauthorized().response()
        for k, v in runtime.unauthenticated_headers(cfg).items():
            resp[k] = v
        return resp
    rate = runtime.account_request(key_id, stat_key, cfg)
    resp = _dispatch(request, method, handlers, args, key_id, cfg, rate)
    for k, v in rate.headers.items():
        resp[k] = v
    return resp


def _dispatch(request, method, handlers, args, key_id, cfg, rate):
    if rate.blocked:
        return ApiError(
            429,
            "Too Many Requests",
            f"Too many requests. Retry after {rate.retry_after} seconds.",
            headers={"Retry-After": str(rate.retry_after)},
        ).response()
    fault = runtime.choose_fault(method, request.path, cfg)
    if fault and fault not in runtime.AFTER_KINDS:
        return fault_response(fault, cfg)
    resp = _handle(request, method, handlers, args, key_id, cfg)
    if fault:
        # after processing: whatever the handler did stays done, its answer is lost
        return fault_response(fault.split("-")[0], cfg)
    return resp


def _handle(request, method, handlers, args, key_id, cfg):
    if handlers is None:
        return ApiError(404, "Not Found", "Route not found.").response()
    handler = handlers.get("GET" if method == "HEAD" else method)
    if handler is None:
        resp = ApiError(405, "Method Not Allowed", f"The {method} method is not supported for this route.").response()
        resp["Allow"] = ", ".join(sorted(handlers))
        return resp
    if key_id == "readonly" and method not in READ_METHODS:
        return forbidden().response()
    try:
        return handler(request, Ctx(key_id, cfg), *args)
    except ApiError as exc:
        return exc.response()
    except Exception:  # noqa: BLE001 - the API always answers JSON
        log.exception("sandbox handler failed: %s %s", method, request.path)
        return ApiError(500, "Server Error", "Internal server error.").response()


def not_found_view(request, exception=None):
    return json_response(
        {"success": False, "error": "Not Found", "message": "Route not found.", "status_code": 404}, 404
    )


def server_error_view(request):
    return json_response(
        {"success": False, "error": "Server Error", "message": "Internal server error.", "status_code": 500}, 500
    )
