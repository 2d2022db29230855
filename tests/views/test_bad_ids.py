"""Issue #14.2: an id that is not a positive whole number is the not-found page, with no TaskIP call."""

from __future__ import annotations

from uuid import uuid4

import pytest

pytestmark = pytest.mark.django_db

# The 14 URLs the audit found (GET and POST each), plus the other id-bearing panel URLs.
LEAD_PATHS = [
    "/leads/{id}/",
    "/leads/{id}/edit/",
    "/leads/{id}/clone/",
    "/leads/{id}/email/",
    "/leads/{id}/notes/",
    "/leads/{id}/files/",
    "/leads/{id}/convert/",
    "/leads/{id}/delete/",
    "/leads/{id}/files/upload/",
    "/leads/{id}/notes/add/",
    "/leads/{id}/files/delete/",
]
NOTE_PATHS = ["/leads/{lead}/notes/{id}/edit/", "/leads/{lead}/notes/{id}/delete/"]
OTHER_PATHS = ["/contacts/{id}/", "/contacts/{id}/edit/", "/settings/pipeline/status/{id}/edit/"]
BAD_IDS = ["0", "00", "-1", "123456789012345678901234567890"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_non_positive_or_absurd_id_is_the_not_found_page_without_a_taskip_call(admin_client_, use_sandbox, bad):
    urls = [p.format(id=bad) for p in LEAD_PATHS + OTHER_PATHS] + [p.format(lead=1, id=bad) for p in NOTE_PATHS]
    assert len(urls) == 16
    use_sandbox.reset_stats()
    wrong = []
    for url in urls:
        for method in ("get", "post"):
            response = getattr(admin_client_, method)(url)
            if (response.status_code, response["X-Upstream-Calls"]) != (
                404,
                "0",
            ) or "Not found" not in response.content.decode():
                wrong.append(f"{method.upper()} {url}: {response.status_code}")
    assert wrong == []
    assert use_sandbox.stats()["total"] == 0


def test_a_positive_id_still_reaches_the_lead(admin_client_, use_sandbox):
    lead = use_sandbox.create_lead(first_name="Positive", email=f"positive-{uuid4().hex[:8]}@example.com")
    response = admin_client_.get(f"/leads/{lead['id']}/")
    assert response.status_code == 200
    assert "Positive" in response.content.decode()
