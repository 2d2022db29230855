"""The security pages as people use them in Chromium: the audit trail filtered, the profile,
saved views, and the login lock-out message. No CSP violation anywhere."""

from __future__ import annotations

import pytest

from tests.security.conftest import ensure_roles
from tests.security.test_hostile_data_browser import INSPECT, WATCH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def watched_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_init_script(WATCH)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()


def _clean(page):
    bad = page.evaluate(INSPECT)
    bad += [t for t in page.console_errors if not t.startswith("Failed to load resource")]
    assert not bad, bad


def _shots(page, name):
    page.screenshot(path=f"test-artifacts/{name}-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"test-artifacts/{name}-phone.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_admin_filters_the_audit_trail_and_the_url_follows(watched_page, dashboard, log_in, django_user_model):
    from django.contrib.auth.models import Group

    from audit.models import AuditEntry

    ensure_roles()
    admin = django_user_model.objects.create_user("audra", password="pw-for-tests-1", first_name="Audra")
    admin.groups.add(Group.objects.get(name="Admin"))
    for i in range(30):
        AuditEntry.objects.create(
            username="sally" if i % 3 else "manny",
            action="lead.update" if i % 4 else "lead.delete",
            object_type="lead",
            object_id=str(100 + i),
            object_label=f"Lead {i} Acme GmbH",
            changes={"status": ["New", "Qualified"], "value": [1000, 2500 + i]},
            outcome="failed" if i % 7 == 0 else "ok",
            api_status=500 if i % 7 == 0 else 200,
            message="ServerError: TaskIP had an internal problem" if i % 7 == 0 else "",
        )
    page = watched_page
    log_in(page, dashboard, "audra")
    page.goto(dashboard + "/settings/audit/")
    assert page.locator("#audit-table tbody tr").count() >= 30
    page.select_option("#id_user", "manny")
    page.wait_for_url("**/settings/audit/?*user=manny*")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#audit-table tbody tr")
    assert rows.count() == 10
    assert "match the filters" in page.locator("#audit-table").inner_text()
    page.select_option("#id_outcome", "failed")
    page.wait_for_url("**outcome=failed*")
    page.wait_for_load_state("networkidle")
    assert page.locator("#audit-table tbody tr").count() == 2  # i = 0 and 21: manny's failed ones
    _clean(page)
    page.reload()
    assert page.locator("#id_outcome").input_value() == "failed"
    page.goto(dashboard + "/settings/audit/")
    _shots(page, "audit")
    _clean(page)


def test_profile_and_saved_views_pages(watched_page, dashboard, log_in, manager_user):
    from accounts.models import SavedView

    SavedView.objects.create(name="Qualified, this quarter", query="status=3&from=2026-10-01", created_by=manager_user)
    page = watched_page
    log_in(page, dashboard, "manny")
    page.goto(dashboard + "/settings/profile/")
    page.select_option("#id_team_member", label="Priya Patel")
    page.click(".profile-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "You are now linked to Priya Patel." in page.locator(".flash-list").inner_text()
    _shots(page, "profile")
    _clean(page)
    page.goto(dashboard + "/settings/views/")
    page.fill("#id_name", "Big deals")
    page.fill("#id_query", "q=gmbh&sort=-value")
    page.click("text=Save view")
    page.wait_for_load_state("networkidle")
    assert page.locator("#saved-views a", has_text="Big deals").count() == 1
    _shots(page, "saved-views")
    _clean(page)
    page.once("dialog", lambda d: d.accept())
    page.locator("#saved-views tr", has_text="Big deals").locator("button", has_text="Delete").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#saved-views a", has_text="Big deals").count() == 0


def test_locked_out_login_says_so(watched_page, dashboard, log_in, sales_user):
    page = watched_page
    for _ in range(5):
        log_in(page, dashboard, "sally", "wrong-password")
    log_in(page, dashboard, "sally")
    assert "/login/" in page.url
    assert "Too many failed login attempts" in page.locator(".alert-error").inner_text()
    _shots(page, "login-locked")
    _clean(page)
