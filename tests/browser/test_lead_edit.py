"""Journeys through Chromium: create a lead (a duplicate email first), convert a lead and
follow the link to the contact, send an email through the dialog."""

from __future__ import annotations

import re
from pathlib import Path
from uuid import uuid4

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path("test-artifacts")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def sandbox_lead(sandbox, **fields) -> dict:
    return sandbox.create_lead(
        **{"first_name": "Journey", "last_name": "Lead", "email": f"journey-{uuid4().hex[:10]}@example.com", **fields}
    )


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_create_with_a_duplicate_email_fix_it_and_save(page, dashboard, sales_user, log_in, use_sandbox):
    existing = sandbox_lead(use_sandbox)
    log_in(page, dashboard, "sally")
    page.goto(dashboard + "/leads/new/")
    page.fill("#id_first_name", "Katherine")
    page.fill("#id_last_name", "Johnson")
    page.fill("#id_email", existing["email"])
    page.fill("#id_phone_number", "+1 757 555 0100")
    page.fill("#id_value", "8800")
    page.select_option("#id_currency", "USD")
    page.select_option("#id_city_id", "1")
    page.locator("label.chip", has_text="New").first.click()
    page.fill("#id_description", "Orbital mechanics, needs the enterprise plan.")
    page.locator("input[name=cf_key]").first.fill("Referral")
    page.locator("input[name=cf_value]").first.fill("NASA")
    page.click("text=+ Add a field")
    page.locator("input[name=cf_key]").nth(1).fill("Priority")
    page.locator("input[name=cf_value]").nth(1).fill("High")
    page.click("#lead-form button[type=submit]")

    error = page.locator("#id_email_error")
    error.wait_for()
    assert "already been taken" in error.inner_text()
    assert page.url.endswith("/leads/new/")
    # everything else typed is still there
    assert page.input_value("#id_first_name") == "Katherine"
    assert page.input_value("#id_last_name") == "Johnson"
    assert page.input_value("#id_phone_number") == "+1 757 555 0100"
    assert page.input_value("#id_value") == "8800"
    assert page.input_value("#id_city_id") == "1"
    assert page.input_value("#id_description") == "Orbital mechanics, needs the enterprise plan."
    assert page.locator("label.chip", has_text="New").first.locator("input").is_checked()
    assert page.locator("input[name=cf_value]").nth(1).input_value() == "High"
    assert page.locator(".dup-note a").get_attribute("href") == f"/leads/{existing['id']}/"
    shoot(page, "lead-form-errors")

    page.fill("#id_email", f"katherine-{uuid4().hex[:8]}@example.com")
    page.click("#lead-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/leads/\d+/$"))
    assert "Lead “Katherine Johnson” created." in page.locator(".flash").inner_text()
    assert "Orbital mechanics" in page.locator("#lead-detail").inner_text()
    assert "Priority" in page.locator("#lead-detail").inner_text()
    assert "New York" in page.locator("#lead-detail").inner_text()
    assert "United States" in page.locator("#lead-detail").inner_text()  # filled in from the city
    shoot(page, "lead-detail")


def test_convert_a_lead_and_follow_the_link_to_the_contact(page, dashboard, sales_user, log_in, use_sandbox):
    lead = sandbox_lead(use_sandbox, first_name="Dorothy", last_name="Vaughan")
    log_in(page, dashboard, "sally")
    page.goto(f"{dashboard}/leads/{lead['id']}/")
    messages = []
    page.on("dialog", lambda d: (messages.append(d.message), d.accept()))
    page.click("#convert-button")
    page.locator("#converted-contact-link").wait_for()
    # the name is bidi-isolated (U+2068 … U+2069) on purpose
    assert messages and "Convert \u2068Dorothy Vaughan\u2069 to a contact?" in messages[0]
    contact_id = use_sandbox.api("GET", f"/lead/{lead['id']}").json()["data"]["converted_contact_id"]
    assert page.locator("#converted-contact-link").get_attribute("href") == f"/contacts/{contact_id}/"
    assert page.locator(".flash a").get_attribute("href") == f"/contacts/{contact_id}/"
    assert page.locator("#convert-button").count() == 0
    assert page.locator(".badge-converted").first.is_visible()


def test_send_an_email_through_the_dialog(page, dashboard, sales_user, log_in, use_sandbox):
    lead = sandbox_lead(use_sandbox, first_name="Mary", last_name="Jackson")
    use_sandbox.config(mail_connected=False)
    log_in(page, dashboard, "sally")
    page.goto(f"{dashboard}/leads/{lead['id']}/")
    page.click("#email-open")
    dialog = page.locator("#email-dialog")
    dialog.wait_for(state="visible")
    assert page.url.endswith(f"/leads/{lead['id']}/")  # a dialog, not a page change
    subject = f"Wind tunnel {uuid4().hex[:6]}"
    page.fill("#id_subject", subject)
    assert page.locator("#subject-count").inner_text() == f"{len(subject)}/255"
    page.fill("#id_message", "Hello Mary, about the test results.")
    page.click("#email-form button[type=submit]")
    page.locator("#email-form .alert-error").wait_for()
    assert "mail is not connected" in page.locator("#email-form .alert-error").inner_text()
    assert dialog.is_visible()
    assert page.input_value("#id_subject") == subject
    assert page.input_value("#id_message") == "Hello Mary, about the test results."
    shoot(page, "lead-email-error")

    use_sandbox.config(mail_connected=True)
    page.click("#email-form button[type=submit]")
    page.locator(".flash").wait_for()
    assert f"Email “{subject}” sent to {lead['email']}." in page.locator(".flash").inner_text()
    assert [e for e in use_sandbox.emails() if e["subject"] == subject]


def test_typed_input_survives_leaving_the_form_and_can_be_restored(page, dashboard, sales_user, log_in, use_sandbox):
    log_in(page, dashboard, "sally")
    page.goto(dashboard + "/leads/new/")
    page.on("dialog", lambda d: d.accept())  # the "leave this page?" question
    email = f"draft-{uuid4().hex[:8]}@example.com"
    page.fill("#id_first_name", "Annie")
    page.fill("#id_email", email)
    page.locator("input[name=cf_key]").first.fill("Shift")
    page.locator("input[name=cf_value]").first.fill("Night")
    page.wait_for_timeout(400)
    page.goto(dashboard + "/leads/")
    page.goto(dashboard + "/leads/new/")
    bar = page.locator(".draft-bar")
    bar.wait_for()
    assert page.input_value("#id_first_name") == ""  # nothing is restored unasked
    bar.locator("text=Restore it").click()
    assert page.input_value("#id_first_name") == "Annie"
    assert page.input_value("#id_email") == email
    assert page.locator("input[name=cf_value]").first.input_value() == "Night"
    page.click("#lead-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/leads/\d+/$"))
    page.goto(dashboard + "/leads/new/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".draft-bar").count() == 0  # saved, so the draft is gone
