"""Fixtures of the security tests: private sandboxes (so destructive requests and hostile data
never disturb the session's shared sandbox), the dashboard pointed at one, users per role and
real ids to fill URL parameters with."""

from __future__ import annotations

import pytest

from sandbox.testing import start_sandbox

PASSWORD = "pw-for-tests-1"
ROLES = ("anonymous", "norole", "sales", "manager", "admin")
ROLE_GROUP = {"sales": "Sales", "manager": "Manager", "admin": "Admin"}
XSS_PAYLOADS = (
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    '"><svg onload="window.__xss=1">',
    "javascript:window.__xss=1",
)


def _ids(server) -> dict:
    """Ids of records in a hostile-seeded sandbox: the last hostile lead (it has notes and files),
    its note and file, the hostile contact and status."""
    from crmui.taskip import TaskipClient

    c = TaskipClient(server.api_url, server.key)
    leads = c.leads.list(item=100).items
    lead = max(leads, key=lambda x: x.id)
    notes = c.notes.list(lead.id)
    files = c.files.list(lead.id).items
    attrs = c.attributes.all()
    hostile_attrs = [a for a in attrs if "<" in (a.name or "")] or attrs
    contacts = c.contacts.list(limit=100).items
    members = c.team_members.all()
    return {
        "lead": lead.id,
        "note": notes[0].id if notes else 1,
        "file": files[0].id if files else 1,
        "attribute": hostile_attrs[0].id,
        "contact": max(x.id for x in contacts),
        "team_member": max(m.id for m in members),
    }


def private_sandbox(tmp_path_factory, name: str, **seed):
    server = start_sandbox(tmp_path_factory.mktemp(name), hostile=True, **seed)
    try:
        server.ids = _ids(server)
    except Exception:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def matrix_sandbox(tmp_path_factory):
    """A private, hostile-seeded sandbox the role matrix may write to and delete from."""
    server = private_sandbox(tmp_path_factory, "matrix-sandbox", leads=15, contacts=6)
    yield server
    server.stop()


def ensure_roles():
    """Transactional tests flush the data migrations made (groups, the Admin group's rights):
    make them again, the way the migration does."""
    import importlib

    from django.apps import apps

    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module("accounts.migrations.0003_savedview_admin_permissions").grant_admin(apps, None)


def point_dashboard(server, settings):
    from crmui import api

    settings.TASKIP_BASE_URL = server.api_url
    settings.TASKIP_SECRET_KEY = server.key
    settings.TASKIP_MAX_RETRIES = 0
    api.reset_client()


@pytest.fixture
def role_users(db, django_user_model):
    """One user per role (None for the anonymous visitor)."""
    from django.contrib.auth.models import Group

    from accounts.models import Profile

    ensure_roles()
    users = {"anonymous": None}
    for role in ROLES[1:]:
        user = django_user_model.objects.create_user(username=f"{role}-matrix", password=None)  # force_login only: fast
        if role in ROLE_GROUP:
            user.groups.add(Group.objects.get_or_create(name=ROLE_GROUP[role])[0])
            Profile.objects.create(user=user, team_member_id=1, team_member_name="Admin User")
        users[role] = user
    return users


@pytest.fixture
def local_ids(db, role_users):
    """Ids of the dashboard's own records (a saved view, an audit entry)."""
    from accounts.models import SavedView
    from audit.models import AuditEntry

    view = SavedView.objects.create(name="Hot leads", query="q=a", created_by=role_users["manager"])
    entry = AuditEntry.objects.create(
        username="manager-matrix", action="lead.update", object_type="lead", object_id="1", outcome="ok"
    )
    return {"saved_view": view.pk, "audit_entry": entry.pk, "user": role_users["sales"].pk}


def add_xss_markers(server) -> dict:
    """Put text that would set ``window.__xss`` if it ever ran into the seeded hostile lead
    (fields, a note) and the hostile contact, beside the seed's own hostile strings."""
    ids = server.ids
    lead = server.api(
        "PUT",
        f"/lead/{ids['lead']}",
        json={
            "first_name": XSS_PAYLOADS[0],
            "phone_number": XSS_PAYLOADS[2],
            "address": XSS_PAYLOADS[1],
            "description": XSS_PAYLOADS[1] + " " + XSS_PAYLOADS[3],
        },
    )
    assert lead.status_code == 200, lead.text
    note = server.api("POST", f"/lead/notes/{ids['lead']}", json={"title": XSS_PAYLOADS[1], "note": XSS_PAYLOADS[0]})
    assert note.status_code == 200, note.text
    contact = server.api(
        "PUT", f"/contact/{ids['contact']}", json={"details": XSS_PAYLOADS[1], "position": XSS_PAYLOADS[0]}
    )
    assert contact.status_code == 200, contact.text
    return {"lead": ids["lead"], "contact": ids["contact"]}


@pytest.fixture(scope="module")
def hostile_sandbox(tmp_path_factory):
    """A private sandbox seeded with hostile strings in every text field (--hostile), plus
    records carrying window.__xss markers."""
    server = private_sandbox(tmp_path_factory, "hostile-sandbox", leads=10, contacts=4)
    server.markers = add_xss_markers(server)
    yield server
    server.stop()
