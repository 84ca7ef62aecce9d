from django.urls import path

from . import views

app_name = "shell"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("healthz", views.healthz, name="healthz"),
]
