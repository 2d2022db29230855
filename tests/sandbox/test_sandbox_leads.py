import datetime as dt
import re
import uuid

import pytest

from sandbox.collation import fold

LIST_ITEM_KEYS = [
    "id",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone_number",
    "website",
    "company_id",
    "company",
    "value",
    "currency",
    "lead_interaction_date",
    "assigned_to",
    "country_id",
    "country",
    "state_id",
    "state",
    "city_id",
    "city",
    "address",
    "zip_code",
    "description",
    "created_by",
    "converted",
    "converted_contact_id",
    "converted_at",
    "statuses",
    "sources",
    "groups",
    "custom_fields",
    "created_at",
    "updated_at",
]
UPDATE_KEYS = [
    "id",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone_number",
    "value",
    "currency",
    "description",
    "created_at",
    "updated_at",
]


def all_leads(api, **params):
    r = api("GET", "/lead", params={"item": 0, **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


# ------------------------------------------------------------------ list envelope
def test_lead_list_envelope_has_message_links_meta_and_no_total(api, sandbox):
    r = api("GET", "/lead")
    body = r.json()
    assert r.status_code == 200
    assert list(body) == ["message", "data", "links", "meta"]
    assert body["message"] == "All leads successfully fetched"
    assert len(body["data"]) == 10  # default item
    assert set(body["links"]) == {"first", "last", "prev", "next"}
    assert body["links"]["last"] is None and body["links"]["prev"] is None
    assert body["links"]["first"] == sandbox.api_url + "/lead?page=1"
    assert body["meta"] == {"current_page": 1, "from": 1, "path": sandbox.api_url + "/lead", "per_page": 10, "to": 10}
    assert "total" not in body["meta"] and "last_page" not in body["meta"]


def test_lead_list_items_have_documented_fields_and_filled_arrays(api):
    data = all_leads(api)
    for lead in data:
        assert list(lead) == LIST_ITEM_KEYS
        assert "activities" not in lead
        assert all(isinstance(m, int) for m in lead["assigned_to"])
        for a in lead["statuses"] + lead["sources"]:
            assert set(a) == {"id", "name", "type", "color", "order"}
        assert all(a["type"] == 1 for a in lead["statuses"])
        assert all(a["type"] == 2 for a in lead["sources"])
        if lead["company"] is not None:
            assert set(lead["company"]) == {"id", "name", "email", "phone_number"}
        assert lead["converted"] in (0, 1)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", lead["created_at"])  # Laravel's ISO 8601
    assert any(lead["statuses"] for lead in data) and any(lead["company"] for lead in data)


def test_item_zero_returns_all_leads(api):
    body = api("GET", "/lead", params={"item": 0}).json()
    assert body["meta"]["per_page"] == len(body["data"]) >= 60
    assert body["links"]["next"] is None
    walked, page = [], 1
    while True:
        b = api("GET", "/lead", params={"item": 25, "page": page}).json()
        walked += [d["id"] for d in b["data"]]
        if not b["links"]["next"]:
            break
        page += 1
    assert sorted(walked) == sorted(d["id"] for d in body["data"])
    assert len(set(walked)) == len(walked)


def test_paging_links_carry_only_page_number(api, sandbox):
    body = api("GET", "/lead", params={"item": 5, "page": 2, "is_converted": 0, "sort_by": "name"}).json()
    assert body["links"]["next"] == sandbox.api_url + "/lead?page=3"
    assert body["links"]["prev"] == sandbox.api_url + "/lead?page=1"
    assert body["meta"]["from"] == 6 and body["meta"]["to"] == 10 and body["meta"]["current_page"] == 2


def test_page_past_the_end_is_empty(api):
    body = api("GET", "/lead", params={"page": 999}).json()
    assert body["data"] == [] and body["links"]["next"] is None and body["meta"]["from"] is None


# ------------------------------------------------------------------ filters
def test_search_matches_name_email_and_company(api, new_lead):
    lead = new_lead(first_name="Zebedee", last_name="Quixotic", company_id=3)
    company_name = api("GET", "/company/3").json()["data"]["name"]
    assert lead["id"] in [d["id"] for d in all_leads(api, search="zebedee")]
    assert lead["id"] in [d["id"] for d in all_leads(api, search="Zebedee Quix")]
    assert lead["id"] in [d["id"] for d in all_leads(api, search=lead["email"].upper())]
    by_company = all_leads(api, search=company_name.lower())
    assert lead["id"] in [d["id"] for d in by_company]
    assert all(
        d["company"]
        and company_name.lower() in d["company"]["name"].lower()
        or company_name.lower() in (d["email"] or "")
        for d in by_company
    )


def test_is_converted_filter(api):
    converted = all_leads(api, is_converted=1)
    active = all_leads(api, is_converted=0)
    assert converted and all(d["converted"] == 1 for d in converted)
    assert active and all(d["converted"] == 0 for d in active)


def test_status_and_source_filters(api):
    data = all_leads(api, status_id=1)
    assert data and all(1 in [s["id"] for s in d["statuses"]] for d in data)
    src = api("GET", "/lead-attribute", params={"type": 2}).json()["data"][0]["id"]
    data = all_leads(api, source_id=src)
    assert data and all(src in [s["id"] for s in d["sources"]] for d in data)
    both = all_leads(api, status_id=1, source_id=src)
    assert all(1 in [s["id"] for s in d["statuses"]] and src in [s["id"] for s in d["sources"]] for d in both)


def test_assigned_to_filter(api):
    data = all_leads(api, assigned_to=2)
    assert data and all(2 in d["assigned_to"] for d in data)


def test_date_range_filter(api):
    today = dt.date.today()
    frm, to = (today - dt.timedelta(days=90)).isoformat(), (today - dt.timedelta(days=30)).isoformat()
    data = all_leads(api, from_date=frm, to_date=to)
    assert data and all(frm <= d["lead_interaction_date"] <= to for d in data)


@pytest.mark.parametrize(
    "params", [{"is_converted": "2"}, {"from_date": "01/02/2026"}, {"item": "ten"}, {"status_id": "x"}]
)
def test_bad_list_params_are_422(api, params):
    r = api("GET", "/lead", params=params)
    assert r.status_code == 422 and r.json()["error"] == "Validation Error"


# ------------------------------------------------------------------ sorts
def test_default_sort_is_newest_first(api, new_lead):
    lead = new_lead()
    assert api("GET", "/lead").json()["data"][0]["id"] == lead["id"]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sort_by_name(api, order):
    data = all_leads(api, sort_by="name", sort_order=order)
    keys = [(fold(d["first_name"]), fold(d["last_name"] or "")) for d in data]
    assert keys == sorted(keys, reverse=order == "desc")


def test_sort_by_name_is_case_and_accent_insensitive(api, new_lead):
    """MySQL's utf8mb4_unicode_ci: "Émile" sorts among the Es, before "zoë" (byte order would
    put both after every ASCII capital)."""
    tag = uuid.uuid4().hex[:6]
    for first in ("zoë", "Émile", "Adam"):
        new_lead(first_name=first, last_name=tag)
    data = [d for d in all_leads(api, sort_by="name", sort_order="asc", search=tag)]
    assert [d["first_name"] for d in data] == ["Adam", "Émile", "zoë"]
    assert [d["first_name"] for d in all_leads(api, search="EMILE " + tag)] == ["Émile"]


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sort_by_interaction_date_null_is_smallest(api, order):
    """NULL first on ascending sorts, last on descending ones (MySQL)."""
    data = all_leads(api, sort_by="lead_interaction_date", sort_order=order)
    dates = [d["lead_interaction_date"] for d in data]
    present = [x for x in dates if x]
    nulls = [None] * (len(dates) - len(present))
    assert nulls
    assert present == sorted(present, reverse=order == "desc")
    assert dates == (nulls + present if order == "asc" else present + nulls)


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sort_by_status_order_null_is_smallest(api, order):
    data = all_leads(api, sort_by="status", sort_order=order)
    orders = [min(s["order"] for s in d["statuses"]) if d["statuses"] else None for d in data]
    present = [o for o in orders if o is not None]
    nulls = [None] * (len(orders) - len(present))
    assert present == sorted(present, reverse=order == "desc")
    assert orders == (nulls + present if order == "asc" else present + nulls)


def test_status_id_matches_only_status_type_attributes(api, new_lead):
    source = api("GET", "/lead-attribute", params={"type": 2}).json()["data"][0]
    lead = new_lead(source_ids=[source["id"]])
    by_status = [d["id"] for d in all_leads(api, status_id=source["id"])]
    by_source = [d["id"] for d in all_leads(api, source_id=source["id"])]
    assert lead["id"] not in by_status
    assert lead["id"] in by_source


# ------------------------------------------------------------------ create / get / update / delete
def test_create_lead_envelope_and_company_null_quirk(api, unique_email):
    body = {
        "first_name": "John",
        "last_name": "Doe",
        "email": unique_email(),
        "phone_number": "555-0123",
        "website": "https://example.com",
        "company_id": 2,
        "value": 5000,
        "currency": "usd",
        "lead_interaction_date": "2026-04-01",
        "status_ids": [1],
        "source_ids": [7],
        "assigned_to": [2, 3],
        "groups": [4],
        "country_id": 1,
        "state_id": 2,
        "city_id": 2,
        "address": "123 Main Street",
        "zip_code": "94105",
        "description": "Interested in premium plan",
        "custom_fields": [{"key": "a", "value": 1}],
    }
    r = api("POST", "/lead", json=body)
    assert r.status_code == 200
    j = r.json()
    assert list(j) == ["msg", "data"] and j["msg"] == "Lead Created"
    d = j["data"]
    assert list(d) == LIST_ITEM_KEYS
    assert d["company_id"] == 2 and d["company"] is None  # documented quirk
    assert d["full_name"] == "John Doe" and d["value"] == 5000.0 and d["currency"] == "USD"
    assert d["assigned_to"] == [2, 3] and d["groups"] == [4]
    assert [s["id"] for s in d["statuses"]] == [1] and [s["id"] for s in d["sources"]] == [7]
    assert d["country"] == "United States" and d["city"] == "San Francisco"
    assert d["converted"] == 0 and d["converted_contact_id"] is None
    got = api("GET", f"/lead/{d['id']}").json()["data"]
    assert got["company"] == {
        "id": 2,
        "name": got["company"]["name"],
        "email": got["company"]["email"],
        "phone_number": got["company"]["phone_number"],
    }


def test_get_lead_envelope_has_activities(api, new_lead):
    lead = new_lead()
    r = api("GET", f"/lead/{lead['id']}")
    j = r.json()
    assert list(j) == ["msg", "data"] and j["msg"] == "Lead Details"
    acts = j["data"]["activities"]
    assert acts and set(acts[0]) == {"id", "description", "created_at"}
    assert list(j["data"]).index("activities") == list(j["data"]).index("groups") + 1


def test_unknown_lead_is_404_envelope(api):
    r = api("GET", "/lead/999999")
    assert r.status_code == 404
    assert r.json() == {"success": False, "error": "Not Found", "message": "Lead not found.", "status_code": 404}


def test_update_returns_partial_lead_and_changes_only_given_fields(api, new_lead):
    lead = new_lead(phone_number="111", description="before", status_ids=[1, 2], source_ids=[7], assigned_to=[2])
    r = api("PUT", f"/lead/{lead['id']}", json={"first_name": "Johnny", "value": 7500, "status_ids": [3]})
    assert r.status_code == 200
    j = r.json()
    assert j["msg"] == "Lead Updated" and list(j["data"]) == UPDATE_KEYS
    assert j["data"]["first_name"] == "Johnny" and j["data"]["value"] == 7500.0
    full = api("GET", f"/lead/{lead['id']}").json()["data"]
    assert full["phone_number"] == "111" and full["description"] == "before" and full["email"] == lead["email"]
    assert [s["id"] for s in full["statuses"]] == [3]  # replaced
    assert [s["id"] for s in full["sources"]] == [7]  # untouched
    assert full["assigned_to"] == [2]
    r = api("PUT", f"/lead/{lead['id']}", json={"first_name": "Johnny", "assigned_to": []})
    assert api("GET", f"/lead/{lead['id']}").json()["data"]["assigned_to"] == []


def test_update_requires_first_name(api, new_lead):
    lead = new_lead()
    r = api("PUT", f"/lead/{lead['id']}", json={"phone_number": "555"})
    assert r.status_code == 422
    assert r.json()["errors"] == {"first_name": ["The first name field is required."]}


def test_update_unknown_lead_404(api):
    assert api("PUT", "/lead/999999", json={"first_name": "x"}).status_code == 404


def test_delete_lead(api, new_lead):
    lead = new_lead()
    r = api("DELETE", f"/lead/{lead['id']}")
    assert r.status_code == 200 and r.json() == {"msg": "Lead Deleted Successfully"}
    assert api("GET", f"/lead/{lead['id']}").status_code == 404


def test_bulk_delete_leads(api, new_lead):
    ids = [new_lead()["id"], new_lead()["id"]]
    r = api("POST", "/lead/bulk-delete", json={"ids": ids})
    assert r.json() == {"msg": "Lead Deleted Successfully"}
    assert all(api("GET", f"/lead/{i}").status_code == 404 for i in ids)


@pytest.mark.parametrize(
    "body,key", [({}, "ids"), ({"ids": []}, "ids"), ({"ids": "1,2"}, "ids"), ({"ids": ["a"]}, "ids.0")]
)
def test_bulk_delete_requires_ids(api, body, key):
    r = api("POST", "/lead/bulk-delete", json=body)
    assert r.status_code == 422 and key in r.json()["errors"]


def test_trailing_slash_is_accepted(api):
    assert api("GET", "/lead/").status_code == 200
    assert api("GET", "/lead/1/").status_code == 200


# ------------------------------------------------------------------ validation
VALID = {"first_name": "Val", "email": "PLACEHOLDER"}
CASES = [
    ("first_name", {"first_name": None}),
    ("first_name", {"first_name": ""}),
    ("first_name", {"first_name": "x" * 101}),
    ("first_name", {"first_name": 5}),
    ("last_name", {"last_name": "y" * 101}),
    ("email", {"email": None}),
    ("email", {"email": "not-an-email"}),
    ("company_id", {"company_id": 99999}),
    ("company_id", {"company_id": "abc"}),
    ("value", {"value": -1}),
    ("value", {"value": "lots"}),
    ("currency", {"currency": "DOLL"}),
    ("currency", {"currency": "U1"}),
    ("lead_interaction_date", {"lead_interaction_date": "01/04/2026"}),
    ("lead_interaction_date", {"lead_interaction_date": "2026-02-30"}),
    ("assigned_to", {"assigned_to": 2}),
    ("assigned_to.0", {"assigned_to": [99999]}),  # Laravel keys element errors by position
    ("status_ids.0", {"status_ids": [7]}),  # 7 is a source
    ("source_ids.0", {"source_ids": [1]}),  # 1 is a status
    ("status_ids.0", {"status_ids": [99999]}),
    ("groups.0", {"groups": ["a"]}),
    ("groups", {"groups": "1"}),
    ("website", {"website": "javascript:alert(1)"}),
    ("website", {"website": "not a url"}),
    ("country_id", {"country_id": "US"}),
    ("state_id", {"state_id": 1.5}),
    ("city_id", {"city_id": "x"}),
    ("custom_fields", {"custom_fields": "x"}),
]


@pytest.mark.parametrize("field,override", CASES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(CASES)])
def test_lead_create_validation(api, unique_email, field, override):
    body = dict(VALID, email=unique_email())
    body.update(override)
    if body.get("first_name") is None:
        body.pop("first_name")
    r = api("POST", "/lead", json=body)
    assert r.status_code == 422, r.text
    j = r.json()
    assert j["success"] is False and j["error"] == "Validation Error" and j["status_code"] == 422
    assert j["message"] == "The given data was invalid"
    assert field in j["errors"] and isinstance(j["errors"][field], list)
    if field != "email":  # nothing was written
        assert api("GET", "/lead", params={"search": body["email"]}).json()["data"] == []


def test_lead_create_missing_everything_lists_both_fields(api):
    r = api("POST", "/lead", json={})
    assert r.status_code == 422
    assert r.json()["errors"] == {
        "first_name": ["The first name field is required."],
        "email": ["The email field is required."],
    }


def test_duplicate_email_on_create_is_409(api, new_lead):
    lead = new_lead()
    r = api("POST", "/lead", json={"first_name": "Dup", "email": lead["email"].upper()})
    assert r.status_code == 409
    assert r.json() == {
        "success": False,
        "error": "Conflict",
        "message": "The email has already been taken.",
        "errors": {"email": ["The email has already been taken."]},
        "status_code": 409,
    }


def test_duplicate_email_on_update_is_409_but_own_email_is_fine(api, new_lead):
    a, b = new_lead(), new_lead()
    r = api("PUT", f"/lead/{b['id']}", json={"first_name": "B", "email": a["email"]})
    assert r.status_code == 409
    assert api("PUT", f"/lead/{b['id']}", json={"first_name": "B", "email": b["email"]}).status_code == 200


def test_bad_json_is_400(api):
    r = api("POST", "/lead", data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "Bad Request"


# ------------------------------------------------------------------ send email / convert
def test_send_email_records_the_mail(api, sandbox, new_lead):
    lead = new_lead()
    sandbox.clear_emails()
    r = api("POST", f"/lead/send-email/{lead['id']}", json={"subject": "Hello", "message": "Hi there"})
    assert r.status_code == 200 and r.json() == {"msg": "Email sent to lead successfully."}
    mails = sandbox.emails()
    assert len(mails) == 1 and mails[0]["to"] == lead["email"] and mails[0]["subject"] == "Hello"


@pytest.mark.parametrize(
    "body,field",
    [({"message": "m"}, "subject"), ({"subject": "s"}, "message"), ({"subject": "s" * 256, "message": "m"}, "subject")],
)
def test_send_email_validation(api, new_lead, body, field):
    r = api("POST", f"/lead/send-email/{new_lead()['id']}", json=body)
    assert r.status_code == 422 and field in r.json()["errors"]


def test_send_email_to_lead_without_email_is_422(api):
    no_email = [d for d in all_leads(api) if not d["email"]]
    assert no_email, "the seed has leads without email"
    r = api("POST", f"/lead/send-email/{no_email[0]['id']}", json={"subject": "s", "message": "m"})
    assert r.status_code == 422 and r.json()["error"] == "Validation Error"


def test_send_email_when_mail_not_connected_is_422(api, sandbox, new_lead):
    lead = new_lead()
    sandbox.config(mail_connected=False)
    sandbox.clear_emails()
    r = api("POST", f"/lead/send-email/{lead['id']}", json={"subject": "s", "message": "m"})
    assert r.status_code == 422 and "mail" in r.json()["errors"]
    assert sandbox.emails() == []


def test_convert_then_second_convert_is_422(api, new_lead):
    lead = new_lead(
        first_name="Conv", last_name="Ert", phone_number="555", country_id=1, address="1 St", zip_code="10001"
    )
    r = api("POST", f"/lead/{lead['id']}/convert")
    assert r.status_code == 200
    j = r.json()
    assert j["msg"] == "Lead converted to contact successfully."
    assert list(j["data"]) == [
        "id",
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "country_id",
        "country",
        "address",
        "zip_code",
    ]
    assert j["data"]["email"] == lead["email"] and j["data"]["country"] == "United States"
    after = api("GET", f"/lead/{lead['id']}").json()["data"]
    assert after["converted"] == 1 and after["converted_contact_id"] == j["data"]["id"] and after["converted_at"]
    contact = api("GET", f"/contact/{j['data']['id']}").json()["data"]
    assert contact["reference"] == f"lead:{lead['id']}" and contact["reference_name"] == "Converted lead"
    again = api("POST", f"/lead/{lead['id']}/convert")
    assert again.status_code == 422
    assert again.json()["success"] is False and "already converted" in again.json()["message"]


def test_convert_when_contact_email_exists_is_409(api, new_lead):
    lead = new_lead()
    assert api("POST", "/contact", json={"first_name": "C", "email": lead["email"]}).status_code == 200
    r = api("POST", f"/lead/{lead['id']}/convert")
    assert r.status_code == 409
    assert api("GET", f"/lead/{lead['id']}").json()["data"]["converted"] == 0


def test_convert_unknown_lead_404(api):
    assert api("POST", "/lead/999999/convert").status_code == 404
