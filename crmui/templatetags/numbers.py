"""``{% load numbers %}``: ``{{ amount|compact }}`` writes a money amount short for tight places
(the board's column sums): 950 -> "950", 116550 -> "116.6k", 1030750 -> "1.03M". The exact
amount belongs in a title or beside it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def compact(value) -> str:
    try:
        n = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign, n = ("-" if n < 0 else ""), abs(n)
    for size, suffix, places in ((Decimal(10) ** 9, "B", 2), (Decimal(10) ** 6, "M", 2), (Decimal(1000), "k", 1)):
        if n >= size:
            text = f"{n / size:.{places}f}".rstrip("0").rstrip(".")
            return f"{sign}{text}{suffix}"
    return f"{sign}{n:,.0f}"
