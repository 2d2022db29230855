"""Lead statuses and sources (TaskIP "lead attributes"): the admin's reads and audited writes.

Reads come from ``crmui.reference`` (cached, shared with every list filter, form and board);
every write calls ``crmui.reference.invalidate_attributes()`` so a change shows everywhere at once.
"""
from __future__ import annotations

import re

from audit.trail import audited
from crmui import api, reference
from crmui.taskip import Attribute

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


def attribute_create(*, actor, type_: int, name: str, color: str | None) -> Attribute:
    existing = attributes_of(type_)
    order = max([a.order or 0 for a in existing] + [0]) + 1  # new ones go last
    try:
        with audited(actor, "attribute.create", "attribute", None,
                     changes={"type": TYPES[type_], "name": name, "color": color, "order": order},
                     label=name) as result:
            created = api.client().attributes.create(name=name, type=type_, color=color, order=order)
            result.object_id = created.id
    finally:
        reference.invalidate_attributes()
    return created


def attribute_update(*, actor, attribute: Attribute, name: str, color: str | None) -> Attribute:
    changes = {}
    if (attribute.name or "") != name:
        changes["name"] = [attribute.name, name]
    if (attribute.color or "") != (color or ""):
        changes["color"] = [attribute.color, color]
    try:
        with audited(actor, "attribute.update", "attribute", attribute.id, changes=changes, label=name):
            updated = api.client().attributes.update(attribute.id, name=name, type=attribute.type, color=color,
                                                     order=attribute.order)
    finally:
        reference.invalidate_attributes()
    return updated


def attribute_delete(*, actor, attribute: Attribute, lead_count: int | None = None) -> str:
    try:
        with audited(actor, "attribute.delete", "attribute", attribute.id,
                     changes={"type": TYPES.get(attribute.type, attribute.type), "name": attribute.name,
                              "leads_carrying_it": lead_count},
                     label=attribute.name or ""):
            msg = api.client().attributes.delete(attribute.id)
    finally:
        reference.invalidate_attributes()
    return msg


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
    try:
        for position, attr in enumerate(ordered, start=1):
            if attr.order == position:
                continue
            with audited(actor, "attribute.reorder", "attribute", attr.id,
                         changes={"order": [attr.order, position]}, label=attr.name or ""):
                api.client().attributes.update(attr.id, name=attr.name or "", type=attr.type, color=attr.color,
                                               order=position)
            written += 1
    finally:
        reference.invalidate_attributes()
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
    "STATUS", "SOURCE", "TYPES", "TYPE_PLURAL", "normalise_hex", "attributes_of", "find", "attribute_create",
    "attribute_update", "attribute_delete", "leads_carrying", "reorder", "move",
]
