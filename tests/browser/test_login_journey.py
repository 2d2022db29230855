"""A person logs in through Chromium and sees leads from the sandbox."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_see_leads(page, dashboard, sales_user, log_in):
    page.goto(dashboard + "/")
    assert "/login/" in page.url
    log_in(page, dashboard, "sally")
    assert page.url.rstrip("/").endswith("/leads")
    rows = page.locator("#lead-table tbody tr")
    assert rows.count() >= 5
    assert page.locator(".role-pill").inner_text() == "Sales"
    page.screenshot(path="test-artifacts/leads-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="test-artifacts/leads-phone.png", full_page=True)


def test_wrong_password_shows_error(page, dashboard, sales_user, log_in):
    log_in(page, dashboard, "sally", "nope")
    assert "/login/" in page.url
    assert page.locator(".alert-error").is_visible()
