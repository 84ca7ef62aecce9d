from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("board/", views.task_board, name="board"),
    path(
        "new/<int:request_pk>/<int:department_pk>/",
        views.task_create,
        name="create",
    ),
    path("rate/<int:request_pk>/<int:department_pk>/", views.rate, name="rate"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
    path("<int:pk>/cancel/", views.task_cancel, name="cancel"),
    path("<int:pk>/start/", views.task_start, name="start"),
    path("<int:pk>/resume/", views.task_resume, name="resume"),
    path("<int:pk>/progress/", views.task_progress, name="progress"),
    path("<int:pk>/deliver/", views.task_deliver, name="deliver"),
    path("<int:pk>/accept/", views.task_accept, name="accept"),
    path("<int:pk>/reject/", views.task_reject, name="reject"),
    path("<int:pk>/deliverables/<int:file_pk>/", views.deliverable_download, name="deliverable"),
    path(
        "<int:pk>/progress-files/<int:file_pk>/", views.progress_file_download, name="progress_file"
    ),
]
