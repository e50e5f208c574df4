"""Journal fixtures: the shipped library, treatments, and a patient with two years of days."""

import random
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from journal.models import DayLog, DoseTaken, Profile, SymptomReport, Treatment
from library.models import Drug, Symptom


@pytest.fixture
def library(db):
    """The library content that ships with the code (symptoms, drugs, presets, entries)."""
    call_command("load_library", stdout=StringIO())


@pytest.fixture
def symptoms(library):
    return {symptom.slug: symptom for symptom in Symptom.objects.all()}


@pytest.fixture
def sunitinib(library):
    return Drug.objects.get(slug="sunitinib")


@pytest.fixture
def imatinib(library):
    return Drug.objects.get(slug="imatinib")


@pytest.fixture
def profile(patient, library):
    return Profile.objects.for_user(patient)


@pytest.fixture
def today(profile):
    return profile.today()


def make_treatment(patient, drug, **kwargs):
    kwargs.setdefault("dose_mg", Decimal("400"))
    kwargs.setdefault("starts_on", date(2025, 1, 1))
    return Treatment.objects.create(patient=patient, drug=drug, **kwargs)


def make_day(patient, day, grades=None, **kwargs):
    """A day log with reports: ``grades`` maps Symptom -> grade."""
    kwargs.setdefault("dose_taken", DoseTaken.ALL)
    kwargs.setdefault("treatment", Treatment.objects.in_force(patient, day))
    log = DayLog.objects.create(patient=patient, date=day, **kwargs)
    for symptom, grade in (grades or {}).items():
        SymptomReport.objects.create(day=log, symptom=symptom, grade=grade)
    return log


@pytest.fixture
def long_journal(patient, profile, today, imatinib, sunitinib):
    """Two years of daily logs, every tracked symptom graded each day, notes here and there."""
    rng = random.Random(4)
    start = today - timedelta(days=729)
    first = make_treatment(patient, imatinib, starts_on=start, ends_on=start + timedelta(days=364))
    second = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("50"),
        days_on=28,
        days_off=14,
        starts_on=start + timedelta(days=365),
        reason="progression",
    )
    tracked = list(profile.tracked_symptoms.all())
    logs = DayLog.objects.bulk_create(
        DayLog(
            patient=patient,
            date=start + timedelta(days=offset),
            treatment=first if offset < 365 else second,
            dose_taken=DoseTaken.ALL,
            systolic=120 + offset % 50,
            diastolic=80 + offset % 25,
            note="A note." if offset % 10 == 0 else "",
        )
        for offset in range(730)
    )
    if not all(log.pk for log in logs):  # SQLite before 3.35 returns no ids
        logs = list(DayLog.objects.for_patient(patient).order_by("date"))
    SymptomReport.objects.bulk_create(
        SymptomReport(day=log, symptom=symptom, grade=rng.randint(0, 4))
        for log in logs
        for symptom in tracked
    )
    return logs
