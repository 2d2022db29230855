"""The CSV import wizard: upload, guessed mapping, validation before any write, create-only and
update-by-email, progress in steps, 429 and lost answers without double writes, the report,
and an export-then-import round trip."""

import csv
import io
import re
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs import runner
from jobs.models import Job
from reports.models import ImportJob, ImportRow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_budget(settings):
    settings.TASKIP_BURST_LIMIT = 1_000_000  # the test sandbox has no burst limit: no pacing here


# --------------------------------------------------------------------------- helpers
def _marker(prefix="Imp"):
    return prefix + uuid4().hex[:8]


def _csv_text(header, rows, delimiter=","):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def upload(client, text, name="leads.csv", encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    response = client.post(reverse("reports:import"), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})
    assert response.status_code == 303, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-2])


def map_columns(client, job, overrides=None, date_order="dmy"):
    data = {f"col_{i}": f for i, f in job.mapping.items()}
    data.update(overrides or {})
    data["date_order"] = date_order
    return client.post(reverse("reports:import_map", args=[job.pk]), data)


def start(client, job, mode="create", skip_invalid=True):
    data = {"mode": mode}
    if skip_invalid:
        data["skip_invalid"] = "1"
    return client.post(reverse("reports:import_review", args=[job.pk]), data)


def run_until_stopped(client, job, max_steps=None):
    """What the worker does (in-process, without its heartbeat thread: one test transaction);
    returns the progress partial as the page's poll would get it."""
    job.refresh_from_db()
    runner.run(job.run_id, max_steps=max_steps, heartbeat=False)
    job.refresh_from_db()
    job.run.refresh_from_db()
    return client.get(
        reverse("reports:import_job", args=[job.pk]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-progress"
    )


def leads_with(sandbox, marker):
    return sandbox.api("GET", "/lead", params={"search": marker, "item": 0}).json()["data"]


def _report(client, job):
    response = client.get(reverse("reports:import_report", args=[job.pk]))
    raw = b"".join(response.streaming_content)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def ref(use_sandbox):
    attrs = use_sandbox.api("GET", "/lead-attribute", params={"item": 100}).json()["data"]
    members = use_sandbox.api("GET", "/team-member", params={"limit": 100}).json()["data"]
    companies = use_sandbox.api("GET", "/company", params={"limit": 100}).json()["data"]
    return {
        "statuses": sorted([a for a in attrs if a["type"] == 1], key=lambda a: a["order"]),
        "sources": [a for a in attrs if a["type"] == 2],
        "members": members,
        "companies": companies,
    }


# --------------------------------------------------------------------------- upload and mapping
def test_upload_guesses_the_mapping_from_the_headers(manager_client, use_sandbox):
    text = _csv_text(
        [
            "Given name",
            "Surname",
            "E-mail",
            "Company",
            "Lead Source",
            "Owner",
            "Deal value",
            "Last contact",
            "Shoe size",
        ],
        [["Ann", "Lee", "ann@example.com", "Acme", "Website", "Sam", "1200", "2026-04-01", "38"]],
    )
    job = upload(manager_client, text)
    assert job.encoding == "utf-8" and job.delimiter == ","
    assert [job.mapping[str(i)] for i in range(9)] == [
        "first_name",
        "last_name",
        "email",
        "company",
        "source",
        "assigned_to",
        "value",
        "lead_interaction_date",
        "",
    ]
    html = manager_client.get(reverse("reports:import_map", args=[job.pk])).content.decode()
    assert re.search(r'<select name="col_0"[^>]*>.*?<option value="first_name" selected>', html, re.S)
    assert re.search(r'<select name="col_8"[^>]*>\s*<option value="">— Ignore', html, re.S)
    assert "ann@example.com" in html  # sample values beside each column


@pytest.mark.parametrize(
    "header, field",
    [
        ("First Name", "first_name"),
        ("first_name", "first_name"),
        ("Given name", "first_name"),
        ("firstName", "first_name"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Phone", "phone_number"),
        ("Status", "status"),
        ("Assigned to", "assigned_to"),
        ("Postal code", "zip_code"),
        ("Name", "full_name"),
    ],
)
def test_header_synonyms(header, field):
    from reports.imports.reading import guess_mapping

    assert guess_mapping([header])["0"] == field


def test_latin1_file_with_semicolons_is_read(manager_client, use_sandbox):
    text = "Vorname;Nachname;E-Mail\r\nJosé;Müller;jose@example.com\r\n"
    job = upload(manager_client, text.encode("latin-1"))
    assert job.encoding == "latin-1" and job.delimiter == ";"
    assert job.rows.get().cells == ["José", "Müller", "jose@example.com"]
    assert "José" in manager_client.get(reverse("reports:import_map", args=[job.pk])).content.decode()


def test_utf8_bom_is_detected(manager_client, use_sandbox):
    job = upload(manager_client, "\ufeffFirst name\tEmail\r\nZoë\tzoe@example.com\r\n")
    assert job.encoding == "utf-8-sig" and job.delimiter == "\t"
    assert job.headers == ["First name", "Email"]


def test_too_large_a_file_is_refused_with_a_message(manager_client, use_sandbox, settings):
    settings.REPORTS_IMPORT_MAX_MB = 0.001
    response = manager_client.post(
        reverse("reports:import"),
        {"file": SimpleUploadedFile("big.csv", b"First name,Email\r\n" + b"a,a@example.com\r\n" * 200)},
    )
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_spreadsheet_files_are_refused_with_advice(manager_client, use_sandbox):
    response = manager_client.post(reverse("reports:import"), {"file": SimpleUploadedFile("leads.xlsx", b"PK\x03\x04")})
    assert "Save it as CSV" in response.content.decode()


def test_mapping_requires_email_and_first_name(manager_client, use_sandbox):
    job = upload(manager_client, _csv_text(["First name", "Email"], [["A", "a@example.com"]]))
    response = map_columns(manager_client, job, {"col_1": ""})
    assert response.status_code == 200
    assert "Choose the column that holds the email address." in response.content.decode()
    response = map_columns(manager_client, job, {"col_1": "first_name"})
    assert "is chosen for more than one column" in response.content.decode()


# --------------------------------------------------------------------------- validation
def test_every_row_is_checked_before_anything_is_written(manager_client, use_sandbox, ref):
    marker = _marker()
    status = ref["statuses"][0]["name"]
    rows = [
        [f"{marker} ok", f"{marker.lower()}-ok@example.com", status, "1,200.50", "2026-04-01"],
        ["", f"{marker.lower()}-nofirst@example.com", "", "", ""],
        [f"{marker} bad", "not-an-email", "", "", ""],
        [f"{marker} dup", f"{marker.lower()}-ok@example.com", "", "", ""],
        [f"{marker} st", f"{marker.lower()}-st@example.com", "No Such Status", "", ""],
        [f"{marker} val", f"{marker.lower()}-val@example.com", "", "lots", ""],
        [f"{marker} dt", f"{marker.lower()}-dt@example.com", "", "", "31/31/2026"],
    ]
    job = upload(manager_client, _csv_text(["First name", "Email", "Status", "Value", "Interaction date"], rows))
    use_sandbox.reset_stats()
    response = map_columns(manager_client, job)
    assert response.status_code == 303
    assert not any(k.startswith(("POST", "PUT")) for k in use_sandbox.stats()["by_endpoint"])
    html = manager_client.get(response["Location"]).content.decode()
    assert re.search(r'id="problem-count">6<', html) and re.search(r'id="ready-count">1<', html)
    for text in (
        "First name is missing.",
        "“not-an-email” is not a valid email address.",
        "The same email is already on row 2.",
        "Unknown status “No Such Status”.",
        "Value “lots” is not a number.",
        "Interaction date “31/31/2026” is not a date",
    ):
        assert text in html
    ok = job.rows.get(line=2)
    assert ok.payload["value"] == "1200.50" and ok.payload["lead_interaction_date"] == "2026-04-01"
    # Starting without agreeing to skip the problem rows is refused.
    response = start(manager_client, job, skip_invalid=False)
    assert response.status_code == 200 and "Tick “skip the rows with problems”" in response.content.decode()


def test_names_become_ids(manager_client, use_sandbox, ref):
    st, so = ref["statuses"][-1], ref["sources"][0]
    member, company = ref["members"][0], ref["companies"][0]
    marker = _marker()
    job = upload(
        manager_client,
        _csv_text(
            ["First name", "Email", "Stage", "Source", "Owner", "Company", "Interaction date"],
            [
                [
                    marker,
                    f"{marker.lower()}@example.com",
                    st["name"].upper(),
                    so["name"],
                    member["full_name"],
                    company["name"],
                    "03/04/2026",
                ]
            ],
        ),
    )
    map_columns(manager_client, job, date_order="mdy")
    row = job.rows.get()
    assert row.state == ImportRow.PENDING, row.problems
    assert row.payload["status_ids"] == [st["id"]] and row.payload["source_ids"] == [so["id"]]
    assert row.payload["assigned_to"] == [member["id"]] and row.payload["company_id"] == company["id"]
    assert row.payload["lead_interaction_date"] == "2026-03-04"


# --------------------------------------------------------------------------- running
def test_import_of_500_rows_with_20_bad_ones(manager_client, use_sandbox):
    marker = _marker("Big")
    rows = []
    for n in range(500):
        email = f"{marker.lower()}-{n}@example.com"
        if n % 25 == 7:
            email = f"broken-{n}"  # 20 rows with a bad email
        rows.append([f"{marker} {n}", "Bulk", email, str(n)])
    job = upload(manager_client, _csv_text(["First name", "Last name", "Email", "Value"], rows))
    map_columns(manager_client, job)
    assert start(manager_client, job).status_code == 303
    response = run_until_stopped(manager_client, job)
    assert job.run.state == Job.DONE and job.run.processed == 480 and job.run.calls == 480
    html = response.content.decode()
    assert re.search(r'id="count-created">480<', html) and re.search(r'id="count-skipped">20<', html)
    assert 'value="480"' in html and 'max="480"' in html
    report = _report(manager_client, job)
    assert len(report) == 500
    outcomes = {}
    for r in report:
        outcomes.setdefault(r["Outcome"], []).append(r)
    assert len(outcomes["created"]) == 480
    assert len(outcomes["skipped (problems)"]) == 20
    assert all("is not a valid email address" in r["Reason"] for r in outcomes["skipped (problems)"])
    assert len(leads_with(use_sandbox, marker)) == 480
    from audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="lead.create", outcome="ok", changes__import=str(job.pk)).count() == 480


def test_create_only_skips_existing_emails_and_update_mode_updates_them(manager_client, use_sandbox):
    marker = _marker()
    existing = use_sandbox.api(
        "POST",
        "/lead",
        json={"first_name": f"{marker} Old", "email": f"{marker.lower()}-0@example.com", "phone_number": "111"},
    ).json()["data"]
    text = _csv_text(
        ["First name", "Email", "Phone"],
        [
            [f"{marker} New", f"{marker.lower()}-0@example.com", "222"],
            [f"{marker} Other", f"{marker.lower()}-1@example.com", "333"],
        ],
    )
    use_sandbox.reset_stats()
    job = upload(manager_client, text)
    map_columns(manager_client, job)
    review = manager_client.get(reverse("reports:import_review", args=[job.pk])).content.decode()
    # The start button counts what the chosen mode writes: create only skips the existing email.
    assert re.search(r'id="start-import"[^>]*>Import <span data-import-count-text>1 row</span>', review)
    assert 'value="create" data-import-count="1"' in review and 'value="update" data-import-count="2"' in review
    use_sandbox.reset_stats()
    start(manager_client, job, mode="create")
    run_until_stopped(manager_client, job)
    first = job.rows.get(line=2)
    assert first.state == ImportRow.SKIPPED and "already exists" in first.message and first.lead_id == existing["id"]
    assert job.rows.get(line=3).state == ImportRow.CREATED
    # One snapshot of all leads, not one search per row.
    by = use_sandbox.stats()["by_endpoint"]
    assert sum(n for k, n in by.items() if k.startswith("GET") and k.rstrip("/").endswith("/lead")) == 1

    job2 = upload(manager_client, text)
    map_columns(manager_client, job2)
    start(manager_client, job2, mode="update")
    run_until_stopped(manager_client, job2)
    assert job2.rows.get(line=2).state == ImportRow.UPDATED
    lead = use_sandbox.api("GET", f"/lead/{existing['id']}").json()["data"]
    assert lead["phone_number"] == "222" and lead["first_name"] == f"{marker} New"
    from audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="lead.update", object_id=str(existing["id"]), outcome="ok").exists()


def test_a_429_makes_the_import_wait_and_it_writes_nothing_twice(manager_client, use_sandbox):
    marker = _marker("Rl")
    rows = [[f"{marker} {n}", f"{marker.lower()}-{n}@example.com"] for n in range(30)]
    job = upload(manager_client, _csv_text(["First name", "Email"], rows))
    map_columns(manager_client, job)
    start(manager_client, job)
    run_until_stopped(manager_client, job, max_steps=10)
    assert job.rows.filter(state=ImportRow.CREATED).count() == 10
    use_sandbox.fail_next(status=429, count=1, path_contains="/lead", method="POST")
    html = run_until_stopped(manager_client, job).content.decode()
    assert job.run.state == Job.WAITING and job.run.retry_at is not None
    assert "request limit" in html and "It goes on at" in html
    assert 'hx-trigger="every 2s"' in html  # the page keeps showing progress; the worker goes on by itself
    assert job.rows.filter(state=ImportRow.CREATED).count() == 10
    assert not job.rows.filter(state=ImportRow.IN_FLIGHT).exists()
    assert runner.run(job.run_id, heartbeat=False) == "not yet"  # before the retry time: nothing
    assert job.rows.filter(state=ImportRow.CREATED).count() == 10
    from crmui.models import BudgetState

    BudgetState.objects.update(blocked_until=0)
    Job.objects.filter(pk=job.run_id).update(retry_at=job.run.retry_at.replace(year=2000))
    run_until_stopped(manager_client, job)
    assert job.run.state == Job.DONE
    assert job.rows.filter(state=ImportRow.CREATED).count() == 30
    assert sorted(x["email"] for x in leads_with(use_sandbox, marker)) == sorted(r[1] for r in rows)


def test_a_lost_answer_is_checked_by_email_before_writing_again(manager_client, use_sandbox):
    marker = _marker("Lost")
    rows = [[f"{marker} {n}", f"{marker.lower()}-{n}@example.com"] for n in range(4)]
    job = upload(manager_client, _csv_text(["First name", "Email"], rows))
    map_columns(manager_client, job)
    start(manager_client, job)
    # The answer to row 2's create is garbage AND the look-up fails: the job pauses, the row in flight.
    use_sandbox.fail_next(status="malformed", count=1, path_contains="/lead", method="POST")
    use_sandbox.fail_next(status=502, count=2, path_contains="/lead", method="GET")
    run_until_stopped(manager_client, job)
    assert job.run.state == Job.PAUSED and "read back first" in job.run.message
    assert job.rows.get(line=2).state == ImportRow.IN_FLIGHT
    # Simulate that the write had in fact happened upstream before the answer was lost.
    use_sandbox.api("POST", "/lead", json={"first_name": f"{marker} 0", "email": f"{marker.lower()}-0@example.com"})
    use_sandbox.reset_stats()
    manager_client.post(reverse("jobs:control", args=[job.run_id, "resume"]))
    run_until_stopped(manager_client, job)
    assert job.run.state == Job.DONE
    recovered = job.rows.get(line=2)
    assert recovered.state == ImportRow.CREATED and "confirmed by email" in recovered.message
    posts = sum(n for k, n in use_sandbox.stats()["by_endpoint"].items() if k.startswith("POST"))
    assert posts == 3  # rows 3-5 only
    assert len(leads_with(use_sandbox, marker)) == 4


def test_a_garbled_answer_is_settled_at_once_by_email(manager_client, use_sandbox):
    marker = _marker("Gb")
    job = upload(
        manager_client,
        _csv_text(["First name", "Email"], [[f"{marker} {n}", f"{marker.lower()}-{n}@example.com"] for n in range(3)]),
    )
    map_columns(manager_client, job)
    start(manager_client, job)
    use_sandbox.fail_next(status="malformed", count=1, path_contains="/lead", method="POST")
    run_until_stopped(manager_client, job)
    assert job.run.state == Job.DONE and job.rows.filter(state=ImportRow.CREATED).count() == 3
    assert len(leads_with(use_sandbox, marker)) == 3  # whatever the sandbox did with the garbled one: no duplicate


def test_pause_and_resume_continue_from_the_next_row(manager_client, use_sandbox):
    marker = _marker("Pz")
    job = upload(
        manager_client,
        _csv_text(["First name", "Email"], [[f"{marker} {n}", f"{marker.lower()}-{n}@example.com"] for n in range(6)]),
    )
    map_columns(manager_client, job)
    start(manager_client, job)
    run_until_stopped(manager_client, job, max_steps=2)
    r = manager_client.post(reverse("jobs:control", args=[job.run_id, "pause"]))
    assert r.status_code == 303 and r["Location"] == reverse("reports:import_job", args=[job.pk])
    run_until_stopped(manager_client, job)
    assert job.rows.filter(state=ImportRow.CREATED).count() == 2
    html = manager_client.get(reverse("reports:import_job", args=[job.pk])).content.decode()
    assert 'value="2"' in html and "Paused" in html and "Resume" in html and "every 2s" not in html
    manager_client.post(reverse("jobs:control", args=[job.run_id, "resume"]))
    run_until_stopped(manager_client, job)
    assert [r.state for r in job.rows.all()] == [ImportRow.CREATED] * 6


def test_a_500_is_read_back_and_written_once(manager_client, use_sandbox):
    marker = _marker()
    job = upload(
        manager_client,
        _csv_text(["First name", "Email", "Currency"], [[marker, f"{marker.lower()}@example.com", "USD"]]),
    )
    map_columns(manager_client, job)
    start(manager_client, job)
    use_sandbox.fail_next(status=500, count=1, path_contains="/lead", method="POST")
    run_until_stopped(manager_client, job)
    assert job.run.state == Job.DONE and job.rows.get().state == ImportRow.CREATED
    assert len(leads_with(use_sandbox, marker)) == 1


def test_rows_the_api_refuses_are_reported_with_the_reason(manager_client, use_sandbox):
    marker = _marker()
    job = upload(manager_client, _csv_text(["First name", "Email"], [[marker, f"{marker.lower()}@example.com"]]))
    map_columns(manager_client, job)
    start(manager_client, job, mode="update")
    use_sandbox.create_lead(email=f"{marker.lower()}@example.com")  # someone adds the email after the start
    run_until_stopped(manager_client, job)
    row = job.rows.get()
    assert job.run.state == Job.DONE and row.state == ImportRow.FAILED and "email" in row.message.lower()


def test_progress_page_full_and_partial(manager_client, use_sandbox):
    marker = _marker()
    job = upload(manager_client, _csv_text(["First name", "Email"], [[marker, f"{marker.lower()}@example.com"]]))
    map_columns(manager_client, job)
    start(manager_client, job)
    html = manager_client.get(reverse("reports:import_job", args=[job.pk])).content.decode()
    assert "<html" in html and 'hx-trigger="every 2s"' in html and "You can close this page" in html
    partial = manager_client.get(
        reverse("reports:import_job", args=[job.pk]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-progress"
    ).content.decode()
    assert partial.lstrip().startswith('<section id="import-progress"')
    run_until_stopped(manager_client, job)
    html = manager_client.get(reverse("reports:import_job", args=[job.pk])).content.decode()
    assert "Download report (CSV)" in html and "hx-trigger" not in html.split('id="import-progress"')[1].split(">")[0]


def test_starting_needs_the_snapshot_and_says_so_when_it_fails(manager_client, use_sandbox):
    marker = _marker()
    job = upload(manager_client, _csv_text(["First name", "Email"], [[marker, f"{marker.lower()}@example.com"]]))
    map_columns(manager_client, job)
    use_sandbox.fail_next(status=500, count=1, path_contains="/lead", method="GET")
    response = start(manager_client, job)
    assert response.status_code == 200
    assert "The import could not start" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.VALIDATED and job.run is None


def test_an_import_is_its_owners_only_an_admin_sees_it_too(manager_client, client, django_user_model, use_sandbox):
    from tests.conftest import make_user

    marker = _marker()
    job = upload(manager_client, _csv_text(["First name", "Email"], [[marker, f"{marker.lower()}@example.com"]]))
    map_columns(manager_client, job)
    start(manager_client, job)
    run_until_stopped(manager_client, job)
    other = make_user(django_user_model, "other-manager", "Manager")
    client.force_login(other)
    for name in ("reports:import_job", "reports:import_report", "reports:import_map", "reports:import_review"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert job.filename not in client.get(reverse("reports:import")).content.decode()
    client.force_login(make_user(django_user_model, "the-admin", "Admin"))
    assert client.get(reverse("reports:import_report", args=[job.pk])).status_code == 200


def test_sales_role_may_not_import(sales_client, use_sandbox):
    assert sales_client.get(reverse("reports:import")).status_code == 403


# --------------------------------------------------------------------------- round trip
def test_export_then_import_round_trip_loses_nothing(manager_client, use_sandbox, ref):
    marker = _marker("Rt")
    st = ref["statuses"]
    fields = []
    for n in range(3):
        body = {
            "first_name": f"{marker} {n}",
            "last_name": f"Trip-{n}",
            "email": f"{marker.lower()}-{n}@example.com",
            "phone_number": f"+1 555 010{n}",
            "website": f"https://example{n}.com",
            "company_id": ref["companies"][n]["id"],
            "value": 1000 + n,
            "currency": "EUR",
            "lead_interaction_date": f"2026-0{n + 1}-15",
            "assigned_to": [ref["members"][n]["id"]],
            "status_ids": [st[n]["id"], st[-1]["id"]],
            "source_ids": [ref["sources"][0]["id"]],
            "address": f'{n} Main St, Suite "B"',
            "zip_code": f"9410{n}",
            "description": f"=line one\nline two; with, commas {n}",
            "country_id": 1,
        }
        use_sandbox.api("POST", "/lead", json=body)
        fields.append(body)
    before = sorted(leads_with(use_sandbox, marker), key=lambda l: l["email"])
    exported = manager_client.get(reverse("reports:export_leads"), {"q": marker})
    data = b"".join(exported.streaming_content)
    for lead in before:
        assert use_sandbox.api("DELETE", f"/lead/{lead['id']}").status_code == 200
    assert leads_with(use_sandbox, marker) == []

    job = upload(manager_client, data, name="export.csv")
    assert job.encoding == "utf-8-sig"
    assert map_columns(manager_client, job).status_code == 303
    assert not job.rows.filter(state=ImportRow.INVALID).exists(), list(job.rows.values_list("problems", flat=True))
    start(manager_client, job)
    run_until_stopped(manager_client, job)
    after = sorted(leads_with(use_sandbox, marker), key=lambda l: l["email"])
    assert len(after) == 3
    keys = [
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "website",
        "company_id",
        "value",
        "currency",
        "lead_interaction_date",
        "address",
        "zip_code",
        "description",
        "country_id",
        "state_id",
        "city_id",
    ]
    for b, a in zip(before, after):
        for k in keys:
            assert a[k] == b[k], k
        assert sorted(x["id"] if isinstance(x, dict) else x for x in a["assigned_to"]) == sorted(
            x["id"] if isinstance(x, dict) else x for x in b["assigned_to"]
        )
        assert sorted(s["id"] for s in a["statuses"]) == sorted(s["id"] for s in b["statuses"])
        assert sorted(s["id"] for s in a["sources"]) == sorted(s["id"] for s in b["sources"])


def test_import_waits_when_jobs_reach_the_hourly_reserve(manager_client, use_sandbox):
    import time

    from crmui import governor

    marker = _marker()
    job = upload(manager_client, _csv_text(["First name", "Email"], [[marker, f"{marker.lower()}@example.com"]]))
    map_columns(manager_client, job)
    start(manager_client, job)
    governor.note_reading(1000, 300, time.time() + 600)  # 30 % left: the reserve for people
    html = run_until_stopped(manager_client, job).content.decode()
    assert job.run.state == Job.WAITING
    assert "Keeping the last 30 % of this hour&#x27;s TaskIP calls for people" in html and "It goes on at" in html
    assert 595 <= (job.run.retry_at - job.run.updated_at).total_seconds() <= 602
    assert job.rows.get().state == ImportRow.PENDING


def test_the_template_csv_maps_itself(manager_client, use_sandbox):
    response = manager_client.get(reverse("reports:import_template"))
    assert response["Content-Disposition"].endswith('filename="leads-import-template.csv"')
    job = upload(manager_client, response.content, name="template.csv")
    assert set(job.mapping.values()) >= {
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "value",
        "currency",
        "lead_interaction_date",
        "status",
        "source",
        "assigned_to",
        "description",
    }
    map_columns(manager_client, job)
    assert job.rows.get().state == ImportRow.PENDING


def test_wizard_pages_light_up_settings_in_the_navigation(manager_client, use_sandbox):
    html = manager_client.get(reverse("reports:import")).content.decode()
    assert re.search(r'<a href="/settings/" class="active" aria-current="page">Settings</a>', html)
    assert not re.search(r'class="active"[^>]*>Overview<', html)
