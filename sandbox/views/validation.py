"""A small Laravel-flavoured validator (field errors as Laravel words them, array elements
keyed ``field.N``) and the query-string readers that answer 422 as Laravel does."""

import datetime as dt
import math
import re
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email

from .http import validation_error

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
        # Laravel's "field.*" rules: each element's error is keyed by its position
        failed = False
        for i, v in enumerate(value):
            if not _is_int(v):
                self.fail(f"{field}.{i}", f"The {field}.{i} field must be an integer.")
                failed = True
            elif valid_ids is not None and int(v) not in valid_ids:
                self.fail(f"{field}.{i}", f"The selected {field}.{i} is invalid.")
                failed = True
        if failed:
            return
        self.clean[field] = list(dict.fromkeys(int(v) for v in value))

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
