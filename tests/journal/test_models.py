from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from journal.models import DayLog, Grade, SymptomReport, Treatment
from tests.conftest import make_day, make_standard_sunitinib, make_treatment

START = date(2025, 3, 3)


def cycled(days_on, days_off, **kwargs):
    return Treatment(
        starts_on=START, days_on=days_on, days_off=days_off, dose_mg=Decimal("50"), **kwargs
    )


@pytest.mark.parametrize(
    ("days_on", "days_off", "offset", "label", "is_on"),
    [
        # 4 weeks on, 2 off
        (28, 14, 0, "day 1 of 42, on treatment", True),
        (28, 14, 22, "day 23 of 42, on treatment", True),
        (28, 14, 27, "day 28 of 42, on treatment", True),
        (28, 14, 28, "off week 1 of 2", False),
        (28, 14, 34, "off week 1 of 2", False),
        (28, 14, 35, "off week 2 of 2", False),
        (28, 14, 41, "off week 2 of 2", False),
        (28, 14, 42, "day 1 of 42, on treatment", True),
        (28, 14, 42 * 5 + 30, "off week 1 of 2", False),
        # 3 weeks on, 1 off
        (21, 7, 0, "day 1 of 28, on treatment", True),
        (21, 7, 20, "day 21 of 28, on treatment", True),
        (21, 7, 21, "off week 1 of 1", False),
        (21, 7, 27, "off week 1 of 1", False),
        (21, 7, 28, "day 1 of 28, on treatment", True),
    ],
)
def test_cycle_day_names_each_day_of_a_cycled_schedule(days_on, days_off, offset, label, is_on):
    treatment = cycled(days_on, days_off)
    day = START + timedelta(days=offset)
    assert treatment.cycle_day(day).label == label
    assert treatment.is_on_day(day) is is_on


def test_cycle_day_counts_off_days_when_the_break_is_not_whole_weeks():
    treatment = cycled(5, 2)
    assert treatment.cycle_day(START + timedelta(days=5)).label == "off day 1 of 2"
    assert treatment.cycle_day(START + timedelta(days=6)).label == "off day 2 of 2"


def test_continuous_schedule_has_no_cycle_day_and_every_day_is_on():
    treatment = Treatment(starts_on=START, dose_mg=Decimal("400"))
    assert treatment.cycle_day(START + timedelta(days=100)) is None
    assert treatment.is_on_day(START + timedelta(days=100))


def test_cycle_day_is_none_outside_the_period():
    treatment = cycled(28, 14, ends_on=START + timedelta(days=40))
    assert treatment.cycle_day(START - timedelta(days=1)) is None
    assert treatment.cycle_day(START + timedelta(days=41)) is None
    assert treatment.cycle_day(START + timedelta(days=40)).label == "off week 2 of 2"


def test_a_new_period_restarts_the_cycle_at_day_one(patient, sunitinib):
    first = make_standard_sunitinib(
        patient, sunitinib, starts_on=START, ends_on=START + timedelta(days=9)
    )
    second = make_standard_sunitinib(patient, sunitinib, starts_on=START + timedelta(days=10))
    boundary = START + timedelta(days=10)
    assert first.cycle_day(boundary) is None
    assert second.cycle_day(boundary).label == "day 1 of 42, on treatment"
    assert Treatment.objects.for_patient(patient).on(boundary).get() == second
    assert Treatment.objects.for_patient(patient).on(boundary - timedelta(days=1)).get() == first


def test_overlapping_period_is_refused_by_the_database(patient, imatinib):
    make_treatment(patient, imatinib, starts_on=START, ends_on=START + timedelta(days=30))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_treatment(
            patient,
            imatinib,
            starts_on=START + timedelta(days=30),
            ends_on=START + timedelta(days=60),
        )
    assert Treatment.objects.count() == 1


def test_open_period_overlapping_a_later_one_is_refused(patient, imatinib):
    make_treatment(patient, imatinib, starts_on=START + timedelta(days=30))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_treatment(patient, imatinib, starts_on=START, ends_on=START + timedelta(days=30))


def test_extending_a_period_over_the_next_is_refused(patient, imatinib):
    first = make_treatment(patient, imatinib, starts_on=START, ends_on=START + timedelta(days=9))
    make_treatment(patient, imatinib, starts_on=START + timedelta(days=10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Treatment.objects.filter(pk=first.pk).update(ends_on=START + timedelta(days=10))
    first.refresh_from_db()
    assert first.ends_on == START + timedelta(days=9)


def test_adjacent_periods_and_other_patients_periods_are_fine(patient, stranger, imatinib):
    make_treatment(patient, imatinib, starts_on=START, ends_on=START + timedelta(days=9))
    make_treatment(patient, imatinib, starts_on=START + timedelta(days=10))
    make_treatment(stranger, imatinib, starts_on=START)
    assert Treatment.objects.count() == 3


def test_updating_a_period_without_moving_it_is_not_an_overlap(patient, imatinib):
    period = make_treatment(patient, imatinib, starts_on=START)
    period.maker = "Generic maker"
    period.ends_on = START + timedelta(days=5)
    period.save()
    assert Treatment.objects.get().ends_on == START + timedelta(days=5)


@pytest.mark.parametrize("dose", [Decimal("0"), Decimal("5000")])
def test_implausible_dose_is_refused_by_the_database(patient, imatinib, dose):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_treatment(patient, imatinib, dose_mg=dose)


def test_grade_outside_0_to_4_is_refused_by_the_database(patient, symptoms):
    log = make_day(patient, START)
    with pytest.raises(IntegrityError), transaction.atomic():
        SymptomReport.objects.create(day=log, symptom=symptoms["fatigue"], grade=5)


def test_systolic_below_diastolic_is_refused_by_the_database(patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        DayLog.objects.create(patient=patient, date=START, systolic=80, diastolic=90)


@pytest.mark.parametrize(
    ("systolic", "diastolic", "alert"),
    [(159, 99, False), (160, 90, True), (140, 100, True), (None, None, False)],
)
def test_blood_pressure_alert_from_160_over_100(systolic, diastolic, alert):
    assert DayLog(systolic=systolic, diastolic=diastolic).bp_alert is alert


def test_worst_grade_and_symptom_filter(patient, symptoms):
    fatigue, nausea = symptoms["fatigue"], symptoms["nausea"]
    make_day(patient, START, {fatigue: Grade.SEVERE, nausea: Grade.MILD})
    make_day(patient, START + timedelta(days=1), {fatigue: Grade.MILD, nausea: Grade.NONE})
    make_day(patient, START + timedelta(days=2))
    logs = DayLog.objects.for_patient(patient).with_worst_grade().order_by("date")
    assert [log.worst_grade for log in logs] == [3, 1, None]
    assert list(
        DayLog.objects.for_patient(patient).having_symptom(nausea).values_list("date", flat=True)
    ) == [START]
