"""Trends: symptom grades against dose changes, blood pressure, per-dose and per-cycle-day."""

from datetime import timedelta

from django.shortcuts import render

from journal.access import journal_page
from journal.filter_links import choice_links, symptom_links
from journal.models import (
    SymptomReport,
)
from journal.trends.builder import RANGES, build_trends
from journal.trends.forms import TrendsForm
from library.models import Symptom


def trend_symptoms(journal) -> list[Symptom]:
    """The tracked symptoms and any the patient ever reported (one query)."""
    return journal.profile.symptoms_shown(SymptomReport.objects.for_patient(journal.patient))


@journal_page("trends")
def trends(request, journal):
    symptoms = trend_symptoms(journal)
    range_key, symptom = TrendsForm(request.GET, symptoms=symptoms).choice()
    range_label, days = RANGES[range_key]
    today = journal.profile.today()
    start = today - timedelta(days=days - 1) if days else None
    data = build_trends(
        patient=journal.patient,
        symptoms=[symptom] if symptom else symptoms,
        start=start,
        end=today,
    )
    current = {"range": range_key, "symptom": symptom.slug if symptom else ""}
    ctx = {
        "journal": journal,
        "patient_name": journal.patient_name,
        "trends": data,
        "chart_data": data.chart_data(),
        "range_label": range_label,
        "symptom": symptom,
        "range_links": choice_links(
            journal.url("trends"),
            current,
            [(label, {"range": key}) for key, (label, _) in RANGES.items()],
        ),
        "symptom_links": symptom_links(
            journal.url("trends"), current, symptoms, everything="All symptoms"
        ),
    }
    return render(request, "journal/trends.html", ctx)
