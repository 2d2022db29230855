"""The notes panel of the lead detail page: list, add, edit in place, delete, and every failure."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lead(use_sandbox):
    from crmui import api

    created = api.client().leads.create(
        {"first_name": "Nora", "last_name": "Notes", "email": f"notes-{uuid.uuid4().hex[:8]}@example.com"}
    )
    yield created
    try:
        api.client().leads.delete(created.id)
    except Exception:
        pass


def add_note_upstream(lead_id, title, note):
    from crmui import api

    return api.client().notes.create(lead_id, title=title, note=note)


def notes_url(lead):
    return reverse("leads:notes", args=[lead.id])


def html_of(response):
    return response.content.decode()


def test_detail_page_loads_notes_after_the_first_paint_and_files_and_activity_when_opened(sales_client, lead):
    add_note_upstream(lead.id, "Lazy", "Should not be on the first paint")
    html = html_of(sales_client.get(reverse("leads:detail", args=[lead.id])))
    assert f'hx-get="{notes_url(lead)}" hx-trigger="load"' in html
    opened = 'hx-trigger="toggle once from:closest details"'
    assert f'hx-get="{reverse("leads:files", args=[lead.id])}" {opened}' in html
    assert f'hx-get="{reverse("leads:activity", args=[lead.id])}" {opened}' in html
    assert "Loading notes" in html and "Loading files" in html
    assert "Should not be on the first paint" not in html


def test_panel_lists_notes_newest_first_with_author_and_time(sales_client, lead):
    add_note_upstream(lead.id, "First call", "Intro call went well")
    add_note_upstream(lead.id, "Second call", "Sent the proposal")
    response = sales_client.get(notes_url(lead), **HX)
    html = html_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="notes-panel"')
    assert "<html" not in html
    assert html.index("Second call") < html.index("First call")
    assert "<time datetime=" in html
    assert "Sent the proposal" in html


def test_panel_without_htmx_is_a_full_page(sales_client, lead):
    add_note_upstream(lead.id, "Plain", "Plain page note")
    html = html_of(sales_client.get(notes_url(lead)))
    assert "<html" in html and 'id="notes-panel"' in html and "Plain page note" in html
    assert "Back to the lead" in html


def test_empty_panel_invites_the_first_note(sales_client, lead):
    html = html_of(sales_client.get(notes_url(lead), **HX))
    assert "No notes yet" in html
    assert 'name="title"' in html


def test_second_view_of_the_notes_costs_no_upstream_call(sales_client, lead):
    sales_client.get(notes_url(lead), **HX)
    assert sales_client.get(notes_url(lead), **HX)["X-Upstream-Calls"] == "0"


def test_long_notes_fold_behind_show_more(sales_client, lead):
    long_text = "word " * 200
    add_note_upstream(lead.id, "Long one", long_text)
    add_note_upstream(lead.id, "Short one", "brief")
    html = html_of(sales_client.get(notes_url(lead), **HX))
    assert html.count('<details class="note-fold">') == 1
    assert "Show more" in html


def test_note_text_from_the_api_is_escaped(sales_client, lead):
    add_note_upstream(lead.id, "<b>bold</b>", "<script>alert(1)</script>")
    html = html_of(sales_client.get(notes_url(lead), **HX))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html


def test_add_note_swaps_the_panel_and_is_audited(sales_client, sales_user, lead):
    sales_client.get(notes_url(lead), **HX)  # warm the cache: the add must invalidate it
    response = sales_client.post(
        reverse("leads:note_add", args=[lead.id]),
        {"title": "Demo booked", "note": "Thursday 10:00", "token": uuid.uuid4().hex},
        **HX,
    )
    html = html_of(response)
    assert html.lstrip().startswith('<section id="notes-panel"')
    assert "Note added." in html and "Demo booked" in html and "Thursday 10:00" in html
    entry = AuditEntry.objects.get(action="note.create")
    assert entry.outcome == "ok" and entry.user == sales_user and entry.object_label == "Demo booked"


def test_add_note_without_htmx_goes_back_to_the_lead(sales_client, lead):
    response = sales_client.post(reverse("leads:note_add", args=[lead.id]), {"title": "Plain", "note": "form"})
    assert response.status_code == 303
    assert response["Location"].startswith(reverse("leads:detail", args=[lead.id]))


def test_the_same_form_sent_twice_adds_one_note(sales_client, lead):
    data = {"title": "Once", "note": "only once", "token": uuid.uuid4().hex}
    url = reverse("leads:note_add", args=[lead.id])
    sales_client.post(url, data, **HX)
    html = html_of(sales_client.post(url, data, **HX))
    assert html.count(">Once<") == 1


def test_note_without_title_shows_the_api_422_on_the_field_and_keeps_the_text(sales_client, lead):
    response = sales_client.post(
        reverse("leads:note_add", args=[lead.id]), {"title": "", "note": "Keep me please"}, **HX
    )
    html = html_of(response)
    assert response.status_code == 200
    assert 'class="field-error"' in html and "title" in html.lower()
    assert "Keep me please" in html
    assert AuditEntry.objects.get(action="note.create").outcome == "failed"


FAULTS = [
    (500, "internal problem"),
    (429, "Try again in 30 seconds"),
    ("malformed", "could not read"),
]


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_failed_add_keeps_the_text_and_says_why(sales_client, lead, fault, expected, use_sandbox):
    use_fault(use_sandbox, fault, "/lead/notes", "POST")
    response = sales_client.post(
        reverse("leads:note_add", args=[lead.id]), {"title": "Important", "note": "Do not lose this text"}, **HX
    )
    html = html_of(response)
    assert response.status_code == 200
    assert expected in html
    assert 'value="Important"' in html and "Do not lose this text" in html
    assert AuditEntry.objects.get(action="note.create").outcome == "failed"


def test_add_that_times_out_keeps_the_text(sales_client, lead, settings, use_sandbox):
    from crmui import api

    settings.TASKIP_READ_TIMEOUT = 1.5  # room for the read-back on a loaded machine
    api.reset_client()
    use_sandbox.config(hang_seconds=2.5)
    use_sandbox.fail_next(status="hang", count=1, path_contains="/lead/notes", method="POST")
    html = html_of(
        sales_client.post(
            reverse("leads:note_add", args=[lead.id]), {"title": "Slow", "note": "typed while waiting"}, **HX
        )
    )
    assert "took too long" in html and "typed while waiting" in html


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_notes_that_cannot_be_read_show_an_error_with_retry_in_the_panel(
    sales_client, lead, fault, expected, use_sandbox
):
    use_fault(use_sandbox, fault, "/lead/notes", "GET", count=3)
    response = sales_client.get(notes_url(lead), **HX)
    html = html_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="notes-panel"')
    assert "Notes could not be loaded" in html and expected in html and "Try again" in html


def test_notes_of_a_missing_lead_say_so(sales_client, use_sandbox):
    html = html_of(sales_client.get(reverse("leads:notes", args=[99999999]), **HX))
    assert "no longer exists" in html


def test_edit_in_place_shows_the_form_then_saves(sales_client, lead):
    note = add_note_upstream(lead.id, "Draft", "old text")
    edit_url = reverse("leads:note_edit", args=[lead.id, note.id])
    html = html_of(sales_client.get(edit_url, **HX))
    assert html.lstrip().startswith('<section id="notes-panel"')
    assert 'value="Draft"' in html and "old text</textarea>" in html and "Save note" in html
    html = html_of(sales_client.post(edit_url, {"title": "Final", "note": "new text"}, **HX))
    assert "Note updated." in html and ">Final<" in html and "new text" in html and "old text" not in html
    entry = AuditEntry.objects.get(action="note.update")
    assert entry.outcome == "ok" and entry.object_id == str(note.id)
    assert entry.changes["title"] == ["Draft", "Final"]


def test_edit_without_htmx_is_a_full_page_and_saves_with_a_redirect(sales_client, lead):
    note = add_note_upstream(lead.id, "Draft", "old text")
    edit_url = reverse("leads:note_edit", args=[lead.id, note.id])
    assert "<html" in html_of(sales_client.get(edit_url))
    response = sales_client.post(edit_url, {"title": "Final", "note": "new"})
    assert response.status_code == 303


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_failed_edit_keeps_the_changes(sales_client, lead, fault, expected, use_sandbox):
    note = add_note_upstream(lead.id, "Draft", "old text")
    use_fault(use_sandbox, fault, "/lead/notes", "PUT")
    html = html_of(
        sales_client.post(
            reverse("leads:note_edit", args=[lead.id, note.id]),
            {"title": "Changed", "note": "my careful rewrite"},
            **HX,
        )
    )
    assert expected in html
    assert 'value="Changed"' in html and "my careful rewrite" in html and "Save note" in html
    assert AuditEntry.objects.get(action="note.update").outcome == "failed"


def test_edit_with_an_empty_title_shows_the_422_in_the_edit_form(sales_client, lead):
    note = add_note_upstream(lead.id, "Draft", "old text")
    html = html_of(
        sales_client.post(
            reverse("leads:note_edit", args=[lead.id, note.id]), {"title": "", "note": "still here"}, **HX
        )
    )
    assert 'class="field-error"' in html and "still here" in html and "Save note" in html


def test_delete_removes_the_note_and_is_audited(sales_client, lead):
    keep = add_note_upstream(lead.id, "Keep", "stays")
    gone = add_note_upstream(lead.id, "Remove", "goes")
    html = html_of(sales_client.post(reverse("leads:note_delete", args=[lead.id, gone.id]), **HX))
    assert "Note deleted." in html and ">Keep<" in html and ">Remove<" not in html
    assert keep.id
    entry = AuditEntry.objects.get(action="note.delete")
    assert entry.outcome == "ok" and entry.object_label == "Remove"


def test_delete_asks_for_confirmation(sales_client, lead):
    add_note_upstream(lead.id, "Ask first", "x")
    html = html_of(sales_client.get(notes_url(lead), **HX))
    assert 'hx-confirm="Delete the note “\u2068Ask first\u2069”? This cannot be undone."' in html  # isolated (#14.5)


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_failed_delete_says_so_and_keeps_the_note(sales_client, lead, fault, expected, use_sandbox):
    note = add_note_upstream(lead.id, "Survivor", "x")
    use_fault(use_sandbox, fault, "/lead/notes", "DELETE")
    html = html_of(sales_client.post(reverse("leads:note_delete", args=[lead.id, note.id]), **HX))
    assert "The note was not deleted." in html and expected in html and ">Survivor<" in html


def test_writes_need_a_post(sales_client, lead):
    assert sales_client.get(reverse("leads:note_add", args=[lead.id])).status_code == 405


def test_user_without_a_role_cannot_see_or_write_notes(client, django_user_model, lead):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(notes_url(lead)).status_code == 403
    assert client.post(reverse("leads:note_add", args=[lead.id]), {"title": "x", "note": "y"}).status_code == 403


# --- helpers --------------------------------------------------------------------
def use_fault(sandbox, fault, path, method, count=2):
    # count=2: the client retries a 429 on a write once (TASKIP_MAX_RETRIES=1 in tests)
    sandbox.fail_next(status=fault, count=count, path_contains=path, method=method)


def test_notes_written_in_the_dashboard_show_who_wrote_them(sales_client, lead):
    add_note_upstream(lead.id, "Via API", "written elsewhere")
    html = html_of(sales_client.post(reverse("leads:note_add", args=[lead.id]), {"title": "Mine", "note": "x"}, **HX))
    mine = html[html.index(">Mine<") :]
    assert "Sally</span>" in mine[:600]
    elsewhere = html[html.index(">Via API<") :]
    assert "Sally" not in elsewhere[:400] and "Admin User" in elsewhere[:400]


def test_note_writes_update_the_cached_panel_without_refetching(sales_client, lead):
    sales_client.get(notes_url(lead), **HX)  # the panel is cached
    token = uuid.uuid4().hex
    sales_client.post(
        reverse("leads:note_add", args=[lead.id]), {"title": "Through", "note": "the cache", "token": token}, **HX
    )
    again = sales_client.get(notes_url(lead), **HX)
    assert again["X-Upstream-Calls"] == "0"  # the API answered with the whole note: no re-read
    assert "Through" in html_of(again) and "the cache" in html_of(again)
    from crmui import api

    assert "Through" in [n.title for n in api.client().notes.list(lead.id)]  # and TaskIP has it


def test_adding_a_note_does_not_cost_a_re_read_of_the_lead(sales_client, lead):
    sales_client.get(reverse("leads:detail", args=[lead.id]))
    sales_client.get(notes_url(lead), **HX)
    sales_client.post(
        reverse("leads:note_add", args=[lead.id]),
        {"title": "Cheap", "note": "no re-read", "token": uuid.uuid4().hex},
        **HX,
    )
    assert sales_client.get(reverse("leads:detail", args=[lead.id]))["X-Upstream-Calls"] == "0"
    assert sales_client.get(notes_url(lead), **HX)["X-Upstream-Calls"] == "0"
