"""Statuses and sources (admins): list, create, rename/recolour, delete with a lead count,
reorder, errors in the list where they happened, and the roles that may not."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
PAGE = "/settings/pipeline/"
FAULTS = [
    (500, "internal problem"),
    (429, "Try again in 30 seconds"),
    ("malformed", "could not read"),
]


@pytest.fixture
def attrs(use_sandbox):
    """The sandbox is shared: put every attribute back as it was and drop the ones made here."""
    from crmui import api

    c = api.client()
    before = {a.id: a for a in c.attributes.all()}
    yield c
    use_sandbox.reset()
    for a in c.attributes.all():
        if a.id not in before:
            c.attributes.delete(a.id)
        elif (a.name, a.color, a.order) != (before[a.id].name, before[a.id].color, before[a.id].order):
            old = before[a.id]
            c.attributes.update(a.id, name=old.name, type=old.type, color=old.color, order=old.order)


def unique(prefix="Stage"):
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def html_of(response):
    return response.content.decode()


def names_in_order(html, kind):
    import re

    start = html.index(f'id="attr-list-{kind}"')
    end = html.find('id="attr-list-', start + 10)
    section = html[start : end if end > 0 else len(html)]
    return re.findall(r'<span class="attr-name">([^<]*)</span>', section)


def test_admin_sees_statuses_and_sources_with_their_colours(admin_client_, attrs):
    statuses = attrs.attributes.all(type=1)
    sources = attrs.attributes.all(type=2)
    response = admin_client_.get(PAGE)
    html = html_of(response)
    assert response.status_code == 200
    assert names_in_order(html, "statuses") == [a.name for a in statuses]
    assert names_in_order(html, "sources") == [a.name for a in sources]
    assert f'data-color="{statuses[0].color}"' in html
    assert "sortable-1.15.7.min.js" in html and "attributes.js" in html


def test_the_settings_page_links_to_it_for_admins_only(admin_client_, attrs):
    assert PAGE in html_of(admin_client_.get(reverse("accounts:index")))


def test_sales_and_managers_are_refused(sales_client, attrs, django_user_model, client):
    assert sales_client.get(PAGE).status_code == 403
    assert sales_client.post(reverse("pipeline:attribute_add", args=["statuses"]), {"name": "X"}).status_code == 403
    assert PAGE not in html_of(sales_client.get(reverse("accounts:index")))


def test_managers_are_refused(manager_client, attrs):
    assert manager_client.get(PAGE).status_code == 403
    assert manager_client.post(reverse("pipeline:attribute_reorder", args=["statuses"]), {}).status_code == 403


def test_one_list_as_htmx_partial(admin_client_, attrs):
    html = html_of(admin_client_.get(reverse("pipeline:attribute_list", args=["sources"]), **HX))
    assert html.lstrip().startswith('<section id="attr-list-sources"') and "<html" not in html


def test_unknown_list_is_404(admin_client_, attrs):
    assert admin_client_.get(reverse("pipeline:attribute_list", args=["colours"])).status_code == 404


def test_create_a_status_shows_it_last_everywhere_and_is_audited(admin_client_, admin_user, attrs):
    from crmui import reference

    reference.statuses()  # cached by the filters, forms and board: the create must invalidate it
    name = unique()
    response = admin_client_.post(
        reverse("pipeline:attribute_add", args=["statuses"]), {"name": name, "color": "#E74C3C"}, **HX
    )
    html = html_of(response)
    assert html.lstrip().startswith('<section id="attr-list-statuses"')
    assert f"Added the status “{name}”." in html
    assert names_in_order(html, "statuses")[-1] == name
    assert 'data-color="#e74c3c"' in html
    assert reference.statuses()[-1].name == name
    entry = AuditEntry.objects.get(action="attribute.create")
    assert entry.outcome == "ok" and entry.user == admin_user and entry.object_label == name


def test_create_without_htmx_redirects_to_the_page(admin_client_, attrs):
    response = admin_client_.post(
        reverse("pipeline:attribute_add", args=["sources"]), {"name": unique("Src"), "color": ""}
    )
    assert response.status_code == 303 and response["Location"].startswith(PAGE)


def test_short_hex_is_expanded(admin_client_, attrs):
    name = unique()
    admin_client_.post(reverse("pipeline:attribute_add", args=["statuses"]), {"name": name, "color": "#AbC"}, **HX)
    assert next(a for a in attrs.attributes.all(type=1) if a.name == name).color == "#aabbcc"


@pytest.mark.parametrize("bad", ["red", "#12345", "#gggggg", "url(x)", "#1234567"])
def test_a_bad_hex_colour_is_refused_on_the_server_and_keeps_the_name(admin_client_, attrs, bad):
    name = unique()
    html = html_of(
        admin_client_.post(reverse("pipeline:attribute_add", args=["statuses"]), {"name": name, "color": bad}, **HX)
    )
    assert "Enter a hex colour such as #3498db." in html and f'value="{name}"' in html
    assert name not in [a.name for a in attrs.attributes.all(type=1)]


def test_the_same_add_form_sent_twice_adds_one(admin_client_, attrs):
    name = unique()
    data = {"name": name, "color": "#101010", "token": uuid.uuid4().hex}
    admin_client_.post(reverse("pipeline:attribute_add", args=["statuses"]), data, **HX)
    admin_client_.post(reverse("pipeline:attribute_add", args=["statuses"]), data, **HX)
    assert [a.name for a in attrs.attributes.all(type=1)].count(name) == 1


def test_a_name_is_required(admin_client_, attrs):
    html = html_of(admin_client_.post(reverse("pipeline:attribute_add", args=["statuses"]), {"name": " "}, **HX))
    assert "This field is required." in html


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_failed_create_shows_in_that_list_only_and_keeps_what_was_typed(
    admin_client_, attrs, use_sandbox, fault, expected
):
    name = unique()
    attrs.attributes.all()  # nothing below should need a fresh read
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead-attribute", method="POST")
    html = html_of(
        admin_client_.post(reverse("pipeline:attribute_add", args=["sources"]), {"name": name, "color": "#123456"})
    )
    sources_part = html[html.index('id="attr-list-sources"') :]
    statuses_part = html[html.index('id="attr-list-statuses"') : html.index('id="attr-list-sources"')]
    assert expected in sources_part and f"“{name}” was not added." in sources_part
    assert f'value="{name}"' in sources_part and 'value="#123456"' in sources_part
    assert "was not added" not in statuses_part and "alert-error" not in statuses_part
    assert AuditEntry.objects.get(action="attribute.create").outcome == "failed"


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_lists_that_cannot_be_read_say_so_with_a_retry(admin_client_, attrs, use_sandbox, fault, expected):
    use_sandbox.fail_next(status=fault, count=3, path_contains="/lead-attribute", method="GET")
    response = admin_client_.get(PAGE)
    html = html_of(response)
    assert response.status_code == 200
    assert "could not be loaded" in html and expected in html and "Try again" in html


def made(attrs, type_=1, color="#3498db"):
    return attrs.attributes.create(name=unique(), type=type_, color=color, order=999)


def test_rename_and_recolour_in_place(admin_client_, attrs):
    a = made(attrs)
    url = reverse("pipeline:attribute_edit", args=["statuses", a.id])
    html = html_of(admin_client_.get(url, **HX))
    assert f'value="{a.name}"' in html and 'type="color"' in html and 'value="#3498db"' in html
    new_name = unique("Renamed")
    html = html_of(admin_client_.post(url, {"name": new_name, "color": "#00FF00"}, **HX))
    assert f"Saved “{new_name}”." in html and new_name in names_in_order(html, "statuses")
    fresh = attrs.attributes.get(a.id)
    assert (fresh.name, fresh.color, fresh.type, fresh.order) == (new_name, "#00ff00", 1, 999)
    entry = AuditEntry.objects.get(action="attribute.update")
    assert entry.changes["name"] == [a.name, new_name] and entry.changes["color"] == ["#3498db", "#00ff00"]


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_failed_rename_keeps_the_edit_open_with_the_text(admin_client_, attrs, use_sandbox, fault, expected):
    a = made(attrs)
    admin_client_.get(PAGE)
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead-attribute", method="PUT")
    html = html_of(
        admin_client_.post(
            reverse("pipeline:attribute_edit", args=["statuses", a.id]),
            {"name": "Typed name", "color": "#abcdef"},
            **HX,
        )
    )
    assert "Not saved." in html and expected in html and 'value="Typed name"' in html and 'value="#abcdef"' in html


def test_a_bad_hex_on_edit_is_refused(admin_client_, attrs):
    a = made(attrs)
    html = html_of(
        admin_client_.post(
            reverse("pipeline:attribute_edit", args=["statuses", a.id]), {"name": a.name, "color": "blue"}, **HX
        )
    )
    assert "Enter a hex colour" in html
    assert attrs.attributes.get(a.id).color == "#3498db"


def test_delete_confirm_says_how_many_leads_carry_it_then_deletes(admin_client_, attrs):
    a = made(attrs)
    lead = attrs.leads.create(
        {"first_name": "Carrier", "email": f"c-{uuid.uuid4().hex[:8]}@example.com", "status_ids": [a.id]}
    )
    try:
        url = reverse("pipeline:attribute_delete", args=["statuses", a.id])
        html = html_of(admin_client_.get(url, **HX))
        assert "1 lead</span> carries this status." in html and f"Delete “{a.name}”?" in html
        html = html_of(admin_client_.post(url, {"count": "1"}, **HX))
        assert f"Deleted the status “{a.name}”." in html and a.name not in names_in_order(html, "statuses")
        entry = AuditEntry.objects.get(action="attribute.delete")
        assert entry.outcome == "ok" and entry.changes["leads_carrying_it"] == 1
    finally:
        attrs.leads.delete(lead.id)


def test_delete_confirm_for_an_unused_source(admin_client_, attrs):
    a = made(attrs, type_=2)
    html = html_of(admin_client_.get(reverse("pipeline:attribute_delete", args=["sources", a.id]), **HX))
    assert "No lead carries this source." in html


def test_the_lead_count_is_asked_only_when_a_delete_is_asked_for(admin_client_, attrs, use_sandbox):
    a = made(attrs)
    use_sandbox.reset_stats()
    admin_client_.get(PAGE)
    assert use_sandbox.stats()["by_endpoint"].get("GET /lead", 0) == 0
    admin_client_.get(reverse("pipeline:attribute_delete", args=["statuses", a.id]), **HX)
    assert use_sandbox.stats()["by_endpoint"].get("GET /lead", 0) == 1


def test_when_the_count_fails_the_delete_is_still_offered(admin_client_, attrs, use_sandbox):
    a = made(attrs)
    admin_client_.get(PAGE)
    use_sandbox.fail_next(status=500, count=1, path_contains="/lead", method="GET")
    html = html_of(admin_client_.get(reverse("pipeline:attribute_delete", args=["statuses", a.id]), **HX))
    assert "Could not count the leads" in html and "Delete status" in html


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_failed_delete_keeps_it_in_the_list(admin_client_, attrs, use_sandbox, fault, expected):
    a = made(attrs)
    admin_client_.get(PAGE)
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead-attribute", method="DELETE")
    html = html_of(admin_client_.post(reverse("pipeline:attribute_delete", args=["statuses", a.id]), **HX))
    assert f"“{a.name}” was not deleted." in html and expected in html
    assert a.name in names_in_order(html, "statuses")


def test_reorder_saves_only_what_moved_and_shows_the_new_order(admin_client_, attrs):
    current = attrs.attributes.all(type=1)
    ids = [a.id for a in current]
    # normalise first so the orders are 1..n
    admin_client_.post(reverse("pipeline:attribute_reorder", args=["statuses"]), {"order": ids}, **HX)
    AuditEntry.objects.all().delete()
    new = ids[1:] + ids[:1]  # the first one goes last
    html = html_of(admin_client_.post(reverse("pipeline:attribute_reorder", args=["statuses"]), {"order": new}, **HX))
    by_id = {a.id: a.name for a in current}
    assert names_in_order(html, "statuses") == [by_id[i] for i in new]
    assert "Order saved." in html
    assert AuditEntry.objects.filter(action="attribute.reorder", outcome="ok").count() == len(ids)
    assert [a.id for a in attrs.attributes.all(type=1)] == new
    # moving one down one place writes just two
    AuditEntry.objects.all().delete()
    admin_client_.post(
        reverse("pipeline:attribute_reorder", args=["statuses"]), {"order": new, "move": f"{new[0]}:down"}, **HX
    )
    assert AuditEntry.objects.filter(action="attribute.reorder").count() == 2
    assert [a.id for a in attrs.attributes.all(type=1)][:2] == [new[1], new[0]]


def test_reorder_shows_in_the_cached_reference_data(admin_client_, attrs):
    from crmui import reference

    ids = [a.id for a in reference.statuses()]
    admin_client_.post(reverse("pipeline:attribute_reorder", args=["statuses"]), {"order": ids[::-1]}, **HX)
    assert [a.id for a in reference.statuses()] == ids[::-1]


@pytest.mark.parametrize("fault,expected", FAULTS)
def test_failed_reorder_shows_the_order_taskip_has(admin_client_, attrs, use_sandbox, fault, expected):
    ids = [a.id for a in attrs.attributes.all(type=1)]
    use_sandbox.fail_next(status=fault, count=2, path_contains="/lead-attribute", method="PUT")
    html = html_of(
        admin_client_.post(reverse("pipeline:attribute_reorder", args=["statuses"]), {"order": ids[::-1]}, **HX)
    )
    assert "The new order was not fully saved" in html and expected in html
    assert len(names_in_order(html, "statuses")) == len(ids)


def test_attribute_names_from_the_api_are_escaped(admin_client_, attrs):
    attrs.attributes.create(name="<i>x</i>", type=2, color="#111111")
    html = html_of(admin_client_.get(PAGE))
    assert "<i>x</i>" not in html and "&lt;i&gt;x&lt;/i&gt;" in html


def test_a_second_status_with_the_same_name_ignoring_case_is_refused_on_the_name_field(
    admin_client_, attrs, use_sandbox
):
    name = unique("Dup")
    add = reverse("pipeline:attribute_add", args=["statuses"])
    admin_client_.post(add, {"name": name, "color": "#3498db"}, **HX)
    use_sandbox.reset_stats()
    html = html_of(admin_client_.post(add, {"name": name.upper(), "color": "#3498db"}, **HX))
    assert "There is already a status called" in html and 'class="errorlist' in html
    assert "POST /lead-attribute" not in use_sandbox.stats()["by_endpoint"]
    held = [a for a in attrs.attributes.all(type=1) if (a.name or "").casefold() == name.casefold()]
    assert len(held) == 1
    # renaming another status to it is refused the same way; a source may share a status's name
    other_name = unique("Other")
    admin_client_.post(add, {"name": other_name, "color": "#3498db"}, **HX)
    other = next(a for a in attrs.attributes.all(type=1) if a.name == other_name)
    html = html_of(
        admin_client_.post(
            reverse("pipeline:attribute_edit", args=["statuses", other.id]),
            {"name": name.lower(), "color": "#3498db"},
            **HX,
        )
    )
    assert "There is already a status called" in html
    html = html_of(
        admin_client_.post(
            reverse("pipeline:attribute_add", args=["sources"]), {"name": name, "color": "#3498db"}, **HX
        )
    )
    assert "There is already" not in html
