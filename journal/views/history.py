"""Past days, newest first, filterable by symptom and date range."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from journal.access import journal_page
from journal.forms import HistoryFilterForm
from journal.models import DayLog

DAYS_PER_PAGE = 30


# journal_page first: a caregiver's POST is a 403 (read-only), the owner's a 405.
@journal_page("history")
@require_GET
def history(request, journal):
    form = HistoryFilterForm(request.GET or None)
    logs = (
        DayLog.objects.for_patient(journal.patient)
        .with_treatment()
        .with_worst_grade()
        .with_reports()
        .order_by("-date")
    )
    symptom = None
    if form.is_bound and form.is_valid():
        symptom = form.cleaned_data["symptom"]
        logs = logs.between(form.cleaned_data["start"], form.cleaned_data["end"])
        if symptom is not None:
            logs = logs.with_symptom(symptom)
    page = Paginator(logs, DAYS_PER_PAGE).get_page(request.GET.get("page"))
    ctx = {
        "journal": journal,
        "form": form,
        "symptom": symptom,
        "page": page,
        "is_filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
    }
    return render(request, "journal/history.html", ctx)
