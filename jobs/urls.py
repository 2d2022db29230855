from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.jobs_list, name="list"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/<str:op>/", views.job_control, name="control"),
]
