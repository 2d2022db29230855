"""The sandbox answers exactly as TaskIP documents (keys of every example response, parsed
out of the documentation itself: tests/contract/taskip_docs.py), and where the documentation
is silent, as Laravel on MySQL would."""

import io

import pytest

from tests.contract.taskip_docs import example, facts_objects


def keys(d):
    return list(d) if isinstance(d, dict) else None


def first(items):
    return items[0] if items else None


@pytest.fixture
def lead(new_lead):
    return new_lead(company_id=2, status_ids=[1], source_ids=[7])


def test_lead_answers_have_the_documented_keys(api, lead):
    listed = api("GET", "/lead", params={"search": lead["email"]}).json()
    doc = example("GET", "lead")
    assert keys(listed) == keys(doc)
    assert keys(listed["data"][0]) == keys(doc["data"][0])
    assert keys(listed["data"][0]["company"]) == keys(doc["data"][0]["company"])
    assert keys(listed["meta"]) == keys(doc["meta"]) and keys(listed["links"]) == keys(doc["links"])

    got = api("GET", f"/lead/{lead['id']}").json()
    doc = example("GET", "lead/{id}")
    assert keys(got) == keys(doc) and keys(got["data"]) == keys(doc["data"])
    assert keys(got["data"]["statuses"][0]) == keys(doc["data"]["statuses"][0])
    assert keys(got["data"]["sources"][0]) == keys(doc["data"]["sources"][0])

    updated = api("PUT", f"/lead/{lead['id']}", json={"first_name": "John"}).json()
    assert keys(updated) == keys(example("PUT", "lead/{id}"))
    assert keys(updated["data"]) == keys(example("PUT", "lead/{id}")["data"])


def test_note_file_and_attribute_answers_have_the_documented_keys(api, lead):
    lid = lead["id"]
    note = api("POST", f"/lead/notes/{lid}", json={"title": "t", "note": "n"}).json()
    assert keys(note) == keys(example("POST", "lead/notes/{lead_id}"))
    assert keys(note["data"]) == keys(example("POST", "lead/notes/{lead_id}")["data"])
    assert keys(note["data"]["created_by"]) == keys(example("POST", "lead/notes/{lead_id}")["data"]["created_by"])
    notes = api("GET", f"/lead/notes/{lid}").json()
    assert keys(notes["data"][0]) == keys(example("GET", "lead/notes/{lead_id}")["data"][0])
    up = api("POST", f"/lead/files/{lid}", files={"file": ("a.txt", io.BytesIO(b"hello"), "text/plain")}).json()
    assert keys(up) == keys(example("POST", "lead/files/{lead_id}"))
    files = api("GET", f"/lead/files/{lid}").json()
    doc = example("GET", "lead/files/{lead_id}")
    assert keys(files) == keys(doc) and keys(files["data"][0]) == keys(doc["data"][0])
    assert keys(files["meta"]) == keys(doc["meta"])
    attrs = api("GET", "/lead-attribute").json()
    doc = example("GET", "lead-attribute")
    assert keys(attrs) == keys(doc) and keys(attrs["data"][0]) == keys(doc["data"][0])
    assert keys(api("GET", "/lead-attribute/1").json()["data"]) == keys(example("GET", "lead-attribute/{id}")["data"])


def test_contact_answers_have_the_documented_keys(api, unique_email):
    created = api(
        "POST",
        "/contact",
        json={
            "first_name": "Alice",
            "email": unique_email("doc"),
            "company_id": 7,
            "phone_code": "+1",
            "phone_number": "555",
        },
    ).json()
    doc = example("POST", "contact")
    assert keys(created) == keys(doc) and keys(created["data"]) == keys(doc["data"])
    assert keys(created["data"]["company"]) == keys(doc["data"]["company"])
    assert keys(created["data"]["billings"]) == keys(doc["data"]["billings"])
    cid = created["data"]["id"]
    got = api("GET", f"/contact/{cid}").json()
    doc = example("GET", "contact/{id}")
    assert keys(got) == keys(doc) and keys(got["data"]) == keys(doc["data"])
    assert "phone_code" not in got["data"] and "created_at" not in got["data"]
    assert keys(got["data"]["company"]) == keys(doc["data"]["company"])
    assert keys(got["data"]["billings"]) == keys(doc["data"]["billings"])
    listed = api("GET", "/contact").json()
    doc = example("GET", "contact")
    assert keys(listed) == keys(doc) and keys(listed["data"][0]) == keys(doc["data"][0])
    assert keys(api("PUT", f"/contact/{cid}", json={"position": "x"}).json()) == keys(example("PUT", "contact/{id}"))


def test_team_members_and_companies_have_the_facts_keys(api):
    facts = facts_objects()
    member = api("GET", "/team-member").json()["data"][0]
    assert keys(member) == keys(facts["member"])
    company = api("GET", "/company").json()["data"][0]
    assert keys(company) == keys(facts["company"])
    assert "domain" not in company
    assert [c["name"] for c in api("GET", "/company", params={"search": "hooli.xyz"}).json()["data"]] == ["Hooli"]


# ------------------------------------------------------------------ Laravel where the docs are silent
@pytest.mark.parametrize("page", ["abc", "0", "-3", "1.5"])
def test_a_page_that_is_not_a_positive_integer_is_page_one(api, page):
    for path in ("/lead", "/contact", "/company", "/team-member", "/lead-attribute"):
        r = api("GET", path, params={"page": page})
        assert r.status_code == 200, (path, r.text)
        assert r.json().get("meta", {}).get("current_page", 1) == 1


def test_array_element_errors_are_keyed_by_position(api, unique_email):
    r = api("POST", "/lead", json={"first_name": "A", "email": unique_email(), "status_ids": [1, 99999, "x"]})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert set(errors) == {"status_ids.1", "status_ids.2"}
    assert errors["status_ids.1"] == ["The selected status_ids.1 is invalid."]


def test_file_upload_without_file_or_ids_reports_both(api, lead):
    r = api("POST", f"/lead/files/{lead['id']}", data={})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"file", "ids"}


def test_company_list_limit_has_a_maximum(api):
    assert api("GET", "/company", params={"limit": 100}).status_code == 200
    r = api("GET", "/company", params={"limit": 101})
    assert r.status_code == 422 and "limit" in r.json()["errors"]
