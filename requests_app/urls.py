from django.urls import path

from . import views

app_name = "requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("contacts/", views.contact_options, name="contact_options"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.send_back, name="return"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
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
