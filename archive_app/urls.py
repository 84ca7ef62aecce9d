from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("", views.progress_ledger, name="ledgers"),
    path("problems/", views.problem_ledger, name="problems"),
    path("<str:ledger>/export/<str:fmt>/", views.ledger_export, name="export"),
    path("documents/<str:key>/", views.document_page, name="document"),
    path("documents/<str:key>/download/", views.download, name="download"),
    path("requests/<int:pk>/dossier/", views.dossier_pdf, name="dossier"),
    path("requests/<int:pk>/report/", views.report, name="report"),
    path("requests/<int:pk>/report/decide/", views.report_decide, name="report_decide"),
    path("minutes/<int:pk>/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("archive/", views.archive_list, name="archive"),
    path("archive/<int:pk>/", views.archive_record, name="record"),
    path("archive/<int:pk>/dossier/", views.archive_dossier, name="record_dossier"),
    path("archive/<int:pk>/files.zip", views.archive_zip, name="record_zip"),
]
