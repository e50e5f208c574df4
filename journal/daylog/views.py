"""The day log (one page, one form, everything about one day), the history of days, and the
journal's front page (today, the current treatment, the last two weeks)."""

from collections import defaultdict
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
)

from journal.access import journal_page
from journal.daylog.builder import DayPage
from journal.daylog.forms import DayLogForm, GoToDayForm, HistoryFilterForm
from journal.daylog.history_cards import history_cards
from journal.daylog.services import daylog_save
from journal.filter_links import since_links, symptom_links
from journal.models import (
    AlertRules,
    DayLog,
    Profile,
    SymptomReport,
    Treatment,
)
from library.cache import kept_warning_signs_by_id
from library.models import Symptom, guidance_for


@require_GET
@login_required
def today(request):
    return redirect("journal:day", Profile.objects.for_user(request.user).today().isoformat())


@require_http_methods(["GET", "POST"])
@login_required
def day(request, day: date):
    profile = Profile.objects.for_user(request.user)
    if day > profile.today():
        raise Http404("That day has not happened yet.")
    form = None
    if request.method == "POST":
        # Only what the check needs: a valid save redirects, and draws no page.
        form = DayLogForm(request.POST, **DayPage.save_form_kwargs(profile, day))
        if _saved(form, patient=request.user, day=day, today=profile.today()):
            rest = " Symptoms you had not answered are saved as None." if form.rest_is_none else ""
            messages.success(request, f"Saved {day:%A} {day.day} {day:%B}.{rest}")
            return redirect("journal:day", day.isoformat())
    page = DayPage.build(profile, day, symptoms=form.symptoms if form else None)
    if form is not None and form.has_error(NON_FIELD_ERRORS, DayLogForm.DAY_CHANGED):
        ctx = page.conflict_context(request, form)
        return render(request, "journal/day_conflict.html", ctx, status=409)
    return render(request, "journal/day.html", page.context(request, form))


@require_GET
@login_required
def day_helps(request, day: date, slug: str):
    """A day log's "What helps" box, loaded when the patient opens it: the entries for the
    drug they took that day, with their own votes."""
    profile = Profile.objects.for_user(request.user)
    if day > profile.today():
        raise Http404("That day has not happened yet.")
    symptom = get_object_or_404(Symptom.objects.filter(is_active=True), slug=slug)
    treatment = Treatment.objects.for_patient(request.user).on(day).select_related("drug").first()
    drug = treatment.drug if treatment else None
    ctx = {
        "symptom": symptom,
        "entries": guidance_for([symptom], drug, reader=request.user)[symptom.pk],
        "drug": drug,
        "can_vote": True,
        # The votes' own form on the day page, outside the day log's: forms cannot nest.
        "vote_form": "helpful-vote",
    }
    return render(request, "library/includes/symptom_guidance_entries.html", ctx)


def _saved(form, *, patient, day: date, today: date) -> bool:
    """Save a valid form; a refusal from the save goes on the form, beside nothing saved."""
    if not form.is_valid():
        return False
    try:
        daylog_save(
            patient=patient,
            day=day,
            today=today,
            reports=form.report_inputs(),
            warning_signs=form.cleaned_data["warning_signs"],
            base_revision=form.cleaned_data["base_revision"],
            **form.day_values(),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


DAYS_PER_PAGE = 30


# Date ranges a caregiver can pick (their page has no form): label, days back (None: all).
PRESET_RANGES = [("All dates", None), ("Last 30 days", 30), ("Last 90 days", 90)]


def _history_filter_links(journal, cleaned: dict) -> dict:
    """The symptom and date filters as links, for a caregiver's page (one query)."""
    today = journal.profile.today()
    symptom, start, end = cleaned.get("symptom"), cleaned.get("start"), cleaned.get("end")
    current = {
        "symptom": symptom.slug if symptom else "",
        "start": start.isoformat() if start else "",
        "end": end.isoformat() if end else "",
    }
    base = journal.url("history")
    presets = [
        (label, today - timedelta(days=days - 1) if days else None)
        for label, days in PRESET_RANGES
    ]
    shown = journal.profile.symptoms_tracked_or_ever_reported()
    return {
        "range_links": since_links(base, current, presets),
        "symptom_links": symptom_links(base, current, shown, everything="Any symptom"),
    }


@journal_page("history")
def history(request, journal):
    go = None
    if not journal.is_caregiver:
        data = request.GET if "go" in request.GET else None
        go = GoToDayForm(data, today=journal.profile.today())
        if go.is_bound and go.is_valid():
            return redirect("journal:day", go.cleaned_data["go"].isoformat())
    form = HistoryFilterForm(request.GET or None)
    logs = DayLog.objects.for_patient(journal.patient).for_history_cards().order_by("-date")
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
        "go": go,
        "symptom": symptom,
        "page": page,
        "cards": history_cards(page, journal=journal, symptom=symptom),
        "is_filtered": is_valid and any(form.cleaned_data.values()),
    }
    if journal.is_caregiver:
        ctx.update(_history_filter_links(journal, form.cleaned_data if is_valid else {}))
    return render(request, "journal/history.html", ctx)


STRIP_DAYS = 14
FILL_IN_DAYS = 30


@journal_page("dashboard")
def dashboard(request, journal):
    patient, profile = journal.patient, journal.profile
    today = profile.today()
    # Newest first: on a phone the grid opens on the days a patient remembers.
    days = [today - timedelta(days=back) for back in range(STRIP_DAYS)]
    logs, grades, signs = _days_and_grades(patient, days[-1], today)
    today_log = next((log for log in logs if log.date == today), None)
    treatment = Treatment.objects.of_day(patient, today, today_log)
    rules = AlertRules.for_patient(patient)
    ctx = {
        "journal": journal,
        "patient_name": journal.patient_name,
        # The alert notice speaks to the patient, or tells a caregiver whose care team it means.
        "alert_for": journal.patient_name if journal.is_caregiver else "",
        "history_url": journal.url("history"),
        "today": today,
        "today_log": today_log,
        "treatment": treatment,
        "cycle": treatment.cycle_day(today) if treatment else None,
        "days": days,
        "strip": _grade_strip(profile, logs, grades, days),
        "alerts": [
            alarms
            for alarms in (
                rules.of_day_grades(log, grades[log.pk], signs[log.pk]) for log in reversed(logs)
            )
            if alarms
        ],
        "care_team_phone": profile.care_team_phone,
        "emergency": profile.emergency_call(),
        "days_this_month": today.day,
        **_not_logged_and_month(patient, today),
    }
    return render(request, "journal/dashboard.html", ctx)


def _days_and_grades(patient, start: date, end: date) -> tuple[list, dict, dict]:
    """The days logged from ``start`` to ``end`` (fourteen at most, whatever the length of
    the journal), each one's grades as ``(symptom id, grade)`` rows and its ticked warning
    signs (the library's kept rows), by day id: rows, not a report object each, which was a
    third of the dashboard's time. Three queries."""
    logs = list(
        DayLog.objects.for_patient(patient)
        .between(start, end)
        .with_treatment()  # its drug decides the alerts: no query for it
        .order_by("date")
    )
    ids = [log.pk for log in logs]
    grades, signs = defaultdict(list), defaultdict(list)
    for day_id, symptom_id, grade in SymptomReport.objects.filter(day__in=ids).grade_rows():
        grades[day_id].append((symptom_id, grade))
    kept = kept_warning_signs_by_id()
    for day_id, sign_id in DayLog.objects.filter(pk__in=ids).ticked_sign_ids():
        signs[day_id].append(kept[sign_id])
    return logs, grades, signs


def _not_logged_and_month(patient, today: date) -> dict:
    """Days of the last month to fill in, newest first (one tap each, not one a day back),
    and how many days of this month are logged: one query for both."""
    start = min(today - timedelta(days=FILL_IN_DAYS), today.replace(day=1))
    logged = set(
        DayLog.objects.for_patient(patient).between(start, today).values_list("date", flat=True)
    )
    fill_in = [today - timedelta(days=back) for back in range(1, FILL_IN_DAYS + 1)]
    month = [today - timedelta(days=back) for back in range(today.day)]
    return {
        "not_logged": [day for day in fill_in if day not in logged],
        "logged_this_month": sum(day in logged for day in month),
    }


def _grade_strip(profile, logs, grades, days) -> list[dict]:
    """Per tracked symptom, a cell for each of ``days``: ``logged`` (the day was), ``grade``
    (None on a logged day: not answered). ``grades``: each day's (symptom id, grade) rows."""
    logged = {log.date for log in logs}
    cells = {(log.date, symptom_id): grade for log in logs for symptom_id, grade in grades[log.pk]}
    tracked = profile.tracked_symptoms.filter(is_active=True).order_by("order", "name")
    return [
        {
            "symptom": symptom,
            "cells": [
                {"day": day, "logged": day in logged, "grade": cells.get((day, symptom.pk))}
                for day in days
            ],
        }
        for symptom in tracked
    ]
