"""Contacts: the list (search, sort, paging, states), the detail page, delete, bulk delete, invite."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


LIST = reverse("contacts:list")
HX = {"HTTP_HX_REQUEST": "true"}


def email(tag="c"):
    return f"{tag}-{uuid4().hex[:10]}@example.com"


def make_contact(sandbox, **fields):
    return sandbox.create_contact(**{"first_name": "Test", "last_name": uuid4().hex[:6], "email": email(), **fields})


def get_contact(sandbox, contact_id):
    return sandbox.api("GET", f"/contact/{contact_id}")


def html_of(response):
    return response.content.decode()


def row_names(html):
    return re.findall(r'<a class="strong" href="/contacts/\d+/"[^>]*>([^<]+)</a>', html)


# --------------------------------------------------------------------------- list
def test_list_page_shows_contacts_linking_to_their_detail(sales_client, use_sandbox):
    c = make_contact(use_sandbox, first_name="Listy", last_name="Rowling")
    response = sales_client.get(LIST + "?q=" + c["email"])
    html = html_of(response)
    assert response.status_code == 200
    assert "<html" in html and 'id="contact-table"' in html
    assert f'href="/contacts/{c["id"]}/"' in html
    assert "Listy Rowling" in html
    assert int(response["X-Upstream-Calls"]) == 1


def test_htmx_list_request_gets_only_the_table(sales_client, use_sandbox):
    response = sales_client.get(LIST, **HX)
    html = html_of(response).lstrip()
    assert html.startswith('<div id="contact-table"')
    assert "<html" not in html


def test_search_finds_by_name_and_by_email(sales_client, use_sandbox):
    tag = uuid4().hex[:8]
    c = make_contact(use_sandbox, first_name=f"Zed{tag}", email=f"z-{tag}@example.com")
    by_name = html_of(sales_client.get(LIST + f"?q=Zed{tag}"))
    by_email = html_of(sales_client.get(LIST + f"?q=z-{tag}@"))
    assert f"/contacts/{c['id']}/" in by_name
    assert f"/contacts/{c['id']}/" in by_email
    assert f'value="Zed{tag}"' in by_name  # the search box keeps what was typed


def test_search_with_no_match_shows_an_empty_state_with_a_way_out(sales_client, use_sandbox):
    html = html_of(sales_client.get(LIST + "?q=nobody-" + uuid4().hex))
    assert "No contacts match" in html
    assert "Clear the search" in html
    assert "<table" not in html


def test_empty_search_offers_a_new_contact_prefilled_with_the_search(sales_client, use_sandbox):
    missing = f"nobody-{uuid4().hex[:8]}@example.com"
    html = html_of(sales_client.get(LIST + "?q=" + missing))
    create = reverse("contacts:create") + "?email=" + missing.replace("@", "%40")
    assert f'href="{create}"' in html
    form = html_of(sales_client.get(create))
    assert f'value="{missing}"' in form
    html = html_of(sales_client.get(LIST + "?q=Nemo Nobody" + uuid4().hex[:6]))
    assert "first_name=Nemo&amp;last_name=Nobody" in html


def test_sort_by_name_both_directions_and_headers_flip(sales_client, use_sandbox):
    asc = html_of(sales_client.get(LIST + "?sort=name&dir=asc&per=100"))
    desc = html_of(sales_client.get(LIST + "?sort=name&dir=desc&per=100"))
    names_asc, names_desc = row_names(asc), row_names(desc)
    assert len(names_asc) >= 5
    assert [n.lower() for n in names_asc] == sorted(n.lower() for n in names_asc)
    assert names_desc[0].lower() >= names_desc[-1].lower()
    assert 'aria-sort="ascending"' in asc and 'aria-sort="descending"' in desc
    # clicking the active Name header flips the direction
    assert 'href="/contacts/?sort=name&amp;dir=desc&amp;per=100"' in asc


def test_sort_by_email_and_created(sales_client, use_sandbox):
    html = html_of(sales_client.get(LIST + "?sort=email&dir=asc&per=100"))
    emails = re.findall(r'<td class="break hide-phone">([^<]+@[^<]+)</td>', html)
    assert emails == sorted(emails, key=str.lower)
    make_contact(use_sandbox, first_name="Newest")
    html = html_of(sales_client.get(LIST + "?sort=created&dir=desc"))
    assert row_names(html)[0].startswith("Newest")


def test_sort_select_sets_the_order_and_shows_it_selected(sales_client, use_sandbox):
    html = html_of(sales_client.get(LIST + "?order=email-desc&per=100"))
    emails = re.findall(r'<td class="break hide-phone">([^<]+@[^<]+)</td>', html)
    assert emails == sorted(emails, key=str.lower, reverse=True)
    assert '<option value="email-desc" selected>' in html
    assert 'aria-sort="descending"' in html
    partial = html_of(sales_client.get(LIST + "?order=created-desc", **HX))
    assert 'data-order="created-desc"' in partial


def test_paging_without_a_total_uses_full_pages(sales_client, use_sandbox):
    html = html_of(sales_client.get(LIST + "?per=10"))
    assert len(row_names(html)) == 10
    assert "Next →" in html and "Previous" not in html
    assert 'href="/contacts/?per=10&amp;page=2"' in html
    page2 = html_of(sales_client.get(LIST + "?per=10&page=2"))
    assert "← Previous" in page2
    assert set(row_names(page2)).isdisjoint(row_names(html))


def test_last_page_has_no_next_link_and_page_past_the_end_says_so(sales_client, use_sandbox):
    html = html_of(sales_client.get(LIST + "?per=100&page=1000"))
    assert "No contacts on page 1000" in html
    assert "Next →" not in html


def test_bad_list_parameters_fall_back_to_defaults(sales_client, use_sandbox):
    response = sales_client.get(LIST + "?sort=evil&dir=sideways&page=-3&per=7")
    assert response.status_code == 200
    assert 'aria-sort="ascending"' in html_of(response)


def test_second_view_of_the_list_is_served_from_the_cache(sales_client, use_sandbox):
    sales_client.get(LIST + "?per=10")
    assert sales_client.get(LIST + "?per=10")["X-Upstream-Calls"] == "0"


def test_a_contact_write_invalidates_the_cached_list(sales_client, use_sandbox):
    sales_client.get(LIST + "?sort=created&dir=desc")
    tag = uuid4().hex[:8]
    response = sales_client.post(
        reverse("contacts:create"), {"first_name": f"Fresh{tag}", "email": email(), "idem": uuid4().hex}
    )
    assert response.status_code == 303
    html = html_of(sales_client.get(LIST + "?sort=created&dir=desc"))
    assert f"Fresh{tag}" in html


@pytest.mark.parametrize(
    "fault,expected",
    [
        (500, "internal problem"),
        (429, "request limit"),
        ("malformed", "could not read"),
    ],
)
def test_list_failures_become_a_message_in_the_table(sales_client, use_sandbox, fault, expected):
    use_sandbox.fail_next(status=fault, count=3, path_contains="/contact", method="GET")
    for headers in ({}, HX):
        response = sales_client.get(LIST + f"?q=fault-{fault}-{bool(headers)}", **headers)
        assert response.status_code == 200
        html = html_of(response)
        assert "could not be loaded" in html and expected in html
        assert "Try again" in html
        use_sandbox.fail_next(status=fault, count=3, path_contains="/contact", method="GET")


def test_sales_sees_no_bulk_checkboxes(sales_client, use_sandbox):
    assert 'name="ids"' not in html_of(sales_client.get(LIST))


def test_manager_sees_bulk_checkboxes_and_select_all(manager_client, use_sandbox):
    html = html_of(manager_client.get(LIST))
    assert 'name="ids"' in html and "data-select-all" in html and "Delete selected" in html


# --------------------------------------------------------------------------- bulk delete
def test_bulk_delete_asks_to_confirm_then_deletes_exactly_those(manager_client, use_sandbox):
    a, b, keep = (make_contact(use_sandbox, first_name=n) for n in ("Bulka", "Bulkb", "Keeper"))
    url = reverse("contacts:bulk_delete")
    q = {"q": "", "per": "100", "sort": "created", "dir": "desc"}
    confirm = manager_client.post(url, {**q, "ids": [a["id"], b["id"]]}, **HX)
    html = html_of(confirm)
    assert "Delete 2 contacts?" in html and "Bulka" in html and "Bulkb" in html
    assert get_contact(use_sandbox, a["id"]).status_code == 200  # nothing deleted yet
    done = manager_client.post(
        url, {**q, "confirm": "yes", "confirm_ids": [a["id"], b["id"]], "ids": [a["id"], b["id"], keep["id"]]}, **HX
    )
    html = html_of(done)
    assert html.lstrip().startswith('<div id="contact-table"')
    assert "Deleted 2 contacts" in html
    assert get_contact(use_sandbox, a["id"]).status_code == 404
    assert get_contact(use_sandbox, b["id"]).status_code == 404
    assert get_contact(use_sandbox, keep["id"]).status_code == 200
    entry = AuditEntry.objects.get(action="contact.bulk_delete")
    assert entry.outcome == "ok" and "Bulka" in entry.object_label


def test_bulk_delete_without_js_uses_a_confirm_page_and_redirects(manager_client, use_sandbox):
    a = make_contact(use_sandbox, first_name="Nojs")
    url = reverse("contacts:bulk_delete")
    page = manager_client.post(url, {"ids": [a["id"]], "per": "100", "sort": "created", "dir": "desc"})
    assert "<html" in html_of(page) and "Delete 1 contact?" in html_of(page)
    done = manager_client.post(url, {"confirm": "yes", "confirm_ids": [a["id"]], "per": "100"}, follow=True)
    assert "Deleted 1 contact" in html_of(done)
    assert get_contact(use_sandbox, a["id"]).status_code == 404


def test_bulk_delete_with_nothing_selected_says_so(manager_client, use_sandbox):
    html = html_of(manager_client.post(reverse("contacts:bulk_delete"), {}, **HX))
    assert "Select at least one contact" in html


def test_bulk_delete_failure_keeps_the_selection_and_says_nothing_was_deleted(manager_client, use_sandbox):
    a = make_contact(use_sandbox, first_name="Survivor")
    use_sandbox.fail_next(status=500, path_contains="/contact/bulk-delete", method="POST")
    response = manager_client.post(
        reverse("contacts:bulk_delete"),
        {"confirm": "yes", "confirm_ids": [a["id"]], "sort": "created", "dir": "desc"},
        **HX,
    )
    html = html_of(response)
    assert "were not deleted" in html
    assert f'value="{a["id"]}" aria-label="Select Survivor' in html and "checked" in html
    assert get_contact(use_sandbox, a["id"]).status_code == 200
    assert AuditEntry.objects.get(action="contact.bulk_delete").outcome == "failed"


def test_sales_cannot_bulk_delete(sales_client, use_sandbox):
    a = make_contact(use_sandbox)
    response = sales_client.post(reverse("contacts:bulk_delete"), {"confirm": "yes", "confirm_ids": [a["id"]]})
    assert response.status_code == 403
    assert get_contact(use_sandbox, a["id"]).status_code == 200


# --------------------------------------------------------------------------- detail
def test_detail_shows_every_field(sales_client, use_sandbox):
    c = make_contact(
        use_sandbox,
        first_name="Dee",
        last_name="Tail",
        phone_code="+44",
        phone_number="2079460000",
        position="Buyer",
        address="1 High St",
        zip_code="SW1A1AA",
        timezone="Europe/London",
        custom_fields={
            "department": "Procurement",
            "linkedin": "https://linkedin.com/in/dee",
            "seats": 12,
            "tags": ["a", "b"],
        },
        details="Met at the fair.",
    )
    response = sales_client.get(reverse("contacts:detail", args=[c["id"]]))
    html = html_of(response)
    assert response.status_code == 200
    assert "+44" not in html  # the phone code is not in TaskIP's contact answers: nothing invented
    for text in (
        "Dee Tail",
        c["email"],
        "2079460000",
        "Buyer",
        "1 High St",
        "SW1A1AA",
        "Europe/London",
        "department",
        "Procurement",
        "Met at the fair.",
        "Billing",
        "Languages",
        "Client portal",
    ):
        assert text in html, text
    assert '<a href="https://linkedin.com/in/dee" rel="noopener noreferrer nofollow"' in html
    assert "<dd>12</dd>" in html and "[&quot;a&quot;, &quot;b&quot;]" in html
    assert int(response["X-Upstream-Calls"]) == 1


def test_detail_links_back_to_the_lead_it_was_converted_from(sales_client, use_sandbox):
    lead = use_sandbox.api("POST", "/lead", json={"first_name": "Conv", "email": email("lead")}).json()["data"]
    converted = use_sandbox.api("POST", f"/lead/{lead['id']}/convert").json()["data"]
    html = html_of(sales_client.get(reverse("contacts:detail", args=[converted["id"]])))
    assert f'href="{reverse("leads:detail", args=[lead["id"]])}"' in html
    assert f"Lead #{lead['id']}" in html


def test_detail_image_only_for_web_addresses_with_alt_text(sales_client, use_sandbox):
    from contacts.services import is_web_url

    assert is_web_url("https://x.test/a.jpg") and is_web_url("http://x.test/a.jpg")
    assert not is_web_url("javascript:alert(1)") and not is_web_url("/media/a.jpg") and not is_web_url(None)
    c = make_contact(use_sandbox, first_name="Noimg")
    html = html_of(sales_client.get(reverse("contacts:detail", args=[c["id"]])))
    assert "<img" not in html.split("<main", 1)[1]


def test_very_long_names_are_shortened_in_the_list_and_heading(sales_client, use_sandbox):
    long_name = ("Bartholomew-" * 16)[:191]
    c = make_contact(use_sandbox, first_name=long_name)
    listing = html_of(sales_client.get(LIST + "?q=" + c["email"]))
    assert f'title="{long_name} {c["last_name"]}"' in listing and long_name[:50] in listing
    assert f">{long_name} " not in listing
    detail = html_of(sales_client.get(reverse("contacts:detail", args=[c["id"]])))
    assert "Full name" in detail and f"{long_name} {c['last_name']}" in detail


def test_detail_escapes_what_the_api_sends(sales_client, use_sandbox):
    c = make_contact(use_sandbox, first_name="<script>alert(1)</script>", custom_fields={"<b>k</b>": "<i>v</i>"})
    html = html_of(sales_client.get(reverse("contacts:detail", args=[c["id"]])))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>k</b>" not in html and "<i>v</i>" not in html


def test_detail_of_a_deleted_contact_says_it_no_longer_exists(sales_client, use_sandbox):
    c = make_contact(use_sandbox)
    use_sandbox.api("DELETE", f"/contact/{c['id']}")
    response = sales_client.get(reverse("contacts:detail", args=[c["id"]]))
    assert response.status_code == 404
    assert "no longer exists" in html_of(response)


def test_contact_zero_is_not_found_without_asking_taskip(sales_client, use_sandbox):
    for url in ("/contacts/0/", "/contacts/0/edit/", "/contacts/0/invite/"):
        response = sales_client.get(url)  # ids are positive: the URL does not even match (#14.2)
        assert response.status_code == 404 and "Not found" in html_of(response)
        assert response["X-Upstream-Calls"] == "0"


@pytest.mark.parametrize(
    "fault,expected", [(500, "internal problem"), (429, "request limit"), ("malformed", "could not read")]
)
def test_detail_upstream_failure_is_a_clear_page(sales_client, use_sandbox, fault, expected):
    c = make_contact(use_sandbox)
    use_sandbox.fail_next(status=fault, count=3, path_contains=f"/contact/{c['id']}", method="GET")
    response = sales_client.get(reverse("contacts:detail", args=[c["id"]]))
    assert response.status_code == (429 if fault == 429 else 200)  # a message, never a 5xx
    assert expected in html_of(response) and "Try again" in html_of(response)


# --------------------------------------------------------------------------- delete
def test_sales_cannot_delete_a_contact(sales_client, use_sandbox):
    c = make_contact(use_sandbox)
    assert sales_client.get(reverse("contacts:delete", args=[c["id"]])).status_code == 403
    assert sales_client.post(reverse("contacts:delete", args=[c["id"]])).status_code == 403
    assert get_contact(use_sandbox, c["id"]).status_code == 200


def test_delete_confirm_panel_then_delete_redirects_to_the_list(manager_client, use_sandbox):
    c = make_contact(use_sandbox, first_name="Goner")
    url = reverse("contacts:delete", args=[c["id"]])
    panel = manager_client.get(url, **HX)
    assert "Delete Goner" in html_of(panel) and "<html" not in html_of(panel)
    assert "<html" in html_of(manager_client.get(url))  # no-JS confirm page
    done = manager_client.post(url, **HX)
    assert done["HX-Redirect"] == LIST
    assert get_contact(use_sandbox, c["id"]).status_code == 404
    assert AuditEntry.objects.get(action="contact.delete", object_id=str(c["id"])).outcome == "ok"


def test_delete_failure_is_shown_in_the_panel(manager_client, use_sandbox):
    c = make_contact(use_sandbox, first_name="Sticky")
    use_sandbox.fail_next(status=500, path_contains=f"/contact/{c['id']}", method="DELETE")
    response = manager_client.post(reverse("contacts:delete", args=[c["id"]]), **HX)
    html = html_of(response)
    assert "was not deleted" in html and "internal problem" in html and "Sticky" in html
    assert get_contact(use_sandbox, c["id"]).status_code == 200


# --------------------------------------------------------------------------- invite
def test_invite_panel_sends_the_invitation_and_shows_the_result(sales_client, use_sandbox):
    c = make_contact(use_sandbox, first_name="Vita")
    url = reverse("contacts:invite", args=[c["id"]])
    panel = html_of(sales_client.get(url, **HX))
    assert "Access level" in panel and 'value="premium"' in panel
    use_sandbox.clear_emails()
    response = sales_client.post(
        url, {"message": "Welcome aboard", "send_email": "on", "access_level": "premium"}, **HX
    )
    html = html_of(response)
    assert "is invited to the client portal." in html and "Premium" in html
    assert "Invitation sent success" not in html  # TaskIP's wording is not shown (#14.18)
    sent = [e for e in use_sandbox.emails() if e.get("to") == c["email"]]
    assert sent and sent[0]["kind"] == "invite"
    assert AuditEntry.objects.get(action="contact.invite", object_id=str(c["id"])).outcome == "ok"


def test_invite_failure_keeps_the_message_typed(sales_client, use_sandbox):
    c = make_contact(use_sandbox)
    use_sandbox.fail_next(status=500, path_contains="/contact/invite-client", method="POST")
    html = html_of(
        sales_client.post(
            reverse("contacts:invite", args=[c["id"]]), {"message": "Keep me", "access_level": "basic"}, **HX
        )
    )
    # a 500 may come after TaskIP sent it, and an invitation cannot be read back: said so
    assert "not confirmed yet whether the invitation was sent" in html and "Keep me" in html


def test_invite_without_js_is_a_full_page(sales_client, use_sandbox):
    c = make_contact(use_sandbox)
    html = html_of(sales_client.post(reverse("contacts:invite", args=[c["id"]]), {"access_level": "basic"}))
    assert "<html" in html and "is invited to the client portal." in html and "Invitation sent success" not in html
