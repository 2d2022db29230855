"""No lost updates: two people edit the same lead, contact or note (crmui/writes.py three-way
merge). Different fields: both changes kept. The same field: the second person is shown the
other value beside theirs, nothing is overwritten until they choose."""

from __future__ import annotations

import html as html_lib
from uuid import uuid4

import pytest
from django.test import Client
from django.urls import reverse

from bench.driver import FormFields
from tests.conftest import make_user


def form_of(html: str, marker: str, **over) -> dict:
    parser = FormFields(marker)
    parser.feed(html)
    data: dict = {}
    for name, value in parser.data:
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(html_lib.unescape(value) if "&" in value else value)
    data = {
        k: v if len(v) > 1 or k in ("status_ids", "source_ids", "assigned_to", "cf_key", "cf_value") else v[0]
        for k, v in data.items()
    }
    data.update(over)
    return data


@pytest.fixture
def two(db, django_user_model):
    a, b = Client(), Client()
    a.force_login(make_user(django_user_model, "ann", "Manager", team_member_id=1))
    b.force_login(make_user(django_user_model, "bob", "Manager", team_member_id=2))
    return a, b


def _lead(sandbox, **fields):
    body = {
        "first_name": "Two",
        "last_name": "Editors",
        "email": f"two-{uuid4().hex[:8]}@example.com",
        "phone_number": "555-0000",
        "address": "1 Old Road",
        **fields,
    }
    return sandbox.api("POST", "/lead", json=body).json()["data"]


def _held(sandbox, lead_id):
    return sandbox.api("GET", f"/lead/{lead_id}").json()["data"]


# --------------------------------------------------------------------------- leads
def test_two_editors_changing_different_fields_of_a_lead_keep_both(two, use_sandbox):
    ann, bob = two
    lead = _lead(use_sandbox)
    url = reverse("leads:edit", args=[lead["id"]])
    ann_form = form_of(ann.get(url).content.decode(), "data-lead-form", phone_number="555-1111")
    bob_form = form_of(bob.get(url).content.decode(), "data-lead-form", address="2 New Street")
    assert ann.post(url, ann_form).status_code == 303
    response = bob.post(url, bob_form)
    assert response.status_code == 303
    held = _held(use_sandbox, lead["id"])
    assert held["phone_number"] == "555-1111" and held["address"] == "2 New Street"
    page = bob.get(response["Location"]).content.decode()
    assert "Someone else" in page and "phone" in page  # told whose change was kept


def test_two_editors_changing_the_same_lead_field_see_a_conflict_and_nothing_is_overwritten(two, use_sandbox):
    ann, bob = two
    lead = _lead(use_sandbox)
    url = reverse("leads:edit", args=[lead["id"]])
    ann_form = form_of(ann.get(url).content.decode(), "data-lead-form", phone_number="555-1111")
    bob_form = form_of(bob.get(url).content.decode(), "data-lead-form", phone_number="555-2222", address="2 New Street")
    assert ann.post(url, ann_form).status_code == 303
    use_sandbox.reset_stats()
    response = bob.post(url, bob_form)
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this lead" in page
    assert "555-1111" in page and 'value="555-2222"' in page  # theirs beside his, his input kept
    assert "PUT /lead/{id}" not in use_sandbox.stats()["by_endpoint"]
    assert _held(use_sandbox, lead["id"])["phone_number"] == "555-1111"
    # Bob keeps his value and saves again: now it is his choice, and his other change goes too
    again = form_of(page, "data-lead-form")
    assert again["keep_phone_number"] == "mine"
    assert bob.post(url, again).status_code == 303
    held = _held(use_sandbox, lead["id"])
    assert held["phone_number"] == "555-2222" and held["address"] == "2 New Street"


def test_choosing_theirs_in_a_lead_conflict_keeps_their_value(two, use_sandbox):
    ann, bob = two
    lead = _lead(use_sandbox)
    url = reverse("leads:edit", args=[lead["id"]])
    ann_form = form_of(ann.get(url).content.decode(), "data-lead-form", phone_number="555-1111")
    bob_form = form_of(bob.get(url).content.decode(), "data-lead-form", phone_number="555-2222", address="3 Other Way")
    ann.post(url, ann_form)
    page = bob.post(url, bob_form).content.decode()
    again = form_of(page, "data-lead-form", keep_phone_number="theirs")
    assert bob.post(url, again).status_code == 303
    held = _held(use_sandbox, lead["id"])
    assert held["phone_number"] == "555-1111" and held["address"] == "3 Other Way"


# --------------------------------------------------------------------------- contacts
def _contact(sandbox):
    body = {
        "first_name": "Two",
        "last_name": "Contacts",
        "email": f"two-c-{uuid4().hex[:8]}@example.com",
        "position": "Buyer",
        "address": "1 Old Road",
    }
    return sandbox.api("POST", "/contact", json=body).json()["data"]


def _held_contact(sandbox, contact_id):
    return sandbox.api("GET", f"/contact/{contact_id}").json()["data"]


def test_two_editors_changing_different_fields_of_a_contact_keep_both(two, use_sandbox):
    ann, bob = two
    c = _contact(use_sandbox)
    url = reverse("contacts:edit", args=[c["id"]])
    ann_form = form_of(ann.get(url).content.decode(), "contact-form", position="CEO")
    bob_form = form_of(bob.get(url).content.decode(), "contact-form", address="2 New Street")
    assert ann.post(url, ann_form).status_code == 303
    assert bob.post(url, bob_form).status_code == 303
    held = _held_contact(use_sandbox, c["id"])
    assert held["position"] == "CEO" and held["address"] == "2 New Street"


def test_two_editors_changing_the_same_contact_field_see_a_conflict(two, use_sandbox):
    ann, bob = two
    c = _contact(use_sandbox)
    url = reverse("contacts:edit", args=[c["id"]])
    ann_form = form_of(ann.get(url).content.decode(), "contact-form", position="CEO")
    bob_form = form_of(bob.get(url).content.decode(), "contact-form", position="CTO")
    assert ann.post(url, ann_form).status_code == 303
    response = bob.post(url, bob_form)
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this contact" in page
    assert "CEO" in page and 'value="CTO"' in page
    assert _held_contact(use_sandbox, c["id"])["position"] == "CEO"
    assert bob.post(url, form_of(page, "contact-form")).status_code == 303  # he keeps his
    assert _held_contact(use_sandbox, c["id"])["position"] == "CTO"


# --------------------------------------------------------------------------- notes
def test_two_editors_of_one_note_keep_both_fields_or_see_the_conflict(two, use_sandbox):
    ann, bob = two
    lead = _lead(use_sandbox)
    note = use_sandbox.api("POST", f"/lead/notes/{lead['id']}", json={"title": "Call", "note": "First"}).json()["data"]
    url = reverse("leads:note_edit", args=[lead["id"], note["id"]])
    marker = f"/notes/{note['id']}/"
    ann_form = form_of(ann.get(url, HTTP_HX_REQUEST="true").content.decode(), marker, title="Call back")
    bob_form = form_of(bob.get(url, HTTP_HX_REQUEST="true").content.decode(), marker, note="Second")
    assert "Note updated." in ann.post(url, ann_form, HTTP_HX_REQUEST="true").content.decode()
    assert "Note updated." in bob.post(url, bob_form, HTTP_HX_REQUEST="true").content.decode()
    held = [n for n in use_sandbox.api("GET", f"/lead/notes/{lead['id']}").json()["data"] if n["id"] == note["id"]][0]
    assert held["title"] == "Call back" and held["note"] == "Second"
    # the same field: a conflict, nothing overwritten
    ann_form = form_of(ann.get(url, HTTP_HX_REQUEST="true").content.decode(), marker, note="Ann's text")
    bob_form = form_of(bob.get(url, HTTP_HX_REQUEST="true").content.decode(), marker, note="Bob's text")
    ann.post(url, ann_form, HTTP_HX_REQUEST="true")
    page = bob.post(url, bob_form, HTTP_HX_REQUEST="true").content.decode()
    assert "Someone else changed this note" in page and "Ann&#x27;s text" in page
    held = [n for n in use_sandbox.api("GET", f"/lead/notes/{lead['id']}").json()["data"] if n["id"] == note["id"]][0]
    assert held["note"] == "Ann's text"
