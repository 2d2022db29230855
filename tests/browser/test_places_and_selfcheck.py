"""In Chromium: the lead form's place lists follow the chosen parent (states of the chosen
country, cities of the chosen state), and the budget page shows the admins' self-check."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path("test-artifacts")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def visible_values(page, select_id: str) -> set[str]:
    return set(
        page.eval_on_selector_all(
            f"#{select_id} option", "opts => opts.filter(o => !o.hidden && o.value).map(o => o.value)"
        )
    )


def test_state_and_city_lists_follow_the_chosen_parent(page, dashboard, sales_user, log_in, use_sandbox):
    us = use_sandbox.create_lead(
        first_name="Place", email=f"p-{uuid4().hex[:8]}@example.com", country_id=1, state_id=2, city_id=2
    )
    de = use_sandbox.create_lead(
        first_name="Ort", email=f"o-{uuid4().hex[:8]}@example.com", country_id=3, state_id=8, city_id=10
    )
    log_in(page, dashboard, "sally")
    page.goto(dashboard + "/leads/new/")
    all_states = visible_values(page, "id_state_id")
    assert {"2", "8"} <= all_states
    page.select_option("#id_country_id", "3")
    states = visible_values(page, "id_state_id")
    assert "8" in states and "2" not in states
    page.select_option("#id_state_id", "8")
    cities = visible_values(page, "id_city_id")
    assert "10" in cities and "2" not in cities
    assert page.locator("#id_city_id option[value='10']").inner_text() == de["city"]
    shoot(page, "lead-form-places")
    # another country drops a state that is not in it
    page.select_option("#id_country_id", "1")
    assert page.input_value("#id_state_id") == ""
    assert "2" in visible_values(page, "id_state_id") and us["state"]


def test_admin_runs_the_self_check_and_sees_the_table(page, dashboard, admin_user, log_in, use_sandbox):
    from huey.contrib.djhuey import HUEY

    before, HUEY.immediate = HUEY.immediate, True
    try:
        log_in(page, dashboard, "addie")
        page.goto(dashboard + "/settings/budget/")
        page.get_by_role("button", name="Run the self-check").click()
        page.wait_for_url(dashboard + "/settings/budget/")
        panel = page.locator("#selfcheck")
        assert "0 differed" in panel.inner_text()
        assert panel.locator("tbody tr").count() >= 15
        shoot(page, "budget-selfcheck")
    finally:
        HUEY.immediate = before
