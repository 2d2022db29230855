"""Django's admin (users and roles, for the Admin role) works under the dashboard's CSP."""

from __future__ import annotations

import pytest

from tests.security.conftest import ensure_roles
from tests.security.test_hostile_data_browser import WATCH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_manages_users_and_roles_without_csp_violations(
    browser, dashboard, log_in, django_user_model, sales_user
):
    from django.contrib.auth.models import Group

    ensure_roles()
    boss = django_user_model.objects.create_user("boss", password="pw-for-tests-1", first_name="Bo")
    boss.groups.add(Group.objects.get(name="Admin"))
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load") else None,
    )
    log_in(page, dashboard, "boss")
    problems = []
    for path in (
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/{sales_user.pk}/change/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/audit/auditentry/",
    ):
        response = page.goto(dashboard + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        problems += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]
        problems += [f"{path}: {e}" for e in errors]
        errors.clear()
    # link the sales user to a team member and give them the Manager role, through the admin
    page.goto(dashboard + f"/admin/auth/user/{sales_user.pk}/change/")
    page.select_option("#id_crm_profile-0-team_member_id", label="Priya Patel")
    manager_id = str(Group.objects.get(name="Manager").pk)
    page.select_option("#id_groups_from", [manager_id])  # Django's two-box group picker
    page.click("#id_groups_add")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path="test-artifacts/admin-users-desktop.png", full_page=True)
    context.close()
    sales_user.refresh_from_db()
    assert sales_user.crm_profile.team_member_name == "Priya Patel"
    assert set(sales_user.groups.values_list("name", flat=True)) == {"Sales", "Manager"}
    assert not problems, problems
