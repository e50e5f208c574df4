from django.urls import path

from journal.views import (
    account,
    dashboard,
    day,
    export,
    history,
    imports,
    profile,
    report,
    sharing,
    treatment,
    trends,
)

app_name = "journal"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("today/", day.today, name="today"),
    path("day/<str:day>/", day.day, name="day"),
    path("history/", history.history, name="history"),
    path("treatment/", treatment.treatment, name="treatment"),
    path("treatment/new/", treatment.treatment_new, name="treatment_new"),
    path("treatment/<int:pk>/stop/", treatment.treatment_end, name="treatment_stop"),
    path("settings/", profile.settings_page, name="settings"),
    path("trends/", trends.trends, name="trends"),
    path("sharing/", sharing.sharing, name="sharing"),
    path("sharing/<int:share_id>/revoke/", sharing.sharing_revoke, name="sharing_revoke"),
    path("sharing/accept/<str:token>/", sharing.sharing_accept, name="sharing_accept"),
    path("report/", report.report, name="report"),
    path("export.csv", export.export_csv, name="export_csv"),
    path("export.json", export.export_json, name="export_json"),
    path("export.fhir.json", export.export_fhir, name="export_fhir"),
    path("import/", imports.import_upload, name="import"),
    path("import/preview/", imports.import_preview, name="import_preview"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("account/delete/", account.delete_account, name="account_delete"),
]
