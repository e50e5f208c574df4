"""The patient's own journal, under ``/journal/``: one block of routes per feature package."""

from django.urls import path, register_converter

from journal.account import views as account
from journal.converters import IsoDateConverter
from journal.daylog import views as daylog
from journal.export_import import views as export_import
from journal.helpful import views as helpful
from journal.reminders import views as reminders
from journal.report import views as report
from journal.sharing import views as sharing
from journal.treatments import views as treatments
from journal.trends import views as trends

register_converter(IsoDateConverter, "isodate")

app_name = "journal"
urlpatterns = [
    path("", daylog.dashboard, name="dashboard"),
    path("today/", daylog.today, name="today"),
    path("day/<isodate:day>/", daylog.day, name="day"),
    path("day/<isodate:day>/helps/<slug:slug>/", daylog.day_helps, name="day_helps"),
    path("history/", daylog.history, name="history"),
    path("treatment/", treatments.treatment, name="treatment"),
    path("treatment/new/", treatments.treatment_new, name="treatment_new"),
    path("treatment/<int:pk>/stop/", treatments.treatment_stop, name="treatment_stop"),
    path("first-day/treatment/", treatments.first_day_treatment, name="first_day_treatment"),
    path("first-day/symptoms/", account.first_day_symptoms, name="first_day_symptoms"),
    path("trends/", trends.trends, name="trends"),
    path("report/", report.report, name="report"),
    path("sharing/", sharing.sharing, name="sharing"),
    path("sharing/<int:share_id>/revoke/", sharing.sharing_revoke, name="sharing_revoke"),
    path("sharing/<int:share_id>/digest/", sharing.sharing_digest, name="sharing_digest"),
    path("sharing/accept/<str:token>/", sharing.sharing_accept, name="sharing_accept"),
    path("export.csv", export_import.export_csv, name="export_csv"),
    path("export.json", export_import.export_json, name="export_json"),
    path("export.fhir.json", export_import.export_fhir, name="export_fhir"),
    path("import/", export_import.import_upload, name="import"),
    path("import/preview/", export_import.import_preview, name="import_preview"),
    path("import/confirm/", export_import.import_confirm, name="import_confirm"),
    path("helped/<slug:slug>/", helpful.helpful, name="helpful"),
    path("settings/", account.settings_page, name="settings"),
    path("settings/when-to-call/", account.thresholds, name="thresholds"),
    path("account/delete/", account.delete_account, name="account_delete"),
    path("unsubscribe/<str:token>/", reminders.unsubscribe, name="unsubscribe"),
]
