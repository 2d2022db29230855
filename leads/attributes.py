"""Lead statuses and sources (TaskIP "lead attributes"): the admin's reads and audited writes.

Reads come from ``crmui.reference`` (cached, shared with every list filter, form and board).
Every write goes through the one write path (``crmui.writes.perform``), whose declared effects
make the attributes and the lead lists stale, so a change shows everywhere at once. Two
statuses (or two sources) may not share a name, ignoring case: one column per stage.
"""

from __future__ import annotations

import re
import time

from crmui import api, reference, writes
from crmui.taskip import Attribute, TaskipError
from crmui.writes import Found, Outcome

STATUS = reference.STATUS
SOURCE = reference.SOURCE
TYPES = {STATUS: "status", SOURCE: "source"}
TYPE_PLURAL = {STATUS: "Statuses", SOURCE: "Sources"}

HEX_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def normalise_hex(value: str) -> str:
    """'#ABC' -> '#aabbcc', '#A1B2C3' -> '#a1b2c3'. Raises ValueError on anything else."""
    value = (value or "").strip()
    if value and not value.startswith("#"):
        value = "#" + value
    if not HEX_RE.match(value):
        raise ValueError("not a hex colour")
    value = value.lower()
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value


def attributes_of(type_: int, *, refresh: bool = False) -> list[Attribute]:
    """The attributes of one type, in their display order."""
    return [a for a in reference.attributes(refresh=refresh) if a.type == type_]


def find(type_: int, attribute_id: int) -> Attribute | None:
    return next((a for a in attributes_of(type_) if a.id == attribute_id), None)


class DuplicateName(ValueError):
    """Another status (or source) already has this name, ignoring case."""

    def __init__(self, type_: int, name: str, other: Attribute):
        what = TYPES.get(type_, "attribute")
        super().__init__(
            f"There is already a {what} called “{other.name}”. Each {what} needs its own name "
            f"(ignoring capitals), so the board shows one column per stage."
        )
        self.message = str(self)


def _refuse_duplicate(type_: int, name: str, except_id: int | None = None) -> None:
    folded = (name or "").strip().casefold()
    for other in attributes_of(type_):
        if other.id != except_id and (other.name or "").strip().casefold() == folded:
            raise DuplicateName(type_, name, other)


def _all_now(type_: int) -> list[Attribute]:
    return [a for a in api.client().attributes.all(type=type_) if a.type in (None, type_)]


def attribute_create(*, actor, type_: int, name: str, color: str | None, token: str | None = None) -> Outcome:
    """Raises DuplicateName before any write. Unknown outcome: read back by name and type."""
    existing = attributes_of(type_)
    order = max([a.order or 0 for a in existing] + [0]) + 1  # new ones go last
    started = time.time()

    def check() -> Found:
        cutoff = writes.since_cutoff(writes.first_attempt_at(started))
        for a in _all_now(type_):
            if (a.name or "").strip().casefold() == name.strip().casefold() and (
                a.created_at is None or a.created_at >= cutoff
            ):
                return Found(True, a)
        return Found(False)

    return writes.perform(
        "attribute.create",
        actor=actor,
        token=token,
        label=name,
        changes={"type": TYPES[type_], "name": name, "color": color, "order": order},
        call=lambda: api.client().attributes.create(name=name, type=type_, color=color, order=order),
        check=check,
        id_of=lambda a: a.id,
        guard=lambda: _refuse_duplicate(type_, name),
    )


def _check_held(attribute_id: int, **sent) -> Found:
    held = api.client().attributes.get(attribute_id)
    return Found(all(writes.canon(getattr(held, k)) == writes.canon(v) for k, v in sent.items()), held)


def attribute_update(*, actor, attribute: Attribute, name: str, color: str | None) -> Outcome:
    """Raises DuplicateName before any write. Unknown outcome: read back and compare."""
    changes = {}
    if (attribute.name or "") != name:
        changes["name"] = [attribute.name, name]
    if (attribute.color or "") != (color or ""):
        changes["color"] = [attribute.color, color]
    return writes.perform(
        "attribute.update",
        actor=actor,
        object_id=attribute.id,
        changes=changes,
        label=name,
        call=lambda: api.client().attributes.update(
            attribute.id, name=name, type=attribute.type, color=color, order=attribute.order
        ),
        check=lambda: _check_held(attribute.id, name=name, color=color),
        guard=lambda: _refuse_duplicate(attribute.type, name, except_id=attribute.id),
    )


def attribute_delete(*, actor, attribute: Attribute, lead_count: int | None = None) -> Outcome:
    return writes.perform(
        "attribute.delete",
        actor=actor,
        object_id=attribute.id,
        label=attribute.name or "",
        changes={
            "type": TYPES.get(attribute.type, attribute.type),
            "name": attribute.name,
            "leads_carrying_it": lead_count,
        },
        call=lambda: api.client().attributes.delete(attribute.id),
        check=lambda: writes.gone(lambda: api.client().attributes.get(attribute.id)),
    )


def leads_carrying(attribute: Attribute) -> int:
    """How many leads carry this status/source: one call (item=0 answers every match at once)."""
    if attribute.type == SOURCE:
        page = api.client().leads.list(source_id=attribute.id, item=0)
    else:
        page = api.client().leads.list(status_id=attribute.id, item=0)
    return len(page.items)


def reorder(*, actor, type_: int, ordered_ids: list[int]) -> int:
    """Save a new order for one type's attributes: ``order`` = position (1-based). Only the
    attributes whose order changed are written (one PUT each; name and type are required).
    Ids not of this type are ignored; attributes missing from ``ordered_ids`` keep their
    place after the given ones. Returns how many were written. On a failure part-way the
    ones already written stay written; the caller shows the error and the fresh order."""
    current = attributes_of(type_, refresh=True)  # compare against TaskIP's order, not a stale copy
    by_id = {a.id: a for a in current}
    seen: set[int] = set()
    ordered: list[Attribute] = []
    for i in ordered_ids:
        if i in by_id and i not in seen:
            ordered.append(by_id[i])
            seen.add(i)
    ordered += [a for a in current if a.id not in seen]
    written = 0
    for position, attr in enumerate(ordered, start=1):
        if attr.order == position:
            continue
        outcome = writes.perform(
            "attribute.reorder",
            actor=actor,
            object_id=attr.id,
            changes={"order": [attr.order, position]},
            label=attr.name or "",
            call=lambda attr=attr, position=position: api.client().attributes.update(
                attr.id, name=attr.name or "", type=attr.type, color=attr.color, order=position
            ),
            check=lambda attr=attr, position=position: _check_held(attr.id, order=position),
        )
        if not outcome.saved:
            raise outcome.error or TaskipError("TaskIP did not confirm the new order.")
        written += 1
    return written


def move(ids: list[int], attribute_id: int, direction: str) -> list[int]:
    """The id list with one attribute moved one place up or down."""
    ids = list(ids)
    if attribute_id not in ids:
        return ids
    i = ids.index(attribute_id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    return ids


__all__ = [
    "STATUS",
    "SOURCE",
    "TYPES",
    "DuplicateName",
    "TYPE_PLURAL",
    "normalise_hex",
    "attributes_of",
    "find",
    "attribute_create",
    "attribute_update",
    "attribute_delete",
    "leads_carrying",
    "reorder",
    "move",
]
