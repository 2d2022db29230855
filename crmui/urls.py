from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crmui import budget, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("leads/", include("leads.urls")),
    path("contacts/", include("contacts.urls")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("settings/", include("accounts.urls")),
    path("settings/pipeline/", include("leads.urls_admin")),
    path("settings/audit/", include("audit.urls")),
    path("settings/budget/", budget.budget_view, name="budget"),
    path("admin/", admin.site.urls),
]
