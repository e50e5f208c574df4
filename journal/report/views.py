"""The clinic report page."""

from django.contrib import messages
from django.shortcuts import render

from journal.access import journal_page
from journal.report.builder import default_start, range_links, report_context
from journal.report.forms import ReportRangeForm


@journal_page("report")
def report(request, journal):
    today = journal.profile.today()
    usual_start = default_start(journal.profile, today)
    # Before any choice the fields show the dates in use, not empty boxes.
    form = ReportRangeForm(
        request.GET or None,
        initial={"start": usual_start, "end": today},
        today=today,
        default_start=usual_start,
    )
    start, end = form.dates()
    if form.is_bound and not form.is_valid():
        reasons = " ".join(error for errors in form.errors.values() for error in errors)
        messages.warning(
            request, f"Those dates could not be used: {reasons} Showing the usual range instead."
        )
        form = ReportRangeForm(
            initial={"start": start, "end": end}, today=today, default_start=start
        )
    elif form.end_was_clipped:
        messages.info(request, "The report ends today: it cannot cover days still to come.")
    ctx = {
        "journal": journal,
        "form": form,
        "patient_name": journal.patient_name,
        "today": today,
        "since_last_visit": start == journal.profile.last_visit_on,
        **report_context(journal, start, end),
    }
    if journal.is_caregiver:
        ctx["range_links"] = range_links(journal, today, start, end)
    return render(request, "journal/report.html", ctx)
