"""The leads app's URLs, one module per area so the areas can grow independently."""

from leads import urls_edit, urls_list, urls_panels

app_name = "leads"
urlpatterns = [*urls_list.urlpatterns, *urls_edit.urlpatterns, *urls_panels.urlpatterns]
