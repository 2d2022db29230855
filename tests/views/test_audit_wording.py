"""Issue #14.16 and #14.18: the audit trail and the activity list speak in names and labels, not
raw ids and field names; the reason a lead cannot be emailed is shown beside the button."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _statuses(sandbox) -> dict[int, str]:
    attrs = sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"]
    return {a["id"]: a["name"] for a in attrs if a["type"] == 1}


def _audit_row(client, lead_id) -> str:
    html = client.get(reverse("audit:list"), {"object_id": str(lead_id)}).content.decode()
    return re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)


def test_a_board_move_in_the_audit_trail_names_the_stages_not_their_ids(admin_client_, use_sandbox):
    statuses = _statuses(use_sandbox)
    first, second = sorted(statuses)[:2]
    lead = use_sandbox.create_lead(first_name="Audrey", status_ids=[first])
    moved = admin_client_.post(
        reverse("leads:move"), {"lead_id": lead["id"], "to": f"s{second}"}, HTTP_ACCEPT="application/json"
    )
    assert moved.json()["ok"] is True
    row = _audit_row(admin_client_, lead["id"])
    assert "Moved a lead on the board" in row
    line = re.search(r'Statuses:</span> <span class="audit-old">([^<]*)</span> → ([^<]*)</div>', row)
    assert line.group(1) == statuses[first]
    assert statuses[second] in line.group(2).split(", ")  # the new stage by name (earlier stages are kept)
    assert not re.search(r"\d", line.group(1) + line.group(2))
    assert "status_ids" not in row


def test_an_edit_in_the_audit_trail_and_the_activity_list_uses_field_labels(admin_client_, use_sandbox):
    statuses = _statuses(use_sandbox)
    status = sorted(statuses)[0]
    lead = use_sandbox.create_lead(first_name="Labelled", email=f"lab-{uuid4().hex[:8]}@example.com")
    data = {
        "first_name": "Labelled",
        "email": lead["email"],
        "phone_number": "+1 555 0100",
        "status_ids": [str(status)],
        "currency": lead.get("currency") or "",
    }
    response = admin_client_.post(reverse("leads:edit", args=[lead["id"]]), data)
    assert response.status_code in (302, 303)
    row = _audit_row(admin_client_, lead["id"])
    assert (
        "Changed a lead" in row
        and "Phone:" in row
        and f'Statuses:</span> <span class="audit-old">—</span> → {statuses[status]}' in row
    )
    assert "phone_number" not in row and "status_ids" not in row
    # the activity list is the lead page's lazy activity panel (leads:activity), not inline in the page
    activity = admin_client_.get(reverse("leads:activity", args=[lead["id"]]), {"refresh": "1"}).content.decode()
    assert "Lead updated: Phone, Statuses" in activity
    assert "phone_number" not in activity and "status_ids" not in activity


def test_a_lead_without_email_says_why_beside_the_send_button(sales_client, use_sandbox):
    leads = [x for x in use_sandbox.api("GET", "/lead", params={"item": 0}).json()["data"] if not x["email"]]
    lead = leads[0]
    html = sales_client.get(reverse("leads:detail", args=[lead["id"]])).content.decode()
    button = re.search(r"<button[^>]*>Send email</button>", html).group(0)
    assert "disabled" in button and 'aria-describedby="email-reason"' in button and "title=" not in button
    reason = re.search(r'<span class="btn-reason small" id="email-reason">(.*?)</span>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", reason) == "No email address: add one to send email."
