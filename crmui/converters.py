"""Path converters shared by every app's URLs.

``<id:lead_id>`` matches only a positive whole number (TaskIP's ids start at 1) of at most 18
digits, so ``/leads/0/``, ``/leads/-3/`` or a 30-digit id never reach a view: Django answers
with the not-found page and no TaskIP call is made. Importing this module registers it.
"""

from __future__ import annotations

from django.urls import register_converter


class PositiveIdConverter:
    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        number = int(value)
        if number < 1:
            raise ValueError("ids are positive")  # reverse() then raises NoReverseMatch
        return str(number)


register_converter(PositiveIdConverter, "id")
