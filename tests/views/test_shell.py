"""The logged-in shell: login, navigation, the first lead page, upstream failures."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("leads:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_htmx_request_gets_hx_redirect_not_a_login_form(client):
    response = client.get(
        reverse("leads:list"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/leads/?q=a"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert b"<form" not in response.content


def test_login_page_renders_and_logs_in(client, sales_user):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "sally", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("leads:list")


def test_user_without_role_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("norole", password="x")
    client.force_login(user)
    assert client.get(reverse("leads:list")).status_code == 403


def test_lead_list_shows_leads_from_the_sandbox(sales_client, use_sandbox):
    response = sales_client.get(reverse("leads:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pipeline" in html and "Contacts" in html and "Settings" in html
    assert 'id="lead-table"' in html
    assert html.count("<tr>") >= 5
    assert int(response["X-Upstream-Calls"]) >= 1


def test_lead_list_htmx_request_gets_only_the_table(sales_client, use_sandbox):
    response = sales_client.get(reverse("leads:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="lead-table"')
    assert "<html" not in html


def test_second_view_of_the_same_list_costs_no_upstream_call(sales_client, use_sandbox):
    sales_client.get(reverse("leads:list"))
    response = sales_client.get(reverse("leads:list"))
    assert response["X-Upstream-Calls"] == "0"


def test_refused_key_shows_a_clear_message_and_banner(sales_client, use_sandbox, settings):
    from crmui import api

    settings.TASKIP_SECRET_KEY = "wrong-key"
    api.reset_client()
    response = sales_client.get(reverse("leads:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "TaskIP refused the dashboard's API key. Lists may be out of date" in html  # the banner
    assert "wrong-key" not in html
    # the next page shows the banner
    assert "TaskIP refused the dashboard" in sales_client.get(reverse("accounts:index")).content.decode()


def test_unreachable_taskip_shows_a_clear_message(sales_client, settings):
    from crmui import api

    settings.TASKIP_BASE_URL = "http://127.0.0.1:9/api/public-v1"
    settings.TASKIP_MAX_RETRIES = 0
    api.reset_client()
    response = sales_client.get(reverse("leads:list"))
    assert response.status_code == 200
    assert "cannot be reached" in response.content.decode()
    api.reset_client()


@pytest.mark.parametrize(
    "fault,expected",
    [
        (500, "internal problem"),
        (502, "internal problem"),
        ("malformed", "could not read"),
        (429, "request limit"),
    ],
)
def test_upstream_faults_become_messages_not_500(sales_client, use_sandbox, fault, expected):
    use_sandbox.fail_next(status=fault, count=5, path_contains="/lead")
    response = sales_client.get(reverse("leads:list") + f"?q=fault{fault}")
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_settings_page_never_shows_the_key(sales_client, use_sandbox):
    html = sales_client.get(reverse("accounts:index")).content.decode()
    assert use_sandbox.key not in html
