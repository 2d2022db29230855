"""The files panel: list with search and paging, upload (JS and plain form), size limit,
TaskIP's upload limit, bulk delete, and every failure."""

from __future__ import annotations

import io
import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
JS = {"HTTP_ACCEPT": "application/json"}
FAULTS = [
    (500, "internal problem"),
    (429, "Try again in 30 seconds"),
    ("malformed", "could not read"),
]


@pytest.fixture
def lead(use_sandbox):
    from crmui import api

    created = api.client().leads.create(
        {"first_name": "Fay", "last_name": "Files", "email": f"files-{uuid.uuid4().hex[:8]}@example.com"}
    )
    yield created
    try:
        api.client().leads.delete(created.id)
    except Exception:
        pass


def put_file(lead_id, name, content=b"hello", ctype="text/plain"):
    from crmui import api

    api.client().files.upload(lead_id, file=io.BytesIO(content), filename=name, content_type=ctype)


def files_url(lead, **q):
    url = reverse("leads:files", args=[lead.id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in q.items()) if q else "")


def upload_url(lead):
    return reverse("leads:file_upload", args=[lead.id])


def html_of(response):
    return response.content.decode()


def test_panel_lists_files_with_type_human_size_uploader_and_date(sales_client, lead):
    put_file(lead.id, "proposal.pdf", b"%PDF" + b"x" * 204_796, "application/pdf")
    response = sales_client.get(files_url(lead), **HX)
    html = html_of(response)
    assert html.lstrip().startswith('<section id="files-panel"')
    assert "proposal.pdf" in html and ">PDF<" in html and "200.0\xa0KB" in html
    assert "<time datetime=" in html
    assert f'data-max-bytes="{20 * 1024 * 1024}"' in html


def test_panel_without_htmx_is_a_full_page(sales_client, lead):
    put_file(lead.id, "plain.txt")
    html = html_of(sales_client.get(files_url(lead)))
    assert "<html" in html and "plain.txt" in html and 'id="files-panel"' in html


def test_empty_panel_says_so_and_offers_the_drop_zone(sales_client, lead):
    html = html_of(sales_client.get(files_url(lead), **HX))
    assert "No files yet" in html and 'type="file"' in html and "multiple" in html


def test_search_narrows_the_list(sales_client, lead):
    put_file(lead.id, "contract-final.pdf")
    put_file(lead.id, "photo.png", b"png", "image/png")
    html = html_of(sales_client.get(files_url(lead, q="contract"), **HX))
    assert "contract-final.pdf" in html and "photo.png" not in html
    html = html_of(sales_client.get(files_url(lead, q="nothing-like-this"), **HX))
    assert "No files match" in html


def test_paging_follows_has_next(sales_client, lead, monkeypatch):
    from leads import panels

    monkeypatch.setattr(panels, "FILES_PER_PAGE", 2)
    for name in ("a.txt", "b.txt", "c.txt"):
        put_file(lead.id, name)
    first = html_of(sales_client.get(files_url(lead), **HX))
    assert "Next →" in first and first.count('name="ids"') == 2
    second = html_of(sales_client.get(files_url(lead, page=2), **HX))
    assert second.count('name="ids"') == 1 and "← Previous" in second and "Next →" not in second


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_files_that_cannot_be_read_show_an_error_with_retry(sales_client, lead, use_sandbox, fault, expected):
    use_sandbox.fail_next(status=fault, count=3, path_contains="/lead/files", method="GET")
    response = sales_client.get(files_url(lead), **HX)
    html = html_of(response)
    assert response.status_code == 200
    assert "Files could not be loaded" in html and expected in html and "Try again" in html


def test_upload_from_the_script_answers_json_and_the_list_shows_it(sales_client, sales_user, lead):
    sales_client.get(files_url(lead), **HX)  # cached list: the upload must invalidate it
    f = SimpleUploadedFile("brief.txt", b"the brief", content_type="text/plain")
    response = sales_client.post(upload_url(lead), {"file": f}, **JS)
    assert response.status_code == 200
    assert json.loads(response.content) == {"ok": True, "uploaded": ["brief.txt"]}
    html = html_of(sales_client.get(files_url(lead), **HX))
    assert "brief.txt" in html
    entry = AuditEntry.objects.get(action="file.upload")
    assert entry.outcome == "ok" and entry.user == sales_user and entry.object_label == "brief.txt"


def test_the_same_upload_sent_twice_is_stored_once_and_both_are_told_uploaded(sales_client, lead, use_sandbox):
    token = uuid.uuid4().hex
    answers = [
        sales_client.post(
            upload_url(lead), {"file": SimpleUploadedFile("twice.txt", b"same bytes"), "idem_token": token}, **JS
        )
        for _ in range(2)
    ]
    assert [json.loads(a.content) for a in answers] == [{"ok": True, "uploaded": ["twice.txt"]}] * 2
    held = use_sandbox.api("GET", f"/lead/files/{lead.id}", params={"item": 100}).json()["data"]
    assert [f["title"] for f in held].count("twice.txt") == 1
    # a new upload (a new token) of the same name is a second file, as the person asked
    sales_client.post(
        upload_url(lead), {"file": SimpleUploadedFile("twice.txt", b"same bytes"), "idem_token": uuid.uuid4().hex}, **JS
    )
    held = use_sandbox.api("GET", f"/lead/files/{lead.id}", params={"item": 100}).json()["data"]
    assert [f["title"] for f in held].count("twice.txt") == 2


def test_the_upload_form_and_script_carry_a_token(sales_client, lead):
    html = html_of(sales_client.get(files_url(lead), **HX))
    assert re.search(r'name="idem_token" value="[0-9a-f]{32}"', html)


def test_a_large_upload_streams_through_a_temporary_file(sales_client, lead):
    big = SimpleUploadedFile(
        "recording.pdf", b"%PDF-1.4\n" + b"\0" * (3 * 1024 * 1024 - 9), content_type="application/octet-stream"
    )
    response = sales_client.post(upload_url(lead), {"file": big}, **JS)
    assert response.status_code == 200, response.content
    assert "3.0\xa0MB" in html_of(sales_client.get(files_url(lead), **HX))


def test_plain_form_uploads_several_files_and_goes_back_to_the_lead(sales_client, lead):
    files = [SimpleUploadedFile("one.txt", b"1"), SimpleUploadedFile("two.txt", b"2")]
    response = sales_client.post(upload_url(lead), {"file": files})
    assert response.status_code == 303
    assert response["Location"].startswith(reverse("leads:detail", args=[lead.id]))
    html = html_of(sales_client.get(files_url(lead), **HX))
    assert "one.txt" in html and "two.txt" in html


def test_too_large_a_file_is_refused_before_calling_taskip(sales_client, lead, settings):
    settings.LEAD_FILE_MAX_MB = 1
    f = SimpleUploadedFile("huge.zip", b"x" * (1024 * 1024 + 10), content_type="application/zip")
    response = sales_client.post(upload_url(lead), {"file": f}, **JS)
    assert response.status_code == 413
    assert "larger than the 1 MB limit" in json.loads(response.content)["error"]
    assert response["X-Upstream-Calls"] == "0"
    assert not AuditEntry.objects.filter(action="file.upload").exists()


def test_a_body_far_over_the_limit_is_refused_without_reading_it(sales_client, lead, settings):
    settings.LEAD_FILE_MAX_MB = 1
    f = SimpleUploadedFile("huge.zip", b"x" * (2 * 1024 * 1024), content_type="application/zip")
    response = sales_client.post(upload_url(lead), {"file": f}, HTTP_X_FILE_NAME="huge.zip", **JS)
    assert response.status_code == 413 and response["X-Upstream-Calls"] == "0"
    assert "“huge.zip”" in json.loads(response.content)["error"]


def test_an_oversized_file_is_skipped_while_it_streams_in_and_the_others_still_upload(sales_client, lead, settings):
    settings.LEAD_FILE_MAX_MB = 1
    files = [SimpleUploadedFile("small.txt", b"fine"), SimpleUploadedFile("huge.bin", b"x" * (1024 * 1024 + 1))]
    html = html_of(sales_client.post(upload_url(lead), {"file": files}, follow=True))
    assert "Uploaded small.txt." in html and "“huge.bin” is larger than the 1 MB limit" in html
    listed = html_of(sales_client.get(files_url(lead), **HX))
    assert "small.txt" in listed and "huge.bin" not in listed


def test_uploads_are_csrf_protected(lead, sales_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(sales_user)
    response = strict.post(upload_url(lead), {"file": SimpleUploadedFile("x.txt", b"x")}, **JS)
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="file.upload").exists()


def test_the_panel_tells_the_browser_the_configured_limit(sales_client, lead, settings):
    settings.LEAD_FILE_MAX_MB = 3
    html = html_of(sales_client.get(files_url(lead), **HX))
    assert f'data-max-bytes="{3 * 1024 * 1024}"' in html and "Up to 3 MB each" in html


def test_taskips_hourly_upload_limit_is_reported_plainly(sales_client, lead, use_sandbox):
    use_sandbox.config(upload_limit=1)
    ok = sales_client.post(upload_url(lead), {"file": SimpleUploadedFile("first.txt", b"1")}, **JS)
    assert ok.status_code == 200
    for attempt in range(2):  # a second try only if the first one straddled TaskIP's hourly window
        refused = sales_client.post(upload_url(lead), {"file": SimpleUploadedFile(f"more{attempt}.txt", b"2")}, **JS)
        if refused.status_code == 429:
            break
    assert refused.status_code == 429
    error = json.loads(refused.content)["error"]
    assert "at most 50 file uploads an hour" in error and "limit has been reached" in error
    assert "Try again in" in error


def test_the_upload_limit_on_the_plain_form_stops_and_says_what_was_not_sent(sales_client, lead, use_sandbox):
    use_sandbox.config(upload_limit=1)
    files = [SimpleUploadedFile(n, b"x") for n in ("a.txt", "b.txt", "c.txt")]
    response = sales_client.post(upload_url(lead), {"file": files}, follow=True)
    html = html_of(response)
    assert "Uploaded a.txt" in html and "upload" in html and "“c.txt” was not sent." in html


@pytest.mark.parametrize(
    "fault,expected,status",
    [
        (500, "internal problem", 200),
        ("malformed", "could not read", 200),
        (429, "hourly request limit for this workspace has been reached. Try again in 30 seconds", 429),
    ],
)
def test_failed_upload_says_why_and_is_audited(sales_client, lead, use_sandbox, fault, expected, status):
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead/files", method="POST")
    response = sales_client.post(upload_url(lead), {"file": SimpleUploadedFile("x.txt", b"x")}, **JS)
    assert response.status_code == status
    assert expected in json.loads(response.content)["error"]
    assert AuditEntry.objects.get(action="file.upload").outcome == "failed"


def test_upload_without_a_file_is_refused(sales_client, lead):
    response = sales_client.post(upload_url(lead), {}, **JS)
    assert response.status_code == 400 and "Choose a file" in json.loads(response.content)["error"]


def _ids_by_name(lead_id):
    from crmui import api

    return {f.title: f.id for f in api.client().files.list(lead_id, item=50).items}


def test_bulk_delete_removes_the_selected_files_and_is_audited(sales_client, lead):
    for name in ("keep.txt", "drop1.txt", "drop2.txt"):
        put_file(lead.id, name)
    ids = _ids_by_name(lead.id)
    response = sales_client.post(
        reverse("leads:files_delete", args=[lead.id]), {"ids": [ids["drop1.txt"], ids["drop2.txt"]]}, **HX
    )
    html = html_of(response)
    assert "Deleted 2 files." in html and "keep.txt" in html and "drop1.txt" not in html and "drop2.txt" not in html
    entry = AuditEntry.objects.get(action="file.delete")
    assert entry.outcome == "ok" and sorted(entry.changes["names"]) == ["drop1.txt", "drop2.txt"]


def test_bulk_delete_asks_for_confirmation(sales_client, lead):
    put_file(lead.id, "a.txt")
    html = html_of(sales_client.get(files_url(lead), **HX))
    assert 'hx-confirm="Delete the selected files from this lead? This cannot be undone."' in html


def test_bulk_delete_with_nothing_selected_says_so(sales_client, lead):
    html = html_of(sales_client.post(reverse("leads:files_delete", args=[lead.id]), {}, **HX))
    assert "Select the files to delete first." in html


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_failed_bulk_delete_keeps_the_files_and_the_selection(sales_client, lead, use_sandbox, fault, expected):
    put_file(lead.id, "stay.txt")
    file_id = _ids_by_name(lead.id)["stay.txt"]
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead/files", method="DELETE")
    html = html_of(sales_client.post(reverse("leads:files_delete", args=[lead.id]), {"ids": [file_id]}, **HX))
    assert "The files were not deleted." in html and expected in html and "stay.txt" in html
    assert f'value="{file_id}" aria-label="Select stay.txt" checked' in html


def test_plain_bulk_delete_goes_back_to_the_lead(sales_client, lead):
    put_file(lead.id, "bye.txt")
    response = sales_client.post(
        reverse("leads:files_delete", args=[lead.id]), {"ids": [_ids_by_name(lead.id)["bye.txt"]]}
    )
    assert response.status_code == 303


def test_file_names_from_the_api_are_escaped(sales_client, lead):
    put_file(lead.id, "<img src=x onerror=alert(1)>.txt")
    html = html_of(sales_client.get(files_url(lead), **HX))
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_user_without_a_role_cannot_list_or_upload(client, django_user_model, lead):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(files_url(lead)).status_code == 403
    assert client.post(upload_url(lead), {"file": SimpleUploadedFile("x.txt", b"x")}).status_code == 403


def test_files_uploaded_in_the_dashboard_show_who_uploaded_them(sales_client, lead):
    put_file(lead.id, "elsewhere.txt")
    sales_client.post(upload_url(lead), {"file": SimpleUploadedFile("mine.txt", b"m")}, **JS)
    html = html_of(sales_client.get(files_url(lead), **HX))
    row = lambda name: html[html.index(f">{name}<") :][:900]  # noqa: E731
    assert "Sally" in row("mine.txt") and "Sally" not in row("elsewhere.txt")
