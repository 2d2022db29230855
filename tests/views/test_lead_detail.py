"""The lead detail page: every field, colours without inline styles, names not ids, the
converted state, role-dependent actions, and clear pages for missing leads and failures."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.urls import reverse

from tests.conftest import warm_reference

pytestmark = pytest.mark.django_db


def sandbox_lead(sandbox, **fields) -> dict:
    return sandbox.create_lead(
        **{"first_name": "Detail", "last_name": "Lead", "email": f"detail-{uuid4().hex[:10]}@example.com", **fields}
    )


def attributes(sandbox) -> list[dict]:
    return sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"]


def member_names(sandbox) -> dict[int, str]:
    return {m["id"]: m["full_name"] for m in sandbox.api("GET", "/team-member", params={"limit": 100}).json()["data"]}


def main_html(response) -> str:
    return response.content.decode().split("<main", 1)[1]


def test_detail_page_shows_every_field_with_names_and_colours(sales_client, use_sandbox):
    attrs = attributes(use_sandbox)
    status = next(a for a in attrs if a["type"] == 1 and a["color"])
    source = next(a for a in attrs if a["type"] == 2)
    company = use_sandbox.api("GET", "/company", params={"limit": 1}).json()["data"][0]
    lead = sandbox_lead(
        use_sandbox,
        phone_number="555-0199",
        website="https://acme.example.com",
        company_id=company["id"],
        value=4200,
        currency="GBP",
        lead_interaction_date="2026-09-15",
        assigned_to=[2, 3],
        status_ids=[status["id"]],
        source_ids=[source["id"]],
        country_id=2,
        state_id=6,
        city_id=7,
        address="1 Long Acre",
        zip_code="WC2E 9LH",
        description="Line one\nLine two",
        custom_fields=[{"key": "Budget", "value": "Q4"}],
        groups=[4],
    )
    response = sales_client.get(reverse("leads:detail", args=[lead["id"]]))
    assert response.status_code == 200
    html = main_html(response)
    names = member_names(use_sandbox)
    for text in (
        "Detail Lead",
        lead["email"],
        "555-0199",
        "https://acme.example.com",
        company["name"],
        "4,200.00",
        "GBP",
        "15 Sep 2026",
        names[2],
        names[3],
        "1 Long Acre",
        "WC2E 9LH",
        "London",
        "England",
        "United Kingdom",
        "Line one<br>Line two",
        "Budget",
        "Q4",
        "#4",
        "Created",
        "Updated",
    ):
        assert text in html, text
    assert f'<span class="badge" data-color="{status["color"]}">{status["name"]}</span>' in html
    assert f'data-color="{source["color"]}">{source["name"]}</span>' in html
    assert "style=" not in html
    assert 'id="notes-panel"' in html and 'id="files-panel"' in html  # the notes and files panels' include
    activity = sales_client.get(reverse("leads:activity", args=[lead["id"]]), HTTP_HX_REQUEST="true")
    assert "Lead created" in activity.content.decode()  # the activity timeline, loaded when opened


def test_custom_fields_sent_as_an_object_are_shown_and_kept_on_edit(sales_client, use_sandbox):
    """A TaskIP that answers custom_fields as {name: value} instead of a list loses nothing."""
    lead = sandbox_lead(use_sandbox, custom_fields={"Segment": "Enterprise", "Seats": "40"})
    html = main_html(sales_client.get(reverse("leads:detail", args=[lead["id"]])))
    for text in ("Segment", "Enterprise", "Seats", "40"):
        assert text in html, text
    form = sales_client.get(reverse("leads:edit", args=[lead["id"]])).content.decode()
    assert 'value="Segment"' in form and 'value="Enterprise"' in form and 'value="Seats"' in form


def test_the_places_shown_are_the_names_taskip_sent(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox, country_id=1, state_id=2, city_id=3)
    html = main_html(sales_client.get(reverse("leads:detail", args=[lead["id"]])))
    for name in (lead["city"], lead["state"], lead["country"]):
        assert name and name in html


def test_detail_htmx_request_gets_only_the_lead_part(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    response = sales_client.get(reverse("leads:detail", args=[lead["id"]]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="lead-detail">')
    assert "<html" not in html and lead["email"] in html


def test_second_view_of_a_lead_costs_no_upstream_call(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    sales_client.get(reverse("leads:detail", args=[lead["id"]]))
    assert sales_client.get(reverse("leads:detail", args=[lead["id"]]))["X-Upstream-Calls"] == "0"


def test_refresh_asks_taskip_again(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    sales_client.get(reverse("leads:detail", args=[lead["id"]]))
    use_sandbox.api("PUT", f"/lead/{lead['id']}", json={"first_name": "Detail", "phone_number": "999-CHANGED"})
    assert "999-CHANGED" not in sales_client.get(reverse("leads:detail", args=[lead["id"]])).content.decode()
    response = sales_client.get(reverse("leads:detail", args=[lead["id"]]) + "?refresh=1", HTTP_HX_REQUEST="true")
    assert "999-CHANGED" in response.content.decode()


def test_everything_from_the_api_is_escaped(sales_client, use_sandbox):
    lead = sandbox_lead(
        use_sandbox,
        first_name="<script>alert(1)</script>",
        description="<img src=x onerror=alert(2)>",
        website="https://x.example.com/?q=<b>",
        custom_fields=[{"key": "<i>k</i>", "value": "<b>v</b>"}],
    )
    html = main_html(sales_client.get(reverse("leads:detail", args=[lead["id"]])))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<i>k</i>" not in html and "<b>v</b>" not in html


def test_a_javascript_website_is_not_made_a_link(sales_client, use_sandbox):
    from leads.views.detail import _safe_url

    assert _safe_url("javascript:alert(1)") is None
    assert _safe_url("https://ok.example.com") == "https://ok.example.com"
    assert _safe_url("ok.example.com") == "https://ok.example.com"


def test_missing_lead_gets_a_clear_404_page(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    use_sandbox.api("DELETE", f"/lead/{lead['id']}")
    response = sales_client.get(reverse("leads:detail", args=[lead["id"]]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "This lead no longer exists" in html and 'href="/leads/"' in html


def test_missing_lead_in_an_htmx_refresh_says_so_in_place(sales_client, use_sandbox):
    response = sales_client.get(reverse("leads:detail", args=[99999999]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "This lead no longer exists" in response.content.decode()


@pytest.mark.parametrize(
    "fault, status, text",
    [
        (500, 200, "TaskIP had an internal problem"),
        (502, 200, "TaskIP had an internal problem"),
        ("malformed", 200, "could not read"),
        (429, 429, "Try again in 30 seconds."),
    ],
)
def test_failures_loading_the_lead_give_a_clear_message(sales_client, use_sandbox, fault, status, text):
    lead = sandbox_lead(use_sandbox)
    warm_reference()  # the faults hit the lead read (the page's cold read of the lead snapshot)
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead", method="GET")
    response = sales_client.get(reverse("leads:detail", args=[lead["id"]]))
    assert response.status_code == status
    html = response.content.decode()
    assert "This lead could not be loaded" in html and text in html
    assert f'href="/leads/{lead["id"]}/"' in html  # try again


def test_failure_in_an_htmx_refresh_is_shown_in_place(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    use_sandbox.fail_next(status=500, path_contains=f"/lead/{lead['id']}", method="GET")
    response = sales_client.get(reverse("leads:detail", args=[lead["id"]]) + "?refresh=1", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "TaskIP had an internal problem" in response.content.decode()


def test_timeout_loading_the_lead_gives_a_clear_message(sales_client, use_sandbox, settings):
    from crmui import api

    settings.TASKIP_READ_TIMEOUT = 0.5
    settings.TASKIP_MAX_RETRIES = 0
    api.reset_client()
    use_sandbox.config(hang_seconds=1)
    lead = sandbox_lead(use_sandbox)
    warm_reference()
    use_sandbox.fail_next(status="hang", path_contains="/lead", method="GET")
    response = sales_client.get(reverse("leads:detail", args=[lead["id"]]))
    assert response.status_code == 200  # a message, never a 5xx
    assert "TaskIP took too long to answer." in response.content.decode()


def test_sales_sees_edit_email_convert_clone_but_not_delete(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    html = main_html(sales_client.get(reverse("leads:detail", args=[lead["id"]])))
    assert f'href="/leads/{lead["id"]}/edit/"' in html
    assert f'href="/leads/{lead["id"]}/email/"' in html
    assert f'action="/leads/{lead["id"]}/convert/"' in html and "hx-confirm=" in html
    assert f'href="/leads/{lead["id"]}/clone/"' in html
    assert f"/leads/{lead['id']}/delete/" not in html


def test_manager_also_sees_delete_with_a_confirm(manager_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    html = main_html(manager_client.get(reverse("leads:detail", args=[lead["id"]])))
    m = re.search(r'<form method="post" action="/leads/%d/delete/"[^>]*>' % lead["id"], html)
    assert m and 'hx-confirm="Delete' in m.group(0)


def test_converted_lead_links_to_its_contact_and_cannot_be_converted_again(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    contact = use_sandbox.api("POST", f"/lead/{lead['id']}/convert").json()["data"]
    html = main_html(sales_client.get(reverse("leads:detail", args=[lead["id"]])))
    assert "Converted to a contact" in html and 'class="badge badge-converted"' in html
    assert f'href="{reverse("contacts:detail", args=[contact["id"]])}"' in html
    assert "/convert/" not in html


def test_lead_without_email_cannot_be_emailed_from_the_page(sales_client, use_sandbox):
    no_email = [x for x in use_sandbox.api("GET", "/lead", params={"item": 0}).json()["data"] if not x["email"]]
    assert no_email, "the seed has leads without an email"
    html = main_html(sales_client.get(reverse("leads:detail", args=[no_email[0]["id"]])))
    assert re.search(r'<button class="btn" type="button" disabled aria-describedby="email-reason">Send email', html)
    assert "No email address:" in html  # said beside the button, not in a tooltip (#14.18)
    assert f'href="/leads/{no_email[0]["id"]}/email/"' not in html


def test_user_without_role_cannot_see_a_lead(client, django_user_model, use_sandbox):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(reverse("leads:detail", args=[1])).status_code == 403
