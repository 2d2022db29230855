from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_index, name="index"),
]
