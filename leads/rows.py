"""The lead list's rows, each rendered once per version of its lead and kept in this process.

Rendering 25 rows through the template engine is most of a cached list page's time (stage
badges, sources, assignees, a value and a date per row). A lead is a frozen value and the lead
snapshot hands out the same object until that lead changes (a write patches in a NEW object, a
refetch makes new ones), so a row's HTML is kept beside the very lead object it was made from
and reused only while the list shows that same object with the same surroundings (the stage
and statuses as named and coloured now, the assignees' names, whether the row has a checkbox,
the time zone and language). Nothing here can show a lead older than the one the page holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

ROW_TEMPLATE = "leads/lead_list.html#lead-row"
_MAX_ROWS = 4000  # about 1.5 KB each; one busy list's worth of pages, many times over
_memo: OrderedDict[int, tuple[object, tuple, str]] = OrderedDict()
_lock = threading.Lock()


def row_html(row: dict, *, bulk: bool) -> SafeString:
    """The ``<tr>`` of one list row (``row`` as ``leads.views.listing._rows`` builds it)."""
    lead = row["lead"]
    around = (
        bulk,
        row["stage"],
        tuple(row["other_statuses"]),
        tuple(row["assignees"]),
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )
    with _lock:
        entry = _memo.get(lead.id)
        if entry is not None and entry[0] is lead and entry[1] == around:
            _memo.move_to_end(lead.id)
            return mark_safe(entry[2])
    html = render_to_string(ROW_TEMPLATE, {"row": row, "lead": lead, "caps": {"lead_bulk": bulk}})
    with _lock:
        _memo[lead.id] = (lead, around, html)
        _memo.move_to_end(lead.id)
        while len(_memo) > _MAX_ROWS:
            _memo.popitem(last=False)
    return mark_safe(html)


def forget() -> None:
    with _lock:
        _memo.clear()
