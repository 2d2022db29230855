from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# The root URLconf includes each app's URLs by name: the shared library imports no app.
urlpatterns = [
    path("", include("shell.urls")),  # home, /healthz, settings/budget/
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("leads/", include("leads.urls")),
    path("contacts/", include("contacts.urls")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("settings/", include("accounts.urls")),
    path("settings/pipeline/", include("leads.urls_admin")),
    path("settings/audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "crmui.views.bad_request"
