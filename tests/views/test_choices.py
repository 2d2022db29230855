"""Issue #14.4: a choice posted by hand that the form never offered (a 30-digit country id, a
status id that does not exist...) is a field error; nothing is sent to TaskIP."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.urls import reverse

from leads.models import BulkJob

pytestmark = pytest.mark.django_db
HUGE = "1" * 30


def lead_form(**over) -> dict:
    data = {
        "first_name": "Chooser",
        "email": f"choice-{uuid4().hex[:10]}@example.com",
        "currency": "USD",
        "idem_token": uuid4().hex,
    }
    data.update(over)
    return data


def offered(html: str, name: str) -> list[str]:
    """The values the page offers for a field (options of a select, or its checkboxes)."""
    select = re.search(r'<select name="%s".*?</select>' % name, html, re.S)
    if select:
        return [v for v in re.findall(r'<option value="([^"]*)"', select.group(0)) if v]
    return re.findall(r'name="%s" value="([^"]*)"' % name, html)


@pytest.mark.parametrize(
    "field,value",
    [
        ("country_id", HUGE),
        ("state_id", HUGE),
        ("city_id", "987654"),
        ("company_id", "987654"),
        ("currency", "XYZ"),
        ("status_ids", ["987654"]),
        ("source_ids", ["987654"]),
        ("assigned_to", ["987654"]),
    ],
)
def test_a_choice_that_was_never_offered_is_a_field_error_and_creates_nothing(sales_client, use_sandbox, field, value):
    page = sales_client.get(reverse("leads:create")).content.decode()
    for v in value if isinstance(value, list) else [value]:
        assert v not in offered(page, field)
    use_sandbox.reset_stats()
    response = sales_client.post(reverse("leads:create"), lead_form(**{field: value}))
    html = response.content.decode()
    assert response.status_code == 200
    shown = value[0] if isinstance(value, list) else value
    assert f"Choose from the list: “{shown}” is not one of the" in html
    assert use_sandbox.stats()["by_endpoint"].get("POST /lead", 0) == 0


def test_choices_that_were_offered_still_save(sales_client, use_sandbox):
    page = sales_client.get(reverse("leads:create")).content.decode()
    picks = {name: offered(page, name)[0] for name in ("country_id", "status_ids", "source_ids", "assigned_to")}
    email = f"offered-{uuid4().hex[:8]}@example.com"
    response = sales_client.post(reverse("leads:create"), lead_form(email=email, **picks))
    assert response.status_code in (302, 303), response.content.decode()[:500]


def test_editing_keeps_a_value_the_lead_already_has_even_if_no_longer_offered(sales_client, use_sandbox):
    lead = use_sandbox.create_lead(first_name="Keeper", country_id=987654)
    html = sales_client.get(reverse("leads:edit", args=[lead["id"]])).content.decode()
    assert "987654" in offered(html, "country_id")
    data = {
        "first_name": "Keeper",
        "last_name": "Kept",
        "email": lead["email"],
        "country_id": "987654",
        "currency": lead.get("currency") or "",
    }
    response = sales_client.post(reverse("leads:edit", args=[lead["id"]]), data)
    assert response.status_code in (302, 303), response.content.decode()[:800]


def test_a_bulk_change_to_a_status_that_was_never_offered_starts_nothing(manager_client, use_sandbox):
    lead = use_sandbox.create_lead(first_name="Bulky")
    response = manager_client.post(
        reverse("leads:bulk_start"), {"ids": [str(lead["id"])], "do": "status:987654", "back": "/leads/"}, follow=True
    )
    assert "That status is not one of those offered" in response.content.decode()
    assert not BulkJob.objects.exists()


# --------------------------------------------------------------------------- #14.13 the website field
def test_the_website_field_is_a_text_box_the_browser_does_not_refuse(sales_client, use_sandbox):
    html = sales_client.get(reverse("leads:create")).content.decode()
    tag = re.search(r'<input[^>]*name="website"[^>]*>', html).group(0)
    assert 'type="text"' in tag and 'inputmode="url"' in tag and "pattern" not in tag


def test_a_bare_domain_is_saved_with_https_added(sales_client, use_sandbox):
    email = f"web-{uuid4().hex[:8]}@example.com"
    response = sales_client.post(reverse("leads:create"), lead_form(email=email, website="uxaudit.example.com"))
    assert response.status_code in (302, 303)
    lead_id = int(re.search(r"/leads/(\d+)/", response["Location"]).group(1))
    assert use_sandbox.api("GET", f"/lead/{lead_id}").json()["data"]["website"] == "https://uxaudit.example.com"
