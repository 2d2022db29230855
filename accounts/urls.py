from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_index, name="index"),
    path("profile/", views.profile, name="profile"),
    path("views/", views.saved_views, name="saved_views"),
    path("views/save/", views.saved_view_save, name="saved_view_save"),
    path("views/<int:view_id>/delete/", views.saved_view_delete, name="saved_view_delete"),
]
