"""Create and edit a contact: the form mirrors the API payload, errors land on the fields,
nothing typed is lost, a double submit never creates two contacts."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


CREATE = reverse("contacts:create")


def email(tag="f"):
    return f"{tag}-{uuid4().hex[:10]}@example.com"


def html_of(response):
    return response.content.decode()


def make_contact(sandbox, **fields):
    return sandbox.create_contact(**{"first_name": "Form", "last_name": uuid4().hex[:6], "email": email(), **fields})


def fetch(sandbox, contact_id):
    return sandbox.api("GET", f"/contact/{contact_id}").json()["data"]


def field_errors(html, name):
    """The error list rendered under the field `name`."""
    m = re.search(rf'data-field="{name}">(.*?)</div>\s*(?=<div class="field|</div>|</fieldset>)', html, re.S)
    block = m.group(1) if m else ""
    return re.findall(r"<li>(.*?)</li>", block)


def form_data(**overrides):
    data = {"first_name": "Ada", "last_name": "Lovelace", "email": email(), "idem": uuid4().hex}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --------------------------------------------------------------------------- create
def test_create_form_offers_every_documented_field(sales_client, use_sandbox):
    response = sales_client.get(CREATE)
    html = html_of(response)
    assert response.status_code == 200
    for name in (
        "first_name",
        "last_name",
        "email",
        "phone_code",
        "phone_number",
        "company_id",
        "position",
        "address",
        "zip_code",
        "country_id",
        "state_id",
        "city_id",
        "timezone",
        "access_portal",
        "password",
        "invite_client",
        "cf_key",
        "cf_value",
        "details",
        "image",
        "idem",
    ):
        assert f'name="{name}"' in html, name
    assert 'maxlength="5"' in html and 'maxlength="18"' in html and 'maxlength="8"' in html
    # time zones: common ones first, then all
    assert html.index('value="UTC"') < html.index('value="Africa/Abidjan"')
    assert '<optgroup label="Common">' in html
    # companies chosen by name
    companies = use_sandbox.api("GET", "/company", params={"limit": 5}).json()["data"]
    assert f">{companies[0]['name']}</option>" in html.replace("&amp;", "&")


def test_create_saves_the_contact_and_shows_it(sales_client, use_sandbox):
    company = use_sandbox.api("GET", "/company", params={"limit": 1}).json()["data"][0]
    data = form_data(
        phone_code="+49",
        phone_number="301234567",
        position="Analyst",
        address="Unter den Linden 1",
        zip_code="10117",
        timezone="Europe/Berlin",
        company_id=str(company["id"]),
        country_id="1",
        cf_key=["department", "", "tier"],
        cf_value=["R&D", "", "gold"],
        details="Likes tea",
    )
    response = sales_client.post(CREATE, data)
    assert response.status_code == 303
    contact_id = int(response["Location"].rstrip("/").split("/")[-1])
    saved = fetch(use_sandbox, contact_id)
    assert saved["email"] == data["email"] and saved["timezone"] == "Europe/Berlin"
    assert "phone_code" not in saved  # TaskIP takes it but never sends it back
    assert saved["company_id"] == company["id"] and saved["custom_fields"] == {"department": "R&D", "tier": "gold"}
    assert saved["details"] == "Likes tea" and saved["access_portal"] == 0
    page = html_of(sales_client.get(response["Location"]))
    assert "Ada Lovelace" in page and "created" in page
    entry = AuditEntry.objects.get(action="contact.create", object_id=str(contact_id))
    assert entry.outcome == "ok"


def test_duplicate_email_409_lands_on_the_email_field_and_keeps_the_input(sales_client, use_sandbox):
    existing = make_contact(use_sandbox)
    data = form_data(
        email=existing["email"],
        first_name="Dupli",
        position="Keeps this",
        cf_key=["k1"],
        cf_value=["v1"],
        phone_number="555-0199",
    )
    response = sales_client.post(CREATE, data)
    html = html_of(response)
    assert response.status_code == 200
    assert field_errors(html, "email"), html
    assert 'value="Dupli"' in html and 'value="Keeps this"' in html and 'value="555-0199"' in html
    assert f'value="{existing["email"]}"' in html
    assert 'value="k1"' in html and 'value="v1"' in html
    assert f'href="{reverse("contacts:detail", args=[existing["id"]])}"' in html  # open the existing one
    assert AuditEntry.objects.get(action="contact.create").outcome == "failed"


def test_api_422_errors_land_on_their_fields(sales_client, use_sandbox):
    # The form checks lengths itself, so make TaskIP the one refusing: an unknown image id.
    response = sales_client.post(CREATE, form_data(first_name="Img", image="999999"))
    html = html_of(response)
    assert field_errors(html, "image") == ["The selected image is invalid."]
    assert 'value="Img"' in html and 'value="999999"' in html


def test_form_rules_checked_before_calling_taskip(sales_client, use_sandbox):
    use_sandbox.reset_stats()
    response = sales_client.post(
        CREATE,
        form_data(
            first_name="", email="not-an-email", phone_code="+123456", zip_code="123456789", phone_number="1" * 19
        ),
    )
    html = html_of(response)
    assert field_errors(html, "first_name") and field_errors(html, "email")
    assert field_errors(html, "phone_code") and field_errors(html, "zip_code") and field_errors(html, "phone_number")
    assert response["X-Upstream-Calls"] in ("0", "1")  # at most the cached company list
    assert 'value="+123456"' in html  # kept as typed


def test_portal_access_needs_a_password_and_it_is_never_echoed(sales_client, use_sandbox):
    response = sales_client.post(CREATE, form_data(access_portal="on"))
    html = html_of(response)
    assert any("password is required" in e for e in field_errors(html, "password"))
    short = sales_client.post(CREATE, form_data(access_portal="on", password="abc12", first_name="Shorty"))
    html = html_of(short)
    assert field_errors(html, "password")
    assert "abc12" not in html
    assert 'value="Shorty"' in html


def test_portal_access_with_password_creates_a_portal_contact(sales_client, use_sandbox):
    response = sales_client.post(CREATE, form_data(access_portal="on", password="secret-123", invite_client="on"))
    assert response.status_code == 303
    contact_id = int(response["Location"].rstrip("/").split("/")[-1])
    assert fetch(use_sandbox, contact_id)["access_portal"] == 1
    entry = AuditEntry.objects.get(action="contact.create", object_id=str(contact_id))
    assert "secret-123" not in str(entry.changes)


def test_custom_field_rows_need_unique_names(sales_client, use_sandbox):
    html = html_of(sales_client.post(CREATE, form_data(cf_key=["a", "a", ""], cf_value=["1", "2", "orphan"])))
    assert "appears twice" in html and "needs a name" in html
    assert 'value="orphan"' in html


def test_double_submit_creates_one_contact(sales_client, use_sandbox):
    data = form_data(first_name="Twice")
    first = sales_client.post(CREATE, data)
    second = sales_client.post(CREATE, data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    found = use_sandbox.api("GET", "/contact", params={"search": data["email"]}).json()["data"]
    assert len(found) == 1
    assert "already saved" in html_of(sales_client.get(second["Location"]))


def test_failed_create_can_be_sent_again_with_the_same_token(sales_client, use_sandbox):
    data = form_data(first_name="Retry")
    use_sandbox.fail_next(status=500, path_contains="/contact", method="POST")
    failed = sales_client.post(CREATE, data)
    html = html_of(failed)
    # the 500 may have come after saving: the dashboard read TaskIP back before saying so
    assert (
        failed.status_code == 200
        and "Nothing was saved (the dashboard checked with TaskIP)" in html
        and "internal problem" in html
    )
    assert f'value="{data["idem"]}"' in html and 'value="Retry"' in html
    again = sales_client.post(CREATE, data)
    assert again.status_code == 303


@pytest.mark.parametrize("fault,expected", [(429, "request limit"), ("malformed", "could not read")])
def test_create_upstream_failures_keep_the_form(sales_client, use_sandbox, fault, expected):
    use_sandbox.fail_next(status=fault, count=3, path_contains="/contact", method="POST")
    response = sales_client.post(CREATE, form_data(first_name="Kept"))
    html = html_of(response)
    assert response.status_code == 200 and expected in html and 'value="Kept"' in html


def test_user_without_role_cannot_create(client, django_user_model, use_sandbox):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403


def test_create_works_when_the_company_list_cannot_be_loaded(sales_client, use_sandbox):
    use_sandbox.fail_next(status=500, count=3, path_contains="/company")
    html = html_of(sales_client.get(CREATE))
    assert "company list could not be loaded" in html
    assert 'name="first_name"' in html


# --------------------------------------------------------------------------- edit
def test_edit_form_is_prefilled_and_saves_only_changes(sales_client, use_sandbox):
    c = make_contact(use_sandbox, position="Clerk", custom_fields={"tier": "silver"}, timezone="Asia/Dhaka")
    url = reverse("contacts:edit", args=[c["id"]])
    html = html_of(sales_client.get(url))
    assert f'value="{c["email"]}"' in html and 'value="Clerk"' in html and 'value="silver"' in html
    assert '<option value="Asia/Dhaka" selected>' in html
    assert 'name="invite_client"' not in html and 'name="idem"' not in html
    data = {
        "first_name": c["first_name"],
        "last_name": c["last_name"],
        "email": c["email"],
        "position": "Manager",
        "timezone": "Asia/Dhaka",
        "cf_key": ["tier", "region"],
        "cf_value": ["gold", "EMEA"],
    }
    response = sales_client.post(url, data)
    assert response.status_code == 303 and response["Location"] == reverse("contacts:detail", args=[c["id"]])
    saved = fetch(use_sandbox, c["id"])
    assert saved["position"] == "Manager" and saved["custom_fields"] == {"tier": "gold", "region": "EMEA"}
    entry = AuditEntry.objects.get(action="contact.update", object_id=str(c["id"]))
    assert set(entry.changes) == {"position", "custom_fields"}
    # the update answers without the contact: the detail page shows the refetched contact
    detail = sales_client.get(response["Location"])
    assert "Manager" in html_of(detail) and "EMEA" in html_of(detail)
    assert detail["X-Upstream-Calls"] == "1"


def test_edit_never_prefills_the_phone_code_taskip_does_not_send_and_sends_it_only_when_typed(
    sales_client, use_sandbox
):
    c = make_contact(use_sandbox, phone_code="+44", phone_number="2079460000", position="Clerk")
    url = reverse("contacts:edit", args=[c["id"]])
    html = html_of(sales_client.get(url))
    assert 'value="+44"' not in html and 'name="phone_code"' in html
    base = {
        "first_name": c["first_name"],
        "last_name": c["last_name"],
        "email": c["email"],
        "phone_number": "2079460000",
    }
    assert sales_client.post(url, {**base, "position": "Manager"}).status_code == 303
    assert set(AuditEntry.objects.get(action="contact.update", object_id=str(c["id"])).changes) == {"position"}
    assert sales_client.post(url, {**base, "position": "Manager", "phone_code": "+49"}).status_code == 303
    latest = AuditEntry.objects.filter(action="contact.update", object_id=str(c["id"])).order_by("-id").first()
    assert set(latest.changes) == {"phone_code"}


def test_edit_clearing_a_field_clears_it_upstream(sales_client, use_sandbox):
    c = make_contact(use_sandbox, position="Temp")
    data = {"first_name": c["first_name"], "last_name": c["last_name"], "email": c["email"], "position": ""}
    assert sales_client.post(reverse("contacts:edit", args=[c["id"]]), data).status_code == 303
    assert fetch(use_sandbox, c["id"])["position"] in (None, "")


def test_edit_with_nothing_changed_sends_nothing(sales_client, use_sandbox):
    c = make_contact(use_sandbox)
    url = reverse("contacts:edit", args=[c["id"]])
    sales_client.get(url)
    data = {"first_name": c["first_name"], "last_name": c["last_name"], "email": c["email"]}
    response = sales_client.post(url, data, follow=True)
    assert "Nothing changed" in html_of(response)
    assert not AuditEntry.objects.filter(action="contact.update").exists()


def test_edit_to_an_email_already_taken_shows_409_on_the_field(sales_client, use_sandbox):
    a, b = make_contact(use_sandbox), make_contact(use_sandbox)
    data = {"first_name": "Renamed", "last_name": a["last_name"], "email": b["email"]}
    response = sales_client.post(reverse("contacts:edit", args=[a["id"]]), data)
    html = html_of(response)
    assert field_errors(html, "email")
    assert 'value="Renamed"' in html
    assert fetch(use_sandbox, a["id"])["first_name"] == "Form"


def test_edit_portal_contact_keeps_password_when_left_empty(sales_client, use_sandbox):
    c = make_contact(use_sandbox, access_portal=1, password="first-pass")
    data = {
        "first_name": c["first_name"],
        "last_name": c["last_name"],
        "email": c["email"],
        "access_portal": "on",
        "position": "Lead",
    }
    response = sales_client.post(reverse("contacts:edit", args=[c["id"]]), data)
    assert response.status_code == 303
    assert fetch(use_sandbox, c["id"])["position"] == "Lead"


def test_edit_of_a_deleted_contact_says_it_no_longer_exists(sales_client, use_sandbox):
    c = make_contact(use_sandbox)
    use_sandbox.api("DELETE", f"/contact/{c['id']}")
    response = sales_client.get(reverse("contacts:edit", args=[c["id"]]))
    assert response.status_code == 404 and "no longer exists" in html_of(response)


def test_edit_deleted_meanwhile_on_save(sales_client, use_sandbox):
    c = make_contact(use_sandbox)
    url = reverse("contacts:edit", args=[c["id"]])
    sales_client.get(url)  # cached for the form
    use_sandbox.api("DELETE", f"/contact/{c['id']}")
    data = {"first_name": "Late", "last_name": c["last_name"], "email": c["email"]}
    response = sales_client.post(url, data)
    assert response.status_code == 404 and "no longer exists" in html_of(response)


def test_edit_server_error_keeps_input(sales_client, use_sandbox):
    c = make_contact(use_sandbox)
    use_sandbox.fail_next(status=500, path_contains=f"/contact/{c['id']}", method="PUT")
    data = {"first_name": "Unsaved", "last_name": c["last_name"], "email": c["email"]}
    html = html_of(sales_client.post(reverse("contacts:edit", args=[c["id"]]), data))
    assert "Nothing was saved" in html and 'value="Unsaved"' in html


def test_user_without_role_cannot_edit(client, django_user_model, use_sandbox):
    c = make_contact(use_sandbox)
    client.force_login(django_user_model.objects.create_user("noone", password="x"))
    assert client.post(reverse("contacts:edit", args=[c["id"]]), {"first_name": "X"}).status_code == 403
