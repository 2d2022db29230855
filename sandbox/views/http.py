"""HTTP plumbing of the sandbox's API: JSON responses, the documented error envelopes,
request bodies (JSON or form data) and small query-string readers."""

import json

from django.http import HttpResponse


def json_response(payload, status=200, headers=None):
    resp = HttpResponse(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json",
    )
    for k, v in (headers or {}).items():
        resp[k] = v
    return resp


class ApiError(Exception):
    """Raised anywhere in a handler; turned into the documented error envelope."""

    def __init__(self, status, error, message, errors=None, success=True, headers=None):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message
        self.errors, self.success, self.headers = errors, success, headers

    def response(self):
        body = {}
        if self.success:
            body["success"] = False
        body["error"] = self.error
        body["message"] = self.message
        if self.errors is not None:
            body["errors"] = self.errors
        body["status_code"] = self.status
        return json_response(body, self.status, self.headers)


def not_found(what="Resource"):
    return ApiError(404, "Not Found", f"{what} not found.")


def validation_error(errors):
    return ApiError(422, "Validation Error", "The given data was invalid", errors=errors)


def conflict(field="email", message="The email has already been taken."):
    return ApiError(409, "Conflict", message, errors={field: [message]})


def bad_request(message):
    return ApiError(400, "Bad Request", message)


def unauthorized():
    return ApiError(401, "Unauthorized", "Invalid or missing API key.", success=False)


def forbidden():
    return ApiError(403, "Forbidden", "This API key does not have permission.")


def too_many(retry_after, message="Too many requests. Rate limit exceeded.", headers=None):
    h = dict(headers or {})
    h["Retry-After"] = str(int(retry_after))
    return ApiError(429, "Too Many Requests", message, headers=h)


# ------------------------------------------------------------------ body parsing
def parse_body(request):
    """The request's fields as a dict: JSON (default) or form data. Bad JSON -> 400."""
    ctype = (request.content_type or "").lower()
    if ctype.startswith("multipart/form-data") or ctype == "application/x-www-form-urlencoded":
        if request.method != "POST":
            # Django only parses forms on POST; do it by hand for PUT/DELETE
            from django.http import QueryDict

            if ctype.startswith("multipart/"):
                post, _files = request.parse_file_upload(request.META, request)
            else:
                post = QueryDict(request.body, encoding=request.encoding)
        else:
            post = request.POST
        data = {}
        for key in post:
            values = post.getlist(key)
            if key.endswith("[]"):
                data[key[:-2]] = values
            else:
                data[key] = values[-1] if len(values) == 1 else values
        return data
    raw = request.body
    if not raw or not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Malformed JSON body.")
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    return data


def absolute(request, path):
    return request.build_absolute_uri(path)


def sort_direction(request, name, default="desc"):
    value = (request.GET.get(name) or default).strip().lower()
    return value if value in ("asc", "desc") else default
