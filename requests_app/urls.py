from django.urls import path

from . import views
from .actions import workflow

app_name = "requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("contacts/", views.contact_options, name="contact_options"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    *workflow.urls(),
    path("<int:pk>/departments/<int:rd_pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/departments/<int:rd_pk>/ask/", views.ask, name="ask"),
    path("<int:pk>/departments/<int:rd_pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/questions/<int:clarification_pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/access/", views.grant, name="grant"),
]
