"""Screenshots of the pages a salesperson lives in (board, list, lead, overview) at desktop and
phone widths, with leads in three currencies, for people to look at (test-artifacts/ui-*.png).
The board, list, detail and overview must render without a server error at both widths."""

import os
from uuid import uuid4

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ART = os.environ.get("UI_SHOTS_DIR", "test-artifacts")


def test_main_pages_at_desktop_and_phone_widths(browser, dashboard, manager_user, log_in, use_sandbox):
    tag = f"Shot{uuid4().hex[:5]}"
    lead_id = None
    for i, (cur, value, status) in enumerate([("USD", 1200, 2), ("EUR", 800, 4), ("GBP", 500, 5)]):
        r = use_sandbox.api(
            "POST",
            "/lead",
            json={
                "first_name": f"Ada{i}",
                "last_name": tag,
                "email": f"{tag}{i}@example.com",
                "value": value,
                "currency": cur,
                "status_ids": [status],
            },
        )
        assert r.status_code in (200, 201), r.text
        lead_id = r.json()["data"]["id"]
    os.makedirs(ART, exist_ok=True)
    for width_name, (w, h) in {"desktop": (1366, 900), "phone": (390, 844)}.items():
        context = browser.new_context(viewport={"width": w, "height": h})
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, dashboard, "manny")
        for name, url in (
            ("board", "/leads/board/"),
            ("list", "/leads/"),
            ("detail", f"/leads/{lead_id}/"),
            ("overview", "/reports/"),
        ):
            response = page.goto(dashboard + url)
            page.wait_for_load_state("networkidle")
            assert response.status == 200, (name, response.status)
            page.screenshot(path=f"{ART}/ui-{name}-{width_name}.png", full_page=name != "board")
        context.close()
