"""Browser journeys for the outside audit's security and bad-input findings (issue #14 items 1,
5, 6 and 13), in Chromium."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.conftest import open_fold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def shoot(page, name):
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=f"test-artifacts/{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"test-artifacts/{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def lead(dashboard):
    from crmui import api

    created = api.client().leads.create(
        {"first_name": "Dora", "last_name": "Drop", "email": f"audit-{uuid.uuid4().hex[:8]}@example.com"}
    )
    yield created
    try:
        api.client().leads.delete(created.id)
    except Exception:
        pass


DROP_FILES_JS = """
(files) => {
  const dt = new DataTransfer();
  for (const [name, b64, type] of files) {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    dt.items.add(new File([bytes], name, {type}));
  }
  const zone = document.querySelector("#files-panel .dropzone");
  for (const t of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(t, {dataTransfer: dt, bubbles: true, cancelable: true}));
  }
}
"""


def test_a_drop_with_a_program_and_a_disguised_page_uploads_only_the_real_file(
    page, dashboard, sales_user, log_in, lead
):
    import base64

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    log_in(page, dashboard, "sally")
    page.goto(f"{dashboard}/leads/{lead.id}/")
    open_fold(page, "files")  # files load when their fold is opened
    panel = page.locator("#files-panel")
    panel.locator("text=No files yet").wait_for()
    page.evaluate(
        DROP_FILES_JS,
        [
            ["minutes.txt", b64(b"Call went well."), "text/plain"],
            ["setup.exe", b64(b"MZ\x90\x00" + b"\x00" * 60), "application/x-msdownload"],
            ["invoice.pdf", b64(b"MZ\x90\x00" + b"\x00" * 60), "application/pdf"],
            ["notes.txt", b64(b"<!doctype html><html><script>alert(1)</script></html>"), "text/plain"],
        ],
    )
    panel.locator("td.file-name", has_text="minutes.txt").wait_for()
    expect(panel.locator(".upload-item.is-failed")).to_have_count(3)
    failed = panel.locator(".upload-item.is-failed").all_inner_texts()
    assert any("“setup.exe” was not uploaded: .exe files cannot be uploaded" in t for t in failed)
    assert any("“invoice.pdf” was not uploaded: its content is a Windows program" in t for t in failed)
    assert any("“notes.txt” was not uploaded" in t and "web page" in t for t in failed)
    assert panel.locator("td.file-name").count() == 1
    shoot(page, "files-refused")


def test_a_bare_domain_in_the_website_field_is_accepted_and_saved_with_https(page, dashboard, sales_user, log_in):
    from crmui import api

    log_in(page, dashboard, "sally")
    page.goto(f"{dashboard}/leads/new/")
    email = f"bare-{uuid.uuid4().hex[:8]}@example.com"
    page.fill("#id_first_name", "Uxa")
    page.fill("#id_email", email)
    page.fill("#id_website", "uxaudit.example.com")
    assert page.eval_on_selector("#id_website", "el => el.checkValidity()") is True
    shoot(page, "lead-form-website")
    page.click("form#lead-form button[type=submit]")
    page.wait_for_url(lambda url: "/leads/new/" not in url)
    lead_id = int(page.url.rstrip("/").split("/")[-1].split("#")[0])
    assert api.client().leads.get(lead_id).website == "https://uxaudit.example.com"
    expect(page.locator("main")).to_contain_text("https://uxaudit.example.com")


# --------------------------------------------------------------------------- #14.6 sessions
def test_a_form_in_an_old_tab_after_logging_in_again_elsewhere_resends_with_one_click(
    page, dashboard, sales_user, log_in, use_sandbox
):
    log_in(page, dashboard, "sally")
    page.goto(f"{dashboard}/leads/new/")
    email = f"oldtab-{uuid.uuid4().hex[:8]}@example.com"
    page.fill("#id_first_name", "Otto")
    page.fill("#id_email", email)
    page.fill("#id_description", "Typed in the old tab")

    other = page.context.new_page()  # another tab: log out, log in again (a new CSRF secret)
    other.goto(f"{dashboard}/leads/")
    other.click("text=Log out")
    other.wait_for_url("**/login/**")
    log_in(other, dashboard, "sally")
    other.close()

    page.click("form#lead-form button[type=submit]")
    toast = page.locator("#toast .alert")
    toast.wait_for()
    assert "Your session changed since this page was opened" in toast.inner_text()
    assert "Your role may not do that" not in page.locator("#toast").inner_text()
    assert page.input_value("#id_description") == "Typed in the old tab"
    shoot(page, "session-changed-toast")
    toast.locator("button", has_text="Send again").click()
    page.wait_for_url(lambda url: "/leads/new/" not in url)
    leads = [x for x in use_sandbox.api("GET", "/lead", params={"search": email}).json()["data"] if x["email"] == email]
    assert len(leads) == 1 and leads[0]["description"] == "Typed in the old tab"


def test_a_board_move_after_the_session_ended_says_so_and_goes_to_log_in_and_back(
    page, dashboard, sales_user, log_in, use_sandbox
):
    from django.contrib.sessions.models import Session

    tag = f"Exp{uuid.uuid4().hex[:6]}"
    use_sandbox.api(
        "POST",
        "/lead",
        json={"first_name": "Eve", "last_name": tag, "status_ids": [1], "email": f"{tag.lower()}@example.com"},
    )
    log_in(page, dashboard, "sally")
    board = f"/leads/board/?q={tag}&mine="
    page.goto(f"{dashboard}{board}")
    card = page.locator('.col-cards[data-column="s1"] .lead-card', has_text="Eve")
    card.wait_for()
    # Every column has loaded before the session ends: a column still loading would itself
    # meet the ended session and take the page to log in before the move is tried.
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('.col-cards.htmx-request, .col-cards .card-skeleton')")
    Session.objects.all().delete()  # the session ends (idle timeout)
    card.locator("summary").click()
    with page.expect_response(lambda r: "/leads/board/move/" in r.url) as moved:
        card.locator("button", has_text="Proposal").click()
    assert moved.value.status == 401
    message = page.locator("#toast, .toast").first
    expect(message).to_contain_text("Your session has ended")
    assert "answered 200" not in page.content()
    page.wait_for_url("**/login/**")
    assert page.url.endswith("/login/?next=" + "%2Fleads%2Fboard%2F%3Fq%3D" + tag + "%26mine%3D")
    page.fill("#id_username", "sally")
    from tests.conftest import PASSWORD

    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{board}")


def test_an_htmx_request_after_expiry_logs_in_back_to_the_whole_filtered_address(page, dashboard, sales_user, log_in):
    from django.contrib.sessions.models import Session

    from tests.conftest import PASSWORD

    log_in(page, dashboard, "sally")
    address = "/leads/?q=zz-nothing&sort=-value&status=1"
    page.goto(f"{dashboard}{address}")
    Session.objects.all().delete()
    page.evaluate("() => htmx.ajax('GET', location.href, {target: '#lead-table'})")  # e.g. a filter swap
    page.wait_for_url("**/login/**")
    page.fill("#id_username", "sally")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(address)


# --------------------------------------------------------------------------- #14.5 bidi
RIGHT_OF_NAME_JS = """
([selector, name, after]) => {
  // Where the browser draws `after` relative to the name inside one element: with the name
  // isolated, the text that follows it stays on its right.
  const el = document.querySelector(selector);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const rectOf = (needle) => {
    walker.currentNode = el;
    let node;
    while ((node = walker.nextNode())) {
      const i = node.data.indexOf(needle);
      if (i >= 0) { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + needle.length); return r.getBoundingClientRect(); }
    }
    return null;
  };
  const n = rectOf(name), a = rectOf(after);
  return n && a ? a.left >= n.right - 1 : null;
}
"""


def test_a_right_to_left_override_in_a_name_stays_inside_the_name(page, dashboard, manager_user, log_in, use_sandbox):
    rlo = "\u202e"
    lead = use_sandbox.create_lead(
        first_name=f"Eve{rlo}gnp", last_name="Mallory", email=f"rlo-{uuid.uuid4().hex[:8]}@example.com", status_ids=[1]
    )
    log_in(page, dashboard, "manny")
    page.goto(f"{dashboard}/leads/{lead['id']}/edit/")
    assert rlo not in page.title() and page.title().endswith("· TaskIP CRM")
    page.fill("#id_phone_number", "+1 555 0199")
    page.click("form#lead-form button[type=submit]")
    page.wait_for_url(f"**/leads/{lead['id']}/")
    flash = page.locator(".flash").first
    expect(flash).to_contain_text("(phone)")
    assert page.evaluate(RIGHT_OF_NAME_JS, [".flash", "Eve", "(phone)"]) is True
    assert rlo not in page.title()
    messages = []
    page.on("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    page.click("#delete-button")
    page.wait_for_timeout(300)
    assert messages and rlo not in messages[0] and messages[0].endswith("for good? This cannot be undone.")
    shoot(page, "lead-detail-rlo")


# --------------------------------------------------------------------------- pages changed: screenshots
POST_FORM_JS = """
([action, fields]) => {
  const form = document.createElement("form");
  form.method = "post"; form.action = action;
  for (const [name, value] of fields) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value; form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}
"""


def test_too_many_fields_from_a_plain_form_is_a_page_that_says_what_to_do(
    page, dashboard, sales_user, log_in, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    log_in(page, dashboard, "sally")
    page.goto(f"{dashboard}/leads/new/")
    token = page.input_value("input[name=csrfmiddlewaretoken]")
    fields = [["csrfmiddlewaretoken", token], ["first_name", "Many"]] + [["cf_key", f"k{i}"] for i in range(60)]
    page.evaluate(POST_FORM_JS, ["/leads/new/", fields])
    page.locator("h1", has_text="That was not sent").wait_for()
    assert "The form sent more than 50 fields" in page.locator("main").inner_text()
    assert "Bad Request" not in page.content()
    shoot(page, "too-many-fields")
    page.click("text=Back to the form")
    page.wait_for_url("**/leads/new/")


def test_a_plain_form_from_an_old_tab_offers_to_send_it_again(page, dashboard, sales_user, log_in, use_sandbox):
    log_in(page, dashboard, "sally")
    page.goto(f"{dashboard}/leads/new/")
    email = f"plain-{uuid.uuid4().hex[:8]}@example.com"
    stale = "A" * 64  # the token of a page opened before logging in again elsewhere
    page.evaluate(
        POST_FORM_JS,
        [
            "/leads/new/",
            [
                ["csrfmiddlewaretoken", stale],
                ["first_name", "Pia"],
                ["email", email],
                ["currency", "USD"],
                ["description", "Typed before the other tab's login"],
            ],
        ],
    )
    page.locator("h1", has_text="Not sent: your session changed").wait_for()
    assert "Typed before the other tab's login" in page.locator("main").inner_text()
    shoot(page, "session-changed-page")
    page.click("button:has-text('Send again')")
    page.wait_for_url(lambda url: "/leads/new/" not in url)
    assert [x["email"] for x in use_sandbox.api("GET", "/lead", params={"search": email}).json()["data"]] == [email]


def test_screens_of_the_audit_trail_and_a_lead_without_email(page, dashboard, admin_user, log_in, use_sandbox):
    log_in(page, dashboard, "addie")
    mailless = [x for x in use_sandbox.api("GET", "/lead", params={"item": 0}).json()["data"] if not x["email"]][0]
    page.goto(f"{dashboard}/leads/{mailless['id']}/")
    expect(page.locator("#email-reason")).to_be_visible()
    expect(page.locator("#email-reason")).to_have_text("No email address: add one to send email.")
    shoot(page, "lead-without-email")
    lead = use_sandbox.create_lead(first_name="Trail", status_ids=[1])
    page.goto(f"{dashboard}/leads/{lead['id']}/edit/")
    page.fill("#id_phone_number", "+1 555 0142")
    page.click("form#lead-form button[type=submit]")
    page.wait_for_url(f"**/leads/{lead['id']}/")
    page.goto(f"{dashboard}/settings/audit/")
    row = page.locator("#audit-table tbody tr").first
    expect(row).to_contain_text("Changed a lead")
    expect(row).to_contain_text("Phone:")
    shoot(page, "audit-trail")
