"""Contacts in Chromium: create (with an email already taken), edit, invite, bulk delete."""

from __future__ import annotations

import os
import re
from uuid import uuid4

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ART = "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def shots(page, name):
    os.makedirs(ART, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=f"{ART}/{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{ART}/{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def make_contact(sandbox, **fields):
    return sandbox.create_contact(
        **{
            "first_name": "Browser",
            "last_name": uuid4().hex[:6],
            "email": f"b-{uuid4().hex[:10]}@example.com",
            **fields,
        }
    )


def test_create_with_a_taken_email_then_fix_it(page, dashboard, sales_user, log_in, use_sandbox):
    taken = make_contact(use_sandbox, first_name="Taken")
    log_in(page, dashboard, "sally")
    page.goto(dashboard + "/contacts/")
    page.get_by_role("link", name="New contact").first.click()
    page.fill("#id_first_name", "Grace")
    page.fill("#id_last_name", "Hopper")
    page.fill("#id_email", taken["email"])
    page.fill("#id_position", "Rear Admiral")
    page.select_option("#id_timezone", "America/New_York")
    page.fill("input[name=cf_key] >> nth=0", "navy")
    page.fill("input[name=cf_value] >> nth=0", "yes")
    page.get_by_role("button", name="Create contact").click()
    email_field = page.locator('[data-field="email"]')
    expect(email_field.locator(".errorlist")).to_be_visible()
    assert page.input_value("#id_first_name") == "Grace"
    assert page.input_value("#id_position") == "Rear Admiral"
    assert page.input_value("#id_email") == taken["email"]
    assert page.input_value("#id_timezone") == "America/New_York"
    expect(page.get_by_role("link", name=f"Open Taken {taken['last_name']}")).to_be_visible()
    assert page.input_value("input[name=cf_value] >> nth=0") == "yes"
    shots(page, "contact-form-errors")
    fixed = f"grace-{uuid4().hex[:8]}@example.com"
    page.fill("#id_email", fixed)
    page.get_by_role("button", name="Create contact").click()
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    assert page.get_by_role("heading", name="Grace Hopper").is_visible()
    assert page.get_by_text(fixed).first.is_visible()


def test_edit_a_contact(page, dashboard, sales_user, log_in, use_sandbox):
    c = make_contact(use_sandbox, position="Intern")
    log_in(page, dashboard, "sally")
    # a seeded contact with a company, billing details and languages, for the screenshots
    seeded = use_sandbox.api("GET", "/contact", params={"limit": 100, "sort": "name"}).json()["data"]
    rich = next(
        x
        for x in seeded
        if x["company"]
        and x["billings"].get("tax_number")
        and x["languages"]
        and x["custom_fields"]
        and not (x["reference"] or "").startswith("lead:")
    )
    page.goto(f"{dashboard}/contacts/{rich['id']}/")
    expect(page.get_by_role("heading", name="Billing")).to_be_visible()
    shots(page, "contact-detail-rich")
    page.goto(f"{dashboard}/contacts/?q={c['email']}")
    page.locator("#contact-table tbody tr td", has_text=c["email"]).first.click()  # the row opens the contact
    page.wait_for_url(re.compile(rf"/contacts/{c['id']}/$"))
    page.get_by_role("link", name="Edit").click()
    assert page.input_value("#id_position") == "Intern"
    shots(page, "contact-edit")
    page.fill("#id_position", "Head of Sales")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(rf"/contacts/{c['id']}/$"))
    assert page.locator(".flash").first.is_visible()
    assert page.get_by_text("Head of Sales").first.is_visible()


def test_invite_to_the_client_portal(page, dashboard, sales_user, log_in, use_sandbox):
    c = make_contact(
        use_sandbox,
        first_name="Inga",
        phone_code="+46",
        phone_number="701234567",
        custom_fields={"segment": "Enterprise", "linkedin": "https://linkedin.com/in/inga"},
        details="Prefers email.\nDecision in Q3.",
    )
    log_in(page, dashboard, "sally")
    page.goto(f"{dashboard}/contacts/{c['id']}/")
    shots(page, "contact-detail")
    page.get_by_role("link", name="Invite to client portal").first.click()
    panel = page.locator("#contact-dialog")
    panel.get_by_label("Access level").select_option("premium")
    panel.get_by_label("Message").fill("Welcome to the portal")
    panel.get_by_role("button", name="Send invitation").click()
    expect(panel.get_by_text("is invited to the client portal.")).to_be_visible()
    assert "Premium" in panel.inner_text()
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=f"{ART}/contact-invite-desktop.png", full_page=True)
    panel.get_by_role("link", name="Close").click()
    expect(panel).to_be_empty()


def test_bulk_delete_three_contacts(page, dashboard, manager_user, log_in, use_sandbox):
    tag = uuid4().hex[:6]
    made = [make_contact(use_sandbox, first_name=f"Bulk{tag}", last_name=n) for n in ("Ann", "Ben", "Cat")]
    log_in(page, dashboard, "manny")
    page.goto(dashboard + "/contacts/")
    shots(page, "contacts-list")
    page.fill("#contact-q", f"Bulk{tag}")
    page.wait_for_url(re.compile(rf"q=Bulk{tag}"))
    rows = page.locator("#contact-table tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_label("Select all contacts on this page").check()
    expect(page.locator("[data-selected-count]")).to_have_text("3 selected")
    page.get_by_role("button", name="Delete 3 selected…").click()
    confirm = page.locator("#bulk-confirm")
    expect(confirm.get_by_text("Delete 3 contacts?")).to_be_visible()
    confirm.get_by_role("button", name="Delete 3 contacts").click()
    page.locator("#contact-table .alert-ok").wait_for()
    assert "Deleted 3 contacts" in page.locator("#contact-table").inner_text()
    expect(page.locator("#contact-table tbody tr")).to_have_count(0)
    for c in made:
        assert use_sandbox.api("GET", f"/contact/{c['id']}").status_code == 404
