from django.urls import path

from .actions import meetings as meeting_steps
from .actions import problems as problem_steps
from .views import meetings, problems

app_name = "issues"
urlpatterns = [
    path("problems/", problems.problem_list, name="problems"),
    path(
        "problems/report/request/<int:request_pk>/",
        problems.report_for_request,
        name="report_for_request",
    ),
    path("problems/report/task/<int:task_pk>/", problems.report_for_task, name="report_for_task"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem"),
    *problem_steps.urls(),
    path("problems/<int:pk>/respond/", problems.respond, name="problem_respond"),
    path("problems/<int:pk>/entries/", problems.add_entry, name="problem_entry"),
    path("problems/<int:pk>/attachments/", problems.attachment_add, name="problem_attachment_add"),
    path(
        "problems/<int:pk>/attachments/<int:attachment_pk>/",
        problems.attachment_download,
        name="problem_attachment",
    ),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/agenda/", meetings.agenda_add, name="meeting_agenda"),
    path("meetings/<int:pk>/minutes/", meetings.minutes_edit, name="meeting_minutes"),
    *meeting_steps.urls(),
    path("actions/<int:pk>/done/", meetings.action_done, name="action_done"),
]
