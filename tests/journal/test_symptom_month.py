"""The stored monthly figures: in step with the reports after every write, and what the
whole journal's trends page reads them for."""

import importlib
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from journal.account.services import account_delete
from journal.daylog.services import daylog_save
from journal.models import (
    GRADE_COLUMNS,
    DayLog,
    Grade,
    Profile,
    Regimen,
    ReportInput,
    SymptomMonth,
    SymptomReport,
    Treatment,
    stored_grade_rows,
)
from journal.treatments.services import treatment_change, treatment_start, treatment_stop
from journal.trends.builder import build_trends
from library.formatting import percent
from tests.conftest import (
    make_day,
    make_dose_reduction,
    make_long_journal,
    make_treatment,
    make_user,
)
from tests.journal.test_import import confirm, preview_of
from tests.journal.test_views_day import day_url, form_data
from tests.pages import table_rows

TODAY = date(2025, 6, 30)
MARCH = date(2025, 3, 1)


def stored_rows(patient) -> list[dict]:
    return list(SymptomMonth.objects.for_patient(patient).grades_and_sums())


def live_rows(patient) -> list[dict]:
    return list(SymptomReport.objects.for_patient(patient).grades_and_sums_by("month"))


def march_rows(patient, symptom) -> dict:
    """The stored March rows of ``symptom``, by treatment id (None: outside any period)."""
    rows = SymptomMonth.objects.for_patient(patient).filter(month=MARCH, symptom=symptom)
    return {row.treatment_id: (row.worst, row.days, row.total, row.days_2_plus) for row in rows}


@pytest.fixture
def other(library, hfs, fatigue):
    """Another patient with two months of journal: no write of Pat's may touch their rows."""
    user = make_user("other")
    make_long_journal(user, days=60, until=TODAY, symptoms=[hfs, fatigue])
    return user


def rows_of(user) -> list[dict]:
    """Every stored row of ``user``, ids included: rewritten rows would have new ones."""
    return list(SymptomMonth.objects.filter(patient=user).order_by("pk").values())


@pytest.fixture
def others_rows(other):
    rows = rows_of(other)
    assert rows
    return rows


def save(patient, day, grades, **answers):
    """Save ``day`` as the day log does, ``grades`` mapping Symptom -> grade."""
    reports = [ReportInput(symptom=symptom, grade=grade) for symptom, grade in grades.items()]
    return daylog_save(patient=patient, day=day, today=TODAY, reports=reports, **answers)


# --- Every write keeps them in step -----------------------------------------------------------


def test_a_new_day_counts_in_its_month(patient, hfs, fatigue, other, others_rows):
    save(patient, date(2025, 3, 3), {hfs: 2, fatigue: 1})
    save(patient, date(2025, 3, 20), {hfs: 1, fatigue: 0})

    assert march_rows(patient, hfs) == {None: (2, 2, 3, 1)}
    assert stored_rows(patient) == live_rows(patient)
    assert rows_of(other) == others_rows


def test_a_grade_saved_again_is_the_months_new_worst(patient, hfs, other, others_rows):
    save(patient, date(2025, 3, 3), {hfs: 1})
    save(patient, date(2025, 3, 20), {hfs: 4})
    assert march_rows(patient, hfs) == {None: (4, 2, 5, 1)}

    save(patient, date(2025, 3, 20), {hfs: 0})

    assert march_rows(patient, hfs) == {None: (1, 2, 1, 0)}
    assert stored_rows(patient) == live_rows(patient)
    assert rows_of(other) == others_rows


def test_a_symptom_left_unanswered_is_a_month_without_a_grade(patient, hfs, fatigue):
    save(patient, date(2025, 3, 3), {hfs: 3, fatigue: 2})

    save(patient, date(2025, 3, 3), {hfs: None, fatigue: 2})

    assert march_rows(patient, hfs) == {None: (None, 0, None, 0)}
    assert march_rows(patient, fatigue) == {None: (2, 1, 2, 1)}
    assert stored_rows(patient) == live_rows(patient)


def log_march(patient, hfs) -> None:
    """Each day from 1 to 20 March 2025: hand-foot syndrome mild, severe on the 15th."""
    for day in range(1, 21):
        make_day(patient, date(2025, 3, day), {hfs: 3 if day == 15 else 1})


def test_the_stored_rows_read_are_one_patients_months_as_the_orm_reads_them(
    patient, hfs, fatigue, imatinib, other
):
    """``stored_grade_rows`` runs Django's SQL, compiled once, with the ids given: one
    patient's rows (and one symptom's), as tuples equal to the ORM's, dates as dates."""
    make_treatment(patient, imatinib, starts_on=MARCH + timedelta(days=9))
    log_march(patient, hfs)
    make_day(patient, date(2025, 4, 2), {hfs: None, fatigue: 2})
    months = SymptomMonth.objects.for_patient(patient).grades_and_sums()

    rows = stored_grade_rows(patient.pk)

    assert rows == list(months.values_list(*GRADE_COLUMNS))
    # Each database sorts the days outside any period (NULL) to its own end of March.
    assert sorted((symptom_id, on, worst) for symptom_id, on, _, worst, *_ in rows) == sorted(
        [
            (hfs.pk, MARCH, 1),  # the days before imatinib
            (hfs.pk, MARCH, 3),
            (hfs.pk, date(2025, 4, 1), None),  # asked, not answered
            (fatigue.pk, date(2025, 4, 1), 2),
        ]
    )
    assert stored_grade_rows(patient.pk, fatigue.pk) == [
        row for row in rows if row[0] == fatigue.pk
    ]
    assert stored_grade_rows(other.pk, hfs.pk) == list(
        SymptomMonth.objects.for_patient(other)
        .filter(symptom=hfs)
        .grades_and_sums()
        .values_list(*GRADE_COLUMNS)
    )


def test_starting_a_treatment_counts_its_days_under_it(
    patient, profile, hfs, imatinib, other, others_rows
):
    log_march(patient, hfs)
    assert march_rows(patient, hfs) == {None: (3, 20, 22, 1)}

    started = treatment_start(
        patient=patient, regimen=Regimen(drug=imatinib, dose_mg=Decimal(400)), starts_on=MARCH
    )

    assert march_rows(patient, hfs) == {started.pk: (3, 20, 22, 1)}
    assert stored_rows(patient) == live_rows(patient)
    assert rows_of(other) == others_rows


def test_a_change_in_mid_month_splits_the_month_between_the_periods(
    patient, profile, hfs, imatinib, sunitinib, other, others_rows
):
    first = make_treatment(patient, imatinib, starts_on=date(2025, 1, 1))
    log_march(patient, hfs)
    assert march_rows(patient, hfs) == {first.pk: (3, 20, 22, 1)}

    second = treatment_change(
        patient=patient,
        regimen=Regimen(drug=sunitinib, dose_mg=Decimal(50)),
        starts_on=date(2025, 3, 11),
        reason="progression",
    )

    assert march_rows(patient, hfs) == {first.pk: (1, 10, 10, 0), second.pk: (3, 10, 12, 1)}
    assert stored_rows(patient) == live_rows(patient)
    assert rows_of(other) == others_rows


def test_a_stop_leaves_the_later_days_outside_any_period(
    patient, hfs, imatinib, other, others_rows
):
    period = make_treatment(patient, imatinib, starts_on=date(2025, 1, 1))
    log_march(patient, hfs)

    treatment_stop(treatment=period, ends_on=date(2025, 3, 14))

    assert march_rows(patient, hfs) == {period.pk: (1, 14, 14, 0), None: (3, 6, 8, 1)}
    assert stored_rows(patient) == live_rows(patient)
    assert rows_of(other) == others_rows


def test_correcting_a_regimen_on_its_first_day_keeps_the_months(patient, profile, hfs, imatinib):
    period = treatment_start(
        patient=patient, regimen=Regimen(drug=imatinib, dose_mg=Decimal(400)), starts_on=MARCH
    )
    make_day(patient, date(2025, 3, 2), {hfs: 2})

    treatment_change(
        patient=patient,
        regimen=Regimen(drug=imatinib, dose_mg=Decimal(300)),
        starts_on=MARCH,
        reason="side_effects",
    )

    assert march_rows(patient, hfs) == {period.pk: (2, 1, 2, 1)}
    assert stored_rows(patient) == live_rows(patient)


def test_an_import_counts_its_days_with_those_already_in_the_month(
    patient_client, patient, fatigue, other, others_rows
):
    make_day(patient, date(2025, 3, 4), {fatigue: 3})

    preview_of(patient_client, "date,symptom,grade\n2025-03-05,Fatigue,1\n2025-04-01,Fatigue,2\n")
    confirm(patient_client)

    assert march_rows(patient, fatigue) == {None: (3, 2, 4, 1)}
    assert stored_rows(patient) == live_rows(patient)
    assert len(stored_rows(patient)) == 2  # March and April
    assert rows_of(other) == others_rows


def test_an_imported_journal_has_its_periods_months(
    client, patient, sunitinib, hfs, fatigue, other, others_rows
):
    make_dose_reduction(patient, sunitinib, hfs, fatigue, date(2025, 3, 3))
    client.force_login(patient)
    exported = client.get(reverse("journal:export_json")).content
    newcomer = make_user("newcomer")
    Profile.objects.for_user(newcomer)
    client.force_login(newcomer)

    preview_of(client, exported, "gist-journal.json")
    confirm(client)

    high, low = Treatment.objects.for_patient(newcomer).order_by("starts_on")
    assert march_rows(newcomer, hfs) == {high.pk: (3, 14, 23, 9), low.pk: (2, 14, 14, 3)}
    assert stored_rows(newcomer) == live_rows(newcomer)
    assert rows_of(other) == others_rows


def test_the_demo_journal_has_its_months(library):
    call_command("seed_demo", stdout=StringIO())
    demo = get_user_model().objects.get(username="demo")

    assert len(stored_rows(demo)) > 10
    assert stored_rows(demo) == live_rows(demo)


def test_deleting_an_account_deletes_its_months(patient, hfs, imatinib, other, others_rows):
    make_treatment(patient, imatinib, starts_on=date(2025, 1, 1))
    make_day(patient, date(2025, 3, 3), {hfs: 2})
    patient_id = patient.pk

    account_delete(user=patient)

    assert not SymptomMonth.objects.filter(patient_id=patient_id).exists()
    assert rows_of(other) == others_rows


# --- Refresh and the migration ----------------------------------------------------------------


def test_refresh_adds_up_the_whole_months_around_the_days_given(patient, hfs):
    for day in (date(2025, 2, 27), date(2025, 3, 2), date(2025, 3, 29), date(2025, 4, 1)):
        log = DayLog.objects.create(patient=patient, date=day)
        SymptomReport.objects.create(day=log, symptom=hfs, grade=day.day % 5)

    SymptomMonth.objects.refresh(patient.pk, date(2025, 3, 15), date(2025, 3, 16))

    # The days before and after in the month count; the months around are left alone.
    assert [(row["on"], row["days"], row["total"]) for row in stored_rows(patient)] == [
        (MARCH, 2, 2 + 4)
    ]
    SymptomMonth.objects.refresh(patient)
    assert stored_rows(patient) == live_rows(patient)
    assert len(stored_rows(patient)) == 3


def test_the_migration_fills_every_patients_months(patient, sunitinib, hfs, fatigue, other):
    make_dose_reduction(patient, sunitinib, hfs, fatigue, date(2025, 3, 17))  # to 13 April
    make_day(patient, date(2025, 3, 2), {hfs: None, fatigue: 1})  # before any period
    expected = {user: stored_rows(user) for user in (patient, other)}
    SymptomMonth.objects.all().delete()
    migration = importlib.import_module("journal.migrations.0013_symptom_month")

    migration.fill_symptom_months(apps, SimpleNamespace(connection=connection))

    for user in (patient, other):
        assert stored_rows(user) == expected[user] == live_rows(user)
    # March: both symptoms outside any period and on 50 mg, hand-foot syndrome on 37.5 mg
    # too; April: hand-foot syndrome on 37.5 mg.
    assert len(expected[patient]) == 6


# --- The whole journal's trends page ----------------------------------------------------------

FOUR_YEARS = 4 * 365


def month_label(day: date) -> str:
    return f"{day:%b %Y}"


@pytest.fixture
def four_years(patient, profile, today, hfs, fatigue):
    """Four years of days up to today, charted by month on "All": imatinib, then sunitinib 4
    weeks on and 2 off (``make_long_journal``), hand-foot syndrome and fatigue graded every
    day. Hand-foot syndrome is mild all month a year ago, and none at all this month.
    Returns that month of a year ago."""
    profile.tracked_symptoms.set([hfs, fatigue])
    make_long_journal(patient, days=FOUR_YEARS, until=today, symptoms=[hfs, fatigue])
    a_year_ago = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    reports = SymptomReport.objects.for_patient(patient).filter(symptom=hfs)
    reports.filter(day__date__year=a_year_ago.year, day__date__month=a_year_ago.month).update(
        grade=Grade.MILD
    )
    reports.filter(day__date__gte=today.replace(day=1)).update(grade=Grade.NONE)
    SymptomMonth.objects.refresh(patient)  # the updates went round the saves
    return a_year_ago


def symptom_table(page: bytes, symptom) -> list[list[str]]:
    """The rows (month, worst day) of ``symptom``'s table."""
    figure = page.decode().split(f'id="symptom-{symptom.slug}-title"', 1)[1]
    return table_rows(figure.split("</figure>", 1)[0], "symptom-table")[1:]


def expected_tables(patient, symptom) -> tuple[list[list[str]], list[list[str]]]:
    """What the page should show, added up here from the reports themselves: ``symptom``'s
    table (each month's worst in words) and the by-dose table's rows of every symptom (by
    name)."""
    reports = SymptomReport.objects.for_patient(patient).answered()
    worst: dict[date, int] = {}
    for day, grade in reports.filter(symptom=symptom).values_list("day__date", "grade"):
        month = day.replace(day=1)
        worst[month] = max(grade, worst.get(month, grade))
    months = [[month_label(m), Grade(worst[m]).label] for m in sorted(worst)]
    grades: dict[tuple[str, date], list[int]] = {}
    for name, starts_on, grade in reports.filter(day__treatment__isnull=False).values_list(
        "symptom__name", "day__treatment__starts_on", "grade"
    ):
        grades.setdefault((name, starts_on), []).append(grade)
    starts = sorted({starts_on for _, starts_on in grades})
    dose_rows = []
    for name in sorted({name for name, _ in grades}):
        row = [name]
        for starts_on in starts:
            period = grades[(name, starts_on)]
            moderate = sum(1 for grade in period if grade >= 2)
            average = f"{round(sum(period) / len(period), 1):.1f}".removesuffix(".0")
            row.append(
                f"{percent(moderate, len(period))}% ({moderate} of {len(period)} days) "
                f"average {average}"
            )
        dose_rows.append(row)
    return months, dose_rows


def test_the_whole_journal_by_month_shows_what_its_reports_add_up_to(
    patient_client, patient, hfs, today, four_years, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = patient_client.get(reverse("journal:trends"), {"range": "all"}).content

    months, dose_rows = expected_tables(patient, hfs)
    assert symptom_table(page, hfs) == months
    assert len(months) >= 48  # four years: a row each month
    assert [month_label(four_years), "Mild"] in months
    assert months[-1] == [month_label(today), "None"]
    assert sorted(table_rows(page, "by-dose")[2:]) == dose_rows


def test_a_day_saved_shows_at_once_on_the_whole_journals_page(
    patient_client, patient, profile, hfs, today, four_years
):
    url = reverse("journal:trends")
    page = patient_client.get(url, {"range": "all"}).content
    before = sorted(table_rows(page, "by-dose")[2:])

    for day, grade in ((four_years + timedelta(days=9), "3"), (today, "2")):
        answers = form_data(profile, **{f"grade_{hfs.slug}": grade})
        assert patient_client.post(day_url(day), answers).status_code == 302

    page = patient_client.get(url, {"range": "all"}).content
    months, dose_rows = expected_tables(patient, hfs)
    assert symptom_table(page, hfs) == months
    assert [month_label(four_years), "Severe"] in months
    assert months[-1] == [month_label(today), "Moderate"]
    assert sorted(table_rows(page, "by-dose")[2:]) == dose_rows != before


@pytest.mark.parametrize("only", [False, True])
def test_the_whole_journal_takes_in_a_day_logged_after_today(
    patient, hfs, fatigue, today, four_years, only
):
    """A patient who moves west across the date line may have logged "tomorrow". The whole
    journal is every day of it: charted to that day, from the stored months, exactly as
    adding up its reports does."""
    tomorrow = today + timedelta(days=1)
    make_day(patient, tomorrow, {hfs: 4, fatigue: 1}, systolic=150, diastolic=95)
    first_day = today - timedelta(days=FOUR_YEARS - 1)
    kwargs = {"patient": patient, "symptoms": [hfs, fatigue]}
    if only:
        kwargs["only"] = hfs

    stored = build_trends(start=None, end=today, **kwargs)
    live = build_trends(start=first_day, end=tomorrow, **kwargs)  # a start: the reports read

    assert stored.bucket == live.bucket == "month"
    assert stored.end == tomorrow
    assert stored.days_logged == live.days_logged == FOUR_YEARS + 1
    assert [s.points for s in stored.series] == [s.points for s in live.series]
    assert stored.series[0].points[-1]["grade_label"] == "Very severe"  # none all month else
    assert stored.blood_pressure[-1] == live.blood_pressure[-1]
    assert [row.cells for row in stored.dose_rows] == [row.cells for row in live.dose_rows]
    last_period = stored.dose_rows[0].cells[-1]
    days = SymptomReport.objects.for_patient(patient).filter(
        symptom=hfs, day__treatment=Treatment.objects.for_patient(patient).latest("starts_on")
    )
    assert last_period.days == days.count()
    assert len(stored.series) == (1 if only else 2)


def test_a_month_across_a_start_of_treatment_is_the_worse_of_its_two_rows(
    patient, hfs, imatinib, today
):
    """Days outside any period make a row of their own (``treatment`` NULL), which each
    database sorts to its own end: the chart takes the worse of the month's rows, and the
    by-dose table leaves that row out, whatever their order."""
    first = (today - timedelta(days=FOUR_YEARS)).replace(day=1)
    make_day(patient, first, {hfs: 3})
    make_treatment(patient, imatinib, starts_on=first + timedelta(days=3))
    make_day(patient, first + timedelta(days=5), {hfs: 1})
    make_day(patient, today, {hfs: 0})

    trends = build_trends(patient=patient, symptoms=[hfs], start=None, end=today)

    assert trends.bucket == "month"
    assert trends.series[0].points[0]["grade"] == 3
    assert [cell.days for cell in trends.dose_rows[0].cells] == [2]


def wait_until_a_query_waits_for_a_lock() -> None:
    """Until another connection waits for a lock (PostgreSQL's ``pg_locks``): a fixed sleep
    could let the first save commit before the second had reached it."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the second save never waited for the first")


@pytest.mark.django_db(transaction=True)
def test_two_saves_in_one_month_at_the_same_moment_both_count(patient, profile, hfs):
    """Two phones save two days of March at once. Each save rewrites March's stored rows
    (a delete, then an insert): unserialised on PostgreSQL, the second's delete would miss
    the first's new rows and its insert fail on them. SQLite's transactions are serialised
    already, and threads share its in-memory test database badly (see test_reminders)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises its writers")
    save(patient, date(2025, 3, 3), {hfs: 1})  # March has its rows already
    first_saved, first_may_commit = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                save(patient, date(2025, 3, 10), {hfs: 3})
                first_saved.set()
                first_may_commit.wait(10)
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    def second():
        try:
            first_saved.wait(10)
            save(patient, date(2025, 3, 20), {hfs: 2})
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    wait_until_a_query_waits_for_a_lock()  # the second save, held up by the first
    first_may_commit.set()
    for thread in threads:
        thread.join()

    assert errors == []
    assert march_rows(patient, hfs) == {None: (3, 3, 6, 2)}
    assert stored_rows(patient) == live_rows(patient)
