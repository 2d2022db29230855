"""An admin looks at the API budget; everyone sees when the budget runs low."""

import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_reads_the_budget_page(page, dashboard, admin_user, log_in):
    log_in(page, dashboard, "addie")
    page.goto(dashboard + "/leads/")
    page.goto(dashboard + "/leads/?q=a")
    page.goto(dashboard + "/settings/")
    page.click("text=API budget")
    assert page.url.endswith("/settings/budget/")
    assert page.locator("h1").inner_text() == "TaskIP API budget"
    assert page.locator("table.table tbody tr").filter(has_text="leads:list").count() == 1
    assert page.locator(".budget-reading").is_visible()
    page.screenshot(path="test-artifacts/budget-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="test-artifacts/budget-phone.png", full_page=True)


def test_everyone_sees_when_the_budget_runs_low(page, dashboard, sales_user, log_in):
    from django.core.cache import cache

    from crmui import tally

    log_in(page, dashboard, "sally")
    cache.set(tally.RATE_KEY, {"limit": 1000, "remaining": 42, "reset": time.time() + 900, "seen": time.time()}, 600)
    page.goto(dashboard + "/settings/")
    banner = page.locator(".banner-warn")
    assert "42 of 1000" in banner.inner_text()
    page.screenshot(path="test-artifacts/budget-low-banner-desktop.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="test-artifacts/budget-low-banner-phone.png")
