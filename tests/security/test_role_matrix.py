"""Every URL of the project × every method × every role: allowed or refused, on the server.

The URLs come from walking the resolver, so pages other people add are covered when merged.
Expected = the view's ``required_caps`` (stamped by ``accounts.roles.require``) against the
role's capabilities, plus a table of facts that must hold whatever the decorators say."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import ROLE_CAPS
from tests.security.conftest import ROLE_GROUP, ROLES, point_dashboard
from tests.security.urlmap import endpoints, pages

pytestmark = pytest.mark.django_db

ROLE_CAPABILITIES = {
    "anonymous": frozenset(),
    "norole": frozenset(),
    **{role: ROLE_CAPS[group] for role, group in ROLE_GROUP.items()},
}


def _client_for(user) -> Client:
    c = Client(raise_request_exception=False)
    if user is not None:
        c.force_login(user)
    return c


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def matrix(matrix_sandbox, settings, role_users, local_ids):
    point_dashboard(matrix_sandbox, settings)
    return {**matrix_sandbox.ids, **local_ids}


def test_every_view_declares_its_capabilities_or_is_allow_listed():
    undecorated = [e.label for e in endpoints() if e.required_caps is None and not e.allow_listed and not e.is_stand_in]
    assert not undecorated, (
        "These views have no @require(...) from accounts.roles and are not on the allow-list: " + ", ".join(undecorated)
    )


def test_the_walk_finds_the_pages_of_every_area():
    names = {e.name for e in endpoints()}
    for expected in (
        "leads:list",
        "leads:detail",
        "contacts:list",
        "accounts:index",
        "accounts:profile",
        "accounts:saved_views",
        "accounts:saved_view_save",
        "audit:list",
        "login",
        "healthz",
    ):
        assert expected in names


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role, matrix, role_users):
    user = role_users[role]
    caps = ROLE_CAPABILITIES[role]
    client = _client_for(user)
    problems, checked = [], 0
    for ep in pages():
        url = ep.url(matrix)
        required = set(ep.required_caps or ())
        allowed = user is not None and (not ep.is_stand_in) and required <= caps
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, {})
            checked += 1
            where = f"{role} {method} {url} ({ep.label}, needs {sorted(required) or 'login'})"
            status = response.status_code
            if user is None:
                if not _is_login_redirect(response):
                    problems.append(f"{where}: anonymous got {status}, expected a redirect to the login")
            elif ep.is_stand_in:
                if status not in (403, 405, 501):
                    problems.append(f"{where}: stand-in answered {status}")
            elif allowed:
                if status == 403 and method == "GET":
                    problems.append(f"{where}: refused (403) but the role holds {sorted(required)}")
                elif _is_login_redirect(response):
                    problems.append(f"{where}: sent a signed-in user to the login")
                elif status == 500:
                    problems.append(f"{where}: server error (500)")
            elif status not in (403, 405):
                problems.append(f"{where}: expected 403 (refused), got {status}")
    assert checked >= 2 * len(pages())
    assert not problems, f"{len(problems)} of {checked} checks failed:\n" + "\n".join(problems)


# --- facts that must hold whatever the decorators say ------------------------------------
def _matching(predicate):
    return [ep for ep in pages() if ep.name and not ep.is_stand_in and predicate(ep.name)]


def _is_record_delete(name):  # deleting a lead or a contact (not a note or a file of a lead)
    ns, _, short = name.rpartition(":")
    return ns in ("leads", "contacts") and "delete" in short and not any(x in short for x in ("note", "file", "media"))


def _is_bulk(name):
    return "bulk" in name.rpartition(":")[2]


def _is_attributes(name):
    return name.startswith("pipeline:")


def _is_audit(name):
    return name.startswith("audit:")


FACTS = [
    # (role, what, predicate over URL names)
    ("sales", "delete leads or contacts", _is_record_delete),
    ("sales", "use bulk actions", _is_bulk),
    ("sales", "manage statuses and sources", _is_attributes),
    ("sales", "see the audit trail", _is_audit),
    ("manager", "manage statuses and sources", _is_attributes),
    ("manager", "see the audit trail", _is_audit),
    ("norole", "see leads", lambda n: n.startswith("leads:")),
    ("norole", "see contacts", lambda n: n.startswith("contacts:")),
]


@pytest.mark.parametrize("role,what,predicate", FACTS, ids=[f"{r} may not {w}" for r, w, _ in FACTS])
def test_must_hold_refusals(role, what, predicate, matrix, role_users):
    client = _client_for(role_users[role])
    targets = _matching(predicate)
    # a renamed or removed URL must fail here, not turn this security check into a skip
    assert targets, f"no URL to {what} was found: update FACTS to the new URL names"
    problems = []
    for ep in targets:
        url = ep.url(matrix)
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, {"ids": [matrix["lead"]]})
            if response.status_code not in (403, 405):
                problems.append(f"{role} {method} {url} ({ep.name}): {response.status_code}")
    assert not problems, f"{role} must not {what}:\n" + "\n".join(problems)


def test_audit_and_attribute_facts_are_not_vacuous():
    assert _matching(_is_audit), "the audit trail page must exist"


def test_anonymous_is_always_sent_to_the_login_with_next(matrix):
    client = Client()
    for ep in pages():
        url = ep.url(matrix)
        for response in (client.get(url), client.post(url, {})):
            assert _is_login_redirect(response), f"{url}: {response.status_code}"
            assert "next=" in response["Location"]


def test_only_admins_reach_django_admin(matrix, role_users):
    for role in ROLES:
        client = _client_for(role_users[role])
        response = client.get("/admin/")
        if role == "admin":
            assert response.status_code == 200, role
            # and may manage people and roles there
            assert client.get("/admin/auth/user/").status_code == 200
            assert client.get("/admin/auth/group/").status_code == 200
            assert client.get(f"/admin/auth/user/{role_users['sales'].pk}/change/").status_code == 200
        else:
            assert response.status_code == 302, role
            assert client.get("/admin/auth/user/").status_code == 302, role
