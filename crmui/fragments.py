"""Rendered fragments kept beside the very value they were rendered from, in this process.

Most of a cached page's time is the template engine turning the same values into the same HTML
again: a list row per lead, the overview's figures. Values read from TaskIP are frozen, and the
caches hand out the same object until it changes (a write patches in a NEW lead; a refetch makes
new ones; the overview is computed once per snapshot copy and query). So a fragment is kept
beside its source object and reused only while a page renders that SAME object with the same
surroundings (``around``: whatever else the fragment shows, plus the time zone and language,
added here). With ``equal=True`` an equal object will do too (for small frozen values whose
equality is exact, e.g. one lead: a new snapshot copy brings new objects for leads nobody
changed, and their rows are not rendered again). Nothing kept can show older data than the page
holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

MAX_FRAGMENTS = 4000  # a list row is about 1.5 KB; the overview's figures up to a few hundred KB
_memo: OrderedDict[tuple[str, Hashable], tuple[object, tuple, str]] = OrderedDict()
_lock = threading.Lock()


def render_once(
    template_name: str,
    context: dict,
    *,
    source: object,
    key: Hashable,
    around: tuple = (),
    equal: bool = False,
    render: Callable[[], str] | None = None,
) -> SafeString:
    """``render_to_string(template_name, context)`` (or ``render()``, which must escape what it
    shows; ``template_name`` then only names the slot), reused while ``source`` is the same object
    (or, with ``equal``, an equal one) and ``around`` is equal. ``key`` names the slot (e.g. the
    lead's id): one fragment per key."""
    around = (*around, timezone.get_current_timezone_name(), translation.get_language())
    slot = (template_name, key)
    with _lock:
        entry = _memo.get(slot)
        kept = entry is not None and entry[1] == around and (entry[0] is source or (equal and entry[0] == source))
        if kept:
            if entry[0] is not source:
                _memo[slot] = (source, around, entry[2])  # the next ask with this object is an identity hit
            _memo.move_to_end(slot)
            return mark_safe(entry[2])
    html = render() if render is not None else render_to_string(template_name, context)
    with _lock:
        _memo[slot] = (source, around, html)
        _memo.move_to_end(slot)
        while len(_memo) > MAX_FRAGMENTS:
            _memo.popitem(last=False)
    return mark_safe(html)


def forget() -> None:
    with _lock:
        _memo.clear()
