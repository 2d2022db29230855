"""The profile (TaskIP team member), shared saved views, the audit trail page and /admin/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile, SavedView, profile_for
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- profile --------------------------------------------------------------------------------
def test_profile_lists_team_members_by_name_and_saves_the_choice(sales_client, sales_user, use_sandbox):
    html = sales_client.get(reverse("accounts:profile")).content.decode()
    assert "Sofia Reyes" in html and "Marcus Chen" in html
    response = sales_client.post(reverse("accounts:profile"), {"team_member": "2"})
    assert response.status_code == 303
    profile = profile_for(type(sales_user).objects.get(pk=sales_user.pk))
    assert (profile.team_member_id, profile.team_member_name) == (2, "Sofia Reyes")
    page = sales_client.get(reverse("accounts:profile")).content.decode()
    assert "You are now linked to Sofia Reyes." in page
    assert AuditEntry.objects.filter(action="profile.update", username="sally").exists()


def test_profile_can_be_unlinked(sales_client, sales_user, use_sandbox):
    sales_client.post(reverse("accounts:profile"), {"team_member": ""})
    assert Profile.objects.get(user=sales_user).team_member_id is None


def test_profile_refuses_an_unknown_team_member(sales_client, sales_user, use_sandbox):
    response = sales_client.post(reverse("accounts:profile"), {"team_member": "99999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Profile.objects.get(user=sales_user).team_member_id == 3


def test_profile_when_taskip_fails_says_so_and_saves_nothing(sales_client, sales_user, use_sandbox):
    use_sandbox.fail_next(status=500, count=3, path_contains="/team-member")
    response = sales_client.post(reverse("accounts:profile"), {"team_member": "2"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "internal problem" in html and "was not saved" in html
    assert Profile.objects.get(user=sales_user).team_member_id == 3


def test_profile_page_without_a_profile_yet(client, django_user_model, use_sandbox):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("fresh", password=None)
    user.groups.add(Group.objects.get_or_create(name="Sales")[0])
    client.force_login(user)
    assert "Not linked" in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("accounts:profile"), {"team_member": "4"})
    assert profile_for(user).team_member_name == "Priya Patel"


# --- saved views ------------------------------------------------------------------------------
def test_manager_saves_a_view_from_the_lead_list_query(manager_client):
    response = manager_client.post(
        reverse("accounts:saved_view_save"), {"name": "  Hot   leads ", "query": "/leads/?q=acme&status=3&page=4"}
    )
    assert response.status_code == 303 and response["Location"] == reverse("accounts:saved_views")
    view = SavedView.objects.get()
    assert (view.name, view.query) == ("Hot leads", "q=acme&status=3")
    assert view.get_absolute_url() == reverse("leads:list") + "?q=acme&status=3"
    html = manager_client.get(reverse("accounts:saved_views")).content.decode()
    assert f'href="{reverse("leads:list")}?q=acme&amp;status=3"' in html
    assert AuditEntry.objects.filter(action="view.create", object_label="Hot leads").exists()


def test_save_returns_to_a_local_next_url_only(manager_client):
    ok = manager_client.post(reverse("accounts:saved_view_save"), {"name": "A", "query": "q=a", "next": "/leads/?q=a"})
    assert ok["Location"] == "/leads/?q=a"
    evil = manager_client.post(
        reverse("accounts:saved_view_save"), {"name": "B", "query": "q=b", "next": "https://evil.example/"}
    )
    assert evil["Location"] == reverse("accounts:saved_views")


def test_a_view_needs_a_name(manager_client):
    response = manager_client.post(reverse("accounts:saved_view_save"), {"name": "   ", "query": "q=a"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not SavedView.objects.exists()


def test_sales_opens_shared_views_but_cannot_save_or_delete(sales_client, manager_user):
    view = SavedView.objects.create(name="Won this month", query="status=6", created_by=manager_user)
    html = sales_client.get(reverse("accounts:saved_views")).content.decode()
    assert "Won this month" in html
    assert "Save a view" not in html and "Delete" not in html
    assert sales_client.post(reverse("accounts:saved_view_save"), {"name": "x", "query": ""}).status_code == 403
    assert sales_client.post(reverse("accounts:saved_view_delete", args=[view.pk])).status_code == 403
    assert SavedView.objects.count() == 1


def test_manager_deletes_a_view(manager_client, manager_user):
    view = SavedView.objects.create(name="Old", query="q=old", created_by=manager_user)
    assert manager_client.post(reverse("accounts:saved_view_delete", args=[view.pk])).status_code == 303
    assert not SavedView.objects.exists()
    assert manager_client.post(reverse("accounts:saved_view_delete", args=[view.pk])).status_code == 404


# --- audit trail page --------------------------------------------------------------------------
def _entries(n, **kw):
    base = dict(username="sally", action="lead.update", object_type="lead", object_id="7", outcome="ok")
    base.update(kw)
    return [AuditEntry.objects.create(**base) for _ in range(n)]


def test_audit_page_lists_entries_with_filters_in_the_url(admin_client_):
    _entries(3)
    _entries(
        2,
        username="manny",
        action="lead.delete",
        object_id="9",
        outcome="failed",
        api_status=500,
        message="ServerError: boom",
    )
    html = admin_client_.get(reverse("audit:list")).content.decode()
    assert 'id="audit-table"' in html and "lead.delete" in html and 'hx-push-url="true"' in html
    filtered = admin_client_.get(reverse("audit:list") + "?user=manny&outcome=failed").content.decode()
    assert filtered.count('<tr class="audit-failed">') == 2
    assert "2 entries match the filters" in filtered
    assert '<option value="manny" selected>' in filtered
    by_object = admin_client_.get(reverse("audit:list") + "?object_type=lead&object_id=7").content.decode()
    assert "3 entries match" in by_object


def test_audit_date_range(admin_client_):
    old = _entries(1, object_id="old")[0]
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=10))
    _entries(1, object_id="new")
    today = timezone.localdate()
    html = admin_client_.get(reverse("audit:list") + f"?date_from={today - dt.timedelta(days=1)}").content.decode()
    assert "#new" in html and "#old" not in html
    html = admin_client_.get(reverse("audit:list") + f"?date_to={today - dt.timedelta(days=5)}").content.decode()
    assert "#old" in html and "#new" not in html
    bad = admin_client_.get(reverse("audit:list") + f"?date_from={today}&date_to={today - dt.timedelta(days=3)}")
    assert "end date is before the start date" in bad.content.decode()


def test_audit_htmx_request_gets_only_the_table_and_pages(admin_client_):
    _entries(60)
    response = admin_client_.get(
        reverse("audit:list") + "?user=sally", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audit-table"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="audit-table"') and "<html" not in html
    assert "Page 1 of 2" in html and "user=sally&amp;page=2" in html
    page2 = admin_client_.get(reverse("audit:list") + "?user=sally&page=2").content.decode()
    assert page2.count('<tr class="">') == 10


def test_audit_page_is_for_admins_only(sales_client, manager_user, client):
    assert sales_client.get(reverse("audit:list")).status_code == 403
    client.force_login(manager_user)
    assert client.get(reverse("audit:list")).status_code == 403


def test_audit_entries_are_read_only_in_django_admin(admin_client_):
    entry = _entries(1)[0]
    assert admin_client_.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert admin_client_.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    assert (
        admin_client_.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client_.get(reverse("admin:audit_auditentry_add")).status_code == 403


# --- users and roles in /admin/ -------------------------------------------------------------------
def test_admin_links_a_user_to_a_team_member_inline(admin_client_, sales_user, use_sandbox):
    url = reverse("admin:auth_user_change", args=[sales_user.pk])
    html = admin_client_.get(url).content.decode()
    assert "TaskIP team member" in html and "Sofia Reyes" in html


def test_joining_the_admin_group_grants_admin_access_and_leaving_removes_it(sales_user):
    from django.contrib.auth.models import Group

    admin_group = Group.objects.get_or_create(name="Admin")[0]
    sales_user.groups.add(admin_group)
    sales_user.refresh_from_db()
    assert sales_user.is_staff
    sales_user.groups.remove(admin_group)
    sales_user.refresh_from_db()
    assert not sales_user.is_staff


def test_demo_admin_may_use_django_admin(db, use_sandbox):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tests.security.conftest import ensure_roles

    ensure_roles()
    call_command("demo_users", stdout=open("/dev/null", "w"))
    users = get_user_model().objects
    assert users.get(username="admin").is_staff
    assert not users.get(username="manager").is_staff and not users.get(username="sales").is_staff
