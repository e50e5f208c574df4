"""Caregiver routes: ``/care/<share_id>/…`` serve the journal's read pages for a shared patient.

Each page reuses the patient's view (decorated with ``journal.access.journal_page``), so the
caregiver reads exactly what the patient reads, minus the forms and the private notes.
"""

from django.urls import path

from journal.daylog import views as daylog
from journal.report import views as report
from journal.sharing import views as sharing
from journal.trends import views as trends

app_name = "care"
urlpatterns = [
    path("", sharing.care_index, name="index"),
    path("<int:share_id>/", daylog.dashboard, name="dashboard"),
    path("<int:share_id>/history/", daylog.history, name="history"),
    path("<int:share_id>/trends/", trends.trends, name="trends"),
    path("<int:share_id>/report/", report.report, name="report"),
]
