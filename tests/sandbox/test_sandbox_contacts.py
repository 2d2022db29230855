import pytest

from tests.contract.taskip_docs import example

# the documented list/get contact: no phone_code, no top-level created_at/updated_at
CONTACT_KEYS = list(example("GET", "contact/{id}")["data"])


@pytest.fixture
def new_contact(api, unique_email):
    def make(**fields):
        body = {"first_name": "Alice", "last_name": "Johnson", "email": unique_email("c")}
        body.update(fields)
        r = api("POST", "/contact", json=body)
        assert r.status_code == 200, r.text
        return r.json()["data"]

    return make


def test_contact_list_envelope_has_only_meta_search(api):
    body = api("GET", "/contact").json()
    assert list(body) == ["message", "data", "meta"]
    assert body["message"] == "All contacts fetched successfully"
    assert body["meta"] == {"search": None}
    assert 40 <= len(body["data"]) <= 50  # default limit 50
    c = body["data"][0]
    assert list(c) == list(example("GET", "contact")["data"][0]) == CONTACT_KEYS
    assert c["company"] is None or set(c["company"]) == {"id", "name", "domain", "email"}
    assert isinstance(c["custom_fields"], dict) and isinstance(c["billings"], dict)


def test_contact_list_limit_page_search_sort(api, new_contact):
    page1 = api("GET", "/contact", params={"limit": 5, "page": 1, "sort": "email", "order": "asc"}).json()["data"]
    page2 = api("GET", "/contact", params={"limit": 5, "page": 2, "sort": "email", "order": "asc"}).json()["data"]
    emails = [c["email"].lower() for c in page1 + page2]
    assert len(page1) == 5 and emails == sorted(emails)
    c = new_contact(first_name="Quentin", last_name="Zyxwv")
    body = api("GET", "/contact", params={"search": "zyxwv"}).json()
    assert body["meta"] == {"search": "zyxwv"} and [x["id"] for x in body["data"]] == [c["id"]]
    assert [x["id"] for x in api("GET", "/contact", params={"search": "Quentin Zyx"}).json()["data"]] == [c["id"]]
    names = api("GET", "/contact", params={"sort": "name", "order": "desc", "limit": 100}).json()["data"]
    keys = [c["first_name"].lower() for c in names]
    assert keys == sorted(keys, reverse=True)


def test_contact_create_envelope(api, unique_email):
    body = {
        "first_name": "Alice",
        "last_name": "Johnson",
        "email": unique_email("alice"),
        "phone_code": "+1",
        "phone_number": "555-0125",
        "company_id": 7,
        "position": "Marketing Director",
        "address": "123 Business Ave",
        "zip_code": "12345",
        "timezone": "America/New_York",
        "access_portal": 1,
        "password": "secure123",
        "custom_fields": {"department": "Marketing"},
        "invite_client": True,
    }
    r = api("POST", "/contact", json=body)
    assert r.status_code == 200
    j = r.json()
    assert list(j) == ["success", "message", "data"]
    assert j["success"] is True and j["message"] == "Contact created successfully"
    d = j["data"]
    assert set(d["company"]) == {"id", "name"} and d["company"]["id"] == 7  # create example shape
    assert d["access_portal"] == 1 and d["custom_fields"] == {"department": "Marketing"}
    assert "password" not in d and d["full_name"] == "Alice Johnson"
    got = api("GET", f"/contact/{d['id']}").json()
    assert list(got) == ["success", "data"] and got["success"] is True
    assert list(got["data"]) == CONTACT_KEYS and set(got["data"]["company"]) == {"id", "name", "domain", "email"}


CONTACT_CASES = [
    ({"first_name": None}, "first_name"),
    ({"email": None}, "email"),
    ({"email": "bad"}, "email"),
    ({"phone_code": "+12345"}, "phone_code"),
    ({"phone_number": "1" * 19}, "phone_number"),
    ({"zip_code": "123456789"}, "zip_code"),
    ({"access_portal": 2}, "access_portal"),
    ({"access_portal": 1}, "password"),
    ({"access_portal": 1, "password": "12345"}, "password"),
    ({"access_portal": 1, "password": "x" * 192}, "password"),
    ({"company_id": 99999}, "company_id"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"custom_fields": "x"}, "custom_fields"),
    ({"custom_fields": [1, 2]}, "custom_fields"),
    ({"invite_client": "maybe"}, "invite_client"),
]


@pytest.mark.parametrize("override,field", CONTACT_CASES, ids=[f"{f}-{i}" for i, (_, f) in enumerate(CONTACT_CASES)])
def test_contact_create_validation(api, unique_email, override, field):
    body = {"first_name": "V", "email": unique_email("v")}
    body.update(override)
    body = {k: v for k, v in body.items() if v is not None}
    r = api("POST", "/contact", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "Validation Error" and field in r.json()["errors"]


def test_contact_duplicate_email_on_create_is_409(api, new_contact):
    c = new_contact()
    r = api("POST", "/contact", json={"first_name": "X", "email": c["email"].upper()})
    assert r.status_code == 409 and r.json()["errors"] == {"email": ["The email has already been taken."]}


def test_contact_update_envelope_and_409(api, new_contact):
    a, b = new_contact(), new_contact()
    r = api("PUT", f"/contact/{b['id']}", json={"position": "Senior Director", "details": "Promoted"})
    assert r.status_code == 200 and r.json() == {"msg": "Contact Updated"}
    got = api("GET", f"/contact/{b['id']}").json()["data"]
    assert got["position"] == "Senior Director" and got["details"] == "Promoted" and got["first_name"] == "Alice"
    assert api("PUT", f"/contact/{b['id']}", json={"email": a["email"]}).status_code == 409
    assert api("PUT", f"/contact/{b['id']}", json={"email": b["email"]}).status_code == 200
    assert api("PUT", f"/contact/{b['id']}", json={"zip_code": "123456789"}).status_code == 422
    assert api("PUT", "/contact/999999", json={}).status_code == 404


def test_contact_delete_and_bulk_delete(api, new_contact):
    c = new_contact()
    assert api("DELETE", f"/contact/{c['id']}").json() == {"msg": "Contact Deleted"}
    assert api("GET", f"/contact/{c['id']}").status_code == 404
    ids = [new_contact()["id"], new_contact()["id"]]
    assert api("POST", "/contact/bulk-delete", json={"contact_ids": ids}).json() == {"msg": "Contacts Deleted"}
    assert all(api("GET", f"/contact/{i}").status_code == 404 for i in ids)
    assert api("POST", "/contact/bulk-delete", json={}).status_code == 422


def test_invite_client(api, sandbox, new_contact):
    c = new_contact()
    sandbox.clear_emails()
    r = api(
        "POST",
        f"/contact/invite-client/{c['id']}",
        json={"message": "Welcome", "send_email": True, "access_level": "standard"},
    )
    assert r.status_code == 200 and r.json() == {"msg": "Invitation sent success"}
    assert [m["to"] for m in sandbox.emails()] == [c["email"]]
    assert api("POST", f"/contact/invite-client/{c['id']}", json={"send_email": False}).status_code == 200
    assert len(sandbox.emails()) == 1
    r = api("POST", f"/contact/invite-client/{c['id']}", json={"access_level": "gold"})
    assert r.status_code == 422 and "access_level" in r.json()["errors"]
    assert api("POST", "/contact/invite-client/999999", json={}).status_code == 404


def test_unknown_contact_404(api):
    r = api("GET", "/contact/999999")
    assert r.status_code == 404 and r.json()["message"] == "Contact not found."
