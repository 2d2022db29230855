"""The frame's URLs, included at the site root by crmui/urls.py (names without a namespace)."""

from django.urls import path

from shell import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("settings/budget/", views.budget_view, name="budget"),
]
