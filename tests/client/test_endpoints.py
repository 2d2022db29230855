"""Paths, query strings, bodies and every envelope variant of the documented endpoints."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from responses import matchers

from crmui.taskip import Attribute, Contact, Lead, Page
from crmui.taskip import errors as e

from .conftest import BASE

FULL_LEAD = {
    "id": 1,
    "first_name": "John",
    "last_name": "Doe",
    "full_name": "John Doe",
    "email": "john@example.com",
    "phone_number": "01700000000",
    "website": "https://example.com",
    "company_id": 2,
    "company": {"id": 2, "name": "Acme Corp", "email": "company@acmecorp.com", "phone_number": "01700000000"},
    "value": 5000.00,
    "currency": "USD",
    "lead_interaction_date": "2026-04-01",
    "assigned_to": [4, {"id": 5}],
    "country_id": 1,
    "country": "United States",
    "state_id": 2,
    "state": "California",
    "city_id": 3,
    "city": "San Francisco",
    "address": "123 Main Street",
    "zip_code": "94105",
    "description": "Interested in premium plan",
    "created_by": 1,
    "converted": 0,
    "converted_contact_id": None,
    "converted_at": None,
    "statuses": [{"id": 1, "name": "New", "type": 1, "color": "#3498db", "order": 1}],
    "sources": [{"id": 3, "name": "Website", "type": 2, "color": "#2ecc71", "order": 1}],
    "groups": [],
    "activities": [],
    "custom_fields": [],
    "created_at": "2026-04-01T10:00:00.000000Z",
    "updated_at": "2026-04-01T10:00:00.000000Z",
}

CONTACT = {
    "id": 151,
    "user_id": 245,
    "company": {"id": 7, "name": "Marketing Pro", "domain": "marketingpro.com", "email": "info@marketingpro.com"},
    "company_id": 7,
    "first_name": "Alice",
    "last_name": "Johnson",
    "full_name": "Alice Johnson",
    "email": "alice.johnson@example.com",
    "position": "Marketing Director",
    "phone_number": "555-0125",
    "country_id": 1,
    "country": "United States",
    "state_id": 5,
    "state": "New York",
    "city_id": 10,
    "city": "New York",
    "address": "123 Business Ave",
    "zip_code": "12345",
    "timezone": "America/New_York",
    "details": "Met at industry conference 2024",
    "reference": "REF-2024-001",
    "reference_name": "Conference Lead",
    "access_portal": 1,
    "billings": {
        "id": 15,
        "contact_id": 151,
        "billing_address": "123 Business Ave",
        "billing_city": "New York",
        "billing_state": "New York",
        "billing_country": "United States",
        "billing_zip": "12345",
        "billing_phone": "555-0125",
        "tax_number": "TX-123456789",
        "created_at": "2024-01-25T11:20:00Z",
        "updated_at": "2024-01-25T11:20:00Z",
    },
    "languages": [
        {"id": 1, "code": "en", "name": "English", "is_default": True},
        {"id": 2, "code": "es", "name": "Spanish", "is_default": False},
    ],
    "image": {
        "id": 42,
        "url": "https://taskip.net/storage/profile/alice-johnson.jpg",
        "name": "alice-johnson.jpg",
        "file_name": "alice-johnson.jpg",
        "mime_type": "image/jpeg",
        "size": 125843,
        "collection_name": "profile",
    },
    "custom_fields": {"linkedin": "https://linkedin.com/in/alicejohnson", "department": "Marketing"},
}


def qs(call):
    return {k: v if len(v) > 1 else v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def sent_json(call):
    return json.loads(call.request.body)


def links(next_url=None):
    return {"first": BASE + "/lead?page=1", "last": None, "prev": None, "next": next_url}


# ------------------------------------------------------------------ leads
def test_lead_list_parses_message_envelope_and_omits_none_params(client, rsps):
    rsps.add(
        "GET",
        BASE + "/lead",
        json={
            "message": "All leads successfully fetched",
            "data": [FULL_LEAD],
            "links": links(),
            "meta": {"current_page": 1, "per_page": 10},
        },
    )
    page = client.leads.list(search="john", item=10, is_converted=False, status_id=None, from_date=date(2026, 4, 1))
    assert qs(rsps.calls[0]) == {"search": "john", "item": "10", "is_converted": "0", "from_date": "2026-04-01"}
    assert isinstance(page, Page)
    assert page.items[0].full_name == "John Doe"
    assert page.page == 1 and page.per_page == 10 and page.has_next is False
    assert page.query == {"search": "john", "item": 10, "is_converted": 0, "from_date": "2026-04-01"}


def test_lead_list_renders_is_converted_true_as_1_and_sends_page(client, rsps):
    rsps.add("GET", BASE + "/lead", json={"message": "ok", "data": [], "links": links(), "meta": {}})
    client.leads.list(is_converted=True, page=3, assigned_to=4, sort_by="name", sort_order="asc")
    assert qs(rsps.calls[0]) == {
        "is_converted": "1",
        "page": "3",
        "assigned_to": "4",
        "sort_by": "name",
        "sort_order": "asc",
    }


def test_lead_from_api_parses_every_field():
    lead = Lead.from_api(FULL_LEAD)
    assert lead.value == Decimal("5000.0")
    assert lead.lead_interaction_date == date(2026, 4, 1)
    assert lead.assigned_to == (4, 5)
    assert lead.company.name == "Acme Corp" and lead.company.domain is None
    assert lead.converted is False and lead.converted_at is None
    assert lead.statuses[0].is_status and lead.statuses[0].name == "New"
    assert lead.sources[0].is_source and not lead.sources[0].is_status
    assert lead.created_at == datetime(2026, 4, 1, 10, tzinfo=UTC)
    assert lead.fields_present == frozenset(FULL_LEAD)
    assert lead.display_name == "John Doe"
    assert not lead.is_partial


def test_lead_from_api_tolerates_nulls_and_missing_keys():
    lead = Lead.from_api(
        {
            "id": "7",
            "first_name": None,
            "value": "12.50",
            "assigned_to": None,
            "company": None,
            "converted": "1",
            "lead_interaction_date": "garbage",
            "statuses": None,
        }
    )
    assert lead.id == 7 and lead.value == Decimal("12.50") and lead.assigned_to == ()
    assert lead.converted is True and lead.lead_interaction_date is None and lead.statuses == ()
    assert lead.display_name == "Lead #7"


def test_item_0_returns_everything_without_a_next_page(client, rsps):
    data = [dict(FULL_LEAD, id=i) for i in range(1, 26)]
    rsps.add("GET", BASE + "/lead", json={"message": "ok", "data": data})
    page = client.leads.list(item=0)
    assert len(page) == 25 and page.has_next is False


def _big_answer(n, **envelope):
    """An item=0 answer over the client's streaming threshold (about 1.5 KB a lead)."""
    data = [dict(FULL_LEAD, id=i, first_name=f"Lead {i} é", description="x" * 800) for i in range(1, n + 1)]
    return json.dumps({"msg": 'Found "data": [ everything ]', **envelope, "data": data, "meta": {"current_page": 1}})


def test_a_big_item_0_answer_is_parsed_one_lead_at_a_time_into_the_same_leads(client, rsps):
    body = _big_answer(1500)
    assert len(body) > 1_000_000  # over STREAM_PARSE_BYTES: the streamed path
    rsps.add("GET", BASE + "/lead", body=body, content_type="application/json")
    page = client.leads.list(item=0)
    expected = tuple(Lead.from_api(x) for x in json.loads(body)["data"])
    assert page.items == expected and page.has_next is False and len(page) == 1500
    assert page.items[0].first_name == "Lead 1 é" and page.items[-1].id == 1500


def test_a_big_item_0_answer_never_exists_as_dicts_all_at_once(client, rsps, monkeypatch):
    import tracemalloc

    from crmui.taskip import client as client_module

    body = json.dumps({"msg": "ok", "data": [dict(FULL_LEAD, id=i, first_name=f"L{i}") for i in range(1, 3001)]})
    peaks = {}
    for name, threshold in (("streamed", client_module.STREAM_PARSE_BYTES), ("all at once", len(body) + 1)):
        monkeypatch.setattr(client_module, "STREAM_PARSE_BYTES", threshold)
        rsps.add("GET", BASE + "/lead", body=body, content_type="application/json")
        tracemalloc.start()
        try:
            assert len(client.leads.list(item=0)) == 3000
            peaks[name] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peaks["streamed"] < 0.8 * peaks["all at once"], peaks


def test_a_lead_sent_unchanged_in_the_next_item_0_answer_is_not_parsed_again(client, rsps):
    first = [dict(FULL_LEAD, id=i, first_name=f"Lead {i}") for i in range(1, 6)]
    second = [dict(x) for x in first]
    second[2]["first_name"] = "Renamed in TaskIP"
    second.append(dict(FULL_LEAD, id=6, first_name="New"))
    for data in (first, second):
        rsps.add("GET", BASE + "/lead", json={"msg": "ok", "data": data})
    before = client.leads.list(item=0).items
    after = client.leads.list(item=0).items
    assert after == tuple(Lead.from_api(x) for x in second)  # what a plain parse of the answer gives
    assert [a is b for a, b in zip(before, after)] == [True, True, False, True, True]
    assert after[2].first_name == "Renamed in TaskIP" and after[5].first_name == "New"


def test_an_unchanged_lead_is_reused_wherever_it_moved_and_a_resized_one_is_parsed_again(client, rsps):
    first = [dict(FULL_LEAD, id=i, first_name=f"Lead {i}") for i in range(1, 6)]
    second = [dict(FULL_LEAD, id=6, first_name="New on top")] + [dict(x) for x in reversed(first)]
    second[3]["first_name"] = "Lead 3, renamed to something longer"  # id 3
    second[4]["first_name"] = "L2"  # id 2: shorter
    for data in (first, second):
        rsps.add("GET", BASE + "/lead", json={"msg": "ok", "data": data})
    before = {lead.id: lead for lead in client.leads.list(item=0)}
    after = client.leads.list(item=0).items
    assert after == tuple(Lead.from_api(x) for x in second)  # what a plain parse of the answer gives
    assert {lead.id: lead is before.get(lead.id) for lead in after} == {
        6: False,
        5: True,
        4: True,
        3: False,
        2: False,
        1: True,
    }


def test_a_lead_whose_text_holds_what_looks_like_the_next_lead_is_read_whole(client, rsps):
    tricky = 'x"}, {"id": 2, "first_name": "Forged"}, {"id": 3'
    first = [dict(FULL_LEAD, id=1, description="plain"), dict(FULL_LEAD, id=2, first_name="Real")]
    second = [dict(FULL_LEAD, id=1, description=tricky), dict(FULL_LEAD, id=2, first_name="Real")]
    for data in (first, second, first):
        rsps.add("GET", BASE + "/lead", body=json.dumps({"data": data}, separators=(",", ":")))
    client.leads.list(item=0)
    after = client.leads.list(item=0).items
    assert [(lead.id, lead.first_name, lead.description) for lead in after] == [
        (1, FULL_LEAD["first_name"], tricky),
        (2, "Real", FULL_LEAD["description"]),
    ]
    assert [lead.description for lead in client.leads.list(item=0)][0] == "plain"


def test_a_garbled_item_0_answer_does_not_change_what_the_next_one_makes(client, rsps):
    data = [dict(FULL_LEAD, id=i, first_name=f"Lead {i}") for i in range(1, 4)]
    good = json.dumps({"msg": "ok", "data": data})
    rsps.add("GET", BASE + "/lead", body=good, content_type="application/json")
    rsps.add("GET", BASE + "/lead", body=good[:-3], content_type="application/json")
    changed = [dict(x, first_name="Changed") if x["id"] == 2 else x for x in data]
    rsps.add("GET", BASE + "/lead", json={"msg": "ok", "data": changed})
    client.leads.list(item=0)
    with pytest.raises(e.MalformedResponse):
        client.leads.list(item=0)
    assert [lead.first_name for lead in client.leads.list(item=0)] == ["Lead 1", "Changed", "Lead 3"]


def test_every_record_pickles_back_to_an_equal_one_sharing_what_it_shared():
    import pickle

    lead = Lead.from_api(FULL_LEAD)
    other = Lead.from_api(dict(FULL_LEAD, id=2))
    assert lead.statuses[0] is other.statuses[0]  # one status object for the leads that carry it
    page = Page(items=(lead, other), page=1, per_page=0, has_next=False, query={"item": 0}, total=2)
    back = pickle.loads(pickle.dumps(page, pickle.HIGHEST_PROTOCOL))
    assert back == page and back.items[0].statuses[0] is back.items[1].statuses[0]
    assert back.items[0].fields_present == lead.fields_present and back.items[0].value == Decimal("5000")


@pytest.mark.parametrize(
    "garble",
    [
        lambda b: b[: len(b) // 2],  # cut short inside the items
        lambda b: b[:-2],  # cut short after the items
        lambda b: b.replace('}, {"id": 700', '} {"id": 700', 1),  # a missing comma between items
        lambda b: b + "garbage",
    ],
)
def test_a_big_garbled_item_0_answer_is_malformed_not_a_short_list(client, rsps, garble):
    body = _big_answer(1500)
    rsps.add("GET", BASE + "/lead", body=garble(body), content_type="application/json")
    with pytest.raises(e.MalformedResponse):
        client.leads.list(item=0)


@pytest.mark.parametrize(
    "garble",
    [
        lambda b: b[: len(b) // 2],
        lambda b: b[:-2],
        lambda b: b.replace('}, {"id": 700', '} {"id": 700', 1),
        lambda b: b.replace('}, {"id": 700', '}, , {"id": 700', 1),
        lambda b: b + "garbage",
    ],
)
def test_a_garbled_answer_after_a_good_one_is_malformed_though_its_leads_were_seen_before(client, rsps, garble):
    body = _big_answer(1500)
    rsps.add("GET", BASE + "/lead", body=body, content_type="application/json")
    rsps.add("GET", BASE + "/lead", body=garble(body), content_type="application/json")
    assert len(client.leads.list(item=0)) == 1500
    with pytest.raises(e.MalformedResponse):
        client.leads.list(item=0)


def test_a_data_key_nested_before_the_envelopes_own_is_not_taken_for_it(client, rsps):
    nested = {"note": "x" * 1_100_000, "data": [dict(FULL_LEAD, id=99)]}
    rsps.add("GET", BASE + "/lead", json={"msg": "ok", "meta": nested, "data": []})
    assert list(client.leads.list(item=0)) == []


def test_has_next_from_links_next(client, rsps):
    rsps.add(
        "GET",
        BASE + "/lead",
        json={
            "message": "ok",
            "data": [FULL_LEAD],
            "links": links(BASE + "/lead?page=2"),
            "meta": {"current_page": 1, "per_page": 10},
        },
    )
    assert client.leads.list().has_next is True


def test_has_next_false_when_links_next_null_even_if_page_is_full(client, rsps):
    rsps.add(
        "GET",
        BASE + "/lead",
        json={"message": "ok", "data": [FULL_LEAD] * 2, "links": links(None), "meta": {"per_page": 2}},
    )
    assert client.leads.list(item=2).has_next is False


def test_has_next_from_a_full_page_when_there_are_no_links(client, rsps):
    rsps.add("GET", BASE + "/contact", json={"message": "ok", "data": [CONTACT] * 2, "meta": {"search": None}})
    rsps.add("GET", BASE + "/contact", json={"message": "ok", "data": [CONTACT], "meta": {"search": None}})
    assert client.contacts.list(limit=2).has_next is True
    assert client.contacts.list(limit=2, page=2).has_next is False


def test_has_next_never_comes_from_a_total(client, rsps):
    rsps.add(
        "GET",
        BASE + "/lead",
        json={
            "message": "ok",
            "data": [FULL_LEAD],
            "links": links(None),
            "meta": {"current_page": 1, "per_page": 1, "total": 99, "last_page": 99},
        },
    )
    assert client.leads.list(item=1).has_next is False


def test_lead_iter_all_repeats_the_filters_with_page_plus_one_and_stops(client, rsps):
    # links.next drops the filters on purpose: the client must not follow it verbatim
    rsps.add(
        "GET",
        BASE + "/lead",
        json={
            "message": "ok",
            "data": [dict(FULL_LEAD, id=1), dict(FULL_LEAD, id=2)],
            "links": links(BASE + "/lead?page=2"),
            "meta": {"current_page": 1},
        },
    )
    rsps.add(
        "GET",
        BASE + "/lead",
        json={
            "message": "ok",
            "data": [dict(FULL_LEAD, id=3)],
            "links": links(BASE + "/lead?page=3"),
            "meta": {"current_page": 2},
        },
    )
    rsps.add(
        "GET",
        BASE + "/lead",
        json={"message": "ok", "data": [dict(FULL_LEAD, id=4)], "links": links(None), "meta": {"current_page": 3}},
    )
    ids = [lead.id for lead in client.leads.iter_all(status_id=5, search="acme", item=2)]
    assert ids == [1, 2, 3, 4]
    assert [qs(c) for c in rsps.calls] == [
        {"status_id": "5", "search": "acme", "item": "2", "page": str(n)} for n in (1, 2, 3)
    ]


def test_iter_all_stops_on_an_empty_page(client, rsps):
    rsps.add("GET", BASE + "/contact", json={"message": "ok", "data": [CONTACT, CONTACT], "meta": {}})
    rsps.add("GET", BASE + "/contact", json={"message": "ok", "data": [], "meta": {}})
    assert len(list(client.contacts.iter_all(limit=2, search="a"))) == 2
    assert [qs(c) for c in rsps.calls] == [
        {"limit": "2", "search": "a", "page": "1"},
        {"limit": "2", "search": "a", "page": "2"},
    ]


def test_lead_get_parses_msg_envelope(client, rsps):
    rsps.add("GET", BASE + "/lead/1", json={"msg": "Lead Details", "data": FULL_LEAD})
    lead = client.leads.get(1)
    assert lead.id == 1 and lead.activities == ()


def test_lead_create_posts_json_and_serialises_decimal_and_date(client, rsps):
    rsps.add("POST", BASE + "/lead", json={"msg": "Lead Created", "data": dict(FULL_LEAD, company=None)})
    lead = client.leads.create(
        {
            "first_name": "John",
            "email": "john@example.com",
            "value": Decimal("5000.50"),
            "lead_interaction_date": date(2026, 4, 1),
            "status_ids": [1],
        }
    )
    assert sent_json(rsps.calls[0]) == {
        "first_name": "John",
        "email": "john@example.com",
        "value": 5000.5,
        "lead_interaction_date": "2026-04-01",
        "status_ids": [1],
    }
    assert rsps.calls[0].request.headers["Content-Type"] == "application/json"
    assert lead.company is None


def test_lead_update_returns_partial_lead_with_fields_present(client, rsps):
    partial = {
        "id": 1,
        "first_name": "John",
        "last_name": "Doe",
        "full_name": "John Doe",
        "email": "john.doe@example.com",
        "phone_number": "555-9999",
        "value": 7500.00,
        "currency": "USD",
        "description": "Follow-up",
        "created_at": "2026-04-01T10:00:00.000000Z",
        "updated_at": "2026-04-07T10:00:00.000000Z",
    }
    rsps.add("PUT", BASE + "/lead/1", json={"msg": "Lead Updated", "data": partial})
    lead = client.leads.update(1, {"first_name": "John", "phone_number": "555-9999"})
    assert sent_json(rsps.calls[0]) == {"first_name": "John", "phone_number": "555-9999"}
    assert lead.fields_present == frozenset(partial)
    assert "statuses" not in lead.fields_present and lead.is_partial
    assert lead.value == Decimal("7500.0")


@pytest.mark.parametrize("payload", [{"phone_number": "1"}, {"first_name": ""}, {"first_name": None}])
def test_lead_update_without_first_name_raises_value_error_before_any_call(client, rsps, payload):
    with pytest.raises(ValueError, match="first_name"):
        client.leads.update(1, payload)
    assert len(rsps.calls) == 0


def test_lead_delete_bulk_delete_and_send_email(client, rsps):
    rsps.add("DELETE", BASE + "/lead/4", json={"msg": "Lead Deleted Successfully"})
    rsps.add(
        "POST",
        BASE + "/lead/bulk-delete",
        json={"msg": "Lead Deleted Successfully"},
        match=[matchers.json_params_matcher({"ids": [1, 2, 3]})],
    )
    rsps.add(
        "POST",
        BASE + "/lead/send-email/1",
        json={"msg": "Email sent to lead successfully."},
        match=[matchers.json_params_matcher({"subject": "Hi", "message": "Body"})],
    )
    assert client.leads.delete(4) == "Lead Deleted Successfully"
    assert client.leads.bulk_delete([1, 2, 3]) == "Lead Deleted Successfully"
    assert client.leads.send_email(1, subject="Hi", message="Body") == "Email sent to lead successfully."


def test_send_email_422_when_mail_not_connected(client, rsps):
    rsps.add("POST", BASE + "/lead/send-email/1", status=422, json={"message": "Workspace mail is not connected"})
    with pytest.raises(e.ValidationError, match="mail"):
        client.leads.send_email(1, subject="s", message="m")


def test_lead_convert_returns_partial_contact(client, rsps):
    data = {
        "id": 5,
        "first_name": "John",
        "last_name": "Doe",
        "email": "john.doe@example.com",
        "phone_number": "555-0123",
        "country_id": 1,
        "country": "United States",
        "address": "123 Main Street",
        "zip_code": "94105",
    }
    rsps.add("POST", BASE + "/lead/1/convert", json={"msg": "Lead converted to contact successfully.", "data": data})
    contact = client.leads.convert(1)
    assert isinstance(contact, Contact) and contact.id == 5
    assert contact.fields_present == frozenset(data)
    assert contact.billings is None and contact.display_name == "John Doe"


@pytest.mark.parametrize("bad", [0, -1, "1/../../contact", True, None])
def test_ids_in_paths_must_be_positive_integers(client, rsps, bad):
    with pytest.raises(ValueError):
        client.leads.get(bad)
    assert len(rsps.calls) == 0


# ------------------------------------------------------------------ notes
NOTE = {
    "id": 1,
    "lead_id": 1,
    "note": "Follow up",
    "title": "Follow Up",
    "media": None,
    "created_by": {"id": 1, "name": "Admin User", "email": "admin@example.com"},
    "created_at": "2026-04-01 10:00:00",
}


def test_notes_list_parses_msg_and_data(client, rsps):
    rsps.add("GET", BASE + "/lead/notes/1", json={"msg": "Lead Notes Fetched", "data": [NOTE]})
    notes = client.notes.list(1)
    assert notes[0].title == "Follow Up" and notes[0].created_by.name == "Admin User"
    assert notes[0].created_at == datetime(2026, 4, 1, 10, tzinfo=UTC)


def test_note_create_posts_title_and_note(client, rsps):
    rsps.add(
        "POST",
        BASE + "/lead/notes/1",
        json={"msg": "Note Created", "data": NOTE},
        match=[matchers.json_params_matcher({"title": "T", "note": "N"})],
    )
    assert client.notes.create(1, title="T", note="N").id == 1


def test_note_update_sends_note_id_in_the_json_body(client, rsps):
    rsps.add("PUT", BASE + "/lead/notes/1", json={"msg": "Note Updated", "data": NOTE})
    client.notes.update(1, 9, title="T2", note="N2", image=4)
    assert sent_json(rsps.calls[0]) == {"note_id": 9, "title": "T2", "note": "N2", "image": 4}


def test_note_delete_sends_note_id_in_a_delete_json_body(client, rsps):
    rsps.add("DELETE", BASE + "/lead/notes/1", json={"msg": "Note Deleted"})
    assert client.notes.delete(1, 9) == "Note Deleted"
    assert sent_json(rsps.calls[0]) == {"note_id": 9}
    assert rsps.calls[0].request.headers["Content-Type"] == "application/json"


# ------------------------------------------------------------------ files
FILE = {
    "id": 1,
    "title": "proposal.pdf",
    "path": "tenants/tenant-1/media/proposal.pdf",
    "mime_type": "application/pdf",
    "size": 204800,
    "created_by": {"id": 1, "name": "Admin User", "email": "admin@example.com"},
    "created_at": "2026-04-01T10:00:00.000000Z",
}


def test_file_list_has_no_msg_and_is_paged(client, rsps):
    rsps.add(
        "GET",
        BASE + "/lead/files/1",
        json={
            "data": [FILE],
            "links": links(BASE + "/lead/files/1?page=2"),
            "meta": {"current_page": 1, "per_page": 10},
        },
    )
    page = client.files.list(1, search="prop", item=10)
    assert qs(rsps.calls[0]) == {"search": "prop", "item": "10"}
    assert page.items[0].size == 204800 and page.items[0].created_by.email == "admin@example.com"
    assert page.has_next is True


def test_file_bulk_delete_is_a_delete_with_json_body(client, rsps):
    rsps.add("DELETE", BASE + "/lead/files/bulk-delete/1", json={"msg": "Lead files bulk action success"})
    assert client.files.bulk_delete(1, [1, 2, 3]) == "Lead files bulk action success"
    assert sent_json(rsps.calls[0]) == {"ids": [1, 2, 3]}


# ------------------------------------------------------------------ attributes
def attr(i, order, type_=1):
    return {
        "id": i,
        "name": f"A{i}",
        "type": type_,
        "color": "#fff",
        "order": order,
        "created_at": "2026-04-01T10:00:00.000000Z",
        "updated_at": None,
    }


def test_attributes_list_and_all_sorted_by_order_then_id(client, rsps):
    rsps.add(
        "GET",
        BASE + "/lead-attribute",
        json={
            "msg": "Lead Attributes Fetched",
            "data": [attr(3, 2), attr(1, 1)],
            "links": links(BASE + "/lead-attribute?page=2"),
            "meta": {},
        },
    )
    rsps.add(
        "GET",
        BASE + "/lead-attribute",
        json={"msg": "Lead Attributes Fetched", "data": [attr(2, 1)], "links": links(None), "meta": {}},
    )
    result = client.attributes.all(type=1)
    assert [a.id for a in result] == [1, 2, 3]
    assert [qs(c) for c in rsps.calls] == [
        {"type": "1", "item": "100", "page": "1"},
        {"type": "1", "item": "100", "page": "2"},
    ]


def test_attribute_crud(client, rsps):
    rsps.add("GET", BASE + "/lead-attribute/1", json={"msg": "Attribute Details", "data": attr(1, 1)})
    rsps.add(
        "POST",
        BASE + "/lead-attribute",
        json={"msg": "Attribute Created", "data": attr(3, 2)},
        match=[matchers.json_params_matcher({"name": "Qualified", "type": 1, "color": "#e74c3c"})],
    )
    rsps.add(
        "PUT",
        BASE + "/lead-attribute/1",
        json={"msg": "Attribute Updated", "data": attr(1, 1)},
        match=[matchers.json_params_matcher({"name": "Hot", "type": 1, "order": 1})],
    )
    rsps.add("DELETE", BASE + "/lead-attribute/1", json={"msg": "Attribute Deleted Successfully"})
    assert isinstance(client.attributes.get(1), Attribute)
    assert client.attributes.create(name="Qualified", type=1, color="#e74c3c").id == 3
    assert client.attributes.update(1, name="Hot", type=1, order=1).id == 1
    assert client.attributes.delete(1) == "Attribute Deleted Successfully"


# ------------------------------------------------------------------ contacts
def test_contact_list_parses_message_data_and_meta_search_only(client, rsps):
    rsps.add(
        "GET",
        BASE + "/contact",
        json={"message": "All contacts fetched successfully", "data": [CONTACT], "meta": {"search": None}},
    )
    page = client.contacts.list(page=1, limit=20, search="ali", sort="name", order="asc")
    assert qs(rsps.calls[0]) == {"page": "1", "limit": "20", "search": "ali", "sort": "name", "order": "asc"}
    assert page.query == {"limit": 20, "search": "ali", "sort": "name", "order": "asc"}
    assert page.has_next is False and page.per_page == 20


def test_contact_get_parses_success_only_envelope_and_every_field(client, rsps):
    rsps.add("GET", BASE + "/contact/151", json={"success": True, "data": CONTACT})
    c = client.contacts.get(151)
    assert c.access_portal is True and c.company.domain == "marketingpro.com"
    assert c.billings.tax_number == "TX-123456789" and c.billings.contact_id == 151
    assert [lang.code for lang in c.languages] == ["en", "es"] and c.languages[0].is_default
    assert c.image.url.endswith("alice-johnson.jpg") and c.image.size == 125843
    assert c.custom_fields_dict == {"linkedin": "https://linkedin.com/in/alicejohnson", "department": "Marketing"}
    assert c.created_at is None  # not sent by this example


def test_contact_create_parses_success_message_data(client, rsps):
    rsps.add(
        "POST",
        BASE + "/contact",
        json={"success": True, "message": "Contact created successfully", "data": dict(CONTACT, custom_fields=[])},
    )
    c = client.contacts.create({"first_name": "Alice", "email": "alice.johnson@example.com", "invite_client": True})
    assert c.id == 151 and c.custom_fields == ()
    assert sent_json(rsps.calls[0])["invite_client"] is True


def test_contact_update_answers_msg_only_and_returns_none(client, rsps):
    rsps.add(
        "PUT",
        BASE + "/contact/151",
        json={"msg": "Contact Updated"},
        match=[matchers.json_params_matcher({"position": "Senior"})],
    )
    assert client.contacts.update(151, {"position": "Senior"}) is None


def test_contact_delete_bulk_delete_and_invite(client, rsps):
    rsps.add("DELETE", BASE + "/contact/151", json={"msg": "Contact Deleted"})
    rsps.add(
        "POST",
        BASE + "/contact/bulk-delete",
        json={"msg": "Contacts Deleted"},
        match=[matchers.json_params_matcher({"contact_ids": [151, 152]})],
    )
    rsps.add(
        "POST",
        BASE + "/contact/invite-client/150",
        json={"msg": "Invitation sent success"},
        match=[matchers.json_params_matcher({"send_email": True, "access_level": "standard"})],
    )
    assert client.contacts.delete(151) == "Contact Deleted"
    assert client.contacts.bulk_delete([151, 152]) == "Contacts Deleted"
    assert client.contacts.invite(150, send_email=True, access_level="standard") == "Invitation sent success"


def test_contact_409_duplicate_email(client, rsps):
    rsps.add(
        "POST",
        BASE + "/contact",
        status=409,
        json={"success": False, "error": "Conflict", "message": "Email already exists", "status_code": 409},
    )
    with pytest.raises(e.Conflict) as info:
        client.contacts.create({"first_name": "A", "email": "dup@x.io"})
    assert info.value.errors == {"email": ["Email already exists"]}


# ------------------------------------------------------------------ team members, companies
MEMBER = {
    "id": 4,
    "first_name": "Sam",
    "last_name": "Lee",
    "full_name": "Sam Lee",
    "position": "AE",
    "email": "sam@x.io",
    "uuid": "u-1",
    "role": "admin",
    "created_at": "01, Jan, 2024",
    "teams": [{"id": 1, "name": "Sales", "description": None}],
    "image": {"id": 1, "url": "https://img/x.png", "thumbnail": None},
    "invitation": {"id": 1, "status": "accepted", "sent_at": None, "accepted_at": None},
}


def test_team_members_list_all_and_get(client, rsps):
    rsps.add(
        "GET",
        BASE + "/team-member",
        json={
            "message": "Team member list",
            "data": [MEMBER],
            "links": {"next": BASE + "/team-member?page=2"},
            "meta": {"current_page": 1, "total": 2},
        },
    )
    rsps.add(
        "GET",
        BASE + "/team-member",
        json={
            "message": "Team member list",
            "data": [dict(MEMBER, id=5)],
            "links": {"next": None},
            "meta": {"current_page": 2},
        },
    )
    rsps.add("GET", BASE + "/team-member/4", json={"message": "Team Member Details", "data": MEMBER})
    members = client.team_members.all()
    assert [m.id for m in members] == [4, 5]
    assert qs(rsps.calls[0]) == {"limit": "100", "page": "1"}
    m = client.team_members.get(4)
    assert m.created_at == "01, Jan, 2024" and m.teams[0].name == "Sales"
    assert m.image_url == "https://img/x.png" and m.invitation_status == "accepted"


def test_team_members_list_filters(client, rsps):
    rsps.add("GET", BASE + "/team-member", json={"message": "x", "data": [], "links": {"next": None}, "meta": {}})
    client.team_members.list(role="admin", status="active", department="Sales", search=None)
    assert qs(rsps.calls[0]) == {"role": "admin", "status": "active", "department": "Sales"}


def test_companies_list_and_all(client, rsps):
    company = {
        "id": 2,
        "name": "Acme",
        "email": "a@acme.io",
        "phone_number": "1",
        "website": "https://acme.io",
        "size": "10-50",
        "type": "client",
        "country_id": 1,
        "country": "US",
        "state_id": None,
        "state": None,
        "city_id": None,
        "city": None,
        "address": None,
        "created_at": "2024-01-01",
        "image": None,
    }
    rsps.add(
        "GET",
        BASE + "/company",
        json={
            "message": "Company list",
            "data": [company],
            "links": {"next": None},
            "meta": {"last_page": 1, "total": 1},
        },
    )
    companies = client.companies.all(search="acme")
    assert companies[0].name == "Acme" and companies[0].country_id == 1
    assert qs(rsps.calls[0]) == {"search": "acme", "limit": "100", "page": "1"}


def test_equal_statuses_and_companies_are_one_object_and_a_differently_typed_value_is_not_taken_for_one():
    status = {"id": 3, "name": "Qualified", "type": 1, "color": "#f1c40f", "order": 3}
    a = Lead.from_api(dict(FULL_LEAD, id=1, statuses=[dict(status)], company={"id": 8, "name": "Pied Piper"}))
    b = Lead.from_api(dict(FULL_LEAD, id=2, statuses=[dict(status)], company={"id": 8, "name": "Pied Piper"}))
    assert a.statuses[0] is b.statuses[0] and a.company is b.company
    # JSON true and 1 are equal in Python; the records made of them are not
    as_bool = Lead.from_api(dict(FULL_LEAD, id=3, statuses=[dict(status, name=True)]))
    as_int = Lead.from_api(dict(FULL_LEAD, id=4, statuses=[dict(status, name=1)]))
    assert (as_bool.statuses[0].name, as_int.statuses[0].name) == ("True", "1")
    nested = Lead.from_api(dict(FULL_LEAD, id=5, statuses=[dict(status, extra={"x": [1]})]))
    assert nested.statuses[0] == a.statuses[0]  # an unhashable part: parsed, still equal
