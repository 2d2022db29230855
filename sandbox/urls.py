from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

from .views import api, control

urlpatterns = [
    re_path(r"^api/public-v1(?:/(?P<rest>.*))?$", api.entry),
    path("__sandbox__/health", control.health),
    path("__sandbox__/config", control.config),
    path("__sandbox__/fail-next", control.fail_next),
    path("__sandbox__/stats", control.stats),
    path("__sandbox__/stats/reset", control.stats_reset),
    path("__sandbox__/reset-limits", control.reset_limits),
    path("__sandbox__/emails", control.emails),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

handler404 = "sandbox.views.api.not_found_view"
handler500 = "sandbox.views.api.server_error_view"
