"""Shared helpers: JSON responses and error envelopes, request-body parsing, a small
Laravel-flavoured validator, date formats and pagination."""
import datetime as dt
import json
import math
import re
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpResponse

ADMIN_USER = {"id": 1, "name": "Admin User", "email": "admin@example.com"}


# ------------------------------------------------------------------ responses
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


# ------------------------------------------------------------------ formats
def iso_micro(value):
    """Laravel's default JSON date: 2026-04-01T10:00:00.000000Z"""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_seconds(value):
    """2024-01-25T11:20:00Z (contact endpoints)"""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ymd_his(value):
    """2026-04-01 10:00:00 (notes)"""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def display_date(value):
    """01, Jan, 2024 (team members)"""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%d, %b, %Y")


def ymd(value):
    return value.isoformat() if value else None


def now():
    return dt.datetime.now(dt.UTC)


# ------------------------------------------------------------------ validation
_url_validator = URLValidator(schemes=["http", "https"])
HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
CURRENCY = re.compile(r"^[A-Za-z]{1,3}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=1)
def timezones():
    return frozenset(zoneinfo.available_timezones())


def _label(field):
    return field.replace("_", " ")


def _is_int(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, str):
        return bool(re.fullmatch(r"\s*-?\d+\s*", value))
    return False


def _blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "") or value == []


class Validator:
    """Collects Laravel-style field errors; cleaned values land in `clean` only for
    fields present in the input (so partial updates stay partial)."""

    def __init__(self, data):
        self.data = data
        self.errors = {}
        self.clean = {}

    def has(self, field):
        return field in self.data

    def fail(self, field, message):
        self.errors.setdefault(field, []).append(message)

    def raise_if_errors(self):
        if self.errors:
            raise validation_error(self.errors)

    def _present(self, field, required):
        """(present, value). Blank strings count as null (Laravel's ConvertEmptyStringsToNull)."""
        if field not in self.data or _blank(self.data[field]):
            if required:
                self.fail(field, f"The {_label(field)} field is required.")
                return False, None
            if field in self.data:
                self.clean[field] = [] if self.data[field] == [] else None
            return False, None
        return True, self.data[field]

    def string(self, field, required=False, max_len=None, min_len=None):
        present, value = self._present(field, required)
        if not present:
            return
        if not isinstance(value, str):
            self.fail(field, f"The {_label(field)} field must be a string.")
            return
        if max_len is not None and len(value) > max_len:
            self.fail(field, f"The {_label(field)} field must not be greater than {max_len} characters.")
            return
        if min_len is not None and len(value) < min_len:
            self.fail(field, f"The {_label(field)} field must be at least {min_len} characters.")
            return
        self.clean[field] = value

    def email(self, field, required=False):
        present, value = self._present(field, required)
        if not present:
            return
        if not isinstance(value, str):
            self.fail(field, f"The {_label(field)} field must be a valid email address.")
            return
        value = value.strip()
        try:
            validate_email(value)
        except DjangoValidationError:
            self.fail(field, f"The {_label(field)} field must be a valid email address.")
            return
        self.clean[field] = value

    def url(self, field, required=False):
        present, value = self._present(field, required)
        if not present:
            return
        if not isinstance(value, str):
            self.fail(field, f"The {_label(field)} field must be a valid URL.")
            return
        try:
            _url_validator(value.strip())
        except DjangoValidationError:
            self.fail(field, f"The {_label(field)} field must be a valid URL.")
            return
        self.clean[field] = value.strip()

    def integer(self, field, required=False, min_value=None, choices=None):
        present, value = self._present(field, required)
        if not present:
            return
        if not _is_int(value):
            self.fail(field, f"The {_label(field)} field must be an integer.")
            return
        value = int(value)
        if min_value is not None and value < min_value:
            self.fail(field, f"The {_label(field)} field must be at least {min_value}.")
            return
        if choices is not None and value not in choices:
            self.fail(field, f"The selected {_label(field)} is invalid.")
            return
        self.clean[field] = value

    def numeric(self, field, required=False, min_value=None):
        present, value = self._present(field, required)
        if not present:
            return
        try:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
            if math.isnan(number) or math.isinf(number):
                raise ValueError
        except (TypeError, ValueError):
            self.fail(field, f"The {_label(field)} field must be a number.")
            return
        if min_value is not None and number < min_value:
            self.fail(field, f"The {_label(field)} field must be at least {min_value}.")
            return
        self.clean[field] = round(number, 2)

    def regex(self, field, pattern, message, required=False, max_len=None):
        present, value = self._present(field, required)
        if not present:
            return
        if not isinstance(value, str):
            self.fail(field, f"The {_label(field)} field must be a string.")
            return
        if max_len is not None and len(value) > max_len:
            self.fail(field, f"The {_label(field)} field must not be greater than {max_len} characters.")
            return
        if not pattern.match(value):
            self.fail(field, message)
            return
        self.clean[field] = value

    def date(self, field, required=False):
        present, value = self._present(field, required)
        if not present:
            return
        parsed = parse_ymd(value)
        if parsed is None:
            self.fail(field, f"The {_label(field)} field must match the format Y-m-d.")
            return
        self.clean[field] = parsed

    def boolean(self, field, required=False):
        present, value = self._present(field, required)
        if not present:
            return
        result = to_bool(value)
        if result is None:
            self.fail(field, f"The {_label(field)} field must be true or false.")
            return
        self.clean[field] = result

    def in_choices(self, field, choices, required=False):
        present, value = self._present(field, required)
        if not present:
            return
        if isinstance(value, bool) or str(value) not in {str(c) for c in choices}:
            self.fail(field, f"The selected {_label(field)} is invalid.")
            return
        self.clean[field] = value

    def int_array(self, field, required=False, valid_ids=None):
        """An array of integers; `valid_ids` (a set) checks existence."""
        if field in self.data and self.data[field] is None and not required:
            self.clean[field] = []
            return
        if field not in self.data or self.data[field] == []:
            if required:
                self.fail(field, f"The {_label(field)} field is required.")
            elif field in self.data:
                self.clean[field] = []
            return
        value = self.data[field]
        if not isinstance(value, list):
            self.fail(field, f"The {_label(field)} field must be an array.")
            return
        if not all(_is_int(v) for v in value):
            self.fail(field, f"The {_label(field)} field must be an array of integers.")
            return
        ints = list(dict.fromkeys(int(v) for v in value))
        if valid_ids is not None:
            missing = [i for i in ints if i not in valid_ids]
            if missing:
                self.fail(field, f"The selected {_label(field)} is invalid.")
                return
        self.clean[field] = ints

    def array(self, field, allow_object=True, allow_list=True):
        if field not in self.data or self.data[field] is None:
            if field in self.data:
                self.clean[field] = None
            return
        value = self.data[field]
        ok = (allow_list and isinstance(value, list)) or (allow_object and isinstance(value, dict))
        if not ok:
            kind = "an object" if not allow_list else "an array"
            self.fail(field, f"The {_label(field)} field must be {kind}.")
            return
        self.clean[field] = value


def to_bool(value):
    """True/False for 1/0/true/false (bools, ints, strings); None when not a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "0", "false"):
        return value.strip().lower() in ("1", "true")
    return None


def parse_ymd(value):
    if not isinstance(value, str) or not DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


# ------------------------------------------------------------------ query params
def query_int(request, name, default=None, min_value=None, max_value=None):
    raw = request.GET.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not _is_int(raw):
        raise validation_error({name: [f"The {_label(name)} field must be an integer."]})
    value = int(raw)
    if min_value is not None and value < min_value:
        raise validation_error({name: [f"The {_label(name)} field must be at least {min_value}."]})
    if max_value is not None and value > max_value:
        raise validation_error({name: [f"The {_label(name)} field must not be greater than {max_value}."]})
    return value


def query_date(request, name):
    raw = request.GET.get(name)
    if raw is None or raw.strip() == "":
        return None
    parsed = parse_ymd(raw.strip())
    if parsed is None:
        raise validation_error({name: [f"The {_label(name)} field must match the format Y-m-d."]})
    return parsed


def absolute(request, path):
    return request.build_absolute_uri(path)


def simple_page(request, queryset, path, per_page_default=10, item_param="item"):
    """Laravel simplePaginate: no total. `item=0` returns everything.
    Returns (rows, links, meta) with `rows` from `queryset` (a values() queryset or list)."""
    item = query_int(request, item_param, per_page_default, min_value=0)
    page = query_int(request, "page", 1, min_value=1)
    base = absolute(request, path)
    if item == 0:
        rows = list(queryset)
        per_page, page, has_more, offset = len(rows), 1, False, 0
    else:
        offset = (page - 1) * item
        rows = list(queryset[offset:offset + item + 1])
        has_more = len(rows) > item
        rows = rows[:item]
        per_page = item
    links = {
        "first": f"{base}?page=1",
        "last": None,
        "prev": f"{base}?page={page - 1}" if page > 1 else None,
        "next": f"{base}?page={page + 1}" if has_more else None,
    }
    meta = {
        "current_page": page,
        "from": offset + 1 if rows else None,
        "path": base,
        "per_page": per_page,
        "to": offset + len(rows) if rows else None,
    }
    return rows, links, meta


def length_aware_page(request, queryset, path, default_limit=50, max_limit=100):
    """Laravel paginate(): links with last, meta with last_page and total."""
    limit = query_int(request, "limit", default_limit, min_value=1, max_value=max_limit)
    page = query_int(request, "page", 1, min_value=1)
    total = queryset.count()
    last_page = max(1, math.ceil(total / limit))
    offset = (page - 1) * limit
    rows = list(queryset[offset:offset + limit])
    base = absolute(request, path)
    links = {
        "first": f"{base}?page=1",
        "last": f"{base}?page={last_page}",
        "prev": f"{base}?page={page - 1}" if page > 1 else None,
        "next": f"{base}?page={page + 1}" if page < last_page else None,
    }
    meta = {
        "current_page": page,
        "from": offset + 1 if rows else None,
        "last_page": last_page,
        "path": base,
        "per_page": limit,
        "to": offset + len(rows) if rows else None,
        "total": total,
    }
    return rows, links, meta


def sort_direction(request, name, default="desc"):
    value = (request.GET.get(name) or default).strip().lower()
    return value if value in ("asc", "desc") else default
