"""The one write path (crmui/writes.py) on its own: TaskIP is mocked with ``responses``."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests
import responses as responses_lib

from audit.models import AuditEntry
from crmui import api, writes
from crmui import cache as cache_mod
from crmui.models import WriteClaim
from crmui.taskip import errors as e
from leads import panels
from leads import services as lead_services

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "http://taskip.test/api/public-v1"
NOTE = {"id": 7, "lead_id": 5, "title": "Call", "note": "Said yes", "created_at": "2099-01-01T00:00:00.000000Z"}


@pytest.fixture
def taskip(settings):
    settings.TASKIP_BASE_URL = BASE
    settings.TASKIP_SECRET_KEY = "k"
    settings.TASKIP_MAX_RETRIES = 0
    api.reset_client()
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as r:
        yield r
    api.reset_client()


def _notes(*notes):
    return {"msg": "Notes", "data": list(notes)}


# --------------------------------------------------------------------------- typed transport errors
def test_transport_errors_say_whether_the_request_may_have_reached_taskip(taskip):
    client = api.client()
    taskip.add(responses_lib.POST, f"{BASE}/lead", body=requests.exceptions.ConnectionError("refused"))
    taskip.add(responses_lib.POST, f"{BASE}/contact", body=requests.exceptions.ReadTimeout("slow"))
    taskip.add(responses_lib.POST, f"{BASE}/lead-attribute", body='{"msg": "ok", "data": {"id"', status=200)
    taskip.add(responses_lib.DELETE, f"{BASE}/lead/3", json={"message": "nope"}, status=422)
    taskip.add(responses_lib.DELETE, f"{BASE}/lead/4", json={"message": "boom"}, status=500)
    outcomes = {}
    for name, call in (
        ("connection lost", lambda: client.leads.create({"first_name": "A"})),
        ("read timeout", lambda: client.contacts.create({"first_name": "A"})),
        ("garbled 200", lambda: client.attributes.create(name="x", type=1)),
        ("422", lambda: client.leads.delete(3)),
        ("500", lambda: client.leads.delete(4)),
    ):
        with pytest.raises(e.TaskipError) as info:
            call()
        outcomes[name] = info.value.may_have_reached
    # a ConnectionError without a refused socket underneath counts as "lost mid-way"
    assert outcomes == {"connection lost": True, "read timeout": True, "garbled 200": True, "422": False, "500": True}
    assert not e.TaskipConnectionError("x", may_have_reached=False).may_have_reached
    assert not e.TaskipTimeout("connect timeout", may_have_reached=False).may_have_reached


def test_a_refused_connection_never_reached_taskip(settings):
    from sandbox.testing import free_port

    settings.TASKIP_BASE_URL = f"http://127.0.0.1:{free_port()}/api/public-v1"
    settings.TASKIP_MAX_RETRIES = 0
    api.reset_client()
    try:
        with pytest.raises(e.TaskipConnectionError) as info:
            api.client().notes.create(5, title="t", note="n")
        assert info.value.may_have_reached is False
        outcome = panels.note_create(actor=None, lead_id=5, title="t", note="n")
        assert outcome.not_saved and not outcome.checked  # nothing was sent: no read-back needed
    finally:
        api.reset_client()


# --------------------------------------------------------------------------- outcomes
def test_a_garbled_answer_to_a_saved_note_is_settled_as_saved_by_reading_back(taskip):
    taskip.add(responses_lib.POST, f"{BASE}/lead/notes/5", body="<html>oops", status=200)
    taskip.add(responses_lib.GET, f"{BASE}/lead/notes/5", json=_notes(NOTE))
    outcome = panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="t1")
    assert outcome.saved and outcome.checked and outcome.value.id == 7
    entry = AuditEntry.objects.get(action="note.create")
    assert entry.outcome == "ok" and entry.object_id == "7" and "read back: saved" in entry.message


def test_a_timeout_on_a_note_that_was_not_saved_says_not_saved_after_checking(taskip):
    taskip.add(responses_lib.POST, f"{BASE}/lead/notes/5", body=requests.exceptions.ReadTimeout("slow"))
    taskip.add(responses_lib.GET, f"{BASE}/lead/notes/5", json=_notes())
    outcome = panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="t2")
    assert outcome.not_saved and outcome.checked
    assert "Nothing was saved (the dashboard checked with TaskIP)." == outcome.not_saved_note()
    assert not WriteClaim.objects.filter(key__contains=":t2").exists()  # a resend may write


def test_when_taskip_cannot_be_asked_the_outcome_is_not_confirmed_and_a_resend_checks_first(taskip):
    taskip.add(responses_lib.POST, f"{BASE}/lead/notes/5", body=requests.exceptions.ReadTimeout("slow"))
    taskip.add(responses_lib.GET, f"{BASE}/lead/notes/5", json={"message": "down"}, status=503)
    first = panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="t3")
    assert first.unconfirmed and "not confirmed yet" in first.unconfirmed_message("the note")
    assert WriteClaim.objects.get(key__contains=":t3").state == WriteClaim.UNKNOWN
    assert AuditEntry.objects.get(action="note.create").outcome == "unknown"
    # the resend of the same submission: TaskIP now answers, and holds the note: no second POST
    taskip.replace(responses_lib.GET, f"{BASE}/lead/notes/5", json=_notes(NOTE))
    posts_before = sum(1 for c in taskip.calls if c.request.method == "POST")
    again = panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="t3")
    assert again.saved and again.checked
    assert sum(1 for c in taskip.calls if c.request.method == "POST") == posts_before


def test_a_resend_after_a_save_replays_it_without_writing(taskip):
    taskip.add(responses_lib.POST, f"{BASE}/lead/notes/5", json={"msg": "ok", "data": NOTE})
    first = panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="t4")
    second = panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="t4")
    assert first.saved and not first.replay
    assert second.saved and second.replay and second.result == 7
    assert len([c for c in taskip.calls if c.request.method == "POST"]) == 1


def test_a_refused_write_frees_the_token_and_changes_no_cache(taskip):
    taskip.add(
        responses_lib.POST, f"{BASE}/lead/notes/5", json={"message": "bad", "errors": {"title": ["x"]}}, status=422
    )
    cache_mod.put("notes:5", ["list"], ["cached"])
    outcome = panels.note_create(actor=None, lead_id=5, title="", note="n", token="t5")
    assert outcome.not_saved and isinstance(outcome.error, e.ValidationError) and not outcome.checked
    assert cache_mod.peek("notes:5", ["list"]).value == ["cached"]
    assert not WriteClaim.objects.exists()


def test_a_delete_whose_answer_was_lost_is_settled_by_404(taskip):
    taskip.add(responses_lib.DELETE, f"{BASE}/lead/9", body=requests.exceptions.ReadTimeout("slow"))
    taskip.add(responses_lib.GET, f"{BASE}/lead/9", json={"message": "gone"}, status=404)
    assert lead_services.lead_delete(actor=None, lead_id=9).saved


def test_an_update_whose_answer_was_lost_compares_what_was_sent_with_what_is_held(taskip):
    taskip.add(responses_lib.PUT, f"{BASE}/lead/9", body=requests.exceptions.ReadTimeout("slow"))
    taskip.add(
        responses_lib.GET,
        f"{BASE}/lead/9",
        json={"msg": "ok", "data": {"id": 9, "first_name": "Ada", "phone_number": "555-1"}},
    )
    assert lead_services.lead_update(
        actor=None, lead_id=9, payload={"first_name": "Ada", "phone_number": "555-1"}
    ).saved
    assert lead_services.lead_update(
        actor=None, lead_id=9, payload={"first_name": "Ada", "phone_number": "555-2"}
    ).not_saved


# --------------------------------------------------------------------------- effects
def test_effects_are_declared_per_write_kind_and_can_be_extended(taskip):
    assert set(writes.EFFECTS) >= {
        "lead.create",
        "lead.update",
        "lead.delete",
        "lead.bulk_delete",
        "lead.convert",
        "lead.email",
        "lead.move",
        "note.create",
        "note.update",
        "note.delete",
        "file.upload",
        "file.delete",
        "attribute.create",
        "attribute.update",
        "attribute.delete",
        "attribute.reorder",
        "contact.create",
        "contact.update",
        "contact.delete",
        "contact.bulk_delete",
        "contact.invite",
    }
    seen = []
    writes.add_effect("lead.delete", lambda outcome, ctx: seen.append((outcome.state, ctx["lead_id"])))
    try:
        taskip.add(responses_lib.DELETE, f"{BASE}/lead/11", json={"msg": "deleted"})
        cache_mod.put("lead:11", ["detail", 11], "old")
        assert lead_services.lead_delete(actor=None, lead_id=11).saved
        assert seen == [("saved", 11)]
        assert cache_mod.peek("lead:11", ["detail", 11]) is None  # "lead:{lead_id}" filled from ctx
    finally:
        writes.EFFECTS["lead.delete"].pop()


def test_the_client_no_longer_guesses_invalidation_from_paths():
    assert not hasattr(api, "write_namespaces")


# --------------------------------------------------------------------------- the claim
def test_parallel_submissions_with_one_token_write_once(taskip):
    started = threading.Event()

    def slow_create(request):
        started.set()
        threading.Event().wait(0.5)
        return 200, {}, json.dumps({"msg": "ok", "data": NOTE})

    taskip.add_callback(responses_lib.POST, f"{BASE}/lead/notes/5", callback=slow_create)
    results = []

    def submit():
        from django.db import connection

        try:
            results.append(panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="same"))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([c for c in taskip.calls if c.request.method == "POST"]) == 1
    assert len(results) == 6 and all(o.saved for o in results)
    assert sum(1 for o in results if not o.replay) == 1


def _claim_held_by_a_job(token, *, lease_until_seconds):
    from datetime import timedelta

    from django.utils import timezone

    from jobs.models import Job

    Job.objects.create(
        kind="bulk",
        title="t",
        detail_url="/",
        state=Job.RUNNING,
        lease_owner="host:1:dead",
        lease_until=timezone.now() + timedelta(seconds=lease_until_seconds),
    )
    WriteClaim.objects.create(key=f"note.create:-:{token}", state=WriteClaim.PENDING, holder="job:host:1:dead")


def test_a_claim_left_pending_by_a_dead_workers_job_is_read_back_at_once(taskip):
    # the worker was killed mid-write: its job lease lapsed; the note had reached TaskIP
    _claim_held_by_a_job("k1", lease_until_seconds=-1)
    taskip.add(responses_lib.GET, f"{BASE}/lead/notes/5", json=_notes(NOTE))
    started = time.monotonic()
    outcome = panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="k1")
    assert time.monotonic() - started < 10  # not the 38 s a pending claim is otherwise waited for
    assert outcome.saved and outcome.checked and outcome.value.id == 7
    assert not [c for c in taskip.calls if c.request.method == "POST"]  # not written twice


def test_a_claim_pending_under_a_live_job_lease_is_waited_for_not_taken(taskip, settings):
    settings.TASKIP_CONNECT_TIMEOUT, settings.TASKIP_READ_TIMEOUT = 0.1, 0.1  # wait ~2.4 s
    _claim_held_by_a_job("k2", lease_until_seconds=60)
    outcome = panels.note_create(actor=None, lead_id=5, title="Call", note="Said yes", token="k2")
    assert outcome.unconfirmed and outcome.pending_elsewhere
    assert not taskip.calls  # neither written nor read: the live worker settles it
    assert WriteClaim.objects.get(key="note.create:-:k2").holder == "job:host:1:dead"


# --------------------------------------------------------------------------- three-way merge
def test_three_way_keeps_their_change_and_flags_same_field_conflicts():
    loaded = {k: writes.canon(v) for k, v in {"phone": "1", "address": "A", "city": "X"}.items()}
    merge = writes.three_way(
        loaded=loaded,
        typed={"phone": "2", "address": "A", "city": "Y"},
        held={"phone": "1", "address": "B", "city": "Z"},
    )
    assert merge.mine == {"phone"} and merge.theirs == {"address"} and merge.conflicts == {"city": ("Y", "Z")}
    # once this person has seen their value and keeps theirs, it is no longer a conflict
    again = writes.three_way(
        loaded=loaded,
        typed={"phone": "2", "address": "A", "city": "Y"},
        held={"phone": "1", "address": "B", "city": "Z"},
        seen={"city": "Z"},
    )
    assert again.mine == {"phone", "city"} and not again.conflicts


def test_canon_compares_values_as_the_form_and_taskip_spell_them():
    from datetime import date
    from decimal import Decimal

    assert writes.canon(Decimal("100.00")) == writes.canon(100) == writes.canon(Decimal("1E+2"))
    assert writes.canon("") is None and writes.canon([]) is None and writes.canon(None) is None
    assert writes.canon([3, 1]) == writes.canon((1, 3))
    assert writes.canon(date(2026, 1, 2)) == "2026-01-02"
