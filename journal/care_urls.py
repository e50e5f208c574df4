"""Caregiver routes: ``/care/<share_id>/…`` serve the journal's read pages for a shared patient.

Each page reuses the patient's view (decorated with ``journal.access.journal_page``).
"""


app_name = "care"
urlpatterns = []
