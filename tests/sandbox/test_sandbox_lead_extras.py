"""Lead notes, lead files and lead attributes."""

import pytest
import requests

NOTE_KEYS = ["id", "lead_id", "note", "title", "media", "created_by", "created_at"]
FILE_KEYS = ["id", "title", "path", "mime_type", "size", "created_by", "created_at"]
ATTR_KEYS = ["id", "name", "type", "color", "order", "created_at", "updated_at"]


# ------------------------------------------------------------------ notes
def test_notes_crud(api, new_lead):
    lead = new_lead()
    lid = lead["id"]
    empty = api("GET", f"/lead/notes/{lid}").json()
    assert empty == {"msg": "Lead Notes Fetched", "data": []}
    r = api("POST", f"/lead/notes/{lid}", json={"title": "Follow Up", "note": "Next week"})
    assert r.status_code == 200
    j = r.json()
    assert j["msg"] == "Note Created" and list(j["data"]) == NOTE_KEYS
    note = j["data"]
    assert note["created_by"] == {"id": 1, "name": "Admin User", "email": "admin@example.com"}
    assert len(note["created_at"]) == 19 and note["created_at"][10] == " "  # Y-m-d H:i:s
    second = api("POST", f"/lead/notes/{lid}", json={"title": "Second", "note": "Later"}).json()["data"]
    listed = api("GET", f"/lead/notes/{lid}").json()["data"]
    assert [n["id"] for n in listed] == [second["id"], note["id"]]  # newest first
    r = api(
        "PUT", f"/lead/notes/{lid}", json={"note_id": note["id"], "title": "Follow Up (Updated)", "note": "Next month"}
    )
    assert r.json()["msg"] == "Note Updated" and r.json()["data"]["title"] == "Follow Up (Updated)"
    r = api("DELETE", f"/lead/notes/{lid}", json={"note_id": note["id"]})
    assert r.json() == {"msg": "Note Deleted"}
    assert [n["id"] for n in api("GET", f"/lead/notes/{lid}").json()["data"]] == [second["id"]]


@pytest.mark.parametrize(
    "body,field",
    [({"note": "n"}, "title"), ({"title": "t"}, "note"), ({"title": "t", "note": "n", "image": 999999}, "image")],
)
def test_note_create_validation(api, new_lead, body, field):
    r = api("POST", f"/lead/notes/{new_lead()['id']}", json=body)
    assert r.status_code == 422 and field in r.json()["errors"]


def test_note_of_another_lead_is_404(api, new_lead):
    a, b = new_lead(), new_lead()
    note = api("POST", f"/lead/notes/{a['id']}", json={"title": "t", "note": "n"}).json()["data"]
    r = api("PUT", f"/lead/notes/{b['id']}", json={"note_id": note["id"], "title": "x", "note": "y"})
    assert r.status_code == 404 and r.json()["error"] == "Not Found"
    assert api("DELETE", f"/lead/notes/{b['id']}", json={"note_id": note["id"]}).status_code == 404
    assert api("DELETE", f"/lead/notes/{a['id']}", json={}).status_code == 422


def test_notes_of_unknown_lead_404(api):
    assert api("GET", "/lead/notes/999999").status_code == 404


# ------------------------------------------------------------------ files
def upload(sandbox, lead_id, files, data=None):
    return requests.post(
        f"{sandbox.api_url}/lead/files/{lead_id}", headers=sandbox.headers(), files=files, data=data, timeout=30
    )


def test_upload_several_files_then_list_search_and_bulk_delete(api, sandbox, new_lead):
    lid = new_lead()["id"]
    files = [
        ("file", ("proposal.pdf", b"%PDF-1.4 test", "application/pdf")),
        ("file[]", ("notes.txt", b"hello world", "text/plain")),
        ("file[]", ("image.png", b"\x89PNG....", "image/png")),
    ]
    r = upload(sandbox, lid, files)
    assert r.status_code == 200 and r.json() == {"msg": "Files Added Successfully"}
    body = api("GET", f"/lead/files/{lid}").json()
    assert list(body) == ["data", "links", "meta"]  # no msg on this endpoint
    assert len(body["data"]) == 3
    f = {x["title"]: x for x in body["data"]}["notes.txt"]
    assert list(f) == FILE_KEYS
    assert f["size"] == 11 and f["mime_type"] == "text/plain" and f["path"].startswith("tenants/tenant-1/media/")
    assert f["created_at"].endswith("Z") and f["created_by"]["name"] == "Admin User"
    assert (sandbox.media_root / f["path"]).read_bytes() == b"hello world"
    assert [x["title"] for x in api("GET", f"/lead/files/{lid}", params={"search": "propos"}).json()["data"]] == [
        "proposal.pdf"
    ]
    page = api("GET", f"/lead/files/{lid}", params={"item": 2}).json()
    assert (
        len(page["data"]) == 2
        and page["links"]["next"].endswith(f"/lead/files/{lid}?page=2")
        and "total" not in page["meta"]
    )
    # attach an existing media id to another lead
    other = new_lead()["id"]
    r = api("POST", f"/lead/files/{other}", json={"ids": [f["id"]]})
    assert r.status_code == 200
    assert [x["id"] for x in api("GET", f"/lead/files/{other}").json()["data"]] == [f["id"]]
    r = api("DELETE", f"/lead/files/bulk-delete/{lid}", json={"ids": [f["id"]]})
    assert r.json() == {"msg": "Lead files bulk action success"}
    assert len(api("GET", f"/lead/files/{lid}").json()["data"]) == 2


def test_upload_ids_as_form_field(api, sandbox, new_lead):
    a, b = new_lead()["id"], new_lead()["id"]
    upload(sandbox, a, [("file", ("a.txt", b"a", "text/plain"))])
    mid = api("GET", f"/lead/files/{a}").json()["data"][0]["id"]
    r = requests.post(
        f"{sandbox.api_url}/lead/files/{b}", headers=sandbox.headers(), data={"ids[]": [str(mid)]}, timeout=10
    )
    assert r.status_code == 200, r.text
    assert [x["id"] for x in api("GET", f"/lead/files/{b}").json()["data"]] == [mid]


def test_upload_without_file_or_ids_is_422(api, sandbox, new_lead):
    lid = new_lead()["id"]
    r = requests.post(f"{sandbox.api_url}/lead/files/{lid}", headers=sandbox.headers(), data={"x": "1"}, timeout=10)
    assert r.status_code == 422 and "file" in r.json()["errors"]
    assert api("POST", f"/lead/files/{lid}", json={"ids": [999999]}).status_code == 422


def test_upload_too_large_is_422(api, sandbox, new_lead):
    lid = new_lead()["id"]
    sandbox.config(max_upload_mb=0.01)  # ~10 KB
    r = upload(sandbox, lid, [("file", ("big.bin", b"x" * 20000, "application/octet-stream"))])
    assert r.status_code == 422 and "file" in r.json()["errors"]
    r = upload(sandbox, lid, [("file", ("huge.bin", b"x" * 600_000, "application/octet-stream"))])
    assert r.status_code == 422
    assert api("GET", f"/lead/files/{lid}").json()["data"] == []


def test_upload_limit_per_hour_is_429(api, sandbox, new_lead):
    lid = new_lead()["id"]
    sandbox.config(upload_limit=2)
    for i in range(2):
        assert upload(sandbox, lid, [("file", (f"f{i}.txt", b"x", "text/plain"))]).status_code == 200
    r = upload(sandbox, lid, [("file", ("f3.txt", b"x", "text/plain"))])
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert r.json()["error"] == "Too Many Requests"
    assert len(api("GET", f"/lead/files/{lid}").json()["data"]) == 2
    assert api("GET", "/lead").status_code == 200  # the API budget is separate


# ------------------------------------------------------------------ attributes
def test_attribute_list_envelope_sorted_by_order_then_id(api, sandbox):
    body = api("GET", "/lead-attribute", params={"item": 0}).json()
    assert list(body) == ["msg", "data", "links", "meta"] and body["msg"] == "Lead Attributes Fetched"
    assert "total" not in body["meta"]
    assert [(a["order"], a["id"]) for a in body["data"]] == sorted((a["order"], a["id"]) for a in body["data"])
    assert list(body["data"][0]) == ATTR_KEYS
    assert len(api("GET", "/lead-attribute").json()["data"]) == 10  # default item
    statuses = api("GET", "/lead-attribute", params={"type": 1, "item": 0}).json()["data"]
    assert [a["name"] for a in statuses][:6] == ["New", "Contacted", "Qualified", "Proposal", "Negotiation", "Won"]
    assert all(a["type"] == 1 for a in statuses)


def test_attribute_crud_and_delete_detaches(api, new_lead):
    r = api("POST", "/lead-attribute", json={"name": "Hot", "type": 1, "color": "#e74c3c", "order": 9})
    assert r.status_code == 200 and r.json()["msg"] == "Attribute Created"
    a = r.json()["data"]
    assert list(a) == ATTR_KEYS and a["order"] == 9
    assert api("GET", f"/lead-attribute/{a['id']}").json() == {"msg": "Attribute Details", "data": a}
    r = api("PUT", f"/lead-attribute/{a['id']}", json={"name": "Hotter", "type": 1, "color": "#abc"})
    assert (
        r.json()["msg"] == "Attribute Updated"
        and r.json()["data"]["name"] == "Hotter"
        and r.json()["data"]["color"] == "#abc"
    )
    lead = new_lead(status_ids=[a["id"]])
    assert api("DELETE", f"/lead-attribute/{a['id']}").json() == {"msg": "Attribute Deleted Successfully"}
    assert api("GET", f"/lead/{lead['id']}").json()["data"]["statuses"] == []
    assert api("GET", f"/lead-attribute/{a['id']}").status_code == 404


ATTR_CASES = [
    ({"type": 1}, "name"),
    ({"name": "x" * 192, "type": 1}, "name"),
    ({"name": "x"}, "type"),
    ({"name": "x", "type": 3}, "type"),
    ({"name": "x", "type": 1, "color": "red"}, "color"),
    ({"name": "x", "type": 1, "color": "#" + "a" * 50}, "color"),
    ({"name": "x", "type": 1, "order": "first"}, "order"),
]


@pytest.mark.parametrize("body,field", ATTR_CASES)
def test_attribute_validation(api, body, field):
    r = api("POST", "/lead-attribute", json=body)
    assert r.status_code == 422 and field in r.json()["errors"]


def test_attribute_update_requires_name_and_type(api):
    r = api("PUT", "/lead-attribute/1", json={"color": "#fff"})
    assert r.status_code == 422 and set(r.json()["errors"]) == {"name", "type"}
