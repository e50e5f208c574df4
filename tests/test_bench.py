"""The benchmark's data builder and query counting, at a tiny scale (no timing here)."""

from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command

from bench.build_db import build
from bench.run import MAX_QUERIES, PAGES, count_queries
from journal.models import CareShare, DayLog, SymptomReport, Treatment
from library.models import Symptom

TODAY = date(2026, 3, 2)


@pytest.fixture
def journal(db, tmp_path):
    call_command("load_library", stdout=(tmp_path / "load.log").open("w"))
    return build(today=TODAY, password="a-long-bench-password", heavy_days=60, others=3)


def test_builder_makes_a_heavy_patient_a_caregiver_and_others(journal):
    heavy = DayLog.objects.filter(patient__username=journal.heavy_username)
    assert heavy.latest("date").date == TODAY
    assert heavy.earliest("date").date > date(2025, 12, 1)
    # Every logged day of the heavy patient has every library symptom.
    every = Symptom.objects.active().count()
    assert SymptomReport.objects.filter(day__in=heavy).count() == every * heavy.count()
    share = CareShare.objects.active().get(pk=journal.share_id)
    assert share.caregiver.username == journal.caregiver_username
    assert Treatment.objects.filter(patient__username__startswith="bench-patient-").count() == 3
    assert journal.day_logs == DayLog.objects.count()
    assert journal.reports == SymptomReport.objects.count()


def test_builder_links_each_day_to_the_treatment_in_force(journal):
    periods = defaultdict(list)
    for treatment in Treatment.objects.all():
        periods[treatment.patient_id].append(treatment)
    logs = list(DayLog.objects.all())
    for log in logs:
        in_force = [t.pk for t in periods[log.patient_id] if t.is_current_on(log.date)]
        assert [log.treatment_id] == (in_force or [None]), log.date
    assert sum(log.treatment_id is not None for log in logs) > 300


def test_every_page_answers_within_the_query_budget(journal):
    counts = count_queries(journal=journal, today=TODAY)
    assert set(counts) == {page.name for page in PAGES}
    assert counts["healthz"]["queries"] == 0
    for name, measured in counts.items():
        assert measured["queries"] <= MAX_QUERIES, name
        if name != "healthz":
            assert measured["queries"] > 0, name
    # The save went through: today now holds the benchmark's note.
    assert DayLog.objects.get(patient__username=journal.heavy_username, date=TODAY).note
