"""Contract tests: the real TaskipClient over HTTP against the live sandbox, every endpoint
and every documented error. If either side drifts from the documented contract, these fail."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal

import pytest

from crmui.taskip import TaskipClient, errors
from leads import localcut


def email(prefix="c"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture
def client(sandbox):
    sandbox.reset()
    c = TaskipClient(sandbox.api_url, sandbox.key, max_retries=0, timeout=(2, 5))
    yield c
    sandbox.reset()
    c.close()


@pytest.fixture
def lead(client):
    return client.leads.create(
        {"first_name": "Contract", "last_name": "Lead", "email": email(), "value": 1200, "currency": "USD"}
    )


# --- leads ----------------------------------------------------------------------
def test_lead_list_pages_without_total_and_item_zero_returns_all(client):
    first = client.leads.list(item=10, page=1)
    assert len(first.items) == 10 and first.has_next
    everything = client.leads.list(item=0)
    assert not everything.has_next
    assert len(everything.items) >= 60
    assert len(list(client.leads.iter_all(item=25))) == len(everything.items)


def test_lead_list_filters_survive_paging(client):
    statuses = client.attributes.all(type=1)
    target = statuses[0]
    filtered = list(client.leads.iter_all(status_id=target.id, item=5))
    assert filtered, "the seed gives every status some leads"
    assert all(any(s.id == target.id for s in l.statuses) for l in filtered)
    assert len(filtered) == len(client.leads.list(status_id=target.id, item=0).items)


def test_lead_search_sort_and_converted_filter(client, lead):
    found = client.leads.list(search=lead.email, item=0)
    assert [l.id for l in found.items] == [lead.id]
    listed = client.leads.list(sort_by="name", sort_order="asc", item=0).items
    # TaskIP (MySQL utf8mb4_unicode_ci, sandbox/collation.py) sorts by first name then last name,
    # case- and accent-insensitively ("émile" as "emile"), ties by id: the same rule as leads.localcut
    expected = sorted(listed, key=lambda l: (localcut.sort_key(l, "name"), l.id))
    assert [l.id for l in listed] == [l.id for l in expected]
    converted = client.leads.list(is_converted=1, item=0).items
    assert converted and all(l.converted for l in converted)


def test_lead_create_get_update_delete(client):
    created = client.leads.create(
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": email("ada"),
            "value": Decimal("5000.50"),
            "currency": "USD",
            "lead_interaction_date": date(2026, 4, 1),
            "status_ids": [client.attributes.all(type=1)[0].id],
        }
    )
    assert created.id and created.first_name == "Ada"
    assert created.company is None  # documented quirk: create answers company null
    got = client.leads.get(created.id)
    assert got.value == Decimal("5000.50") and got.lead_interaction_date == date(2026, 4, 1)
    assert got.statuses and not got.is_partial
    updated = client.leads.update(created.id, {"first_name": "Ada", "phone_number": "555-9999"})
    assert updated.is_partial and updated.phone_number == "555-9999"
    assert client.leads.get(created.id).phone_number == "555-9999"
    assert client.leads.delete(created.id)
    with pytest.raises(errors.NotFound):
        client.leads.get(created.id)


def test_lead_update_without_first_name_is_refused_before_sending(client, lead):
    with pytest.raises(ValueError):
        client.leads.update(lead.id, {"phone_number": "1"})


def test_duplicate_email_is_a_conflict_with_the_field(client, lead):
    with pytest.raises(errors.Conflict) as info:
        client.leads.create({"first_name": "Dup", "email": lead.email})
    assert "email" in info.value.errors


def test_validation_error_carries_field_errors(client):
    with pytest.raises(errors.ValidationError) as info:
        client.leads.create({"last_name": "NoFirst"})
    assert {"first_name", "email"} <= set(info.value.errors)


def test_bulk_delete(client):
    a = client.leads.create({"first_name": "A", "email": email()})
    b = client.leads.create({"first_name": "B", "email": email()})
    client.leads.bulk_delete([a.id, b.id])
    for x in (a, b):
        with pytest.raises(errors.NotFound):
            client.leads.get(x.id)


def test_convert_creates_a_contact_and_second_convert_is_refused(client, lead):
    contact = client.leads.convert(lead.id)
    assert contact.id and contact.email == lead.email
    refreshed = client.leads.get(lead.id)
    assert refreshed.converted and refreshed.converted_contact_id == contact.id
    with pytest.raises(errors.ValidationError):
        client.leads.convert(lead.id)
    assert client.contacts.get(contact.id).email == lead.email


def test_send_email_and_its_documented_refusals(client, sandbox, lead):
    assert client.leads.send_email(lead.id, subject="Hello", message="Hi there")
    sandbox.config(mail_connected=False)
    with pytest.raises(errors.ValidationError):
        client.leads.send_email(lead.id, subject="Hello", message="Hi")
    sandbox.config(mail_connected=True)
    with pytest.raises(errors.ValidationError) as info:
        client.leads.send_email(lead.id, subject="x" * 256, message="Hi")
    assert "subject" in info.value.errors


# --- notes ------------------------------------------------------------------------
def test_notes_create_list_update_delete(client, lead):
    note = client.notes.create(lead.id, title="Call", note="Call back Tuesday")
    assert note.id and note.created_by is not None
    assert [n.id for n in client.notes.list(lead.id)][0] == note.id
    updated = client.notes.update(lead.id, note.id, title="Call", note="Moved to Wednesday")
    assert updated.note == "Moved to Wednesday"
    client.notes.delete(lead.id, note.id)
    assert note.id not in [n.id for n in client.notes.list(lead.id)]


def test_note_without_title_is_a_validation_error(client, lead):
    with pytest.raises(errors.ValidationError) as info:
        client.notes.create(lead.id, title="", note="x")
    assert "title" in info.value.errors


# --- files ------------------------------------------------------------------------
def test_files_upload_list_search_and_bulk_delete(client, lead):
    client.files.upload(
        lead.id, file=io.BytesIO(b"%PDF-1.4 proposal"), filename="proposal.pdf", content_type="application/pdf"
    )
    client.files.upload(lead.id, file=io.BytesIO(b"hello"), filename="notes.txt", content_type="text/plain")
    page = client.files.list(lead.id)
    titles = {f.title for f in page.items}
    assert {"proposal.pdf", "notes.txt"} <= titles
    pdf = [f for f in page.items if f.title == "proposal.pdf"][0]
    assert pdf.size == len(b"%PDF-1.4 proposal") and pdf.mime_type == "application/pdf"
    assert [f.title for f in client.files.list(lead.id, search="proposal").items] == ["proposal.pdf"]
    client.files.bulk_delete(lead.id, [pdf.id])
    assert "proposal.pdf" not in {f.title for f in client.files.list(lead.id).items}


# --- attributes ---------------------------------------------------------------------
def test_attributes_crud_and_type_filter(client):
    statuses = client.attributes.all(type=1)
    assert statuses and all(a.is_status for a in statuses)
    assert all(a.is_source for a in client.attributes.all(type=2))
    created = client.attributes.create(name=f"Stage {uuid.uuid4().hex[:4]}", type=1, color="#e74c3c", order=99)
    assert client.attributes.get(created.id).color == "#e74c3c"
    renamed = client.attributes.update(created.id, name="Renamed", type=1, color="#000000", order=98)
    assert renamed.name == "Renamed"
    client.attributes.delete(created.id)
    with pytest.raises(errors.NotFound):
        client.attributes.get(created.id)


def test_attribute_bad_colour_is_refused(client):
    with pytest.raises(errors.ValidationError) as info:
        client.attributes.create(name="Bad", type=1, color="red; background:url(x)")
    assert "color" in info.value.errors


# --- contacts -----------------------------------------------------------------------
def test_contacts_crud_bulk_delete_and_invite(client):
    page = client.contacts.list(limit=10)
    assert len(page.items) == 10 and page.has_next  # full page, no links: there may be more
    created = client.contacts.create(
        {"first_name": "Cora", "last_name": "Tact", "email": email("cora"), "phone_code": "+1", "zip_code": "94105"}
    )
    assert created.id and created.email.startswith("cora-")
    assert client.contacts.update(created.id, {"position": "CTO"}) is None  # answers only msg
    assert client.contacts.get(created.id).position == "CTO"
    assert client.contacts.invite(created.id, message="Welcome", send_email=True, access_level="standard")
    with pytest.raises(errors.ValidationError):
        client.contacts.invite(created.id, access_level="platinum")
    other = client.contacts.create({"first_name": "Other", "email": email()})
    client.contacts.bulk_delete([created.id, other.id])
    with pytest.raises(errors.NotFound):
        client.contacts.get(created.id)


def test_contact_rules_and_duplicate_email(client):
    with pytest.raises(errors.ValidationError) as info:
        client.contacts.create({"first_name": "P", "email": email(), "access_portal": 1})
    assert "password" in info.value.errors
    with pytest.raises(errors.ValidationError) as info:
        client.contacts.create({"first_name": "P", "email": email(), "phone_code": "+123456", "zip_code": "123456789"})
    assert {"phone_code", "zip_code"} <= set(info.value.errors)
    existing = client.contacts.list(limit=1).items[0]
    with pytest.raises(errors.Conflict):
        client.contacts.create({"first_name": "Dup", "email": existing.email})


def test_contact_search_and_sort(client):
    first = client.contacts.list(limit=1).items[0]
    assert first.id in [c.id for c in client.contacts.list(search=first.email).items]
    names = [c.display_name.lower() for c in client.contacts.list(sort="name", order="asc", limit=100).items]
    assert names == sorted(names)


# --- team members and companies --------------------------------------------------
def test_team_members_and_companies(client):
    members = client.team_members.all()
    assert len(members) >= 3 and members[0].full_name
    assert client.team_members.get(members[0].id).id == members[0].id
    companies = client.companies.all()
    assert len(companies) >= 5 and companies[0].name


# --- errors over the wire ----------------------------------------------------------
def test_wrong_key_is_an_authentication_error_without_the_key_in_it(sandbox):
    c = TaskipClient(sandbox.api_url, "not-the-key-123", max_retries=0)
    with pytest.raises(errors.AuthenticationError) as info:
        c.leads.list()
    assert "not-the-key-123" not in str(info.value) and "not-the-key-123" not in repr(c)


def test_read_only_key_is_forbidden_to_write(sandbox):
    c = TaskipClient(sandbox.api_url, sandbox.readonly_key, max_retries=0)
    assert c.leads.list(item=1).items
    with pytest.raises(errors.PermissionDenied):
        c.leads.create({"first_name": "X", "email": email()})


@pytest.mark.parametrize(
    "fault,exc",
    [
        (500, errors.ServerError),
        (502, errors.ServerError),
        (429, errors.RateLimited),
        ("malformed", errors.MalformedResponse),
    ],
)
def test_injected_faults_map_to_errors(client, sandbox, fault, exc):
    sandbox.fail_next(status=fault, count=1, path_contains="/lead-attribute")
    with pytest.raises(exc):
        client.attributes.list()


def test_hang_is_a_timeout(sandbox):
    sandbox.config(hang_seconds=3)
    sandbox.fail_next(status="hang", count=1, path_contains="/team-member")
    c = TaskipClient(sandbox.api_url, sandbox.key, max_retries=0, timeout=(2, 0.5))
    with pytest.raises(errors.TaskipTimeout):
        c.team_members.list()


def test_reads_are_retried_through_a_502_but_a_faulted_write_is_not(sandbox):
    c = TaskipClient(sandbox.api_url, sandbox.key, max_retries=2, backoff=0.01)
    sandbox.fail_next(status=502, count=1, path_contains="/company")
    assert c.companies.list().items  # retried once and succeeded
    addr = email("once")
    sandbox.fail_next(status=502, count=1, path_contains="/lead", method="POST")
    with pytest.raises(errors.ServerError):
        c.leads.create({"first_name": "Once", "email": addr})
    assert c.leads.list(search=addr, item=0).items == ()  # the faulted write wrote nothing and was not retried


def test_rate_limit_headers_are_kept_and_429_past_the_budget(client, sandbox):
    client.leads.list(item=1)
    assert client.rate_limit is not None and client.rate_limit.limit > 0
    sandbox.config(rate_limit=3)
    sandbox.reset_limits()
    with pytest.raises(errors.RateLimited) as info:
        for _ in range(5):
            client.leads.list(item=1)
    assert info.value.retry_after is not None
    assert client.rate_limit.remaining == 0
