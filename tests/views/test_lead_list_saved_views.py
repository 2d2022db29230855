"""A manager saves the current filtered lead list for the team; everybody finds it as a quick view."""

import pytest
from django.urls import reverse

from accounts.models import SavedView

pytestmark = pytest.mark.django_db


def test_manager_can_save_a_filtered_view_and_sales_sees_it_as_a_quick_view(
    manager_client, sales_user, use_sandbox, client
):
    html = manager_client.get(reverse("leads:list"), {"q": "son"}).content.decode()
    assert "Save view" in html and 'name="query" value="q=son"' in html
    response = manager_client.post(
        reverse("accounts:saved_view_save"), {"name": "Sons", "query": "q=son", "next": "/leads/?q=son"}
    )
    assert response.status_code == 303 and response["Location"] == "/leads/?q=son"
    assert SavedView.objects.get().query == "q=son"
    client.force_login(sales_user)
    html = client.get(reverse("leads:list")).content.decode()
    assert 'href="/leads/?q=son"' in html and ">Sons</a>" in html
    assert "Save view" not in html  # Sales may not share views


def test_sales_cannot_save_a_view(sales_client, use_sandbox):
    response = sales_client.post(reverse("accounts:saved_view_save"), {"name": "Mine", "query": "q=x"})
    assert response.status_code == 403
    assert not SavedView.objects.exists()


def test_an_open_saved_view_is_the_only_active_quick_view(manager_client, use_sandbox):
    SavedView.objects.create(name="Sons", query="q=son")
    html = manager_client.get(reverse("leads:list"), {"q": "son"}).content.decode()
    assert html.count("qv-chip active") == 1
    assert 'class="qv-chip active" href="/leads/?q=son"' in html
