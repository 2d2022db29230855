"""Every URL refuses a POST that carries no CSRF token (or a wrong one), before anything is
written: no upstream call, no audit entry, whatever the role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.conftest import point_dashboard
from tests.security.urlmap import endpoints

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_ids(matrix_sandbox, settings, role_users, local_ids):
    point_dashboard(matrix_sandbox, settings)
    return {**matrix_sandbox.ids, **local_ids}


def _post_targets():
    # every URL of the project, Django's admin and the login included
    return [e for e in endpoints() if not e.route.startswith("static/")]


@pytest.mark.parametrize("role", ["admin", "anonymous"])
def test_every_post_without_a_csrf_token_is_refused(role, csrf_ids, role_users):
    from audit.models import AuditEntry

    client = Client(enforce_csrf_checks=True)
    if role_users[role] is not None:
        client.force_login(role_users[role])
    before = AuditEntry.objects.count()
    problems = []
    for ep in _post_targets():
        try:
            url = ep.url(csrf_ids)
        except ValueError:  # a re_path of Django's admin that our test values cannot fill
            continue
        for headers in (
            {},
            {"HTTP_HX_REQUEST": "true", "HTTP_X_CSRFTOKEN": "forged-token-0123456789abcdefghijklmnopqrstu"},
        ):
            response = client.post(
                url,
                {
                    "name": "x",
                    "query": "q=x",
                    "ids": [csrf_ids["lead"]],
                    "username": "admin-matrix",
                    "password": "nope",
                },
                **headers,
            )
            refused_csrf = response.status_code == 403 and b"CSRF" in response.content
            # A view that checks CSRF itself after setting its upload handlers (csrf_exempt outside,
            # csrf_protect inside) is reached only by signed-in people: the anonymous are sent to log in.
            sent_to_login = role == "anonymous" and (
                (response.status_code == 302 and response["Location"].startswith(reverse("login")))
                or response.get("HX-Redirect", "").startswith(reverse("login"))
            )
            if not (refused_csrf or sent_to_login):
                problems.append(f"{role} POST {url} ({ep.label}) {headers and 'htmx'}: {response.status_code}")
            elif response.get("X-Upstream-Calls", "0") != "0":
                problems.append(f"{role} POST {url}: refused but made {response['X-Upstream-Calls']} TaskIP calls")
    assert not problems, "POST without a valid CSRF token was not refused:\n" + "\n".join(problems)
    assert AuditEntry.objects.count() == before, "a refused POST wrote to the audit trail"


def test_a_post_with_the_token_from_the_page_is_accepted(csrf_ids, role_users):
    """The control: the same client passes when it sends the page's token."""
    from django.urls import reverse

    from accounts.models import SavedView

    client = Client(enforce_csrf_checks=True)
    client.force_login(role_users["manager"])
    page = client.get(reverse("accounts:saved_views"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:saved_view_save"), {"name": "With token", "query": "q=x", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303
    assert SavedView.objects.filter(name="With token").exists()
