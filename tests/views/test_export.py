"""CSV exports: every page streamed, filters in the file name, BOM, formula escaping, errors."""

import csv
import io
import re
from uuid import uuid4

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _csv(response):
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _filename(response):
    return re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)


@pytest.fixture
def marked_leads(use_sandbox):
    marker = "Exp" + uuid4().hex[:8]
    data = use_sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"]
    status = next(a for a in data if a["type"] == 1)
    source = next(a for a in data if a["type"] == 2)
    ids = []
    for n in range(7):
        body = {
            "first_name": f"{marker} {n}",
            "last_name": "Export",
            "email": f"{marker.lower()}-{n}@example.com",
            "status_ids": [status["id"]],
            "source_ids": [source["id"]],
            "value": 10 * n,
            "currency": "EUR",
        }
        ids.append(use_sandbox.api("POST", "/lead", json=body).json()["data"]["id"])
    return {"marker": marker, "status": status, "source": source, "ids": ids}


def test_lead_export_writes_every_matching_lead_from_one_snapshot_call(
    manager_client, marked_leads, use_sandbox, settings
):
    settings.REPORTS_EXPORT_PAGE_SIZE = 3  # seven leads: streamed in chunks of three rows
    use_sandbox.reset_stats()
    response = manager_client.get(reverse("reports:export_leads"), {"q": marked_leads["marker"]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:4] == ["ID", "First name", "Last name", "Email"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(marked_leads["ids"])
    assert all(r[10] == marked_leads["status"]["name"] and r[11] == marked_leads["source"]["name"] for r in rows[1:])
    lead_pages = sum(
        n
        for k, n in use_sandbox.stats()["by_endpoint"].items()
        if k.startswith("GET") and k.rstrip("/").endswith("/lead")
    )
    assert lead_pages == 1, "the export is cut from the lead snapshot (one item=0 call)"


def test_file_name_carries_the_filters(manager_client, marked_leads):
    k = marked_leads
    response = manager_client.get(
        reverse("reports:export_leads"),
        {
            "q": k["marker"],
            "status_id": k["status"]["id"],
            "source_id": k["source"]["id"],
            "is_converted": "0",
            "sort_by": "name",
            "sort_order": "asc",
        },
    )
    name = _filename(response)
    today = timezone.localdate().isoformat()
    slug = lambda s: re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")  # noqa: E731
    assert name == (
        f"leads_search-{k['marker'].lower()}_status-{slug(k['status']['name'])}"
        f"_source-{slug(k['source']['name'])}_not-converted_{today}.csv"
    )
    rows = _csv(response)
    assert [r[1] for r in rows[1:]] == [f"{k['marker']} {n}" for n in range(7)]  # sorted by name


def test_cells_that_would_start_a_formula_are_escaped(manager_client, use_sandbox):
    marker = "Frm" + uuid4().hex[:8]
    use_sandbox.api(
        "POST",
        "/lead",
        json={
            "first_name": f'=HYPERLINK("http://evil") {marker}',
            "last_name": "@SUM(A1)",
            "email": f"{marker.lower()}@example.com",
            "phone_number": "+1 555 0100",
            "description": "-2+3",
        },
    )
    rows = _csv(manager_client.get(reverse("reports:export_leads"), {"q": marker}))
    row = rows[1]
    assert row[1].startswith("'=HYPERLINK")
    assert row[2] == "'@SUM(A1)"
    assert row[4] == "'+1 555 0100"
    assert row[18] == "'-2+3"


def test_api_error_before_the_first_row_shows_an_error_page(manager_client, use_sandbox):
    use_sandbox.fail_next(status=500, count=1, path_contains="/lead", method="GET")
    response = manager_client.get(reverse("reports:export_leads"), {"q": "x" + uuid4().hex[:6]})
    assert response.status_code == 200  # a message, never a 5xx
    assert "The lead export could not start" in response.content.decode()
    assert "Content-Disposition" not in response


def test_rate_limit_before_the_first_row_says_when_to_retry(manager_client, use_sandbox):
    use_sandbox.fail_next(status=429, count=1, path_contains="/lead", method="GET")
    response = manager_client.get(reverse("reports:export_leads"))
    assert response.status_code == 429
    assert "Try again in" in response.content.decode()


def test_empty_result_is_a_file_with_only_the_header(manager_client, use_sandbox):
    rows = _csv(manager_client.get(reverse("reports:export_leads"), {"q": "nobody-" + uuid4().hex}))
    assert len(rows) == 1 and rows[0][0] == "ID"


def test_contact_export_streams_every_page(manager_client, use_sandbox, settings):
    settings.REPORTS_EXPORT_PAGE_SIZE = 2
    marker = "Cex" + uuid4().hex[:8]
    for n in range(5):
        r = use_sandbox.api(
            "POST",
            "/contact",
            json={"first_name": f"{marker} {n}", "last_name": "Contact", "email": f"{marker.lower()}-{n}@example.com"},
        )
        assert r.status_code in (200, 201), r.text
    response = manager_client.get(reverse("reports:export_contacts"), {"q": marker, "sort": "name", "order": "asc"})
    assert _filename(response) == f"contacts_search-{marker.lower()}_{timezone.localdate().isoformat()}.csv"
    rows = _csv(response)
    assert rows[0][:4] == ["ID", "First name", "Last name", "Email"]
    assert [r[1] for r in rows[1:]] == [f"{marker} {n}" for n in range(5)]


def test_sales_role_may_not_export(sales_client, use_sandbox):
    assert sales_client.get(reverse("reports:export_leads")).status_code == 403
    assert sales_client.get(reverse("reports:export_contacts")).status_code == 403


def test_export_understands_the_lead_lists_short_parameter_names(manager_client, marked_leads):
    k = marked_leads
    response = manager_client.get(
        reverse("reports:export_leads"),
        {"q": k["marker"], "status": k["status"]["id"], "converted": "0", "sort": "name", "dir": "desc"},
    )
    assert "_status-" in _filename(response) and "_not-converted_" in _filename(response)
    rows = _csv(response)
    assert [r[1] for r in rows[1:]] == [f"{k['marker']} {n}" for n in reversed(range(7))]


def test_contact_export_understands_the_contact_lists_sort(manager_client, use_sandbox, settings):
    marker = "Cso" + uuid4().hex[:8]
    for n in range(3):
        use_sandbox.api(
            "POST", "/contact", json={"first_name": f"{marker} {n}", "email": f"{marker.lower()}-{n}@example.com"}
        )
    rows = _csv(manager_client.get(reverse("reports:export_contacts"), {"q": marker, "order": "name-desc"}))
    assert [r[1] for r in rows[1:]] == [f"{marker} {n}" for n in (2, 1, 0)]
    rows = _csv(manager_client.get(reverse("reports:export_contacts"), {"q": marker, "sort": "name", "dir": "asc"}))
    assert [r[1] for r in rows[1:]] == [f"{marker} {n}" for n in (0, 1, 2)]
