"""Past days, newest first, filterable by symptom and date range."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from journal.access import journal_page
from journal.forms import HistoryFilterForm
from journal.models import DayLog, SymptomReport
from journal.views import choice_links

DAYS_PER_PAGE = 30
# Date ranges a caregiver can pick (their page has no form): label, days back (None: all).
PRESET_RANGES = [("All dates", None), ("Last 30 days", 30), ("Last 90 days", 90)]


def filter_links(journal, cleaned: dict) -> dict:
    """The symptom and date filters as links, for a caregiver's page (one query)."""
    today = journal.profile.today()
    symptom, start, end = cleaned.get("symptom"), cleaned.get("start"), cleaned.get("end")
    current = {
        "symptom": symptom.slug if symptom else "",
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
    }
    base = journal.url("history")
    ranges = [
        (
            label,
            {"start": (today - timedelta(days=days - 1)).isoformat() if days else "", "end": ""},
        )
        for label, days in PRESET_RANGES
    ]
    shown = journal.profile.symptoms_shown(SymptomReport.objects.for_patient(journal.patient))
    symptoms = [(s.name, {"symptom": s.slug}) for s in shown]
    return {
        "range_links": choice_links(base, current, ranges),
        "symptom_links": choice_links(
            base, current, [("Any symptom", {"symptom": ""}), *symptoms]
        ),
    }


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
    is_valid = form.is_bound and form.is_valid()
    if is_valid:
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
        "is_filtered": is_valid and any(form.cleaned_data.values()),
    }
    if journal.is_caregiver:
        ctx.update(filter_links(journal, form.cleaned_data if is_valid else {}))
    return render(request, "journal/history.html", ctx)
