"""The day log (one page, one form, everything about one day), the history of days, and the journal's front page."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
)

from journal.access import journal_page
from journal.daylog.forms import DayLogForm, HistoryFilterForm
from journal.daylog.services import daylog_save
from journal.filter_links import choice_links
from journal.models import (
    EARLIEST_DATE,
    DayLog,
    DoseTaken,
    Grade,
    Profile,
    SymptomReport,
    Treatment,
)
from library.models import entries_by_symptom


def parse_day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Http404("Not a date.") from None
    # One address per day: Python also reads "20260105" and "2026-W02-1" as dates.
    if day.isoformat() != text or day < EARLIEST_DATE:
        raise Http404("Not a day anyone logged.")
    return day


@require_GET
@login_required
def today(request):
    return redirect("journal:day", Profile.objects.for_user(request.user).today().isoformat())


GUIDANCE_PER_SYMPTOM = 3


def _guidance(symptoms, drug) -> dict[int, list]:
    """The library's entries beside each symptom: first those for the current drug (or for
    no drug in particular), topped up with entries about other drugs, patient tips first.

    Practical tips (insoles, creams) carry over between drugs of one class; trial figures
    for another drug do not, so they come last. Two queries for all the symptoms.
    """
    if drug is None:
        return entries_by_symptom(symptoms, limit=GUIDANCE_PER_SYMPTOM)
    own = entries_by_symptom(symptoms, drug=drug, limit=GUIDANCE_PER_SYMPTOM)
    if all(len(entries) >= GUIDANCE_PER_SYMPTOM for entries in own.values()):
        return own
    every = entries_by_symptom(symptoms, limit=None)
    guidance = {}
    for symptom_id, entries in own.items():
        others = sorted(
            (entry for entry in every[symptom_id] if entry not in entries),
            key=lambda entry: not entry.is_tip,
        )
        guidance[symptom_id] = (entries + others)[:GUIDANCE_PER_SYMPTOM]
    return guidance


def _initial(*, log, previous, symptoms, treatment, day) -> dict:
    if log is not None:
        initial = DayLogForm.initial_from(log)
    else:
        # A new day starts at "None" everywhere: logging a good day is one tap on Save.
        initial = {f"grade_{symptom.slug}": Grade.NONE for symptom in symptoms}
    if previous is not None:
        initial.update(DayLogForm.initial_from(previous, with_day_values=False))
    if log is None or previous is not None:
        # The schedule decides a planned break; a copied break means nothing on an on-day.
        if treatment is not None and not treatment.is_on_day(day):
            initial["dose_taken"] = DoseTaken.BREAK
        elif initial.get("dose_taken") == DoseTaken.BREAK:
            initial["dose_taken"] = ""
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def day(request, day: str):
    patient = request.user
    profile = Profile.objects.for_user(patient)
    today = profile.today()
    day = parse_day(day)
    if day > today:
        raise Http404("That day has not happened yet.")

    symptoms = profile.symptoms_shown(
        SymptomReport.objects.for_patient(patient).filter(day__date=day)
    )
    form = None
    if request.method == "POST":
        form = DayLogForm(request.POST, symptoms=symptoms)
        if form.is_valid():
            try:
                daylog_save(
                    patient=patient,
                    day=day,
                    today=today,
                    reports=form.report_inputs(),
                    **form.day_values(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Saved {day:%A} {day.day} {day:%B}.")
                return redirect("journal:day", day.isoformat())

    # Only a page to show needs these: a successful save has redirected already.
    treatment = Treatment.objects.for_patient(patient).on(day).select_related("drug").first()
    log = DayLog.objects.for_patient(patient).filter(date=day).with_reports().first()
    previous_date = (
        DayLog.objects.for_patient(patient).before(day).values_list("date", flat=True).first()
    )
    if form is None:
        previous = None
        if request.GET.get("copy") == "previous" and previous_date is not None:
            previous = (
                DayLog.objects.for_patient(patient).filter(date=previous_date).with_reports().get()
            )
            messages.info(
                request,
                f"Filled in from {previous_date:%A} {previous_date.day} {previous_date:%B}. "
                "Check it and save.",
            )
        form = DayLogForm(
            initial=_initial(
                log=log, previous=previous, symptoms=symptoms, treatment=treatment, day=day
            ),
            symptoms=symptoms,
        )

    alert_symptoms = log.alert_symptoms() if log is not None else []
    ctx = {
        "day": day,
        "today": today,
        "log": log,
        "form": form,
        "rows": form.symptom_rows(),
        "treatment": treatment,
        "cycle": treatment.cycle_day(day) if treatment else None,
        "is_off_day": treatment is not None and not treatment.is_on_day(day),
        "entries": _guidance(symptoms, treatment.drug if treatment else None),
        "previous_date": previous_date,
        "previous_is_yesterday": previous_date == day - timedelta(days=1),
        "day_before": day - timedelta(days=1) if day > EARLIEST_DATE else None,
        "day_after": day + timedelta(days=1) if day < today else None,
        "alert_symptoms": alert_symptoms,
        "bp_alert": log is not None and log.bp_alert,
        "care_team_phone": profile.care_team_phone,
    }
    return render(request, "journal/day.html", ctx)


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
            logs = logs.having_symptom(symptom)
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


STRIP_DAYS = 14


# journal_page first: a caregiver's POST is a 403 (read-only), the owner's a 405.
@journal_page("dashboard")
@require_GET
def dashboard(request, journal):
    patient, profile = journal.patient, journal.profile
    today = profile.today()
    strip_start = today - timedelta(days=STRIP_DAYS - 1)
    days = [strip_start + timedelta(days=offset) for offset in range(STRIP_DAYS)]

    treatment = Treatment.objects.for_patient(patient).on(today).select_related("drug").first()
    # Fourteen days at most, whatever the length of the journal.
    logs = list(
        DayLog.objects.for_patient(patient)
        .between(strip_start, today)
        .with_reports()
        .order_by("date")
    )
    logs_by_date = {log.date: log for log in logs}
    tracked = list(profile.tracked_symptoms.filter(is_active=True).order_by("order", "name"))

    grades = {
        (log.date, report.symptom_id): report.grade for log in logs for report in log.reports.all()
    }
    strip = [
        {"symptom": symptom, "cells": [(day, grades.get((day, symptom.pk))) for day in days]}
        for symptom in tracked
    ]
    alerts = [
        {"log": log, "symptoms": log.alert_symptoms(), "bp": log.bp_alert}
        for log in reversed(logs)
        if log.has_alert
    ]
    patient_name = journal.patient_name
    ctx = {
        "journal": journal,
        "patient_name": patient_name,
        # The alert notice speaks to the patient, or tells a caregiver whose care team it means.
        "alert_for": patient_name if journal.is_caregiver else "",
        "history_url": journal.url("history"),
        "today": today,
        "today_log": logs_by_date.get(today),
        "treatment": treatment,
        "cycle": treatment.cycle_day(today) if treatment else None,
        "days": days,
        "strip": strip,
        "alerts": alerts,
        "care_team_phone": profile.care_team_phone,
        "logged_this_month": DayLog.objects.for_patient(patient)
        .between(today.replace(day=1), today)
        .count(),
        "days_this_month": today.day,
    }
    return render(request, "journal/dashboard.html", ctx)
