"""The journal's front page: today, the current treatment, the last two weeks."""

from datetime import timedelta

from django.shortcuts import render
from django.views.decorators.http import require_GET

from journal.access import journal_page
from journal.models import DayLog, Treatment

STRIP_DAYS = 14


# journal_page first: a caregiver's POST is a 403 (read-only), the owner's a 405.
@journal_page("dashboard")
@require_GET
def dashboard(request, journal):
    patient, profile = journal.patient, journal.profile
    today = profile.today()
    strip_start = today - timedelta(days=STRIP_DAYS - 1)
    days = [strip_start + timedelta(days=offset) for offset in range(STRIP_DAYS)]

    treatment = (
        Treatment.objects.for_patient(patient).current(today).select_related("drug").first()
    )
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
    patient_name = patient.get_full_name() or patient.get_username()
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
