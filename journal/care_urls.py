"""Caregiver routes: ``/care/<share_id>/…`` serve the journal's read pages for a shared patient.

Each page reuses the patient's view (decorated with ``journal.access.journal_page``).
"""

from django.urls import path

from journal.views import care, dashboard, history, report, trends

app_name = "care"
urlpatterns = [
    path("", care.care_index, name="index"),
    path("<int:share_id>/", dashboard.dashboard, name="dashboard"),
    path("<int:share_id>/history/", history.history, name="history"),
    path("<int:share_id>/trends/", trends.trends, name="trends"),
    path("<int:share_id>/report/", report.report, name="report"),
]
