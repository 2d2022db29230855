"""The lead snapshot: every lead in ONE call (``GET /lead?item=0``), the one copy the lead list,
the board, the overview, the export and the lead page's fields are served from.

How it stays fresh without a page waiting for it:

* **In the background.** ``refresh_if_due()`` (the job worker's periodic task; pages kick it in a
  thread too when no worker has) fetches a new copy when the current one is older than
  ``refresh_interval()``: 80 % of ``LEADS_SNAPSHOT_SECONDS`` (so a change made in TaskIP's own
  screens shows within that lifetime), stretched when TaskIP's hourly budget runs low, and only
  while somebody is looking (a page read it within the last two lifetimes): a quiet night costs
  nothing. One process fetches at a time (a cache lock), so thirty people opening the dashboard
  at 9:00 cost one call, not thirty.
* **Writes patch it.** A write made through the dashboard puts the changed lead (or its removal)
  into a small shared patch list applied on every read, so the change shows at once on every
  server, without a refetch; the next fetch that started after the write supersedes the patch.
  A write whose effect cannot be patched (a status renamed, an import) marks the snapshot
  ``stale()``: it is fetched again in the background at once.
* **Cold.** With no copy at all (a fresh start) a page waits at most ``LEADS_SNAPSHOT_WAIT``
  seconds for the first fetch, then goes on without it (the list asks TaskIP for its one page).

The big value (every lead) is read from the shared cache only when its stamp changed; each
process keeps the unpickled copy it last read (one, not one per query), and what pages derive
from it (a filtered cut, board columns, the overview) is memoised per copy and query.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

from crmui import api
from crmui import tally as tally_mod
from crmui.cache import direct_reads, invalidate, version_of
from crmui.errors import user_message
from crmui.taskip import Lead, TaskipError
from crmui.timescale import scaled, scaled_ttl
from leads.patching import patched_lead

log = logging.getLogger("leads.snapshot")

BASE_KEY = "snap:leads:base"  # (leads, fetched_at, started_at): the big value
STAMP_KEY = "snap:leads:stamp"  # fetched_at of BASE_KEY: cheap to read on every page
PATCHES_KEY = "snap:leads:patches"  # {"v": version, "items": {lead_id: (Lead | None, written_at)}}
VIEWED_KEY = "snap:leads:viewed"  # when a page last read the snapshot
GEN_KEY = "snap:leads:generation"  # version_of(STALE_NAMESPACE) when the copy's fetch started
# A write the snapshot cannot be patched with invalidates this namespace (crmui.api does it for
# a status renamed, a bulk delete, a lead write whose outcome is unknown; ``stale()`` for the
# rest; the budget page's "forget saved copies" invalidates every namespace).
STALE_NAMESPACE = "lead-snapshot"
LOCK_KEY = "snap:leads:fetching"  # held while a fetch runs; its value: when it started (Unix time)
TOOK_KEY = "snap:leads:took"  # how long the last fetch took (seconds): a big workspace's takes long
BIG_KEY = "snap:leads:big"  # before any fetch finished: a page's probe found the workspace big
FAILED_KEY = "snap:leads:failed"  # what a page says of the last fetch nobody waited for, which failed
PATCH_LOCK_KEY = "snap:leads:patch-lock"


def lifetime() -> float:
    """Real seconds a copy may be shown as current (``LEADS_SNAPSHOT_SECONDS`` / TIME_SCALE)."""
    return scaled(getattr(settings, "LEADS_SNAPSHOT_SECONDS", 300))


def refresh_interval() -> float:
    """How old a copy may get before the background fetches the next one: 80 % of its lifetime
    (so it is replaced before it expires); four lifetimes while less than
    ``TASKIP_BUDGET_LOW_FRACTION`` of TaskIP's hourly budget is left (the pages then show the last
    copy marked as a saved copy, and say the budget is low)."""
    if tally_mod.budget_low():
        return 4 * lifetime()  # pages show the last copy, marked as saved, meanwhile
    return 0.8 * lifetime()


@dataclass
class Snapshot:
    leads: tuple[Lead, ...]
    fetched_at: float
    started_at: float
    version: tuple = ()
    _by_id: dict | None = field(default=None, repr=False)

    @property
    def age(self) -> float:
        return max(0.0, time.time() - self.fetched_at)

    def get(self, lead_id: int) -> Lead | None:
        if self._by_id is None:
            self._by_id = {lead.id: lead for lead in self.leads if lead.id is not None}
        return self._by_id.get(int(lead_id))


# ------------------------------------------------------------------------ per-process memo
_lock = threading.Lock()
# One thread of a process unpickles a new copy; the others wait for it (16 threads each
# unpickling 50,000 leads at once took a web worker to 900 MB).
_load_lock = threading.Lock()
_base: Snapshot | None = None  # the last base copy this process unpickled (or fetched)
_storing: Snapshot | None = None  # a copy this process fetched, on its way into the shared cache
_patched: Snapshot | None = None  # ... with the patches of _patched.version applied
_derived: OrderedDict[tuple, Any] = OrderedDict()
_DERIVED_SIZE = 32


_threads: list[threading.Thread] = []


def _join_all(timeout: float) -> None:
    """Wait for this process's fetch and store threads, those a fetch starts while it is waited
    for included (a fetch thread starts its store thread when it ends)."""
    deadline = time.monotonic() + timeout
    while (alive := [t for t in list(_threads) if t.is_alive()]) and time.monotonic() < deadline:
        alive[0].join(timeout=max(0.0, deadline - time.monotonic()))


def flush(timeout: float = 120.0) -> None:
    """Wait until what this process fetched is in the shared cache (a short-lived process, e.g. a
    script, before it exits)."""
    _join_all(timeout)


def forget() -> None:
    """Drop this process's copies, after any background fetch of this process ended (tests)."""
    global _base, _patched, _storing
    _join_all(30)
    _threads.clear()
    with _lock:
        _base = _patched = _storing = None
        _derived.clear()


def derived(snap: Snapshot, what: str, parts: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` memoised per snapshot version and (what, parts): a filtered cut, board
    columns or the overview are computed once per copy and query in each process."""
    key = (snap.version, what, repr(parts))
    with _lock:
        if key in _derived:
            _derived.move_to_end(key)
            return _derived[key]
    value = compute()
    with _lock:
        for old in [k for k in _derived if k[0][:1] != snap.version[:1]]:
            del _derived[old]  # a newer copy was fetched: let the old one's leads go
        _derived[key] = value
        while len(_derived) > _DERIVED_SIZE:
            _derived.popitem(last=False)
    return value


def _apply(base: Snapshot, patches: dict) -> Snapshot:
    items = {i: lead for i, (lead, at) in (patches.get("items") or {}).items() if at >= base.started_at}
    version = (base.fetched_at, patches.get("v", 0))
    if not items:
        return Snapshot(base.leads, base.fetched_at, base.started_at, version)
    have = set()
    kept = []
    for lead in base.leads:
        have.add(lead.id)
        if lead.id in items:
            if items[lead.id] is not None:
                kept.append(items[lead.id])
        else:
            kept.append(lead)
    created = [lead for i, lead in items.items() if lead is not None and i not in have]
    created.sort(key=lambda lead: (lead.created_at is not None, lead.created_at, lead.id or 0), reverse=True)
    return Snapshot(tuple(created) + tuple(kept), base.fetched_at, base.started_at, version)


def read() -> Snapshot | None:
    """The current copy with the patches applied, or None when there is none yet. Never calls
    TaskIP."""
    global _base, _patched
    got = cache.get_many([STAMP_KEY, PATCHES_KEY])
    stamp = got.get(STAMP_KEY)
    with _lock:  # a copy this process fetched and is still putting into the shared cache is newer
        storing = _storing if _storing is not None and (stamp is None or _storing.fetched_at > stamp) else None
    if storing is not None:
        stamp = storing.fetched_at
    if stamp is None:
        return None
    patches = got.get(PATCHES_KEY) or {}
    version = (stamp, patches.get("v", 0))
    with _lock:
        if _patched is not None and _patched.version == version:
            return _patched
        base = storing or (_base if _base is not None and _base.fetched_at == stamp else None)
    if base is None:
        with _load_lock:
            with _lock:  # another thread may have loaded it while this one waited
                base = _base if _base is not None and _base.fetched_at == stamp else None
            if base is None:
                entry = cache.get(BASE_KEY)
                if entry is None:
                    return None
                base = Snapshot(entry[0], entry[1], entry[2])
                with _lock:
                    _base = base
    snap = _apply(base, patches)
    with _lock:  # (_base was set where it was loaded)
        _patched = snap
    return snap


# ------------------------------------------------------------------------------- fetching
# The longest a copy's store waits for the page that fetched it to answer (a page's response that
# is never closed must not keep the other processes from the copy).
HOLD_SECONDS = 10.0


def fetch(*, for_this_page: bool = False) -> Snapshot | None:
    """Fetch a new copy now (ONE call), unless another process is already fetching (then None).
    ``for_this_page``: a page shows it, so storing it for the other processes waits until the
    page has answered. Raises TaskipError when TaskIP fails."""
    if not cache.add(LOCK_KEY, time.time(), scaled_ttl(120)):
        return None
    hold = threading.Event() if for_this_page else None
    try:
        snap = _fetch_locked(hold)  # its store releases the lock
    except BaseException:
        cache.delete(LOCK_KEY)
        raise
    if hold is not None:
        tally_mod.after_response(hold.set)
    return snap


def _fetch_locked(hold: threading.Event | None = None) -> Snapshot:
    """Every lead, in ONE call, while the caller holds ``LOCK_KEY``. The copy is this process's at
    once (the page that asked goes on with it); putting it into the shared cache (pickling every
    lead: about a second at 50,000) happens in a thread of its own (``_store``), which releases
    the lock when the copy is there for every process. With ``hold`` the store starts when it is
    set (the page that waited for the copy has answered: pickling holds the GIL, and would slow
    that page's own work on the copy three times over at 50,000 leads), or after
    ``HOLD_SECONDS``."""
    global _base, _storing
    started = time.time()
    generation = version_of(STALE_NAMESPACE)  # before the call: a write during it makes it stale
    with direct_reads():
        leads = tuple(api.client().leads.list(item=0).items)
    snap = Snapshot(leads, time.time(), started)
    with _lock:
        _base = _storing = snap
    # not a daemon: a worker that exits (gunicorn's max_requests) finishes storing first (about
    # a second at 50,000 leads) instead of leaving the fetch lock held until it expires
    thread = threading.Thread(target=_store, args=(snap, generation, hold), name="lead-snapshot-store", daemon=False)
    thread.start()  # then listed: its starter is alive until then, so flush() cannot miss it
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    return read()


def _store(snap: Snapshot, generation: str, hold: threading.Event | None = None) -> None:
    """Put a copy this process fetched into the shared cache, the big value before the stamp that
    names it; drop the patches it supersedes; release the fetch lock. Waits for ``hold`` first
    (at most ``HOLD_SECONDS``)."""
    global _storing
    if hold is not None:
        hold.wait(HOLD_SECONDS)
    try:
        cache.set(BASE_KEY, (snap.leads, snap.fetched_at, snap.started_at), None)
        took = snap.fetched_at - snap.started_at
        cache.set_many({TOOK_KEY: took, GEN_KEY: generation, STAMP_KEY: snap.fetched_at}, None)
        cache.delete(FAILED_KEY)
        _edit_patches(lambda items: [items.pop(i) for i, (_, at) in list(items.items()) if at < snap.started_at])
    except Exception:  # the shared cache failed: the next fetch tries again
        log.exception("storing the lead snapshot failed")
    finally:
        with _lock:
            if _storing is snap:
                _storing = None
        cache.delete(LOCK_KEY)


def _start_fetch(*, for_this_page: bool = False) -> dict | None:
    """Take the fetch lock and fetch in a thread of this process; None when a fetch is already
    running somewhere (the lock is shared). The dict returned gets ``snap`` or ``error``, the
    fetch's ``tally`` (its calls), and ``done`` (an Event) is set when it ended.
    ``for_this_page``: the page may wait for the copy, and sets ``hold`` (an Event) when the
    copy may be stored (``_fetch_locked``)."""
    if not cache.add(LOCK_KEY, time.time(), scaled_ttl(120)):
        return None
    hold = threading.Event() if for_this_page else None
    outcome: dict = {"done": threading.Event(), "hold": hold}

    def run():
        own = tally_mod.begin_tally()  # no page deadline: a big workspace takes longer than a page
        try:
            outcome["snap"] = _fetch_locked(hold)  # its store releases the lock
        except TaskipError as exc:
            outcome["error"] = exc
            log.warning("lead snapshot fetch failed: %s", type(exc).__name__)
            # a page with no copy says so (not "on its way" while nothing is; nor asking again)
            cache.set(FAILED_KEY, user_message(exc), scaled_ttl(60))
        except Exception as exc:  # a background thread must not die silently
            outcome["error"] = exc
            log.exception("lead snapshot fetch failed")
        finally:
            if "snap" not in outcome:  # no copy, so no store to release the lock
                cache.delete(LOCK_KEY)
            outcome["tally"] = own
            tally_mod.end_tally()
            outcome["done"].set()

    thread = threading.Thread(target=run, name="lead-snapshot", daemon=True)
    thread.start()  # then listed: its starter is alive until then, so flush() cannot miss it
    _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    return outcome


def _fetch_in_background() -> bool:
    """Start a fetch in a thread of this process (the worker's periodic task does it too; the
    lock makes sure only one runs). False when one is already running."""
    return _start_fetch() is not None


def is_stale() -> bool:
    """A write since the copy's fetch could not be patched into it."""
    return cache.get(GEN_KEY) != version_of(STALE_NAMESPACE)


def is_due(snap: Snapshot | None) -> bool:
    if snap is None or is_stale():
        return True
    return snap.age >= refresh_interval()


def refresh_if_due() -> bool:
    """The worker's periodic task: fetch a new copy when it is due and somebody looked at the
    pages within the last two lifetimes. True when it fetched."""
    viewed = cache.get(VIEWED_KEY)
    if viewed is None or time.time() - viewed > 2 * lifetime():
        return False
    if not is_due(read()):
        return False
    return fetch() is not None


def current(*, wait: float | None = None, own_read: bool = False) -> Snapshot | None:
    """The copy a page shows. A copy within its lifetime is shown at once, and when it is due
    the next one is fetched in the background (no page waits for it). With no copy at all, one
    past its lifetime (nobody looked for a while) or one a write marked stale, the fetch starts
    now and the page waits for it at most ``LEADS_SNAPSHOT_WAIT`` seconds, then goes on with
    what there is (maybe None: the caller asks TaskIP for just what it shows). Raises the
    fetch's TaskipError when there is no copy to fall back on. Decided once per request: the
    page's later reads (and its parallel ones) get the same copy.

    Before the first copy ever (nobody knows yet how long every lead takes to arrive): a page
    that can show itself from a read of its own (``own_read``: the list's one page, a lead's
    page) does not wait at all; any other page waits unless a one-lead read beside the fetch
    finds the workspace big (``LEADS_BIG_AT`` leads or more), in which case it says at once that
    the leads are on their way (``Preparing``)."""
    return tally_mod.once_per_request("leads:snapshot", lambda: _current(wait, own_read))


def _current(wait: float | None, own_read: bool = False) -> Snapshot | None:
    snap = read()
    now = time.time()
    viewed = cache.get(VIEWED_KEY)
    if viewed is None or now - viewed > min(5.0, lifetime() / 10):
        cache.set(VIEWED_KEY, now, None)
    stale = is_stale()
    if snap is not None and not stale and snap.age < lifetime():
        if is_due(snap):
            _fetch_in_background()
        return snap
    if snap is not None and not stale and tally_mod.budget_low():
        # past its lifetime, but TaskIP's hourly budget is nearly spent: the last copy, marked
        _served_saved_copy()
        return snap
    wait = getattr(settings, "LEADS_SNAPSHOT_WAIT", 2.0) if wait is None else wait
    return _fetch_and_wait(snap, wait, own_read)


class Preparing(TaskipError):
    """No copy yet, and TaskIP is still sending every lead (a big workspace takes a while): a
    page that needs all of them (board, overview, export) says so instead of asking TaskIP for
    the same thousands of leads itself. Not a failure of TaskIP: nothing was refused."""

    def __init__(self, left: float | None = None):
        self.left = left
        about = f" (about {int(left)} s left)" if left else ""
        super().__init__(
            f"TaskIP is still sending every lead to the dashboard{about}. Try again in a few seconds; "
            "the list and each lead's page work meanwhile."
        )


class FetchFailed(TaskipError):
    """No copy, and the last fetch of every lead (one nobody waited for) failed within the last
    minute: a page that needs every lead says what went wrong, as a page that waited would."""


@dataclass(frozen=True)
class FetchState:
    """The every-lead fetch as every process sees it, read in one cache round trip."""

    running: float | None  # seconds the fetch running now has been going; None: none runs
    took: float | None  # seconds the last finished fetch took; None: not known yet
    big: bool = False  # no fetch finished yet, and a probe found the workspace big
    failed: str | None = None  # what went wrong with the last fetch, when it failed within a minute

    @property
    def slow(self) -> bool:
        """A fetch runs now that will not be done within a page's wait: the last one took longer
        than ``LEADS_SNAPSHOT_WAIT`` (a big workspace), this one has already run that long, or
        it is the first and the workspace is big."""
        if self.running is None:
            return False
        limit = getattr(settings, "LEADS_SNAPSHOT_WAIT", 2.0)
        if self.took is None:
            return self.big or self.running >= limit
        return self.running >= limit or self.took - self.running > limit

    @property
    def left(self) -> float | None:
        """About how many seconds the running fetch still needs (None: none runs, or not known)."""
        if self.running is None or self.took is None:
            return None
        return max(1.0, self.took - self.running)


def fetch_state() -> FetchState:
    got = cache.get_many([LOCK_KEY, TOOK_KEY, BIG_KEY, FAILED_KEY])
    started, took = got.get(LOCK_KEY), got.get(TOOK_KEY)
    running = max(0.0, time.time() - started) if isinstance(started, float) else None
    return FetchState(running, took, bool(got.get(BIG_KEY)), got.get(FAILED_KEY))


def _worth_waiting(wait: float, took: float | None, big: bool = False) -> float:
    """A page waits for a fetch only when it can be done within the wait: with a big workspace
    (the last fetch took longer, or before any, a probe found it big) the page goes on at once
    with what it can show without it."""
    if took is None:
        return 0.0 if big else wait
    return 0.0 if took > wait else wait


def _probe_size():
    """Beside the first fetch ever: is the workspace big? One read of one lead, the
    ``LEADS_BIG_AT``-th (newest first): a lead there means every lead takes a while to arrive.
    A future of True/False, counted against the page."""
    at = int(getattr(settings, "LEADS_BIG_AT", 5000))
    return api.beside(lambda: bool(api.client().leads.list(item=1, page=at).items))


def _until(ready: Callable[[float], bool], wait: float, probe) -> bool:
    """Wait until ``ready(slice)`` (which may block up to ``slice`` seconds) says so, at most
    ``wait`` seconds; False at once when ``probe`` (a future, or None) finds the workspace big
    (remembered for every process: ``BIG_KEY``). A probe that fails tells nothing."""
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if ready(min(left, 0.01) if probe is not None else left):
            return True
        if probe is not None and probe.done():
            big = probe.exception() is None and probe.result()
            probe = None
            if big:
                cache.set(BIG_KEY, True, None)
                return False


def _fetch_and_wait(snap: Snapshot | None, wait: float, own_read: bool = False) -> Snapshot | None:
    tally = tally_mod.current_tally()
    got = cache.get_many([TOOK_KEY, BIG_KEY])
    took, big = got.get(TOOK_KEY), bool(got.get(BIG_KEY))
    first = snap is None and took is None  # the first copy ever: how long it takes is not known
    if first and own_read:
        # this page reads what it shows; the fetch starts once it has answered (parsing every
        # lead beside it would slow it down), and the next page finds the copy on its way
        tally_mod.after_response(_fetch_in_background)
        return None
    wait = _worth_waiting(wait, took, big)
    probe = _probe_size() if first and wait and not big else None
    outcome = _start_fetch(for_this_page=True)
    if outcome is None:
        # another process is fetching: wait for its copy, unless it will not come in time
        if fetch_state().slow:
            if snap is not None:
                _served_saved_copy()
            return snap
        return _wait_for_other(snap, wait, probe)
    done = outcome["done"]
    if not _until(done.wait, wait, probe):
        outcome["hold"].set()  # the copy is not this page's: stored as soon as it is there
        if snap is not None:
            _served_saved_copy()
        return snap  # still fetching: this page goes on without waiting for it
    tally_mod.after_response(outcome["hold"].set)  # stored for the others once this page answered
    if tally is not None and outcome.get("tally") is not None:
        tally.add_tally(outcome["tally"])  # the fetch was made for this page: count it against it
    error = outcome.get("error")
    if error is None:
        return outcome.get("snap")
    if snap is not None and isinstance(error, TaskipError):
        _served_saved_copy()
        return snap  # the last copy, with its age shown, beats an error
    raise error


def _served_saved_copy() -> None:
    """Count a copy past its lifetime served (``X-Served-Stale``; the pages' saved-copy banner)."""
    tally = tally_mod.current_tally()
    if tally is not None:
        tally.add_cache(hit=True, stale=True)


def _wait_for_other(snap: Snapshot | None, wait: float, probe=None) -> Snapshot | None:
    first = snap.fetched_at if snap is not None else None
    delay = [0.02]

    def stored(most: float) -> bool:
        time.sleep(min(delay[0], most))
        delay[0] = min(delay[0] * 1.5, 0.25)
        stamp = cache.get(STAMP_KEY)
        return stamp is not None and stamp != first

    if _until(stored, wait, probe):
        return read()
    return snap


def refresh_now() -> Snapshot | None:
    """A user's Refresh: fetch now, in this request (one call, counted against it). If another
    process is fetching already, wait for its copy."""
    try:
        snap = fetch(for_this_page=True)
    except TaskipError:
        old = read()
        if old is None:
            raise
        _served_saved_copy()
        return old
    if snap is not None:
        return snap
    with _lock:
        storing = _storing
    if storing is not None:  # this process fetched it a moment ago and is storing it: that copy
        return read()
    return _wait_for_other(read(), getattr(settings, "LEADS_SNAPSHOT_WAIT", 2.0))


# --------------------------------------------------------------------------------- writes
def _edit_patches(change: Callable[[dict], Any]) -> None:
    deadline = time.monotonic() + 2.0
    while not cache.add(PATCH_LOCK_KEY, 1, 5) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        patches = cache.get(PATCHES_KEY) or {"v": 0, "items": {}}
        items = dict(patches.get("items") or {})
        before = len(items)
        change(items)
        if not items and not before:
            return
        cache.set(PATCHES_KEY, {"v": time.time_ns(), "items": items}, None)
    finally:
        cache.delete(PATCH_LOCK_KEY)


def patch(lead: Lead) -> None:
    """A lead written through the dashboard (created or changed; a full lead, not the update's
    partial answer): every server shows it at once."""
    if lead is None or lead.id is None or lead.is_partial:
        stale()
        return
    at = time.time()
    _edit_patches(lambda items: items.__setitem__(lead.id, (lead, at)))


def drop(*lead_ids: int) -> None:
    """Leads deleted through the dashboard."""
    at = time.time()

    def change(items):
        for i in lead_ids:
            items[int(i)] = (None, at)

    _edit_patches(change)


def stale() -> None:
    """A write the snapshot cannot be patched with (an import, a bulk change, a lead write
    whose answer was partial): the next page fetches a new copy (waiting at most
    ``LEADS_SNAPSHOT_WAIT``)."""
    invalidate(STALE_NAMESPACE)


# ------------------------------------------------------------------ the write path's effects
def _lead_of(outcome) -> Lead | None:
    value = getattr(outcome, "value", None)
    return value if isinstance(value, Lead) else None


def _patch_created(outcome, ctx: dict) -> None:
    lead = _lead_of(outcome)
    if outcome.saved and lead is not None and not lead.is_partial:
        patch(lead)  # TaskIP answers a create with the whole new lead
    else:
        stale()


def _patch_updated(outcome, ctx: dict) -> None:
    """A saved update whose full lead the service did not write through (no ``base``, partial
    answer): the snapshot's copy with the sent fields; anything else: fetch again."""
    if not outcome.saved:
        stale()  # may or may not have happened
        return
    lead = _lead_of(outcome)
    if lead is not None and not lead.is_partial:
        return  # written through by the service (leads.services.remember_lead)
    if ctx.get("base") is not None:
        return  # written through from the lead as just read
    snap = read()
    held = snap.get(ctx["lead_id"]) if snap is not None and ctx.get("lead_id") else None
    merged = patched_lead(held, ctx.get("payload") or {}) if held is not None else None
    if merged is None:
        stale()
    else:
        patch(merged)


def _drop_deleted(outcome, ctx: dict) -> None:
    ids = ctx.get("lead_ids") or ([ctx["lead_id"]] if ctx.get("lead_id") else [])
    if outcome.saved and ids:
        drop(*ids)
    else:
        stale()


def _patch_converted(outcome, ctx: dict) -> None:
    from dataclasses import replace

    from django.utils import timezone

    snap = read()
    held = snap.get(ctx["lead_id"]) if snap is not None and ctx.get("lead_id") else None
    contact = getattr(outcome, "value", None)
    if not outcome.saved or held is None:
        stale()
        return
    patch(replace(held, converted=True, converted_contact_id=getattr(contact, "id", None), converted_at=timezone.now()))


def _stale_effect(outcome, ctx: dict) -> None:
    stale()


def register_write_effects() -> None:
    """The lead snapshot's rows in the write path's effects table (crmui/writes.py): a write
    patches the changed lead in (or drops it) instead of discarding the snapshot; what cannot
    be patched (statuses or sources renamed, an unknown outcome) makes it fetched again."""
    from crmui import writes

    if getattr(writes, "_lead_snapshot_effects", False):
        return
    writes._lead_snapshot_effects = True
    writes.add_effect("lead.create", _patch_created)
    writes.add_effect("lead.update", _patch_updated)
    writes.add_effect("lead.move", _patch_updated)
    writes.add_effect("lead.delete", _drop_deleted)
    writes.add_effect("lead.bulk_delete", _drop_deleted)
    writes.add_effect("lead.convert", _patch_converted)
    for kind in ("attribute.update", "attribute.delete", "attribute.reorder"):
        writes.add_effect(kind, _stale_effect)  # every lead embeds status and source names and orders
