from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("healthz", views.healthz, name="healthz"),
]
