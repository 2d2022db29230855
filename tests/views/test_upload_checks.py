"""Issue #14.1: every upload path (plain form, drag-and-drop / script, JSON) checks the file's
extension against the allowed list and its content against that extension; a refusal names the
file and the reason, nothing of it reaches TaskIP, and the other files of the same drop upload."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db
JS = {"HTTP_ACCEPT": "application/json"}
MZ = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

# name, content, content type the browser claims, words the refusal must contain
REFUSED = [
    ("setup.exe", MZ, "application/x-msdownload", ".exe files cannot be uploaded"),
    ("page.html", HTML, "text/html", ".html files cannot be uploaded"),
    (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "image/svg+xml",
        ".svg files cannot be uploaded",
    ),
    ("a.pdf.exe", MZ, "application/octet-stream", ".exe files cannot be uploaded"),
    ("invoice.pdf", MZ, "application/pdf", "its content is a Windows program"),
    ("notes.txt", HTML, "text/plain", "its content is a web page"),
    ("notes.txt", HTML, "text/html", "sent as text/html"),
    ("report.docx", b"just some text", "application/octet-stream", "not recognisable"),
]


@pytest.fixture
def lead(use_sandbox):
    from crmui import api

    created = api.client().leads.create(
        {"first_name": "Uma", "last_name": "Uploads", "email": f"uploads-{uuid.uuid4().hex[:8]}@example.com"}
    )
    yield created
    try:
        api.client().leads.delete(created.id)
    except Exception:
        pass


def stored_names(lead) -> list[str]:
    from crmui import api

    return [f.title for f in api.client().files.list(lead.id, item=50).items]


def upload_url(lead):
    return reverse("leads:file_upload", args=[lead.id])


@pytest.mark.parametrize("name,content,ctype,reason", REFUSED)
def test_the_script_and_json_path_refuses_the_file_naming_it_and_why(
    sales_client, lead, use_sandbox, name, content, ctype, reason
):
    use_sandbox.reset_stats()
    response = sales_client.post(
        upload_url(lead), {"file": SimpleUploadedFile(name, content, content_type=ctype)}, **JS
    )
    assert response.status_code == 415
    body = json.loads(response.content)
    assert body["ok"] is False and body["uploaded"] == []
    assert f"“{name}”" in body["error"] and reason in body["error"]
    assert use_sandbox.stats()["by_endpoint"].get("POST /lead/files/{id}", 0) == 0
    assert stored_names(lead) == []


def test_the_plain_form_uploads_the_good_files_of_a_drop_and_names_each_refused_one(sales_client, lead):
    files = [
        SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("setup.exe", MZ, content_type="application/x-msdownload"),
        SimpleUploadedFile("invoice.pdf", MZ, content_type="application/pdf"),
        SimpleUploadedFile("minutes.txt", b"Call went well.\nNext step: demo.", content_type="text/plain"),
        SimpleUploadedFile("notes.txt", HTML, content_type="text/plain"),
    ]
    html = sales_client.post(upload_url(lead), {"file": files}, follow=True).content.decode()
    assert "Uploaded offer.pdf, minutes.txt." in html
    assert "“setup.exe” was not uploaded: .exe files cannot be uploaded" in html
    assert "“invoice.pdf” was not uploaded: its content is a Windows program, not a .pdf file." in html
    assert "“notes.txt” was not uploaded: it is named .txt but its content is a web page" in html
    assert sorted(stored_names(lead)) == ["minutes.txt", "offer.pdf"]


def test_real_files_of_the_allowed_kinds_still_upload(sales_client, lead):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
    for name, content, ctype in [
        ("offer.pdf", PDF, "application/pdf"),
        ("photo.png", png, "image/png"),
        ("list.csv", b"name,email\nAda,ada@example.com\n", "text/csv"),
        ("raw.pdf", PDF, "application/octet-stream"),
    ]:
        response = sales_client.post(
            upload_url(lead), {"file": SimpleUploadedFile(name, content, content_type=ctype)}, **JS
        )
        assert (response.status_code, json.loads(response.content)) == (200, {"ok": True, "uploaded": [name]})
    assert sorted(stored_names(lead)) == ["list.csv", "offer.pdf", "photo.png", "raw.pdf"]
