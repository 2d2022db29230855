"""Delete, convert to contact and send email from the lead detail page."""

from __future__ import annotations

from uuid import uuid4

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sandbox_lead(sandbox, **fields) -> dict:
    return sandbox.create_lead(
        **{"first_name": "Action", "last_name": "Lead", "email": f"action-{uuid4().hex[:10]}@example.com", **fields}
    )


def lead_status(sandbox, lead_id) -> int:
    return sandbox.api("GET", f"/lead/{lead_id}").status_code


def lead_without_email(sandbox) -> dict:
    leads = [x for x in sandbox.api("GET", "/lead", params={"item": 0}).json()["data"] if not x["email"]]
    assert leads, "the seed has leads without an email"
    return leads[0]


def flash(client, url) -> str:
    return client.get(url).content.decode()


# --------------------------------------------------------------------------- delete
def test_manager_deletes_a_lead_and_lands_on_the_list_with_a_message(manager_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    response = manager_client.post(reverse("leads:delete", args=[lead["id"]]))
    assert response.status_code == 303 and response["Location"] == reverse("leads:list")
    assert lead_status(use_sandbox, lead["id"]) == 404
    assert "Lead “Action Lead” deleted." in flash(manager_client, response["Location"])


def test_delete_through_htmx_redirects_with_hx_redirect(manager_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    response = manager_client.post(reverse("leads:delete", args=[lead["id"]]), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("leads:list")


def test_sales_cannot_delete(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    response = sales_client.post(reverse("leads:delete", args=[lead["id"]]))
    assert response.status_code == 403
    assert lead_status(use_sandbox, lead["id"]) == 200


def test_delete_needs_a_post(manager_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    assert manager_client.get(reverse("leads:delete", args=[lead["id"]])).status_code == 405
    assert lead_status(use_sandbox, lead["id"]) == 200


def test_delete_is_audited(manager_client, use_sandbox):
    from audit.models import AuditEntry

    lead = sandbox_lead(use_sandbox)
    manager_client.get(reverse("leads:detail", args=[lead["id"]]))
    manager_client.post(reverse("leads:delete", args=[lead["id"]]))
    entry = AuditEntry.objects.get(action="lead.delete", object_id=str(lead["id"]))
    assert entry.outcome == "ok" and entry.username == "manny" and entry.object_label == "Action Lead"


@pytest.mark.parametrize("fault, text", [(500, "TaskIP had an internal problem"), (429, "Try again in 30 seconds.")])
def test_failed_delete_keeps_the_lead_and_says_why(manager_client, use_sandbox, fault, text):
    lead = sandbox_lead(use_sandbox)
    use_sandbox.fail_next(status=fault, path_contains=f"/lead/{lead['id']}", method="DELETE")
    response = manager_client.post(reverse("leads:delete", args=[lead["id"]]))
    assert response["Location"] == reverse("leads:detail", args=[lead["id"]])
    page = flash(manager_client, response["Location"])
    assert "was not deleted" in page and text in page
    assert lead_status(use_sandbox, lead["id"]) == 200


def test_deleting_an_already_deleted_lead_says_so(manager_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    use_sandbox.api("DELETE", f"/lead/{lead['id']}")
    response = manager_client.post(reverse("leads:delete", args=[lead["id"]]))
    assert response["Location"] == reverse("leads:list")
    assert "already deleted" in flash(manager_client, response["Location"])


# --------------------------------------------------------------------------- convert
def test_convert_makes_a_contact_and_links_to_it(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    response = sales_client.post(reverse("leads:convert", args=[lead["id"]]))
    assert response.status_code == 303 and response["Location"] == reverse("leads:detail", args=[lead["id"]])
    saved = use_sandbox.api("GET", f"/lead/{lead['id']}").json()["data"]
    assert saved["converted"] and saved["converted_contact_id"]
    contact_url = reverse("contacts:detail", args=[saved["converted_contact_id"]])
    page = flash(sales_client, response["Location"])
    assert f'is now a contact. <a href="{contact_url}">Open the contact</a>' in page
    assert 'id="converted-contact-link"' in page and "/convert/" not in page.split("<main", 1)[1]


def test_convert_through_htmx_redirects(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    response = sales_client.post(reverse("leads:convert", args=[lead["id"]]), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("leads:detail", args=[lead["id"]])


def test_converting_twice_is_refused_with_a_plain_message(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    sales_client.post(reverse("leads:convert", args=[lead["id"]]))
    use_sandbox.reset_stats()
    response = sales_client.post(reverse("leads:convert", args=[lead["id"]]), follow=True)
    assert "was already converted to a contact" in response.content.decode()
    assert "POST /lead/{id}/convert" not in use_sandbox.stats()["by_endpoint"]


def test_converting_a_lead_converted_elsewhere_shows_taskips_refusal(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    sales_client.get(reverse("leads:detail", args=[lead["id"]]))  # the page shows it unconverted
    use_sandbox.api("POST", f"/lead/{lead['id']}/convert")  # someone else converts it meanwhile
    response = sales_client.post(reverse("leads:convert", args=[lead["id"]]), follow=True)
    assert "TaskIP did not convert “Action Lead”: Lead already converted." in response.content.decode()


def test_convert_is_audited_and_invalidates_leads_and_contacts(sales_client, use_sandbox):
    from audit.models import AuditEntry
    from crmui.cache import _version

    lead = sandbox_lead(use_sandbox)
    before = (_version("leads"), _version("contacts"))
    sales_client.post(reverse("leads:convert", args=[lead["id"]]))
    after = (_version("leads"), _version("contacts"))
    assert after[0] != before[0] and after[1] != before[1]
    entry = AuditEntry.objects.get(action="lead.convert", object_id=str(lead["id"]))
    assert entry.outcome == "ok"


def test_converting_a_lead_without_email_shows_taskips_reason(sales_client, use_sandbox):
    lead = lead_without_email(use_sandbox)
    response = sales_client.post(reverse("leads:convert", args=[lead["id"]]), follow=True)
    assert "The lead has no email address; a contact needs one." in response.content.decode()


def test_converting_when_a_contact_has_the_email_shows_the_conflict(sales_client, use_sandbox):
    email = f"taken-{uuid4().hex[:10]}@example.com"
    r = use_sandbox.api("POST", "/contact", json={"first_name": "Already", "last_name": "Contact", "email": email})
    assert r.status_code == 200, r.text
    lead = sandbox_lead(use_sandbox, email=email)
    response = sales_client.post(reverse("leads:convert", args=[lead["id"]]), follow=True)
    html = response.content.decode()
    assert "was not converted. A contact with this email already exists." in html
    assert "/convert/" in html.split("<main", 1)[1]  # still convertible once that is sorted out


@pytest.mark.parametrize("fault", [500, 502, "malformed"])
def test_failed_convert_says_so(sales_client, use_sandbox, fault):
    lead = sandbox_lead(use_sandbox)
    use_sandbox.fail_next(status=fault, path_contains="/convert", method="POST")
    response = sales_client.post(reverse("leads:convert", args=[lead["id"]]), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "was not converted" in html


def test_sales_without_role_cannot_convert(client, django_user_model, use_sandbox):
    client.force_login(django_user_model.objects.create_user("nobody2", password="x"))
    lead = sandbox_lead(use_sandbox)
    assert client.post(reverse("leads:convert", args=[lead["id"]])).status_code == 403


# --------------------------------------------------------------------------- send email
def test_email_dialog_partial_for_htmx(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    html = sales_client.get(reverse("leads:email", args=[lead["id"]]), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<form id="email-form"')
    assert 'maxlength="255"' in html and "0/255" in html


def test_email_page_without_javascript_opens_the_dialog_on_the_detail_page(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    html = sales_client.get(reverse("leads:email", args=[lead["id"]])).content.decode()
    assert '<dialog id="email-dialog" class="dialog" aria-labelledby="email-dialog-title" open>' in html
    assert lead["email"] in html


def test_sending_an_email(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    subject = f"Hello {uuid4().hex[:6]}"
    response = sales_client.post(
        reverse("leads:email", args=[lead["id"]]),
        {"subject": subject, "message": "About the plan."},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Redirect"] == reverse("leads:detail", args=[lead["id"]])
    sent = [e for e in use_sandbox.emails() if e["subject"] == subject]
    assert len(sent) == 1 and sent[0]["to"] == lead["email"]
    page = flash(sales_client, response["HX-Redirect"])
    assert f"Email “{subject}” sent to {lead['email']}." in page
    activity = sales_client.get(reverse("leads:activity", args=[lead["id"]]), HTTP_HX_REQUEST="true")
    assert f"Email sent: {subject}" in activity.content.decode()  # the timeline is fresh, not a cached copy
    from audit.models import AuditEntry

    assert AuditEntry.objects.get(action="lead.email", object_id=str(lead["id"])).changes == {"subject": subject}


def test_email_when_mail_is_not_connected_keeps_the_text(sales_client, use_sandbox):
    use_sandbox.config(mail_connected=False)
    lead = sandbox_lead(use_sandbox)
    response = sales_client.post(
        reverse("leads:email", args=[lead["id"]]),
        {"subject": "Typed subject", "message": "Typed body"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert html.lstrip().startswith('<form id="email-form"')
    assert "mail is not connected" in html
    assert 'value="Typed subject"' in html and "Typed body</textarea>" in html


def test_email_to_a_lead_without_email_shows_taskips_422(sales_client, use_sandbox):
    lead = lead_without_email(use_sandbox)
    response = sales_client.post(
        reverse("leads:email", args=[lead["id"]]), {"subject": "Typed subject", "message": "Typed body"}
    )
    html = response.content.decode()
    assert "does not have an email address" in html
    assert 'value="Typed subject"' in html and "Typed body</textarea>" in html
    assert " open>" in html  # without htmx: the detail page with the dialog open


def test_subject_longer_than_255_is_refused_before_sending(sales_client, use_sandbox):
    lead = sandbox_lead(use_sandbox)
    use_sandbox.reset_stats()
    html = sales_client.post(
        reverse("leads:email", args=[lead["id"]]), {"subject": "x" * 256, "message": "Body"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "at most 255 characters" in html
    assert "POST /lead/send-email/{id}" not in use_sandbox.stats()["by_endpoint"]


@pytest.mark.parametrize(
    "fault, text", [(500, "not confirmed yet whether the email was sent"), (429, "Try again in 30 seconds.")]
)
def test_failed_email_keeps_the_text(sales_client, use_sandbox, fault, text):
    lead = sandbox_lead(use_sandbox)
    use_sandbox.fail_next(status=fault, path_contains="/send-email", method="POST")
    html = sales_client.post(
        reverse("leads:email", args=[lead["id"]]), {"subject": "Kept", "message": "Kept body"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert text in html and 'value="Kept"' in html and "Kept body</textarea>" in html


def test_email_needs_the_email_right(client, django_user_model, use_sandbox):
    client.force_login(django_user_model.objects.create_user("nobody3", password="x"))
    lead = sandbox_lead(use_sandbox)
    assert client.post(reverse("leads:email", args=[lead["id"]]), {"subject": "a", "message": "b"}).status_code == 403


def test_email_text_survives_when_neither_the_lead_loads_nor_the_mail_goes(sales_client, use_sandbox):
    from django.core.cache import cache

    from leads import snapshot

    lead = sandbox_lead(use_sandbox)
    use_sandbox.config(mail_connected=False)
    cache.clear()  # no copy of the leads at hand: the form must ask TaskIP, which fails
    snapshot.forget()
    use_sandbox.fail_next(status=500, count=6, path_contains="/lead", method="GET")
    try:
        html = sales_client.post(
            reverse("leads:email", args=[lead["id"]]), {"subject": "Survivor", "message": "Survivor body"}
        ).content.decode()
    finally:
        use_sandbox.clear_faults()
    assert "This lead could not be loaded" in html
    assert "mail is not connected" in html
    assert 'value="Survivor"' in html and "Survivor body</textarea>" in html
