from django.urls import path

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
    path("problems/<int:pk>/grade/", problems.grade, name="problem_grade"),
    path("problems/<int:pk>/respond/", problems.respond, name="problem_respond"),
    path("problems/<int:pk>/entries/", problems.add_entry, name="problem_entry"),
    path("problems/<int:pk>/resolve/", problems.resolve, name="problem_resolve"),
    path("problems/<int:pk>/confirm/", problems.confirm, name="problem_confirm"),
    path("problems/<int:pk>/reopen/", problems.reopen, name="problem_reopen"),
    path("problems/<int:pk>/escalate/", problems.escalate, name="problem_escalate"),
    path("problems/<int:pk>/owner/", problems.set_owner, name="problem_owner"),
    path("problems/<int:pk>/refer/", problems.refer, name="problem_refer"),
    path("problems/<int:pk>/rule/", problems.rule, name="problem_rule"),
    path("problems/<int:pk>/close/", problems.dismiss, name="problem_dismiss"),
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
    path("meetings/<int:pk>/publish/", meetings.publish, name="meeting_publish"),
    path("meetings/<int:pk>/cancel/", meetings.cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/sign/", meetings.sign, name="meeting_sign"),
    path("actions/<int:pk>/done/", meetings.action_done, name="action_done"),
]
