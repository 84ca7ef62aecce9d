from django.urls import path

from . import views
from .actions import workflow

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
    *workflow.urls(),
    path("<int:pk>/deliverables/<int:file_pk>/", views.deliverable_download, name="deliverable"),
    path(
        "<int:pk>/progress-files/<int:file_pk>/", views.progress_file_download, name="progress_file"
    ),
]
