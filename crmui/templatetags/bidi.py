"""Keep right-to-left override characters in names (U+202E...) from reversing the text around
them (issue #14.5). Built in to every template (settings TEMPLATES builtins):

* ``{{ name|bdi }}``: the name escaped inside ``<bdi>``: its direction stays inside it (HTML).
* ``{{ name|isolate }}``: for plain text that cannot hold markup (``<title>``, confirm strings):
  bidi control characters removed, and the text wrapped in FIRST STRONG ISOLATE ... POP
  DIRECTIONAL ISOLATE, so a legitimately right-to-left name still does not reorder what follows.
* ``{% filter bidi_clean %}...{% endfilter %}``: bidi control characters removed.
* ``{{ message|isolate_quoted }}``: in a sentence that quotes names (“Ann”), each quoted part
  isolated, so a name's override ends at its closing quote (flash messages).
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

# Embeddings, overrides, isolates and their terminators, and the invisible marks.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FSI, PDI = "\u2068", "\u2069"


def strip_bidi(value) -> str:
    return BIDI_CONTROLS.sub("", str(value))


@register.filter(is_safe=True)
def bidi_clean(value):
    return strip_bidi(value)


@register.filter(is_safe=True)
def isolate(value):
    text = strip_bidi(value)
    return f"{FSI}{text}{PDI}" if text else text


@register.filter
def bdi(value):
    return format_html("<bdi>{}</bdi>", conditional_escape(value))


_QUOTED = re.compile("“([^”]*)”")
# Hebrew, Arabic, Syriac, Thaana, N'Ko... and their presentation forms: strong right-to-left letters.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _isolate_if_needed(text: str) -> str:
    """Isolated only when it could reorder what follows (controls or right-to-left letters), so
    ordinary messages stay exactly as written."""
    if BIDI_CONTROLS.search(text) or _RTL.search(text):
        return f"{FSI}{strip_bidi(text)}{PDI}"
    return text


@register.filter
def isolate_quoted(value):
    """Each “quoted” part isolated (FSI..PDI); stray controls outside quotes removed. Takes a
    flash Message too; markup a view marked safe (format_html) stays markup."""
    raw = getattr(value, "message", value)
    parts = _QUOTED.split(str(raw))  # even: outside quotes, odd: quoted
    out = "".join(strip_bidi(p) if i % 2 == 0 else f"“{_isolate_if_needed(p)}”" for i, p in enumerate(parts))
    return mark_safe(out) if isinstance(raw, SafeData) else out  # noqa: S308 (raw was already safe)
