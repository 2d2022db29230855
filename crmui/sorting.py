"""Clickable column headers for sorted tables (the lead list and the contact list).

    sort_headers((("name", "Name"), ("date", "Interaction")), sort=query.sort,
                 direction=query.direction, url=lambda key, direction: ..., descending_first={"date"})

A first click on a column sorts it ascending (or newest first for the ``descending_first``
columns); a click on the sorted column flips its direction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: str
    active: bool
    direction: str  # the current direction of the sorted column ("asc"/"desc"), "" for the others
    url: str  # where a click goes
    aria_sort: str  # "ascending", "descending" or "none", for <th aria-sort>
    arrow: str  # ↑ ↓ for the sorted column, ↕ for the others
    next_label: str  # "Sort by name, descending": what a click does


def sort_headers(
    columns: Iterable[tuple[str, str]],
    *,
    sort: str,
    direction: str,
    url: Callable[[str, str], str],
    descending_first: Iterable[str] = (),
) -> list[SortHeader]:
    descending_first = set(descending_first)
    headers = []
    for key, label in columns:
        active = sort == key
        if active:
            nxt = "asc" if direction == "desc" else "desc"
        else:
            nxt = "desc" if key in descending_first else "asc"
        headers.append(
            SortHeader(
                key=key,
                label=label,
                active=active,
                direction=direction if active else "",
                url=url(key, nxt),
                aria_sort=("ascending" if direction == "asc" else "descending") if active else "none",
                arrow=("↑" if direction == "asc" else "↓") if active else "↕",
                next_label=f"Sort by {label.lower()}, {'ascending' if nxt == 'asc' else 'descending'}",
            )
        )
    return headers
