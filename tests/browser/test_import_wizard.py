"""A manager looks at the overview, then imports leads from a CSV through the wizard in Chromium."""

import csv
import io
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def shoot(page, name):
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=f"test-artifacts/{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"test-artifacts/{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def test_overview_filters_swap_the_charts_and_push_the_url(page, dashboard, manager_user, log_in):
    log_in(page, dashboard, "manny")
    page.click("nav.mainnav >> text=Overview")
    page.wait_for_selector("#chart-funnel")
    total = int(page.inner_text("#kpi-total"))
    assert total > 0
    assert page.locator("#chart-funnel .bar-row").count() >= 2
    page.screenshot(path="test-artifacts/overview-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    assert not page.is_visible("#overview-filters")  # folded on a phone while no filter is active
    page.screenshot(path="test-artifacts/overview-phone.png", full_page=True)
    page.click(".filters-box > summary")
    assert page.is_visible("#overview-filters")
    page.set_viewport_size(DESKTOP)
    with page.expect_response(lambda r: "is_converted=1" in r.url and r.request.headers.get("hx-request") == "true"):
        page.select_option("#ov-converted", "1")
    page.wait_for_url("**is_converted=1**")
    page.wait_for_function("document.querySelector('#kpi-total').textContent.trim() !== '%d'" % total)
    assert int(page.inner_text("#kpi-total")) < total
    # The overview form posts its API-style field names (is_converted), while links the product
    # builds from LeadQuery carry its own short spelling (converted); from_params reads both.
    export_params = parse_qs(urlsplit(page.get_attribute("#overview-export", "href")).query)
    assert export_params.get("converted") == ["1"] and "is_converted" not in export_params, export_params


def test_import_wizard_journey(page, dashboard, manager_user, log_in, use_sandbox, start_worker):
    start_worker()
    marker = "Wiz" + uuid4().hex[:6]
    statuses = [
        a for a in use_sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"] if a["type"] == 1
    ]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Given name", "Surname", "E-mail", "Stage", "Remarks", "Deal value"])
    w.writerow(
        [
            f"{marker} Ada",
            "Lovelace",
            f"{marker.lower()}-ada@example.com",
            statuses[0]["name"],
            "Met at the fair",
            "1200",
        ]
    )
    w.writerow(
        [f"{marker} Alan", "Turing", f"{marker.lower()}-alan@example.com", statuses[-1]["name"], "Wants a demo", "800"]
    )
    w.writerow([f"{marker} Grace", "Hopper", "grace-at-example.com", "", "Typo in the email", ""])
    w.writerow([f"{marker} Edsger", "Dijkstra", f"{marker.lower()}-edsger@example.com", "", "", "950.50"])
    w.writerow([f"{marker} Barbara", "Liskov", f"{marker.lower()}-barbara@example.com", "", "Call back in May", "lots"])

    log_in(page, dashboard, "manny")
    page.goto(dashboard + "/settings/")
    page.click("text=Import leads from CSV")
    page.wait_for_selector("#upload-form")
    shoot(page, "import-1-upload")

    page.set_input_files(
        "#id_file", files=[{"name": "fair-leads.csv", "mimeType": "text/csv", "buffer": buf.getvalue().encode()}]
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#map-form")
    assert page.input_value("select[data-header='Given name']") == "first_name"
    assert page.input_value("select[data-header='E-mail']") == "email"
    assert page.input_value("select[data-header='Remarks']") == ""
    page.select_option("select[data-header='Remarks']", "description")
    shoot(page, "import-2-map")

    page.click("#map-form button[type=submit]")
    page.wait_for_selector("#start-form")
    problems = page.inner_text("#row-problems")
    assert "“grace-at-example.com” is not a valid email address." in problems
    assert "Value “lots” is not a number." in problems
    assert page.inner_text("#ready-count") == "3"
    shoot(page, "import-3-review")

    page.check("input[name=skip_invalid]")
    page.check("input[name=mode][value=create]")
    page.click("#start-form button[type=submit]")
    page.wait_for_selector("#import-progress[data-status=done]", timeout=30_000)
    bar = page.locator("#job-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "3"
    assert page.inner_text("#count-created") == "3"
    assert page.inner_text("#count-skipped") == "2"
    assert page.inner_text("#import-title") == "Import report"  # title and steps follow the progress
    assert page.inner_text("#wizard-steps li.current").endswith("Report")
    shoot(page, "import-5-report")

    with page.expect_download() as info:
        page.click("#download-report")
    report = info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(report)))
    assert [r["Outcome"] for r in rows] == ["created", "created", "skipped (problems)", "created", "skipped (problems)"]
    created = use_sandbox.api("GET", "/lead", params={"search": marker, "item": 0}).json()["data"]
    ada = next(l for l in created if l["first_name"].endswith("Ada"))
    assert ada["description"] == "Met at the fair" and float(ada["value"]) == 1200


def test_progress_survives_a_reload_and_pause(page, dashboard, manager_user, log_in, use_sandbox, start_worker):
    start_worker(TASKIP_BURST_LIMIT=120)  # one row a second
    marker = "Rel" + uuid4().hex[:6]
    text = "First name,Email\n" + "".join(f"{marker} {n},{marker.lower()}-{n}@example.com\n" for n in range(12))
    log_in(page, dashboard, "manny")
    page.goto(dashboard + "/reports/import/")
    page.set_input_files("#id_file", files=[{"name": "reload.csv", "mimeType": "text/csv", "buffer": text.encode()}])
    page.click("#upload-form button[type=submit]")
    page.click("#map-form button[type=submit]")
    page.click("#start-form button[type=submit]")
    page.wait_for_function("Number(document.querySelector('#job-bar').getAttribute('value')) >= 2")
    page.click("#import-progress button:has-text('Pause')")
    page.wait_for_selector("#import-progress[data-status=paused]")
    shoot(page, "import-4-paused")
    done_before = int(page.get_attribute("#job-bar", "value"))
    page.reload()
    page.wait_for_selector("#import-progress[data-status=paused]")
    assert int(page.get_attribute("#job-bar", "value")) >= done_before
    page.click("#import-progress button:has-text('Resume')")
    page.wait_for_selector("#import-progress[data-status=done]", timeout=30_000)
    assert page.inner_text("#count-created") == "12"
