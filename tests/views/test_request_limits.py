"""Issue #14.3: a form with very many fields, a huge body or a very long file name gets a clear
message in the page (never the bare "Bad Request (400)"), and what was typed is kept where it can be."""

from __future__ import annotations

import json
from urllib.parse import unquote
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db
JS = {"HTTP_ACCEPT": "application/json"}


def test_a_bulk_action_on_5000_ids_says_how_many_it_takes_and_changes_nothing(manager_client, use_sandbox):
    ids = [str(100_000 + i) for i in range(5000)]
    data = {"ids": ids, "do": "status:1", "back": "/leads/?q=x", **{f"label_{i}": f"Lead {i}" for i in ids}}
    use_sandbox.reset_stats()
    response = manager_client.post(reverse("leads:bulk_start"), data, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "5,000 leads were selected; one bulk action takes at most 500, so nothing was changed." in html
    assert response.redirect_chain[0][0] == "/leads/?q=x"
    assert use_sandbox.stats()["by_endpoint"].get("PUT /lead/{id}", 0) == 0


def test_500_custom_field_rows_keep_everything_typed_and_say_the_limit(sales_client, use_sandbox):
    data = {
        "first_name": "Many",
        "email": f"many-{uuid4().hex[:8]}@example.com",
        "currency": "USD",
        "cf_key": [f"field {i}" for i in range(500)],
        "cf_value": [f"value {i}" for i in range(500)],
    }
    response = sales_client.post(reverse("leads:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "At most 30 custom fields; remove 470." in html
    assert 'value="field 499"' in html and 'value="value 499"' in html and 'value="Many"' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_more_fields_than_the_server_takes_is_a_clear_message_not_a_bare_400(sales_client, use_sandbox, settings, htmx):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
    data = {"first_name": "Over", "cf_key": [f"k{i}" for i in range(600)], "cf_value": [f"v{i}" for i in range(600)]}
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = sales_client.post(reverse("leads:create"), data, HTTP_REFERER="http://testserver/leads/new/", **extra)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bad Request (400)" not in html
    message = (
        "The form sent more than 1,000 fields, more than the dashboard takes at once, so nothing was saved. "
        "Select fewer leads or remove some rows, then send it again."
    )
    assert message in html
    assert unquote(response["X-Problem"]) == message  # htmx leaves the form as it is; app.js shows this
    assert 'href="http://testserver/leads/new/" data-history-back' in html


def test_a_page_from_another_site_is_not_offered_as_the_way_back(sales_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = sales_client.post(
        reverse("leads:create"), {f"f{i}": "x" for i in range(20)}, HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 400
    assert 'href="/" data-history-back' in response.content.decode()


def _long_name_upload(client, lead_id, name, **extra):
    """A multipart body as a browser sends it: the part's headers (with the name) are over the
    1 KB Django's parser reads them in, and the file is large enough to fill that first read."""
    b = "----dashboardtestboundary"
    body = (
        (
            f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/plain\r\n\r\n"
        ).encode()
        + b"x" * 100_000
        + f"\r\n--{b}--\r\n".encode()
    )
    return client.generic(
        "POST",
        reverse("leads:file_upload", args=[lead_id]),
        body,
        content_type=f"multipart/form-data; boundary={b}",
        **extra,
    )


def test_a_1000_character_file_name_from_the_plain_form_is_explained(sales_client, use_sandbox):
    lead = use_sandbox.create_lead(first_name="Longname")
    response = _long_name_upload(sales_client, lead["id"], "n" * 996 + ".txt")
    html = response.content.decode()
    assert response.status_code == 400 and "Bad Request (400)" not in html
    assert "usually because a file name is very long" in html and "Rename the file to at most 200 characters" in html


def test_a_1000_character_file_name_from_the_script_is_named_in_the_json_answer(sales_client, use_sandbox):
    lead = use_sandbox.create_lead(first_name="Longname")
    name = "n" * 996 + ".txt"
    response = _long_name_upload(sales_client, lead["id"], name, HTTP_X_FILE_NAME=name, **JS)
    body = json.loads(response.content)
    assert response.status_code == 400 and body["ok"] is False
    assert body["error"] == (
        "“" + "n" * 48 + "…" + "nnnnnn.txt” was not uploaded: its name is too long. "
        "Rename the file to at most 200 characters and upload it again."
    )


def test_a_long_file_name_that_parses_is_refused_by_name_before_taskip(sales_client, use_sandbox):
    lead = use_sandbox.create_lead(first_name="Longname")
    use_sandbox.reset_stats()
    response = sales_client.post(
        reverse("leads:file_upload", args=[lead["id"]]),
        {"file": SimpleUploadedFile("m" * 296 + ".txt", b"hello", content_type="text/plain")},
        **JS,
    )
    assert response.status_code == 415
    assert "its name is longer than 200 characters. Rename it" in json.loads(response.content)["error"]
    assert use_sandbox.stats()["by_endpoint"].get("POST /lead/files/{id}", 0) == 0
