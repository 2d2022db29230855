"""Statuses and sources (admins), mounted under /settings/pipeline/."""

from django.urls import path

import crmui.converters  # noqa: F401  (registers <id:...>: positive ids only)
from leads.views import attributes, selfcheck

app_name = "pipeline"
urlpatterns = [
    path("self-check/", selfcheck.self_check, name="self_check"),  # the budget page's button (before <kind>/)
    path("", attributes.attributes_page, name="attributes"),
    path("<slug:kind>/", attributes.attribute_list, name="attribute_list"),
    path("<slug:kind>/add/", attributes.attribute_add, name="attribute_add"),
    path("<slug:kind>/order/", attributes.attribute_reorder, name="attribute_reorder"),
    path("<slug:kind>/<id:attribute_id>/edit/", attributes.attribute_edit, name="attribute_edit"),
    path("<slug:kind>/<id:attribute_id>/delete/", attributes.attribute_delete, name="attribute_delete"),
]
