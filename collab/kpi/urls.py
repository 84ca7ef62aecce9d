from django.urls import path

from . import views

app_name = "kpi"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("items/<slug:metric>/", views.item_list, name="items"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
]
