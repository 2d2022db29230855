"""The one write path: every write the dashboard makes to TaskIP goes through ``perform``.

In order, ``perform(kind, ...)``:

1. **claims** the submission's idempotency token (a form's hidden token) with a unique row in
   the dashboard's database (``crmui.models.WriteClaim``), shared by every worker and server.
   A second request with the same token does not write: it waits for the first and is told
   what the first one did;
2. **calls** the TaskIP client (the ``call`` the service passes in);
3. **settles an unknown outcome**: when the failure says the request may have reached TaskIP
   (``TaskipError.may_have_reached``: a read timeout, a lost connection, a garbled 2xx, a 5xx)
   it reads back with the ``check`` the service passes in (a lead or contact by email, a note
   by its text, a status by name and type, a file by name and size, an update by comparing
   what was sent with what TaskIP holds, a delete by 404). Only when that read fails too is
   the outcome "not confirmed yet";
4. **records** the audit entry (ok / failed / unknown);
5. **applies the cache effects** declared for the write kind in ``EFFECTS`` (below);
6. returns an ``Outcome`` that the view renders.

A resend of a submission whose outcome was not confirmed reads back first and writes only if
TaskIP does not hold it: the same submission never writes twice.

``EFFECTS`` is the one table of what each write kind does to the cache. An effect is a
callable ``effect(outcome, ctx)``; ``invalidates("leads", "lead:{lead_id}")`` builds one that
bumps namespaces (``{name}`` filled from the write's ``ctx``). Another module may add an
effect with ``add_effect(kind, fn)`` (e.g. patching a changed lead into the lead snapshot).
"""

from __future__ import annotations

import contextvars
import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from crmui import cache as cache_mod
from crmui import tally
from crmui.taskip import TaskipError
from crmui.taskip import errors as taskip_errors

log = logging.getLogger("crmui.writes")

SAVED = "saved"
NOT_SAVED = "not_saved"
UNCONFIRMED = "unconfirmed"

# A claim older than this that is still "pending" belongs to a request that died mid-way.
PENDING_STALE_SECONDS = 120
CLAIM_KEEP_DAYS = 2

# Who holds the claims taken in this context (a job's lease, set by the job runner). A pending
# claim whose holder is known dead (its check says so) is taken over at once and settled by
# reading back, instead of waiting PENDING_STALE_SECONDS: a killed worker's half-done step does
# not hold its job up.
_holder: contextvars.ContextVar[str] = contextvars.ContextVar("write_claim_holder", default="")
_holder_checks: dict[str, Callable[[str], bool]] = {}


def register_holder_check(prefix: str, alive: Callable[[str], bool]) -> None:
    """``alive(holder)`` says whether a holder named ``prefix...`` may still be writing."""
    _holder_checks[prefix] = alive


@contextmanager
def claims_held_by(holder: str):
    token = _holder.set(holder[:120])
    try:
        yield
    finally:
        _holder.reset(token)


def _holder_gone(holder: str) -> bool:
    for prefix, alive in _holder_checks.items():
        if holder and holder.startswith(prefix):
            return not alive(holder)
    return False


# --------------------------------------------------------------------------- the outcome
@dataclass
class Outcome:
    """What happened to one write, for the view to render.

    ``state``: SAVED, NOT_SAVED or UNCONFIRMED. ``value``: TaskIP's answer (or what the
    read-back found). ``error``: the TaskipError when not saved / not confirmed. ``checked``:
    the outcome was settled by reading TaskIP back after the answer was lost. ``replay``: this
    submission had already been made (same token); nothing was written now. ``result``: the
    small JSON-able result remembered for replays (e.g. the new record's id).
    """

    kind: str
    state: str
    value: Any = None
    error: TaskipError | None = None
    checked: bool = False
    replay: bool = False
    result: Any = None
    pending_elsewhere: bool = False

    @property
    def saved(self) -> bool:
        return self.state == SAVED

    @property
    def not_saved(self) -> bool:
        return self.state == NOT_SAVED

    @property
    def unconfirmed(self) -> bool:
        return self.state == UNCONFIRMED

    def not_saved_note(self) -> str:
        """The sentence that follows the error's own message when nothing was saved."""
        if self.checked:
            return "Nothing was saved (the dashboard checked with TaskIP)."
        return "Nothing was saved."

    def unconfirmed_message(self, what: str = "this", done: str = "saved") -> str:
        """TaskIP may or may not have done it, and could not be asked: say so, and that a
        resend of the same form is safe."""
        if self.pending_elsewhere:
            return (
                f"The first click is still working on {what}. Wait a moment and look before sending it "
                f"again; sending this same form again will not do it twice."
            )
        reason = (self.error.message if self.error is not None else "").rstrip(".")
        return (
            f"TaskIP's answer was lost{f' ({reason})' if reason else ''}, so it is not confirmed yet whether "
            f"{what} was {done}, and TaskIP could not be asked just now. Look before sending it again; "
            f"sending this same form again will not do it twice."
        )


@dataclass
class Found:
    """What a read-back found: ``held`` True when TaskIP holds the write, False when it
    certainly does not. ``value`` is the record found (a created lead, the note...)."""

    held: bool
    value: Any = None
    result: Any = None


# --------------------------------------------------------------------------- the cache effects
Effect = Callable[["Outcome", dict], None]


def invalidates(*namespaces: str) -> Effect:
    """An effect that makes these cache namespaces stale; ``{name}`` is filled from ctx
    (a name whose value is a list gives one namespace per item)."""

    def effect(outcome: Outcome, ctx: dict) -> None:
        out: list[str] = []
        for ns in namespaces:
            if "{" not in ns:
                out.append(ns)
                continue
            name = ns[ns.index("{") + 1 : ns.index("}")]
            value = ctx.get(name)
            if value is None:
                continue
            for v in value if isinstance(value, (list, tuple, set)) else [value]:
                out.append(ns.replace("{" + name + "}", str(v)))
        if out:
            cache_mod.invalidate(*out)

    effect.namespaces = namespaces  # type: ignore[attr-defined]
    effect.__name__ = "invalidates(" + ", ".join(namespaces) + ")"
    return effect


def _write_through(outcome: Outcome, ctx: dict) -> None:
    """Runs the service's own write-through (``ctx["write_through"]``: put the new value in
    the cache so the page shown next costs no read). Only after a confirmed save."""
    fn = ctx.get("write_through")
    if fn is not None and outcome.saved and not outcome.replay:
        fn(outcome)


write_through: Effect = _write_through

# kind -> (audit action, object type, [effects]). Effects run after every outcome that may have
# changed TaskIP (saved or not confirmed); a write TaskIP refused changes nothing.
LEADS = invalidates("leads", "lead:{lead_id}")
EFFECTS: dict[str, list[Effect]] = {
    "lead.create": [invalidates("leads")],
    "lead.update": [LEADS, write_through],
    "lead.move": [LEADS, write_through],
    "lead.delete": [LEADS],
    "lead.bulk_delete": [invalidates("leads", "lead-records", "lead:{lead_ids}")],
    "lead.convert": [LEADS, invalidates("contacts")],
    # TaskIP adds a sent email to the lead's activity timeline
    "lead.email": [invalidates("lead:{lead_id}")],
    # A note shows at once in its own panel (written through); the lead's activity timeline
    # catches up when its cached copy expires. A note does not refetch every lead list.
    "note.create": [invalidates("notes:{lead_id}"), write_through],
    "note.update": [invalidates("notes:{lead_id}"), write_through],
    "note.delete": [invalidates("notes:{lead_id}"), write_through],
    "file.upload": [invalidates("files:{lead_id}", "lead:{lead_id}")],
    "file.delete": [invalidates("files:{lead_id}", "lead:{lead_id}")],
    # Lead lists and boards embed attribute names and colours; every lead's detail too.
    "attribute.create": [invalidates("attributes", "leads")],
    "attribute.update": [invalidates("attributes", "leads", "lead-records")],
    "attribute.delete": [invalidates("attributes", "leads", "lead-records")],
    "attribute.reorder": [invalidates("attributes", "leads")],
    "contact.create": [invalidates("contacts")],
    "contact.update": [invalidates("contacts", "contact:{contact_id}")],
    "contact.delete": [invalidates("contacts", "contact:{contact_id}")],
    "contact.bulk_delete": [invalidates("contacts", "contact:{contact_ids}")],
    "contact.invite": [invalidates("contacts", "contact:{contact_id}")],
}

OBJECT_TYPES = {"lead": "lead", "note": "note", "file": "file", "attribute": "attribute", "contact": "contact"}


def add_effect(kind: str, effect: Effect) -> None:
    """Declare one more effect of a write kind (runs after the ones above)."""
    EFFECTS.setdefault(kind, []).append(effect)


def _apply_effects(kind: str, outcome: Outcome, ctx: dict) -> None:
    for effect in EFFECTS.get(kind, ()):
        try:
            effect(outcome, ctx)
        except Exception:  # a cache hiccup must not turn a saved write into an error page
            log.exception("write effect %s of %s failed", getattr(effect, "__name__", effect), kind)


# --------------------------------------------------------------------------- the audit hook
# Set by the audit app (audit/apps.py) so this module needs no import of an app.
_auditor: Callable[..., None] | None = None


def set_auditor(fn: Callable[..., None] | None) -> None:
    global _auditor
    _auditor = fn


def _audit(actor, kind: str, outcome: Outcome, *, object_id, changes, label, message: str = "") -> None:
    if _auditor is None:
        return
    exc = outcome.error
    state = {SAVED: "ok", NOT_SAVED: "failed", UNCONFIRMED: "unknown"}[outcome.state]
    if exc is not None and not message:
        message = type(exc).__name__ + ": " + (exc.message or "")
    if outcome.checked:
        message = "TaskIP's answer was lost; read back: " + ("saved. " if outcome.saved else "not saved. ") + message
    _auditor(
        actor,
        kind,
        OBJECT_TYPES.get(kind.split(".")[0], kind.split(".")[0]),
        object_id,
        changes=changes,
        outcome=state,
        api_status=getattr(exc, "status", None) if exc is not None else 200,
        message=message,
        label=label,
    )


# --------------------------------------------------------------------------- the claim
def _claim_key(kind: str, actor, token: str) -> str:
    return f"{kind}:{getattr(actor, 'pk', None) or '-'}:{token}"[:200]


def _claim(key: str) -> tuple[str, Any]:
    """See ``_claim_once``; a database busy with another writer (SQLite) is waited for."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return _claim_once(key)
        except OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05 + random.random() * 0.1)


def _claim_once(key: str) -> tuple[str, Any]:
    """('go', None) when this request may write; ('saved', result) when an earlier request
    with this token saved it; ('unknown', None) when an earlier outcome was not confirmed and
    this request took the claim over to check; ('pending', None) when another request is
    writing it now."""
    from crmui.models import WriteClaim

    if random.random() < 0.01:
        WriteClaim.objects.filter(created_at__lt=timezone.now() - timedelta(days=CLAIM_KEEP_DAYS)).delete()
    try:
        with transaction.atomic():
            WriteClaim.objects.create(key=key, state=WriteClaim.PENDING, holder=_holder.get())
        return "go", None
    except IntegrityError:
        pass
    row = WriteClaim.objects.filter(key=key).values("state", "result", "updated_at", "holder").first()
    if row is None:  # released in between: try once more
        try:
            with transaction.atomic():
                WriteClaim.objects.create(key=key, state=WriteClaim.PENDING, holder=_holder.get())
            return "go", None
        except IntegrityError:
            return "pending", None
    if row["state"] == WriteClaim.SAVED:
        return "saved", row["result"]
    stale = row["updated_at"] < timezone.now() - timedelta(seconds=PENDING_STALE_SECONDS)
    if row["state"] == WriteClaim.UNKNOWN or stale or _holder_gone(row["holder"]):
        # take it over atomically (compare-and-set): one request checks, the others wait
        taken = WriteClaim.objects.filter(key=key, state=row["state"], updated_at=row["updated_at"]).update(
            state=WriteClaim.PENDING, updated_at=timezone.now(), holder=_holder.get()
        )
        if taken:
            return "unknown", None
    return "pending", None


def _claimed_at(key: str) -> float | None:
    from crmui.models import WriteClaim

    at = WriteClaim.objects.filter(key=key).values_list("created_at", flat=True).first()
    return at.timestamp() if at is not None else None


def _wait_for_claim(key: str, seconds: float) -> tuple[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        status, result = _claim(key)
        if status != "pending" or time.monotonic() >= deadline:
            return status, result
        time.sleep(0.15)


def _settle_claim(key: str | None, outcome: Outcome) -> None:
    if key is None:
        return
    deadline = time.monotonic() + 10
    while True:
        try:
            return _settle_claim_once(key, outcome)
        except OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05 + random.random() * 0.1)


def _settle_claim_once(key: str, outcome: Outcome) -> None:
    from crmui.models import WriteClaim

    if outcome.saved:
        WriteClaim.objects.filter(key=key).update(
            state=WriteClaim.SAVED, result=_jsonable(outcome.result), updated_at=timezone.now()
        )
    elif outcome.unconfirmed:
        WriteClaim.objects.filter(key=key).update(state=WriteClaim.UNKNOWN, updated_at=timezone.now())
    else:
        WriteClaim.objects.filter(key=key).delete()  # nothing was written: a resend may go ahead


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


def _wait_seconds() -> float:
    connect = getattr(settings, "TASKIP_CONNECT_TIMEOUT", 3.05)
    read = getattr(settings, "TASKIP_READ_TIMEOUT", 15.0)
    return min(60.0, 2 * (connect + read) + 2)


# --------------------------------------------------------------------------- reading back
_first_attempt: contextvars.ContextVar[float | None] = contextvars.ContextVar("write_first_attempt", default=None)


def first_attempt_at(default: float) -> float:
    """When this submission was first attempted (its claim's time; a resend's check looks
    for records made since then), else ``default``."""
    value = _first_attempt.get()
    return value if value is not None else default


@contextmanager
def reading_back():
    """Reads made to settle a write go straight to TaskIP (no cached copy) and get their own
    short deadline (the page's may be spent by the write that timed out)."""
    token = cache_mod._in_fetch.set(True)
    current = tally.current_tally()
    old = current.deadline if current is not None else None
    if current is not None:
        current.deadline = time.monotonic() + getattr(settings, "TASKIP_SETTLE_SECONDS", 10.0)
    try:
        yield
    finally:
        cache_mod._in_fetch.reset(token)
        if current is not None:
            current.deadline = old


def _settle(check: Callable[[], Found] | None) -> Found | None:
    """Ask TaskIP whether the write landed. None when it cannot be asked (or no check)."""
    if check is None:
        return None
    try:
        with reading_back():
            return check()  # None: TaskIP cannot tell (e.g. an invitation leaves no trace)
    except TaskipError as exc:
        log.warning("could not read back an unknown write outcome: %s", exc)
        return None


# --------------------------------------------------------------------------- perform
def perform(
    kind: str,
    *,
    actor,
    call: Callable[[], Any],
    check: Callable[[], Found] | None = None,
    token: str | None = None,
    object_id: Any = None,
    changes: dict | None = None,
    label: str = "",
    ctx: dict | None = None,
    result: Callable[[Any], Any] | None = None,
    label_of: Callable[[Any], str] | None = None,
    id_of: Callable[[Any], Any] | None = None,
    guard: Callable[[], None] | None = None,
) -> Outcome:
    """Make one write. See the module docstring for the steps.

    ``call``: makes the TaskIP call and returns its answer. ``check``: reads TaskIP back and
    returns ``Found`` (used after an unknown outcome, and on a resend of an unconfirmed
    submission). ``token``: the submission's idempotency token (None: no claim). ``ctx``: what
    the cache effects need (``lead_id``, ``contact_id``, ``write_through``...). ``result``:
    what to remember for a replay (default: the answer's ``id``). ``id_of`` / ``label_of``:
    the audit entry's object id / label from the answer (creates). ``guard``: the dashboard's
    own refusal (e.g. a duplicate status name), run only when this request is about to write
    (a replay of a saved submission is not refused); what it raises is raised, the claim freed.
    """
    ctx = dict(ctx or {})
    if object_id is not None:
        ctx.setdefault("object_id", object_id)
    result_of = result or (lambda value: getattr(value, "id", None))
    key = _claim_key(kind, actor, token) if token else None
    prior_unknown = False
    if key is not None:
        status, remembered = _claim(key)
        _first_attempt.set(_claimed_at(key))
        if status == "pending":
            status, remembered = _wait_for_claim(key, _wait_seconds())
        if status == "saved":
            return Outcome(kind, SAVED, replay=True, result=remembered)
        if status == "pending":
            return Outcome(kind, UNCONFIRMED, pending_elsewhere=True)
        prior_unknown = status == "unknown"

    outcome: Outcome | None = None
    if prior_unknown:
        # The last attempt of this very submission was not confirmed: check before writing.
        found = _settle(check)
        if found is None:
            outcome = Outcome(
                kind,
                UNCONFIRMED,
                error=taskip_errors.TaskipConnectionError(
                    "TaskIP could not be asked whether the first attempt was saved."
                ),
            )
        elif found.held:
            outcome = Outcome(
                kind,
                SAVED,
                value=found.value,
                checked=True,
                result=found.result if found.result is not None else result_of(found.value),
            )
    if outcome is None:
        if guard is not None:
            try:
                guard()
            except Exception:
                _settle_claim(key, Outcome(kind, NOT_SAVED))
                raise
        outcome = _call(kind, call, check, result_of)

    value = outcome.value
    audit_id = object_id
    if outcome.saved and value is not None and id_of is not None:
        audit_id = id_of(value)
    audit_label = label
    if outcome.saved and value is not None and label_of is not None:
        audit_label = label_of(value) or label
    _audit(actor, kind, outcome, object_id=audit_id, changes=changes, label=audit_label)
    _settle_claim(key, outcome)
    if not (outcome.not_saved and not outcome.checked and not _may_have_reached(outcome.error)):
        _apply_effects(kind, outcome, ctx)
    return outcome


def _may_have_reached(exc: TaskipError | None) -> bool:
    return bool(exc is not None and getattr(exc, "may_have_reached", False))


def _call(kind: str, call: Callable[[], Any], check, result_of) -> Outcome:
    try:
        value = call()
    except TaskipError as exc:
        if not exc.may_have_reached:
            return Outcome(kind, NOT_SAVED, error=exc)
        found = _settle(check)
        if found is None:
            return Outcome(kind, UNCONFIRMED, error=exc)
        if found.held:
            return Outcome(
                kind,
                SAVED,
                value=found.value,
                error=None,
                checked=True,
                result=found.result if found.result is not None else result_of(found.value),
            )
        return Outcome(kind, NOT_SAVED, error=exc, checked=True)
    return Outcome(kind, SAVED, value=value, result=result_of(value))


# --------------------------------------------------------------------------- read-back helpers
def found_if(value: Any) -> Found:
    """Found(held=True) with the value when there is one, else Found(held=False)."""
    return Found(True, value) if value is not None else Found(False)


def gone(get: Callable[[], Any]) -> Found:
    """A delete's read-back: a 404 means it is gone (held); the record still there, not."""
    try:
        get()
    except taskip_errors.NotFound:
        return Found(True)
    return Found(False)


def since_cutoff(started: float) -> datetime:
    """Records created after this (a minute's slack for clock skew) may be this write's."""
    return datetime.fromtimestamp(started, tz=UTC) - timedelta(seconds=60)


# --------------------------------------------------------------------------- no lost updates
def canon(value: Any) -> Any:
    """One comparable, JSON-able form of a field value (what was loaded, typed or is held)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value, "f")
    if isinstance(value, (int, float)):
        return canon(Decimal(str(value)))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): canon(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))} or None
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [canon(v) for v in value]
        if not items:
            return None
        if all(not isinstance(i, (dict, list)) for i in items):
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return str(value).strip() or None


def snapshot(values: dict) -> str:
    """What an edit form carries in a hidden field: the record's values as loaded."""
    return json.dumps({k: canon(v) for k, v in values.items()}, sort_keys=True, separators=(",", ":"))


def read_snapshot(raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@dataclass
class Merge:
    """A three-way comparison of what was loaded, what this person typed and what TaskIP holds.

    ``mine``: fields this person changed (send them). ``conflicts``: fields both changed to
    different values: {field: (mine, theirs)}. ``theirs``: fields only someone else changed
    (kept, not sent)."""

    mine: set[str] = field(default_factory=set)
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    theirs: set[str] = field(default_factory=set)


def three_way(
    *, loaded: dict, typed: dict, held: dict, fields: Iterable[str] | None = None, seen: dict | None = None
) -> Merge:
    """``loaded``: snapshot values (already canon). ``typed``/``held``: raw values. ``seen``:
    the other values this person was shown in a conflict and chose to override (canon)."""
    seen = seen or {}
    merge = Merge()
    for name in fields if fields is not None else typed.keys():
        base = loaded.get(name)
        mine = canon(typed.get(name))
        theirs = canon(held.get(name))
        if mine == theirs:
            continue  # TaskIP already holds what this person wants (or they took the other value)
        if mine != base:
            if theirs == base:
                merge.mine.add(name)
            elif name in seen and seen[name] == theirs:
                merge.mine.add(name)  # they saw the other value and kept theirs
            else:
                merge.conflicts[name] = (mine, theirs)
        elif theirs != base:
            merge.theirs.add(name)
    return merge


def resolve_edit(*, form, post, loaded: dict, typed: dict, held: dict, fields: Iterable[str]) -> Merge:
    """The edit form's side of no-lost-updates: apply the choices made in a conflict box
    (``keep_<field>`` = "theirs" takes what TaskIP holds) and the other values this person was
    shown (``seen``), then compare. Used by the lead and contact edit views."""
    typed = dict(typed)
    for name in fields:
        if post.get(f"keep_{name}") == "theirs":
            typed[name] = held.get(name)
    return three_way(loaded=loaded, typed=typed, held=held, fields=fields, seen=read_snapshot(post.get("seen")) or {})


def conflict_rows(form, merge: Merge, labels: dict | None = None) -> list[dict]:
    """Rows for templates/_conflicts.html: the field's label, their value and this person's,
    shown as the form shows them (choice labels for ids)."""
    labels = labels or {}
    rows = []
    for name, (mine, theirs) in merge.conflicts.items():
        f = form.fields.get(name)
        rows.append(
            {
                "field": name,
                "label": labels.get(name) or (str(f.label) if f is not None and f.label else name),
                "mine": _shown(f, mine),
                "theirs": _shown(f, theirs),
            }
        )
    return rows


def _shown(form_field, value: Any) -> str:
    if value is None:
        return "(empty)"
    choices = {}
    for key, label in getattr(form_field, "choices", None) or ():
        if isinstance(label, (list, tuple)):
            choices.update({str(k): str(v) for k, v in label})
        else:
            choices[str(key)] = str(label)
    if isinstance(value, list):
        return ", ".join(
            _shown(form_field, v) if not isinstance(v, dict) else f"{v.get('key')}: {v.get('value')}" for v in value
        )
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return choices.get(str(value), str(value))


def seen_of(merge: Merge) -> str:
    """The hidden ``seen`` value after a conflict: the other values this person was shown."""
    return json.dumps({name: theirs for name, (_, theirs) in merge.conflicts.items()}, sort_keys=True)


__all__ = [
    "SAVED",
    "NOT_SAVED",
    "UNCONFIRMED",
    "Outcome",
    "Found",
    "EFFECTS",
    "add_effect",
    "invalidates",
    "write_through",
    "perform",
    "set_auditor",
    "reading_back",
    "found_if",
    "gone",
    "canon",
    "snapshot",
    "read_snapshot",
    "Merge",
    "three_way",
]
