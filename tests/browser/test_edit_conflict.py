"""The edit conflict seen in Chromium: someone else saved the same field meanwhile; the form
comes back with their value beside this person's, input kept, a choice per field."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ART = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_same_field_edit_shows_their_value_beside_mine_and_keeping_mine_saves_it(
    browser, dashboard, use_sandbox, django_user_model, log_in
):
    make_user(django_user_model, "mona", "Manager", team_member_id=2)
    lead = use_sandbox.api(
        "POST",
        "/lead",
        json={
            "first_name": "Clash",
            "last_name": "Lead",
            "email": f"clash-{uuid4().hex[:8]}@example.com",
            "phone_number": "555-0100",
        },
    ).json()["data"]
    ART.mkdir(exist_ok=True)
    for width, height, suffix in ((1366, 900, "desktop"), (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, dashboard, "mona")
        page.goto(f"{dashboard}/leads/{lead['id']}/edit/")
        # meanwhile a colleague changes the phone number in TaskIP
        theirs = f"555-{uuid4().hex[:4]}"
        use_sandbox.api("PUT", f"/lead/{lead['id']}", json={"first_name": "Clash", "phone_number": theirs})
        mine = f"556-{uuid4().hex[:4]}"
        page.fill("#id_phone_number", mine)
        page.click("#lead-form button[type=submit]")
        box = page.locator("[data-conflicts]")
        box.wait_for()
        assert "Someone else changed this lead" in box.inner_text() and theirs in box.inner_text()
        assert page.input_value("#id_phone_number") == mine
        page.screenshot(path=str(ART / f"edit-conflict-{suffix}.png"), full_page=False)
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(ART / f"edit-conflict-box-{suffix}.png"))
        page.click("#lead-form button[type=submit]")  # "Yours" is preselected: save again keeps mine
        page.wait_for_url(f"**/leads/{lead['id']}/")
        assert use_sandbox.api("GET", f"/lead/{lead['id']}").json()["data"]["phone_number"] == mine
        context.close()
