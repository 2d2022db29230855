"""Creating, editing and cloning a lead: the form, TaskIP's field errors on the fields,
nothing typed lost on any failure, one lead per double submit, partial updates."""

from __future__ import annotations

import html as html_lib
import re
from uuid import uuid4

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def unique_email(tag="form"):
    return f"{tag}-{uuid4().hex[:10]}@example.com"


def sandbox_lead(sandbox, **fields) -> dict:
    return sandbox.create_lead(
        **{"first_name": "Fixture", "last_name": "Lead", "email": unique_email("fixture"), **fields}
    )


def sandbox_get(sandbox, lead_id) -> dict:
    r = sandbox.api("GET", f"/lead/{lead_id}")
    assert r.status_code == 200, r.text
    return r.json()["data"]


def leads_with_email(sandbox, email) -> list[dict]:
    r = sandbox.api("GET", "/lead", params={"search": email, "item": 0})
    return [lead for lead in r.json()["data"] if (lead["email"] or "").lower() == email.lower()]


def form_data(**over) -> dict:
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": unique_email(),
        "phone_number": "+44 20 1234 5678",
        "website": "https://analytical.example.com",
        "value": "1250.50",
        "currency": "EUR",
        "lead_interaction_date": "2026-10-01",
        "status_ids": ["1"],
        "source_ids": [],
        "assigned_to": ["3"],
        "groups": "",
        "country_id": "2",
        "state_id": "6",
        "city_id": "7",
        "address": "12 Engine Street",
        "zip_code": "EC1 4AB",
        "description": "Wants the difference engine plan.",
        "cf_key": ["Budget owner", ""],
        "cf_value": ["Charles", ""],
        "idem_token": uuid4().hex,
    }
    data.update(over)
    return data


def field_block(html: str, name: str) -> str:
    """The markup of one field's wrapper (label, input, errors)."""
    m = re.search(
        r'<div class="field[^"]*">\s*<label for="id_%s".*?</div>\s*(?=<div class="field|</div>)' % name, html, re.S
    )
    assert m, f"no field {name}"
    return m.group(0)


def status_ids(sandbox) -> tuple[int, int]:
    attrs = sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"]
    status = next(a["id"] for a in attrs if a["type"] == 1)
    source = next(a["id"] for a in attrs if a["type"] == 2)
    return status, source


# --------------------------------------------------------------------------- the create page
def test_new_lead_page_offers_every_field_and_defaults_the_assignee_to_me(sales_client, use_sandbox):
    response = sales_client.get(reverse("leads:create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form id="lead-form"' in html and 'hx-post="/leads/new/"' in html
    for name in (
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "website",
        "company_id",
        "value",
        "currency",
        "lead_interaction_date",
        "groups",
        "country_id",
        "state_id",
        "city_id",
        "address",
        "zip_code",
        "description",
    ):
        assert f'name="{name}"' in html, name
    assert 'name="status_ids"' in html and 'name="source_ids"' in html and 'name="cf_key"' in html
    # sally is linked to team member 3: the new lead is assigned to her unless she changes it
    assert re.search(r'name="assigned_to" value="3" checked', html)
    assert re.search(r'name="idem_token" value="[0-9a-f]{32}"', html)
    assert 'type="date"' in html
    assert "style=" not in html.split("<main", 1)[1]
    assert "<script>" not in html


def test_new_lead_page_lists_companies_by_name(sales_client, use_sandbox):
    companies = use_sandbox.api("GET", "/company", params={"limit": 5}).json()["data"]
    html = sales_client.get(reverse("leads:create")).content.decode()
    name = companies[0]["name"]
    from django.utils.html import escape

    assert f'<option value="{companies[0]["id"]}">{escape(name)}</option>' in html


def test_new_lead_htmx_request_gets_only_the_form(sales_client, use_sandbox):
    response = sales_client.get(reverse("leads:create"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="lead-form"')
    assert "<html" not in html


def test_creating_a_lead_saves_every_field_and_opens_it(sales_client, use_sandbox):
    data = form_data()
    response = sales_client.post(reverse("leads:create"), data)
    assert response.status_code == 303
    lead_id = int(re.search(r"/leads/(\d+)/$", response["Location"]).group(1))
    saved = sandbox_get(use_sandbox, lead_id)
    assert saved["email"] == data["email"]
    assert saved["first_name"] == "Ada" and saved["last_name"] == "Lovelace"
    assert float(saved["value"]) == 1250.5 and saved["currency"] == "EUR"
    assert saved["lead_interaction_date"] == "2026-10-01"
    assert saved["assigned_to"] == [3]
    assert [s["id"] for s in saved["statuses"]] == [1]
    assert (saved["country_id"], saved["state_id"], saved["city_id"]) == (2, 6, 7)
    assert saved["custom_fields"] == [{"key": "Budget owner", "value": "Charles"}]
    page = sales_client.get(response["Location"]).content.decode()
    assert "Lead “Ada Lovelace” created." in page


def test_a_city_fills_in_its_state_and_country_on_a_new_lead(sales_client, use_sandbox):
    response = sales_client.post(reverse("leads:create"), form_data(country_id="", state_id="", city_id="11"))
    saved = sandbox_get(use_sandbox, int(re.search(r"/leads/(\d+)/$", response["Location"]).group(1)))
    assert (saved["city"], saved["state"], saved["country"]) == ("Berlin", "Berlin", "Germany")


def test_creating_a_lead_is_audited(sales_client, use_sandbox):
    from audit.models import AuditEntry

    data = form_data()
    sales_client.post(reverse("leads:create"), data)
    entry = AuditEntry.objects.get(action="lead.create", outcome="ok")
    assert entry.username == "sally" and entry.object_id
    assert entry.changes["email"] == data["email"]


def test_creating_through_htmx_redirects_with_hx_redirect(sales_client, use_sandbox):
    response = sales_client.post(reverse("leads:create"), form_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert re.match(r"^/leads/\d+/$", response["HX-Redirect"])


def test_duplicate_email_shows_on_the_email_field_and_keeps_everything_typed(sales_client, use_sandbox):
    existing = sandbox_lead(use_sandbox)
    data = form_data(email=existing["email"], description="Typed with care <b>bold</b>")
    response = sales_client.post(reverse("leads:create"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="lead-form"')
    email_field = field_block(html, "email")
    assert "field-error" in email_field and "The email has already been taken." in email_field
    assert f'value="{existing["email"]}"' in email_field
    assert 'value="Ada"' in html and 'value="+44 20 1234 5678"' in html and 'value="1250.50"' in html
    assert "Typed with care &lt;b&gt;bold&lt;/b&gt;" in html
    assert re.search(r'name="status_ids" value="1" checked', html)
    assert 'value="Budget owner"' in html and 'value="Charles"' in html
    assert re.search(r'<option value="7"[^>]* selected>', html)
    # and a way to the lead that already has it
    assert f'href="/leads/{existing["id"]}/"' in html
    assert len(leads_with_email(use_sandbox, existing["email"])) == 1


@pytest.fixture
def offered_ghost_company(monkeypatch):
    """The company list offers a company TaskIP does not know (deleted after the list was cached),
    so the form accepts it and TaskIP's 422 names company_id."""
    from crmui import reference
    from crmui.taskip.resources import Company

    real = reference.companies
    monkeypatch.setattr(reference, "companies", lambda **kw: [*real(**kw), Company(id=987654, name="Ghost Ltd")])


def test_api_validation_error_lands_on_its_field(sales_client, use_sandbox, offered_ghost_company):
    data = form_data(company_id="987654")  # offered, but not a company TaskIP knows: its 422 names company_id
    html = sales_client.post(reverse("leads:create"), data).content.decode()
    block = field_block(html, "company_id")
    assert "field-error" in block and "The selected company id is invalid." in block
    assert 'value="Ada"' in html
    assert leads_with_email(use_sandbox, data["email"]) == []


def test_form_errors_found_before_asking_taskip_cost_no_call(sales_client, use_sandbox):
    use_sandbox.reset_stats()
    data = form_data(first_name="", email="not-an-email", groups="1, x", cf_key=["", ""], cf_value=["orphan value", ""])
    response = sales_client.post(reverse("leads:create"), data)
    html = response.content.decode()
    assert "This field is required." in field_block(html, "first_name")
    assert "Enter a valid email address." in field_block(html, "email")
    assert "is not a group number" in field_block(html, "groups")
    assert "needs a field name" in html
    assert "POST /lead" not in use_sandbox.stats()["by_endpoint"]


@pytest.mark.parametrize(
    "fault, expected",
    [
        (500, "TaskIP had an internal problem answering."),
        (502, "TaskIP had an internal problem answering."),
        ("malformed", "could not read"),
        (429, "Try again in 30 seconds."),
    ],
)
def test_failed_create_keeps_input_says_why_and_can_be_sent_again(sales_client, use_sandbox, fault, expected):
    data = form_data()
    use_sandbox.fail_next(status=fault, path_contains="/lead", method="POST")
    response = sales_client.post(reverse("leads:create"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert "everything you typed is still here" in html.lower()
    assert f'value="{data["email"]}"' in html and 'value="Ada"' in html
    assert leads_with_email(use_sandbox, data["email"]) == []
    # the same submission (same token) goes through once TaskIP is well again
    again = sales_client.post(reverse("leads:create"), data, HTTP_HX_REQUEST="true")
    assert "HX-Redirect" in again
    assert len(leads_with_email(use_sandbox, data["email"])) == 1


def test_create_that_times_out_says_so_and_creates_nothing(sales_client, use_sandbox, settings):
    from crmui import api

    settings.TASKIP_READ_TIMEOUT = 1.5  # room for the read-back on a loaded machine
    api.reset_client()
    use_sandbox.config(hang_seconds=2.5)
    data = form_data()
    use_sandbox.fail_next(status="hang", path_contains="/lead", method="POST")
    html = sales_client.post(reverse("leads:create"), data).content.decode()
    assert "TaskIP took too long to answer." in html
    assert 'value="Ada"' in html and f'value="{data["email"]}"' in html
    assert leads_with_email(use_sandbox, data["email"]) == []


def test_double_submit_makes_one_lead_and_shows_the_first_result(sales_client, use_sandbox):
    data = form_data()
    first = sales_client.post(reverse("leads:create"), data)
    second = sales_client.post(reverse("leads:create"), data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert len(leads_with_email(use_sandbox, data["email"])) == 1
    page = sales_client.get(second["Location"]).content.decode()
    assert "already saved" in page


def test_a_new_form_gets_a_new_token_so_two_leads_can_be_made(sales_client, use_sandbox):
    t1 = re.search(
        r'name="idem_token" value="(\w+)"', sales_client.get(reverse("leads:create")).content.decode()
    ).group(1)
    t2 = re.search(
        r'name="idem_token" value="(\w+)"', sales_client.get(reverse("leads:create")).content.decode()
    ).group(1)
    assert t1 != t2


def test_sales_without_create_right_is_refused(client, django_user_model, use_sandbox):
    user = django_user_model.objects.create_user("viewer", password="x")
    client.force_login(user)
    assert client.get(reverse("leads:create")).status_code == 403
    assert client.post(reverse("leads:create"), form_data()).status_code == 403


def test_create_page_still_works_when_reference_lists_fail(sales_client, use_sandbox):
    use_sandbox.fail_next(status=500, count=2, path_contains="/company")
    response = sales_client.get(reverse("leads:create"))
    assert response.status_code == 200
    assert "could not be loaded" in response.content.decode()


# --------------------------------------------------------------------------- edit
def test_edit_page_is_filled_in_from_the_lead(sales_client, use_sandbox):
    status, source = status_ids(use_sandbox)
    lead = sandbox_lead(
        use_sandbox,
        phone_number="555-0101",
        status_ids=[status],
        source_ids=[source],
        custom_fields=[{"key": "Tier", "value": "Gold"}],
        country_id=1,
        state_id=2,
        city_id=2,
    )
    response = sales_client.get(reverse("leads:edit", args=[lead["id"]]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{lead["email"]}"' in html and 'value="555-0101"' in html
    assert re.search(rf'name="status_ids" value="{status}" checked', html)
    assert re.search(rf'name="source_ids" value="{source}" checked', html)
    assert 'value="Tier"' in html and 'value="Gold"' in html
    # the name TaskIP sent with the lead, never one the dashboard made up
    assert re.search(rf'<option value="2" data-parent="2" selected>{lead["city"]}</option>', html)
    assert "Save changes" in html


def test_place_choices_are_the_pairs_seen_in_the_workspace_leads_grouped_by_parent(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox, country_id=3, state_id=8, city_id=10)
    html = sales_client.get(reverse("leads:create")).content.decode()
    state_select = re.search(r'<select name="state_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    city_select = re.search(r'<select name="city_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert f'<optgroup label="{lead["country"]}">' in state_select
    assert f'<option value="8" data-parent="3">{lead["state"]}</option>' in state_select
    assert f'<optgroup label="{lead["state"]}">' in city_select
    assert f'<option value="10" data-parent="8">{lead["city"]}</option>' in city_select


def test_a_place_id_never_seen_stays_selectable_as_its_number(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox, city_id=987654)
    assert lead["city"] is None  # TaskIP (here the sandbox) has no name for it
    html = sales_client.get(reverse("leads:edit", args=[lead["id"]])).content.decode()
    assert '<option value="987654" selected>#987654</option>' in html


def test_edit_htmx_request_gets_only_the_form(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    html = sales_client.get(reverse("leads:edit", args=[lead["id"]]), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<form id="lead-form"')


def _edit_data(sales_client, lead_id, **over) -> dict:
    """What the edit form posts when the user changes only ``over``."""
    html = sales_client.get(reverse("leads:edit", args=[lead_id])).content.decode()
    data: dict = {}
    for name, value in re.findall(
        r'<input type="(?:text|email|url|number|date|hidden)" name="(\w+)" value="([^"]*)"', html
    ):
        data[name] = html_lib.unescape(value)  # as a browser posts it
    for name in ("status_ids", "source_ids", "assigned_to"):
        data[name] = re.findall(rf'name="{name}" value="(\d+)" checked', html)
    for name in ("company_id", "currency", "country_id", "state_id", "city_id"):
        m = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
        sel = re.search(r'<option value="([^"]*)"[^>]* selected>', m.group(1)) if m else None
        data[name] = sel.group(1) if sel else ""
    m = re.search(r'<textarea name="description"[^>]*>\n?(.*?)</textarea>', html, re.S)
    data["description"] = m.group(1) if m else ""
    data["cf_key"] = re.findall(r'name="cf_key"[^>]*value="([^"]*)"', html)
    data["cf_value"] = re.findall(r'name="cf_value"[^>]*value="([^"]*)"', html)
    data.pop("csrfmiddlewaretoken", None)
    data.update(over)
    return data


def test_update_sends_only_what_changed_plus_first_name(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox, phone_number="555-0101", last_name="Original")
    data = _edit_data(sales_client, lead["id"], phone_number="555-0202")
    # meanwhile someone else renames the lead in TaskIP; the form still shows "Original"
    use_sandbox.api("PUT", f"/lead/{lead['id']}", json={"first_name": "Fixture", "last_name": "Renamed"})
    use_sandbox.reset_stats()
    response = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data)
    assert response.status_code == 303
    saved = sandbox_get(use_sandbox, lead["id"])
    assert saved["phone_number"] == "555-0202"
    assert saved["last_name"] == "Renamed"  # untouched: it was not sent back
    assert use_sandbox.stats()["by_endpoint"].get("PUT /lead/{id}") == 1


def test_after_saving_the_full_lead_is_shown_without_another_call(sales_client, use_sandbox):
    status, source = status_ids(use_sandbox)
    lead = sandbox_lead(use_sandbox, status_ids=[status], source_ids=[source], company_id=1)
    data = _edit_data(sales_client, lead["id"], description="Now with a plan")
    response = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == f"/leads/{lead['id']}/"
    page = sales_client.get(response["HX-Redirect"])
    html = page.content.decode()
    assert "Now with a plan" in html
    assert "Saved changes to" in html and "description" in html
    # statuses and sources are not in TaskIP's (partial) update answer, yet the page has them
    names = {a["id"]: a["name"] for a in use_sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"]}
    assert names[status] in html and names[source] in html
    assert page["X-Upstream-Calls"] == "0"


def test_update_is_audited_with_the_changed_fields(sales_client, use_sandbox):
    from audit.models import AuditEntry

    lead = sandbox_lead(use_sandbox, phone_number="1")
    sales_client.post(reverse("leads:edit", args=[lead["id"]]), _edit_data(sales_client, lead["id"], phone_number="2"))
    entry = AuditEntry.objects.get(action="lead.update", object_id=str(lead["id"]))
    assert entry.outcome == "ok"
    assert entry.changes == {"phone_number": ["1", "2"]}


def test_saving_without_changes_makes_no_call(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    data = _edit_data(sales_client, lead["id"])
    use_sandbox.reset_stats()
    response = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data, follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert "PUT /lead/{id}" not in use_sandbox.stats()["by_endpoint"]


def test_clearing_a_field_clears_it_in_taskip(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox, phone_number="555-0101", description="old")
    sales_client.post(
        reverse("leads:edit", args=[lead["id"]]), _edit_data(sales_client, lead["id"], phone_number="", description="")
    )
    saved = sandbox_get(use_sandbox, lead["id"])
    assert saved["phone_number"] is None and saved["description"] is None


def test_update_to_a_taken_email_shows_409_on_the_email_field(sales_client, use_sandbox):
    other = sandbox_lead(use_sandbox)
    lead = sandbox_lead(use_sandbox)
    data = _edit_data(sales_client, lead["id"], email=other["email"], address="Typed address")
    html = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data, HTTP_HX_REQUEST="true").content.decode()
    assert "The email has already been taken." in field_block(html, "email")
    assert 'value="Typed address"' in html
    assert f'href="/leads/{other["id"]}/"' in html  # the lead that has it
    assert sandbox_get(use_sandbox, lead["id"])["email"] == lead["email"]


def test_update_422_lands_on_the_field(sales_client, use_sandbox, offered_ghost_company):
    lead = sandbox_lead(use_sandbox)
    data = _edit_data(sales_client, lead["id"], company_id="987654", zip_code="Z-1")
    html = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data).content.decode()
    assert "The selected company id is invalid." in field_block(html, "company_id")
    assert 'value="Z-1"' in html


@pytest.mark.parametrize("fault", [500, 502, 429, "malformed"])
def test_failed_update_keeps_input(sales_client, use_sandbox, fault):
    lead = sandbox_lead(use_sandbox)
    data = _edit_data(sales_client, lead["id"], address="Kept across failures")
    use_sandbox.fail_next(status=fault, path_contains="/lead/", method="PUT")
    response = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert 'value="Kept across failures"' in html
    assert 'class="alert alert-error form-errors"' in html


def test_edit_of_a_deleted_lead_says_it_no_longer_exists(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    use_sandbox.api("DELETE", f"/lead/{lead['id']}")
    response = sales_client.get(reverse("leads:edit", args=[lead["id"]]))
    assert response.status_code == 404
    assert "This lead no longer exists" in response.content.decode()


def test_saving_a_lead_deleted_meanwhile_keeps_the_input(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    data = _edit_data(sales_client, lead["id"], address="Still here")
    use_sandbox.api("DELETE", f"/lead/{lead['id']}")
    html = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data).content.decode()
    assert "no longer exists" in html and 'value="Still here"' in html


# --------------------------------------------------------------------------- clone
def test_clone_opens_the_create_form_filled_in_without_the_email(sales_client, use_sandbox):
    status, _ = status_ids(use_sandbox)
    lead = sandbox_lead(
        use_sandbox,
        first_name="Grace",
        last_name="Hopper",
        phone_number="555-1906",
        status_ids=[status],
        custom_fields=[{"key": "Navy", "value": "yes"}],
    )
    response = sales_client.get(reverse("leads:clone", args=[lead["id"]]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Clone of Grace Hopper" in html
    assert 'action="/leads/new/"' in html
    assert 'value="Grace"' in html and 'value="555-1906"' in html and 'value="Navy"' in html
    assert re.search(rf'name="status_ids" value="{status}" checked', html)
    assert lead["email"] not in html
    assert re.search(r'<input type="email" name="email"[^>]*>', html).group(0).count("value=") == 0


def test_saving_a_clone_makes_a_second_lead(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox, first_name="Grace")
    html = sales_client.get(reverse("leads:clone", args=[lead["id"]])).content.decode()
    token = re.search(r'name="idem_token" value="(\w+)"', html).group(1)
    email = unique_email("clone")
    response = sales_client.post(reverse("leads:create"), form_data(first_name="Grace", email=email, idem_token=token))
    assert response.status_code == 303
    assert not response["Location"].endswith(f"/{lead['id']}/")
    assert len(leads_with_email(use_sandbox, email)) == 1


def test_saving_when_the_lead_cannot_be_loaded_saves_nothing_and_keeps_input(sales_client, use_sandbox):
    from django.core.cache import cache

    lead = sandbox_lead(use_sandbox)
    data = _edit_data(sales_client, lead["id"], address="Not lost")
    cache.clear()
    use_sandbox.fail_next(status=502, count=2, path_contains=f"/lead/{lead['id']}", method="GET")
    use_sandbox.reset_stats()
    html = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data).content.decode()
    assert "Nothing was saved" in html and 'value="Not lost"' in html
    assert "PUT /lead/{id}" not in use_sandbox.stats()["by_endpoint"]


def test_taskip_refusing_the_connection_keeps_input_and_says_nothing_was_saved(sales_client, use_sandbox, settings):
    from crmui import api
    from sandbox.testing import free_port

    settings.TASKIP_BASE_URL = f"http://127.0.0.1:{free_port()}/api/public-v1"
    settings.TASKIP_MAX_RETRIES = 0
    api.reset_client()
    data = form_data()
    response = sales_client.post(reverse("leads:create"), data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "TaskIP cannot be reached right now." in html and "Nothing was saved" in html
    assert 'value="Ada"' in html and f'value="{data["email"]}"' in html
    assert re.search(r'name="status_ids" value="1" checked', html)  # kept even though the list could not load


def test_a_create_whose_answer_was_lost_is_found_and_not_made_twice(sales_client, use_sandbox, monkeypatch):
    """TaskIP saved the lead but the answer never arrived: the dashboard looks before saying
    it failed, and shows the lead that was made."""
    from crmui.taskip import TaskipTimeout
    from crmui.taskip.client import Leads

    real_create = Leads.create

    def create_then_lose_answer(self, payload):
        real_create(self, payload)
        raise TaskipTimeout("TaskIP did not answer in time (read timeout).")

    monkeypatch.setattr(Leads, "create", create_then_lose_answer)
    data = form_data()
    response = sales_client.post(reverse("leads:create"), data)
    assert response.status_code == 303
    assert len(leads_with_email(use_sandbox, data["email"])) == 1
    assert "Lead “Ada Lovelace” created." in sales_client.get(response["Location"]).content.decode()


def test_clone_htmx_request_gets_only_the_form_and_a_missing_lead_says_so(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    html = sales_client.get(reverse("leads:clone", args=[lead["id"]]), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<form id="lead-form"') and 'action="/leads/new/"' in html
    use_sandbox.api("DELETE", f"/lead/{lead['id']}")
    from django.core.cache import cache

    cache.clear()
    response = sales_client.get(reverse("leads:clone", args=[lead["id"]]))
    assert response.status_code == 404 and "This lead no longer exists" in response.content.decode()


def test_too_many_custom_fields_is_an_error_and_keeps_them_all(sales_client, use_sandbox):
    keys = [f"k{i}" for i in range(31)]
    html = sales_client.post(reverse("leads:create"), form_data(cf_key=keys, cf_value=["v"] * 31)).content.decode()
    assert "At most 30 custom fields" in html
    assert 'value="k30"' in html


def test_the_edit_form_opens_from_the_snapshot_and_a_saved_edit_shows_at_once(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox, first_name="Snapform", job_title="Buyer")
    sales_client.get(reverse("leads:create"))  # the form's reference lists
    sales_client.get(reverse("leads:list"))  # the snapshot holds the lead now
    response = sales_client.get(reverse("leads:edit", args=[lead["id"]]))
    html = response.content.decode()
    assert response.status_code == 200 and 'value="Snapform"' in html and lead["email"] in html
    assert response["X-Upstream-Calls"] == "0"
    # a change made through the dashboard (patched into the snapshot) is what the form shows next
    data = {**form_data(), "first_name": "Snapform", "last_name": "Changed", "email": lead["email"]}
    assert sales_client.post(reverse("leads:edit", args=[lead["id"]]), data).status_code in (302, 303)
    assert sandbox_get(use_sandbox, lead["id"])["last_name"] == "Changed"
    # places and custom fields were sent (names TaskIP derives): the lead was read back once and
    # patched in, so its page shows the saved lead with no call and no wait for a new snapshot
    detail = sales_client.get(reverse("leads:detail", args=[lead["id"]]))
    assert "Snapform Changed" in detail.content.decode(), re.findall(r"<h1.*?</h1>", detail.content.decode(), re.S)
    assert detail["X-Upstream-Calls"] == "0"
    again = sales_client.get(reverse("leads:edit", args=[lead["id"]]))
    assert 'value="Changed"' in again.content.decode(), re.findall(r'name="last_name"[^>]*', again.content.decode())
    assert again["X-Upstream-Calls"] == "0"
