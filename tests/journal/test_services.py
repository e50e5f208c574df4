from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from journal.daylog.services import DAY_CHANGED, daylog_save
from journal.models import (
    ChangeReason,
    DayLog,
    DoseTaken,
    Regimen,
    ReportInput,
    SymptomReport,
    Treatment,
)
from journal.treatments.services import treatment_change, treatment_start, treatment_stop
from tests.conftest import make_day, make_treatment

START = date(2025, 3, 3)
TODAY = date(2025, 9, 1)


def sunitinib_values(drug, **kwargs):
    """``regimen`` and ``reason`` for the services: 50 mg, 4 weeks on and 2 off, unless
    ``kwargs`` say otherwise."""
    regimen = {"drug": drug, "dose_mg": Decimal("50"), "days_on": 28, "days_off": 14}
    regimen.update(kwargs)
    return {"regimen": Regimen(**regimen), "reason": ChangeReason.PROGRESSION}


def test_change_dose_closes_the_current_period_and_opens_the_next(patient, imatinib, sunitinib):
    current = make_treatment(patient, imatinib, starts_on=START)
    new = treatment_change(
        patient=patient, starts_on=START + timedelta(days=60), **sunitinib_values(sunitinib)
    )
    current.refresh_from_db()
    assert current.ends_on == START + timedelta(days=59)
    assert new.ends_on is None
    assert new.reason == ChangeReason.PROGRESSION
    assert list(Treatment.objects.for_patient(patient).open()) == [new]


def test_change_dose_moves_already_logged_days_to_the_new_period(patient, imatinib, sunitinib):
    current = make_treatment(patient, imatinib, starts_on=START)
    before = make_day(patient, START + timedelta(days=59))
    after = make_day(patient, START + timedelta(days=60))
    assert after.treatment == current
    new = treatment_change(
        patient=patient, starts_on=START + timedelta(days=60), **sunitinib_values(sunitinib)
    )
    before.refresh_from_db()
    after.refresh_from_db()
    assert before.treatment == current
    assert after.treatment == new


def test_change_must_not_start_before_the_current_period(patient, imatinib, sunitinib):
    current = make_treatment(patient, imatinib, starts_on=START)
    with pytest.raises(ValidationError) as error:
        treatment_change(
            patient=patient, starts_on=START - timedelta(days=1), **sunitinib_values(sunitinib)
        )
    assert "starts_on" in error.value.message_dict
    current.refresh_from_db()
    assert current.ends_on is None
    assert Treatment.objects.count() == 1


def test_change_from_the_day_the_period_started_corrects_it(patient, imatinib):
    current = make_treatment(
        patient, imatinib, dose_mg=Decimal("800"), starts_on=START, reason=ChangeReason.FIRST
    )
    day = make_day(patient, START)
    corrected = treatment_change(
        patient=patient,
        starts_on=START,
        **sunitinib_values(imatinib, dose_mg=Decimal("400"), days_on=None, days_off=None),
    )
    assert corrected.pk == current.pk
    assert corrected.dose_mg == Decimal("400")
    assert corrected.reason == ChangeReason.FIRST  # a correction, not a change of treatment
    assert Treatment.objects.for_patient(patient).count() == 1
    day.refresh_from_db()
    assert day.treatment == corrected


def test_a_correction_that_changes_nothing_is_refused(patient, imatinib):
    make_treatment(patient, imatinib, starts_on=START)
    with pytest.raises(ValidationError, match="already have"):
        treatment_change(
            patient=patient,
            starts_on=START,
            **sunitinib_values(imatinib, dose_mg=Decimal("400"), days_on=None, days_off=None),
        )


def test_change_without_a_current_period_is_refused(patient, sunitinib):
    with pytest.raises(ValidationError):
        treatment_change(patient=patient, starts_on=START, **sunitinib_values(sunitinib))


def test_failed_change_leaves_the_current_period_open(patient, imatinib, sunitinib):
    current = make_treatment(patient, imatinib, starts_on=START)
    with pytest.raises(IntegrityError):
        treatment_change(
            patient=patient,
            starts_on=START + timedelta(days=10),
            **sunitinib_values(sunitinib, dose_mg=Decimal("0")),
        )
    current.refresh_from_db()
    assert current.ends_on is None
    assert Treatment.objects.count() == 1


def test_start_refuses_an_overlap_with_a_clear_message(patient, imatinib, sunitinib):
    make_treatment(patient, imatinib, starts_on=START, ends_on=START + timedelta(days=30))
    with pytest.raises(ValidationError) as error:
        treatment_start(
            patient=patient, starts_on=START + timedelta(days=30), **sunitinib_values(sunitinib)
        )
    assert "overlaps your Imatinib 400 mg period" in error.value.message_dict["starts_on"][0]


def test_backdated_start_links_days_logged_before_it_was_recorded(patient, sunitinib):
    early = make_day(patient, START - timedelta(days=1))
    logged = make_day(patient, START + timedelta(days=3))
    assert logged.treatment is None
    new = treatment_start(patient=patient, starts_on=START, **sunitinib_values(sunitinib))
    logged.refresh_from_db()
    early.refresh_from_db()
    assert logged.treatment == new
    assert early.treatment is None


def test_a_past_period_can_be_recorded_before_the_current_one(patient, imatinib, sunitinib):
    make_treatment(patient, sunitinib, starts_on=START)
    past = treatment_start(
        patient=patient,
        regimen=Regimen(drug=imatinib, dose_mg=Decimal("400")),
        starts_on=START - timedelta(days=100),
        ends_on=START - timedelta(days=1),
    )
    assert past.ends_on == START - timedelta(days=1)
    assert Treatment.objects.for_patient(patient).open().get().drug == sunitinib


def test_stop_ends_the_period_and_unlinks_later_days(patient, imatinib):
    current = make_treatment(patient, imatinib, starts_on=START)
    last = make_day(patient, START + timedelta(days=5))
    later = make_day(patient, START + timedelta(days=6))
    treatment_stop(treatment=current, ends_on=START + timedelta(days=5))
    current.refresh_from_db()
    last.refresh_from_db()
    later.refresh_from_db()
    assert current.ends_on == START + timedelta(days=5)
    assert last.treatment == current
    assert later.treatment is None


def test_stop_before_the_start_is_refused(patient, imatinib):
    current = make_treatment(patient, imatinib, starts_on=START)
    with pytest.raises(ValidationError):
        treatment_stop(treatment=current, ends_on=START - timedelta(days=1))


def reports_for(symptoms, **grades):
    return [
        ReportInput(symptom=symptoms[slug.replace("_", "-")], grade=g)
        for slug, g in grades.items()
    ]


def test_saving_a_day_records_the_day_and_its_reports(patient, symptoms, imatinib):
    treatment = make_treatment(patient, imatinib, starts_on=START)
    log = daylog_save(
        patient=patient,
        day=START + timedelta(days=1),
        today=TODAY,
        dose_taken=DoseTaken.ALL,
        systolic=130,
        diastolic=85,
        note="Tired after the walk.",
        reports=reports_for(symptoms, fatigue=2, nausea=0),
    )
    log.refresh_from_db()
    assert log.treatment == treatment
    assert log.systolic == 130
    assert dict(log.reports.values_list("symptom__slug", "grade")) == {"fatigue": 2, "nausea": 0}


def test_saving_the_same_day_again_updates_it(patient, symptoms):
    day = START
    daylog_save(
        patient=patient,
        day=day,
        today=TODAY,
        note="first",
        reports=reports_for(symptoms, fatigue=1),
    )
    daylog_save(
        patient=patient,
        day=day,
        today=TODAY,
        note="second",
        reports=reports_for(symptoms, fatigue=3, headache=1),
    )
    assert DayLog.objects.count() == 1
    log = DayLog.objects.get()
    assert log.note == "second"
    assert dict(log.reports.values_list("symptom__slug", "grade")) == {"fatigue": 3, "headache": 1}


def test_a_day_before_the_first_treatment_has_no_treatment(patient, symptoms, imatinib):
    make_treatment(patient, imatinib, starts_on=START)
    log = daylog_save(patient=patient, day=START - timedelta(days=1), today=TODAY)
    assert log.treatment is None


def test_a_future_day_is_refused(patient):
    with pytest.raises(ValidationError):
        daylog_save(patient=patient, day=TODAY + timedelta(days=1), today=TODAY)
    assert not DayLog.objects.exists()


def test_saving_is_all_or_nothing(patient, symptoms):
    with pytest.raises(IntegrityError):
        daylog_save(
            patient=patient, day=START, today=TODAY, reports=reports_for(symptoms, fatigue=7)
        )
    assert not DayLog.objects.exists()
    assert not SymptomReport.objects.exists()


def data_queries(context) -> list[str]:
    """The statements that read or write rows (savepoints of nested atomics left out)."""
    return [
        query["sql"]
        for query in context.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_saving_ten_symptoms_is_a_handful_of_queries(patient, symptoms, imatinib):
    make_treatment(patient, imatinib, starts_on=START)
    ten = [ReportInput(symptom=symptom, grade=1) for symptom in list(symptoms.values())[:10]]
    # A first save: the day (read, with the treatment in force), the treatment, the day's
    # insert, the reports (one upsert), the month's figures (a delete and an insert). An
    # update: the day with its treatment, its update, the reports, the month's figures.
    # PostgreSQL locks the journal first (``Profile.objects.lock_journal``); SQLite needs not.
    lock = connection.features.has_select_for_update
    for expected in (6 + lock, 5 + lock):
        with CaptureQueriesContext(connection) as context:
            daylog_save(patient=patient, day=START, today=TODAY, reports=ten)
        assert len(data_queries(context)) == expected
    assert SymptomReport.objects.count() == 10


def test_a_save_over_a_day_saved_since_it_was_loaded_is_refused_and_changes_nothing(
    patient, symptoms
):
    daylog_save(patient=patient, day=START, today=TODAY, note="first phone")
    with pytest.raises(ValidationError) as refused:
        daylog_save(patient=patient, day=START, today=TODAY, note="second", base_revision=0)
    assert refused.value.code == DAY_CHANGED
    log = DayLog.objects.get()
    assert (log.note, log.revision) == ("first phone", 1)
    daylog_save(patient=patient, day=START, today=TODAY, note="second", base_revision=1)
    log.refresh_from_db()
    assert (log.note, log.revision) == ("second", 2)
