"""Moving a lead to another pipeline stage (the board's drag and drop, and the bulk
"change status" action). See README.md, "Pipeline board", for the rule.

A move reads the lead fresh (its current statuses and first_name, which TaskIP requires on
every update), computes the new status list and PUTs it through the one write path
(crmui/writes.py). Nothing is sent when the lead is already where it should be, nor when
someone else moved it meanwhile (the board the person moved it on was older than that).
"""

from __future__ import annotations

from dataclasses import dataclass

from crmui import reference
from crmui.taskip import Attribute, Lead
from leads.selectors import NO_STATUS, placing_status, status_order


def new_status_ids(
    current: tuple[Attribute, ...] | list[Attribute], target_id: int | None, order_of: dict[int, int]
) -> list[int]:
    """The lead's statuses after a move to ``target_id`` (None = "No status").

    Kept: the lead's other statuses whose order is LOWER than the target's (stages already
    passed); then the target. So the target becomes the placing status and no later stage
    remains. Moving to "No status" clears every status."""
    if target_id is None:
        return []
    target_order = order_of.get(target_id)
    if target_order is None:
        target_order = next((s.order for s in current if s.id == target_id and s.order is not None), 0)
    kept = []
    for s in current:
        if s.id is None or s.id == target_id or s.id in kept:
            continue
        order = order_of.get(s.id, s.order if s.order is not None else 0)
        if order < target_order:
            kept.append(s.id)
    return kept + [target_id]


@dataclass(frozen=True)
class MoveResult:
    lead: Lead
    old_ids: list[int]
    new_ids: list[int]

    @property
    def changed(self) -> bool:
        return self.old_ids != self.new_ids


def status_payload(lead: Lead, target_id: int | None, order_of: dict[int, int]) -> tuple[list[int], list[int]]:
    old = [s.id for s in lead.statuses if s.id is not None]
    return old, new_status_ids(lead.statuses, target_id, order_of)


def move_lead(
    *,
    actor,
    lead_id: int,
    target_status_id: int | None,
    invalidate_after: bool = True,
    expected_from: str | None = None,
) -> MoveResult:
    """GET the lead, PUT its new statuses (if they change) through the one write path.

    ``expected_from``: the board column the person saw the lead in. When someone else moved
    the lead meanwhile (it is in another column now, not the target), nothing is written:
    ``MovedMeanwhile`` says where it is. Raises TaskipError (NotFound, ValidationError,
    RateLimited, ...) when TaskIP refused or the outcome is not confirmed, for the view to show."""
    statuses = reference.statuses()
    order_of = status_order(statuses)
    if target_status_id is not None and target_status_id not in order_of:
        # A status the reference list does not know: refresh it once (maybe just created).
        statuses = [a for a in reference.attributes(refresh=True) if a.type == reference.STATUS]
        order_of = status_order(statuses)
        if target_status_id not in order_of:
            raise UnknownStatus(target_status_id)
    from leads import services

    lead = services.lead_get(lead_id=lead_id, refresh=True).value  # what TaskIP holds now
    placing = _placing_id(lead, order_of)
    if expected_from:
        now_key = NO_STATUS if placing is None else f"s{placing}"
        if now_key != expected_from and placing != target_status_id:
            name = (
                "No status"
                if placing is None
                else next((s.name for s in (*statuses, *lead.statuses) if s.id == placing), "another stage")
            )
            raise MovedMeanwhile(lead, name)
    old, new = status_payload(lead, target_status_id, order_of)
    if sorted(old) == sorted(new) and placing == target_status_id:
        return MoveResult(lead, old, old)
    first_name = lead.first_name if lead.first_name and lead.first_name.strip() else None
    if first_name is None:
        raise MissingFirstName(lead_id)
    known = {a.id: a for a in (*statuses, *lead.statuses)}
    base = lead if all(i in known for i in new) else None
    outcome = services.lead_update(
        actor=actor,
        lead_id=lead_id,
        payload={"first_name": first_name, "status_ids": new},
        changes={"status_ids": [old, new]},
        label=lead.display_name,
        kind="lead.move",
        base=base,
    )
    if not outcome.saved:
        error = outcome.error
        if outcome.unconfirmed:
            raise NotConfirmed(outcome.unconfirmed_message("the move"))
        raise error
    return MoveResult(lead, old, new)


def _placing_id(lead: Lead, order_of: dict[int, int]) -> int | None:
    s = placing_status(lead, order_of)
    return s.id if s else None


class UnknownStatus(ValueError):
    def __init__(self, status_id):
        super().__init__(f"Status {status_id} no longer exists. Reload the board to see the current stages.")
        self.message = str(self)


class MovedMeanwhile(ValueError):
    def __init__(self, lead: Lead, where: str):
        super().__init__(
            f"Someone else moved {lead.display_name} to {where} meanwhile, so it was not moved. "
            "Reload the board to see where every lead is now."
        )
        self.message = str(self)
        self.lead = lead


class NotConfirmed(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MissingFirstName(ValueError):
    def __init__(self, lead_id):
        super().__init__(
            "This lead has no first name in TaskIP, which TaskIP requires to save any change. "
            "Open the lead and give it a first name first."
        )
        self.message = str(self)
