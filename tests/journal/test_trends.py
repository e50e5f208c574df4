"""Trends: the aggregating querysets against hand-computed numbers, the chart payload, the page."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import DayLog, DoseTaken, Profile, SymptomReport, Treatment
from journal.trends.builder import (
    bucket_for,
    build_trends,
    change_label,
    off_periods,
    period_label,
)
from library.cache import kept_symptoms
from library.formatting import percent
from library.models import Symptom
from tests.conftest import (
    HFS_AT_37_5,
    HFS_AT_50,
    make_day,
    make_dose_reduction,
    make_long_journal,
    make_standard_sunitinib,
    make_symptom,
    make_treatment,
    make_user,
    warm,
)
from tests.pages import table_rows, visible_text

# --- Querysets -------------------------------------------------------------------------------


def test_sums_by_treatment_count_days_total_and_grade_2_or_worse(patient, sunitinib, hfs, fatigue):
    # The four weeks lie in March: by month, one row per period and symptom.
    high, low = make_dose_reduction(patient, sunitinib, hfs, fatigue, date(2025, 3, 3))

    rows = {
        (row["treatment_id"], row["symptom_id"]): row
        for row in SymptomReport.objects.for_patient(patient).grades_and_sums_by("month")
    }

    assert set(rows) == {(high.pk, hfs.pk), (high.pk, fatigue.pk), (low.pk, hfs.pk)}
    assert rows[high.pk, hfs.pk]["days"] == 14
    assert rows[high.pk, hfs.pk]["days_2_plus"] == 9
    assert rows[high.pk, hfs.pk]["total"] == 23  # an average of 23 / 14
    assert rows[low.pk, hfs.pk]["days"] == 14
    assert rows[low.pk, hfs.pk]["days_2_plus"] == 3
    assert rows[low.pk, hfs.pk]["total"] == 14
    assert rows[high.pk, fatigue.pk]["days_2_plus"] == 0


def test_by_dose_table_leaves_out_days_without_a_treatment(patient, hfs):
    make_day(patient, date(2025, 1, 1), {hfs: 3})

    trends = build_trends(patient=patient, symptoms=[hfs], start=None, end=date(2025, 1, 31))

    assert [p["grade"] for p in trends.series[0].points] == [3]  # charted all the same
    assert trends.periods == []
    assert trends.dose_rows == []
    assert trends.summary == ""


def test_sums_by_cycle_day_count_from_the_periods_start_in_sql(patient, sunitinib, hfs):
    # The period starts two days before the first log and the days cross a year end, so the
    # day of the cycle is neither the log's position nor anything a month boundary resets.
    cycle = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("50"),
        days_on=4,
        days_off=2,
        starts_on=date(2024, 12, 27),
    )
    grades = [1, 2, 3, 3, 1, 0, 1, 2, 3, 4, 2, 0]
    for n, grade in enumerate(grades):
        make_day(patient, date(2024, 12, 29) + timedelta(days=n), {hfs: grade}, treatment=cycle)

    rows = {
        row["cycle_day"]: row
        for row in SymptomReport.objects.for_patient(patient).sums_by_cycle_day(cycle)
    }

    # 29 Dec is day 3 of the cycle; each cycle day is seen twice, six days apart.
    expected = {3: 1 + 1, 4: 2 + 2, 5: 3 + 3, 6: 3 + 4, 1: 1 + 2, 2: 0 + 0}
    assert {day: row["total"] for day, row in rows.items()} == expected
    assert all(row["days"] == 2 for row in rows.values())
    for log in DayLog.objects.filter(patient=patient):
        assert log.treatment.cycle_day(log.date).day in rows


def test_weekly_worst_takes_the_highest_answered_grade_of_each_monday_week(patient, hfs):
    for day, grade in [(3, 1), (5, 3), (9, 2), (10, 0), (11, None), (12, 1), (17, None)]:
        make_day(patient, date(2025, 3, day), {hfs: grade})

    rows = list(SymptomReport.objects.for_patient(patient).grades_and_sums_by("week"))

    assert [(row["on"], row["worst"]) for row in rows] == [
        (date(2025, 3, 3), 3),
        (date(2025, 3, 10), 1),
        (date(2025, 3, 17), None),  # nothing answered that week: a gap, not a 0
    ]


def test_monthly_worst_takes_the_highest_answered_grade_of_each_calendar_month(patient, hfs):
    for day, grade in [
        (date(2025, 1, 31), 2),
        (date(2025, 2, 1), 1),
        (date(2025, 2, 28), 3),
        (date(2025, 3, 1), None),
    ]:
        make_day(patient, day, {hfs: grade})

    rows = list(SymptomReport.objects.for_patient(patient).grades_and_sums_by("month"))

    assert [(row["on"], row["worst"]) for row in rows] == [
        (date(2025, 1, 1), 2),
        (date(2025, 2, 1), 3),
        (date(2025, 3, 1), None),
    ]


def test_monthly_vitals_average_each_calendar_month(patient):
    make_day(patient, date(2025, 3, 1), systolic=140, diastolic=90)
    make_day(patient, date(2025, 3, 31), systolic=150, diastolic=100)
    make_day(patient, date(2025, 4, 1), systolic=120, diastolic=80)

    rows = list(DayLog.objects.for_patient(patient).vitals_by("month"))

    assert [(row["on"], row["avg_systolic"]) for row in rows] == [
        (date(2025, 3, 1), pytest.approx(145)),
        (date(2025, 4, 1), pytest.approx(120)),
    ]


@pytest.mark.parametrize(
    ("days", "bucket"), [(30, "day"), (31, "day"), (32, "week"), (1095, "week"), (1096, "month")]
)
def test_longer_ranges_are_charted_by_coarser_buckets(days, bucket):
    start = date(2020, 1, 1)
    assert bucket_for(start, start + timedelta(days=days - 1)) == bucket


@pytest.mark.parametrize(
    ("days", "bucket"), [(90, "day"), (366, "day"), (367, "week"), (1096, "month")]
)
def test_each_day_can_be_asked_for_up_to_a_year(days, bucket):
    start = date(2020, 1, 1)
    assert bucket_for(start, start + timedelta(days=days - 1), daily=True) == bucket


def test_daily_grades_are_one_row_per_symptom_and_day(patient, hfs, fatigue):
    make_day(patient, date(2025, 3, 2), {hfs: 2, fatigue: 1})
    make_day(patient, date(2025, 3, 1), {hfs: 3, fatigue: None})

    rows = list(SymptomReport.objects.for_patient(patient).grades_and_sums_by("day"))

    assert [(row["symptom_id"], row["on"], row["worst"]) for row in rows] == [
        (hfs.pk, date(2025, 3, 1), 3),
        (hfs.pk, date(2025, 3, 2), 2),
        (fatigue.pk, date(2025, 3, 1), None),
        (fatigue.pk, date(2025, 3, 2), 1),
    ]


def test_adherence_by_treatment_counts_each_answer(patient, sunitinib, hfs, fatigue):
    high, low = make_dose_reduction(patient, sunitinib, hfs, fatigue, date(2025, 1, 6))
    make_day(patient, date(2025, 2, 3), treatment=low, dose_taken="")
    make_day(patient, date(2024, 12, 30), dose_taken=DoseTaken.SOME)  # before any period

    rows = {row["treatment_id"]: row for row in DayLog.objects.adherence_by_treatment()}

    assert rows[high.pk] | {"treatment_id": 0} == {
        "treatment_id": 0,
        "days": 14,
        "first": date(2025, 1, 6),
        "last": date(2025, 1, 19),
        "taken_all": 10,
        "taken_some": 0,
        "missed": 0,
        "planned_break": 4,
        "unanswered": 0,
    }
    assert rows[low.pk]["days"] == 15
    assert (rows[low.pk]["first"], rows[low.pk]["last"]) == (date(2025, 1, 20), date(2025, 2, 3))
    assert rows[low.pk]["taken_all"] == 13
    assert rows[low.pk]["missed"] == 1
    assert rows[low.pk]["unanswered"] == 1
    assert None not in rows  # the day outside any period, only when asked for
    unlinked = {
        row["treatment_id"]: row
        for row in DayLog.objects.adherence_by_treatment(with_unlinked=True)
    }[None]
    assert (unlinked["days"], unlinked["taken_some"], unlinked["first"]) == (
        1,
        1,
        date(2024, 12, 30),
    )


def test_weekly_vitals_average_each_week(patient):
    make_day(patient, date(2025, 3, 3), systolic=140, diastolic=90, weight_kg=Decimal("70.0"))
    make_day(patient, date(2025, 3, 4), systolic=150, diastolic=95)
    make_day(patient, date(2025, 3, 12), weight_kg=Decimal("71.0"))
    make_day(patient, date(2025, 3, 13))

    rows = list(DayLog.objects.for_patient(patient).vitals_by("week"))

    assert [row["on"] for row in rows] == [date(2025, 3, 3), date(2025, 3, 10)]
    assert rows[0]["avg_systolic"] == pytest.approx(145)
    assert rows[0]["avg_diastolic"] == pytest.approx(92.5)
    assert float(rows[0]["avg_weight_kg"]) == pytest.approx(70.0)
    assert rows[1]["avg_systolic"] is None
    assert float(rows[1]["avg_weight_kg"]) == pytest.approx(71.0)


# --- Arranging the rows ----------------------------------------------------------------------


def test_percent_rounds_half_up():
    assert percent(9, 14) == 64
    assert percent(3, 14) == 21
    assert percent(1, 8) == 13
    assert percent(0, 0) == 0


def test_change_labels_name_what_changed(patient, sunitinib, imatinib):
    def period(drug, dose, **kwargs):
        return Treatment(patient=patient, drug=drug, dose_mg=Decimal(dose), **kwargs)

    fifty = period(sunitinib, "50", days_on=28, days_off=14)
    assert change_label(fifty, period(sunitinib, "37.5")) == "Sunitinib 50 mg → 37.5 mg"
    assert change_label(period(imatinib, "400"), fifty) == "Imatinib 400 mg → Sunitinib 50 mg"
    assert change_label(None, fifty) == "started Sunitinib 50 mg"
    assert (
        change_label(fifty, period(sunitinib, "50"))
        == "Sunitinib 50 mg: 4 weeks on, 2 weeks off → every day"
    )


def test_off_periods_follow_the_cycle_and_stop_with_the_period(patient, sunitinib):
    cycled = make_standard_sunitinib(
        patient, sunitinib, starts_on=date(2025, 1, 1), ends_on=date(2025, 3, 20)
    )
    assert off_periods([cycled], date(2025, 1, 1), date(2025, 3, 31)) == [
        {"from": date(2025, 1, 29), "to": date(2025, 2, 11)},
        {"from": date(2025, 3, 12), "to": date(2025, 3, 20)},
    ]
    # A range starting mid-break clips the band.
    assert off_periods([cycled], date(2025, 2, 5), date(2025, 2, 20)) == [
        {"from": date(2025, 2, 5), "to": date(2025, 2, 11)},
    ]


def test_build_trends_by_dose_summary_and_payload(patient, sunitinib, hfs, fatigue):
    first_day = date(2025, 1, 6)
    high, low = make_dose_reduction(patient, sunitinib, hfs, fatigue, first_day)
    end = first_day + timedelta(days=27)

    trends = build_trends(patient=patient, symptoms=[hfs, fatigue], start=first_day, end=end)

    assert trends.summary == (
        "Hand-foot syndrome: moderate or worse on 64% of days at 50 mg, 21% at 37.5 mg"
    )
    assert [p.treatment for p in trends.periods] == [high, low]
    assert [p.days_logged for p in trends.periods] == [14, 14]
    hfs_row, fatigue_row = trends.dose_rows
    assert hfs_row.cells[0].share_2_plus == 64
    assert hfs_row.cells[0].average == 1.6
    assert fatigue_row.cells[1] is None  # no fatigue reported on 37.5 mg
    assert trends.bucket == "day"

    data = trends.chart_data()
    assert data["changes"] == [
        {"on": "2025-01-06", "label": "started Sunitinib 50 mg", "number": 1},
        {"on": "2025-01-20", "label": "Sunitinib 50 mg → 37.5 mg", "number": 2},
    ]
    # Days 5-6 and 11-12 of the 4-on/2-off period are off days.
    assert data["offPeriods"] == [
        {"from": "2025-01-10", "to": "2025-01-11"},
        {"from": "2025-01-16", "to": "2025-01-17"},
    ]
    hfs_series = data["symptoms"][0]
    assert hfs_series["id"] == "symptom-hand-foot-syndrome"
    assert [grade for _, grade in hfs_series["points"]] == HFS_AT_50 + HFS_AT_37_5
    # A point's day is counted as the charts' axis counts it: days since 1 January 1970.
    assert hfs_series["points"][0] == [20094, 2]
    assert date(1970, 1, 1) + timedelta(days=20094) == date(2025, 1, 6)
    assert data["bloodPressure"]["points"][0] == [20094, 150, 95]
    assert len(data["weight"]["points"]) == 14
    assert data["weight"]["points"][0] == [20108, 70.5]  # 20 January
    # The table rows and the chart come from the same list.
    assert [p["grade"] for p in trends.series[0].points] == [
        grade for _, grade in hfs_series["points"]
    ]
    assert [p["off_day"] for p in trends.series[0].points][4:6] == [True, True]

    # The 4-on/2-off schedule ended before the range did: its chart waits to be asked for.
    assert trends.cycle_periods == [high]
    assert trends.cycle is None
    assert data["cycles"] == []
    asked = build_trends(
        patient=patient, symptoms=[hfs, fatigue], start=first_day, end=end, cycle=high.pk
    )
    (cycle,) = asked.chart_data()["cycles"]
    assert cycle["id"] == f"cycle-{high.pk}"
    assert cycle["length"] == 6
    assert cycle["daysOn"] == 4
    hfs_cycle = cycle["series"][0]["points"]
    # Cycle day 1 is 6, 12 and 18 Jan (grades 2, 0, 2): average 1.3.
    assert hfs_cycle[0] == [1, 1.3]
    assert [day for day, _ in hfs_cycle] == [1, 2, 3, 4, 5, 6]


def test_long_ranges_are_charted_by_weekly_worst_grade(patient, sunitinib, hfs, fatigue):
    first_day = date(2025, 1, 6)  # a Monday
    make_dose_reduction(patient, sunitinib, hfs, fatigue, first_day)

    trends = build_trends(
        patient=patient, symptoms=[hfs], start=first_day, end=first_day + timedelta(days=199)
    )

    assert trends.bucket == "week"
    points = trends.chart_data()["symptoms"][0]["points"]
    assert (
        points
        == [  # each on its Monday: 6, 13, 20 and 27 January
            [20094, max(HFS_AT_50[:7])],
            [20101, max(HFS_AT_50[7:])],
            [20108, max(HFS_AT_37_5[:7])],
            [20115, max(HFS_AT_37_5[7:])],
        ]
    )
    # By-dose numbers do not depend on the chart's bucket.
    assert "moderate or worse on 64% of days at 50 mg" in trends.summary


def test_sums_by_cycle_day_read_only_the_days_of_its_period(patient, sunitinib, hfs, fatigue):
    first_day = date(2025, 1, 6)
    high, low = make_dose_reduction(patient, sunitinib, hfs, fatigue, first_day)
    # Another patient's day, on the period's dates and linked to it, is not theirs to count.
    other = make_user("other")
    make_day(other, first_day, {hfs: 4}, treatment=high)

    rows = {
        (row["symptom_id"], row["cycle_day"]): row
        for row in SymptomReport.objects.for_patient(patient).sums_by_cycle_day(high)
    }

    # Only the 4-on/2-off fortnight: 14 days, days 1 and 2 of the cycle seen three times.
    assert sorted({day for _, day in rows}) == [1, 2, 3, 4, 5, 6]
    assert rows[hfs.pk, 1]["days"] == 3
    assert rows[hfs.pk, 1]["total"] == HFS_AT_50[0] + HFS_AT_50[6] + HFS_AT_50[12]
    assert sum(row["days"] for (symptom_id, _), row in rows.items() if symptom_id == hfs.pk) == 14


def test_a_week_across_a_dose_change_is_its_worst_day_and_split_by_dose(
    patient, sunitinib, hfs, fatigue
):
    """The week of Monday 6 January 2025 has days of two periods (the dose changes on
    Thursday): its point is the worst of all its days, and each period's by-dose figures
    count only their own days, leaving out unanswered ones."""
    high = make_treatment(patient, sunitinib, dose_mg=Decimal("50"), ends_on=date(2025, 1, 8))
    low = make_treatment(patient, sunitinib, dose_mg=Decimal("37.5"), starts_on=date(2025, 1, 9))
    make_day(patient, date(2025, 1, 6), {hfs: None, fatigue: 3})
    make_day(patient, date(2025, 1, 7), {hfs: None})
    make_day(patient, date(2025, 1, 9), {hfs: 2, fatigue: 1})
    make_day(patient, date(2025, 1, 10), {hfs: 1})
    make_day(patient, date(2025, 1, 13), {hfs: 1})

    trends = build_trends(
        patient=patient, symptoms=[hfs, fatigue], start=None, end=date(2025, 2, 28)
    )

    assert trends.bucket == "week"
    hfs_line, fatigue_line = trends.series
    assert [(p["on"], p["grade"], p["grade_label"]) for p in hfs_line.points] == [
        (date(2025, 1, 6), 2, "Moderate"),  # 50 mg's days unanswered, 37.5 mg's worst
        (date(2025, 1, 13), 1, "Mild"),
    ]
    assert [(p["grade"], p["grade_label"]) for p in fatigue_line.points] == [(3, "Severe")]
    assert [p.treatment for p in trends.periods] == [high, low]
    hfs_row, fatigue_row = trends.dose_rows
    assert hfs_row.cells[0] is None  # asked on 50 mg, never answered
    assert (hfs_row.cells[1].days, hfs_row.cells[1].average) == (3, 1.3)
    assert hfs_row.cells[1].days_2_plus == 1
    assert [(c.days, c.average, c.days_2_plus) for c in fatigue_row.cells] == [
        (1, 3.0, 1),
        (1, 1.0, 0),
    ]


def test_trends_symptoms_are_the_tracked_and_any_ever_reported(
    patient, profile, hfs, fatigue, symptoms
):
    other = make_user("other")
    nausea, headache, rash = symptoms["nausea"], symptoms["headache"], symptoms["skin-rash"]
    profile.tracked_symptoms.set([hfs, rash])
    rash.is_active = False
    rash.save()
    make_day(patient, date(2025, 1, 6), {fatigue: 1, nausea: None})
    make_day(other, date(2025, 1, 6), {headache: 2})
    reports = SymptomReport.objects.for_patient(patient)

    # Rash is tracked but retired from the library; headache is another person's report.
    assert set(profile.symptoms_shown(reports)) == {hfs, fatigue, nausea}
    assert profile.symptoms_shown(SymptomReport.objects.none()) == [hfs]
    # The journal's own list, from the stored months: the same symptoms in the same order.
    assert profile.symptoms_tracked_or_ever_reported() == profile.symptoms_shown(reports)


def test_a_retired_symptom_once_reported_stays_in_the_journals_symptoms_in_one_query(
    patient, profile, hfs, fatigue, symptoms, django_assert_num_queries
):
    rash = symptoms["skin-rash"]
    profile.tracked_symptoms.set([hfs, fatigue, rash])
    make_day(patient, date(2025, 1, 6), {rash: 3})
    rash.is_active = False
    rash.save()
    profile.tracked_symptoms.remove(rash)
    kept_symptoms()  # the library's rows, read once per library version

    with django_assert_num_queries(1):
        shown = profile.symptoms_tracked_or_ever_reported()

    # In the library's order, as its queries sort it.
    assert shown == list(Symptom.objects.filter(pk__in=[hfs.pk, fatigue.pk, rash.pk]))
    assert len(shown) == 3


# --- The page --------------------------------------------------------------------------------


@pytest.fixture
def recent_reduction(patient, profile, today, sunitinib, hfs, fatigue):
    """The dose reduction's four weeks, ending today, in a journal tracking the two symptoms."""
    profile.tracked_symptoms.set([hfs, fatigue])
    return make_dose_reduction(patient, sunitinib, hfs, fatigue, today - timedelta(days=27))


def trends_data(response) -> dict:
    match = re.search(
        r'<script id="trends-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_patient_sees_charts_tables_and_summary(patient_client, recent_reduction):
    response = patient_client.get(reverse("journal:trends"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Hand-foot syndrome: moderate or worse on 64% of days at 50 mg, 21% at 37.5 mg" in page
    assert "Sunitinib 50 mg → 37.5 mg" in page
    assert 'id="chart-symptom-hand-foot-syndrome"' in page
    assert 'id="chart-blood-pressure"' in page
    assert 'id="chart-weight"' in page
    assert "Show as table" in page
    assert "By day of the cycle" in page
    data = trends_data(response)
    assert data["changes"][-1]["label"] == "Sunitinib 50 mg → 37.5 mg"
    assert data["bucket"] == "day"


def test_treatment_changes_are_listed_with_their_dates(patient_client, recent_reduction):
    high, low = recent_reduction
    page = patient_client.get(reverse("journal:trends")).content.decode()

    changes = page.split('<ol class="treatment-changes">', 1)[1].split("</ol>", 1)[0]
    assert (
        f'<time datetime="{high.starts_on:%Y-%m-%d}">{high.starts_on:%-d %b %Y}</time>' in changes
    )
    assert visible_text(changes) == (
        f"{high.starts_on:%-d %b %Y} : started Sunitinib 50 mg "
        f"{low.starts_on:%-d %b %Y} : Sunitinib 50 mg → 37.5 mg"
    )


def test_by_dose_table_shows_each_periods_numbers(patient_client, recent_reduction):
    high, low = recent_reduction
    page = patient_client.get(reverse("journal:trends")).content

    # Symptoms down the side, the periods across: a phone shows two columns, not nine.
    assert table_rows(page, "by-dose") == [
        [
            "Symptom",
            f"Sunitinib 50 mg 4 days on, 2 days off, from {high.starts_on:%-d %b %Y} "
            f"to {high.ends_on:%-d %b %Y}",
            f"Sunitinib 37.5 mg every day, from {low.starts_on:%-d %b %Y}",
        ],
        ["Days logged", "14", "14"],
        ["Hand-foot syndrome", "64% (9 of 14 days) average 1.6", "21% (3 of 14 days) average 1"],
        ["Fatigue", "0% (0 of 14 days) average 1", "not recorded"],
    ]
    assert "How often each symptom was moderate or worse, by treatment period" in visible_text(
        page
    )
    assert "No days logged during a treatment period" not in visible_text(page)


def test_doses_taken_table_counts_each_answer_per_period(patient_client, recent_reduction):
    high, low = recent_reduction
    page = patient_client.get(reverse("journal:trends")).content

    assert table_rows(page, "adherence") == [
        [
            "Treatment",
            "Days logged",
            "Took all",
            "Took some",
            "Missed",
            "Planned break",
            "Not answered",
        ],
        [f"Sunitinib 50 mg, from {high.starts_on:%-d %b %Y}", "14", "10", "0", "0", "4", "0"],
        [f"Sunitinib 37.5 mg, from {low.starts_on:%-d %b %Y}", "14", "13", "0", "1", "0", "0"],
    ]


def test_weight_table_reads_as_a_person_writes_it(patient_client, recent_reduction):
    page = patient_client.get(reverse("journal:trends")).content

    weights = [row[1] for row in table_rows(page, "weight")[1:]]
    assert weights == ["70.5"] * 14


def test_page_has_no_inline_script_or_style(patient_client, recent_reduction):
    page = patient_client.get(reverse("journal:trends")).content.decode()
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in page


def test_range_all_and_a_symptom_narrow_the_page(patient_client, recent_reduction):
    response = patient_client.get(reverse("journal:trends"), {"range": "30", "symptom": "fatigue"})
    data = trends_data(response)
    assert [s["id"] for s in data["symptoms"]] == ["symptom-fatigue"]
    today = date.fromisoformat(data["end"])
    # The four weeks logged are inside the 30 days: the axis starts on the first of them.
    assert date.fromisoformat(data["start"]) == today - timedelta(days=27)

    response = patient_client.get(reverse("journal:trends"), {"range": "all"})
    data = trends_data(response)
    assert data["start"] == data["changes"][0]["on"]  # the first logged day


def test_unknown_range_or_symptom_falls_back_to_the_defaults(patient_client, recent_reduction):
    response = patient_client.get(
        reverse("journal:trends"), {"range": "forever", "symptom": "not-a-symptom"}
    )
    assert response.status_code == 200
    current = re.findall(r'<a class="nav-link active"[^>]*>([^<]*)</a>', response.content.decode())
    assert current == ["90 days", "All symptoms"]
    assert len(trends_data(response)["symptoms"]) == 2


def test_empty_journal_shows_friendly_page(patient_client, hfs):
    response = patient_client.get(reverse("journal:trends"))
    assert response.status_code == 200
    assert "No symptoms recorded in this range." in response.content.decode()


def test_owner_cannot_post_to_trends(patient_client):
    assert patient_client.post(reverse("journal:trends")).status_code == 405


def test_caregiver_trends_leave_out_nothing_but_forms(caregiver_client, share, recent_reduction):
    response = caregiver_client.get(reverse("care:trends", args=[share.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "You are viewing Pat's journal (read-only)" in page
    assert "Sunitinib 50 mg → 37.5 mg" in page
    # The only form is the site-wide log-out button.
    assert re.findall(r"<form[^>]*>", page) == [
        f'<form method="post" action="{reverse("logout")}" class="d-inline">'
    ]


# --- Reading at a glance on a phone ----------------------------------------------------------


def test_ninety_days_are_charted_by_each_weeks_worst_day(patient_client, long_journal, today):
    response = patient_client.get(reverse("journal:trends"))
    data = trends_data(response)
    text = visible_text(response.content)

    assert data["bucket"] == "week"
    assert len(data["symptoms"][0]["points"]) in (13, 14)
    assert "Each point on a symptom's chart is the worst day of its week" in text
    # The patient can still ask for each day.
    points = re.findall(
        r'<nav aria-label="Each point shows">(.*?)</nav>', response.content.decode(), re.S
    )
    assert visible_text(points[0]) == "The worst day of each week Each day"
    assert 'aria-current="page">The worst day of each week<' in points[0]

    daily = patient_client.get(reverse("journal:trends"), {"by": "day"})
    data = trends_data(daily)
    assert data["bucket"] == "day"
    assert len(data["symptoms"][0]["points"]) == 90
    assert 'aria-current="page">Each day<' in daily.content.decode()


def test_a_month_is_charted_by_day_with_no_choice_to_make(patient_client, long_journal):
    response = patient_client.get(reverse("journal:trends"), {"range": "30", "by": "day"})
    assert trends_data(response)["bucket"] == "day"
    assert "Each point shows" not in response.content.decode()


def test_each_symptom_has_a_colour_and_marker_no_other_has(patient, symptoms, today):
    every_symptom = sorted(symptoms.values(), key=lambda s: (s.order, s.name))
    make_day(patient, today, dict.fromkeys(every_symptom, 1))

    trends = build_trends(patient=patient, symptoms=every_symptom, start=None, end=today)
    looks = [(s["colour"], s["shape"], s["dashed"]) for s in trends.chart_data()["symptoms"]]

    assert len(looks) == len(every_symptom) > 8
    assert len(set(looks)) == len(looks)
    assert len({colour for colour, _, _ in looks[:7]}) == 7  # the first seven: seven colours
    # Narrowed to one symptom, it keeps its look.
    eighth = every_symptom[7]
    alone = build_trends(
        patient=patient, symptoms=every_symptom, only=eighth, start=None, end=today
    )
    (series,) = alone.chart_data()["symptoms"]
    assert (series["colour"], series["shape"], series["dashed"]) == looks[7]


def test_the_cycle_chart_has_a_key_with_each_symptoms_colour_and_marker(
    patient_client, recent_reduction
):
    high, _ = recent_reduction
    page = patient_client.get(reverse("journal:trends"), {"cycle": high.pk}).content.decode()
    legend = page.split('id="chart-cycle-', 1)[1].split("</ul>", 1)[0]

    assert visible_text(legend).endswith("Hand-foot syndrome Fatigue")
    keys = re.findall(
        r'class="trend-key (trend-colour-\d)[^"]*"[^>]*><span class="trend-marker '
        r'(trend-shape-\d)"',
        legend,
    )
    assert keys == [("trend-colour-0", "trend-shape-0"), ("trend-colour-1", "trend-shape-1")]


def test_not_answered_is_a_gap_in_the_line_and_said_in_the_table(
    patient_client, patient, profile, today, hfs, fatigue
):
    profile.tracked_symptoms.set([hfs, fatigue])
    monday = today - timedelta(days=today.weekday() + 7)
    make_day(patient, monday, {hfs: 2, fatigue: None})
    make_day(patient, monday + timedelta(days=1), {hfs: None, fatigue: None})
    make_day(patient, monday + timedelta(days=2), {hfs: 1, fatigue: None})
    make_day(patient, monday - timedelta(days=40))  # so that the page's span is charted by week

    response = patient_client.get(reverse("journal:trends"), {"range": "30"})
    data = trends_data(response)
    by_name = {s["name"]: [grade for _, grade in s["points"]] for s in data["symptoms"]}
    assert by_name == {"Hand-foot syndrome": [2, None, 1], "Fatigue": [None, None, None]}
    page = response.content
    assert [row[:2] for row in table_rows(page, "symptom-table")[1:4]] == [
        [f"{monday:%a %-d %b %Y}", "Moderate"],
        [f"{monday + timedelta(days=1):%a %-d %b %Y}", "Not answered"],
        [f"{monday + timedelta(days=2):%a %-d %b %Y}", "Mild"],
    ]
    assert "Fatigue Not answered on any day of this range." in visible_text(page)
    assert 'id="chart-symptom-fatigue"' not in page.decode()
    # A week's worst is of the days answered; a week of none answered is a gap too.
    weekly = build_trends(patient=patient, symptoms=[hfs, fatigue], start=None, end=today)
    assert weekly.bucket == "week"
    assert [p["grade"] for p in weekly.series[0].points] == [2]
    assert [p["grade_label"] for p in weekly.series[1].points] == ["Not answered"]


def test_a_single_logged_day_is_told_in_words_not_drawn_alone(
    patient_client, patient, profile, today, hfs
):
    profile.tracked_symptoms.set([hfs])
    make_day(patient, today, {hfs: 3}, systolic=150, diastolic=95)

    response = patient_client.get(reverse("journal:trends"))
    page = response.content.decode()
    text = visible_text(page)

    assert (
        "Only 1 day logged in this range so far. The charts start once 3 days are logged; "
        "until then, here are the numbers." in text
    )
    assert "<canvas" not in page
    assert "chart.umd.min.js" not in page
    assert table_rows(page, "symptom-table")[1][1] == "Severe"
    assert '<details class="mt-2" open>' in page


def test_the_axis_starts_at_the_first_day_logged(
    client, caregiver, share, patient, profile, today, hfs
):
    profile.tracked_symptoms.set([hfs])
    first = today - timedelta(days=9)
    for n in range(10):
        make_day(patient, first + timedelta(days=n), {hfs: n % 3})

    client.force_login(patient)
    response = client.get(reverse("journal:trends"))  # 90 days
    data = trends_data(response)

    assert data["start"] == first.isoformat()
    assert data["bucket"] == "day"
    assert f"{first:%-d %b %Y} to {today:%-d %b %Y}, from your first logged day." in visible_text(
        response.content
    )
    client.force_login(caregiver)
    caregiver_page = client.get(reverse("care:trends", args=[share.pk])).content
    assert "from Pat's first logged day." in visible_text(caregiver_page)


def test_the_page_speaks_in_words_not_grade_numbers(patient_client, recent_reduction):
    text = visible_text(patient_client.get(reverse("journal:trends")).content)

    assert "≥" not in text
    assert "grade 2" not in text.lower()
    assert "moderate or worse on 64% of days at 50 mg" in text


def test_a_symptoms_name_is_escaped_in_every_table_and_legend(
    patient_client, patient, profile, recent_reduction
):
    """The trends tables are written in Python: a name with markup in it is still text."""
    high, _ = recent_reduction
    itch = make_symptom("itch", name="<script>alert(1)</script> itch", alert_grade=None)
    profile.tracked_symptoms.add(itch)
    for log in DayLog.objects.filter(patient=patient, treatment=high):
        SymptomReport.objects.create(day=log, symptom=itch, grade=2)

    page = patient_client.get(reverse("journal:trends"), {"cycle": high.pk}).content.decode()

    assert "<script>alert(1)" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; itch"
    assert escaped in page.split('class="table table-sm align-middle by-dose"', 1)[1]
    cycle_section = page.split('id="cycle-heading"', 1)[1]
    assert cycle_section.count(escaped) == 2  # the cycle chart's legend and table's column
    assert f'<th scope="row">{escaped}</th>' in page  # the by-dose table's row
    assert f"</span>\n{escaped}</h3>" in page  # its chart's title, after its line's key


def test_the_chart_payload_carries_each_lines_look(patient_client, recent_reduction):
    data = trends_data(patient_client.get(reverse("journal:trends")))

    hfs_line = data["symptoms"][0]
    assert (hfs_line["colour"], hfs_line["shape"], hfs_line["dashed"]) == (0, 0, False)
    assert (data["bloodPressure"]["upper"], data["bloodPressure"]["lower"]) == (
        {"colour": 0, "shape": 0, "dashed": False},
        {"colour": 1, "shape": 1, "dashed": True},
    )
    assert [c["number"] for c in data["changes"]] == [1, 2]


# --- Query counts ----------------------------------------------------------------------------


def count_queries(client, url, **params) -> int:
    """The queries of a warm worker's page (see ``warm``)."""
    warm(client, url, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("range_key", ["30", "90", "365", "all"])
def test_trends_query_count_does_not_grow_with_the_journal(
    client, library, hfs, fatigue, range_key
):
    short_patient, long_patient = make_user("short"), make_user("long")
    today = Profile.objects.for_user(short_patient).today()
    Profile.objects.for_user(long_patient)
    make_long_journal(short_patient, days=90, until=today, symptoms=[hfs, fatigue])
    make_long_journal(long_patient, days=730, until=today, symptoms=[hfs, fatigue])
    url = reverse("journal:trends")

    client.force_login(short_patient)
    short = count_queries(client, url, range=range_key)
    client.force_login(long_patient)
    long = count_queries(client, url, range=range_key)

    assert short == long
    assert long <= 12


def test_caregiver_trends_on_a_two_year_journal_in_fixed_queries(
    caregiver_client, share, long_journal, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = caregiver_client.get(reverse("care:trends", args=[share.pk]), {"range": "all"})
    assert response.status_code == 200
    data = trends_data(response)
    assert data["bucket"] == "week"
    assert len(data["symptoms"][0]["points"]) in (105, 106)


def test_cycle_table_cells_show_average_and_days_or_a_dash():
    from journal.templatetags.journal import cycle_rows

    html = cycle_rows(
        [
            {"day": 5, "is_on": False, "cells": [{"average": 1.5, "days": 4}, None]},
            {"day": 6, "is_on": False, "cells": [None, {"average": 2.0, "days": 1}]},
        ]
    )
    assert html == (
        '<tr><th scope="row">Day 5 (off)</th>'
        '<td>1.5 <span class="small text-body-secondary">(4)</span></td><td>–</td></tr>'
        '<tr><th scope="row">Day 6 (off)</th>'
        '<td>–</td><td>2 <span class="small text-body-secondary">(1)</span></td></tr>'
    )


def test_cycle_table_averages_read_as_people_write_them(patient_client, recent_reduction):
    """Day 1 of the 4-on/2-off cycle: hand-foot syndrome 2, 0 and 2 in the three cycles."""
    high, _ = recent_reduction
    page = patient_client.get(reverse("journal:trends"), {"cycle": high.pk}).content
    rows = {row[0]: row[1:] for row in table_rows(page, "cycle-table")}

    assert rows["Day of cycle"] == ["Hand-foot syndrome", "Fatigue"]
    assert rows["Day 1"] == ["1.3 (3)", "1 (3)"]
    assert rows["Day 5 (off)"] == ["1.5 (2)", "1 (2)"]


def test_two_year_by_dose_and_cycle_day_tables_add_up_the_days(
    patient_client, long_journal, django_assert_max_num_queries
):
    """The by-dose and by-cycle-day tables of a whole two-year journal (one query for both),
    cell by cell against the reports themselves."""
    with django_assert_max_num_queries(12):
        response = patient_client.get(reverse("journal:trends"), {"range": "all"})
    page = response.content
    reports = SymptomReport.objects.filter(day__patient=long_journal[0].patient).values_list(
        "symptom__name", "day__treatment__starts_on", "day__date", "grade"
    )
    sunitinib = Treatment.objects.get(days_on__isnull=False)  # 4 weeks on, 2 off
    periods, cycle_days = {}, {}
    for name, starts_on, day, grade in reports:
        periods.setdefault((name, starts_on), []).append(grade)
        if starts_on == sunitinib.starts_on:
            cycle_day = (day - starts_on).days % 42 + 1
            cycle_days.setdefault((name, cycle_day), []).append(grade)

    def number(value: float) -> str:
        return f"{value:.1f}".removesuffix(".0")

    dose_rows = table_rows(page, "by-dose")
    starts = sorted({starts_on for _, starts_on in periods})
    assert len(dose_rows) == 2 + len({name for name, _ in periods})
    for row in dose_rows[2:]:
        expected = []
        for starts_on in starts:
            grades = periods[(row[0], starts_on)]
            moderate = sum(1 for grade in grades if grade >= 2)
            average = number(round(sum(grades) / len(grades), 1))
            expected.append(
                f"{percent(moderate, len(grades))}% ({moderate} of {len(grades)} days) "
                f"average {average}"
            )
        assert row[1:] == expected
    cycle_rows = table_rows(page, "cycle-table")
    names = cycle_rows[0][1:]
    assert [row[0] for row in cycle_rows[1:]] == [
        f"Day {day}{' (off)' if day > 28 else ''}" for day in range(1, 43)
    ]
    for day, row in enumerate(cycle_rows[1:], start=1):
        expected = []
        for name in names:
            grades = cycle_days[(name, day)]
            expected.append(f"{number(round(sum(grades) / len(grades), 1))} ({len(grades)})")
        assert row[1:] == expected


def test_symptom_and_reading_table_rows_read_as_the_template_wrote_them():
    from journal.templatetags.journal import reading_rows, symptom_rows

    points = [
        {"label": "Mon 3 Mar 2025", "grade": 2, "grade_label": "Moderate", "off_day": False},
        {"label": "<Tue>", "grade": None, "grade_label": "Not answered", "off_day": True},
    ]
    assert symptom_rows(points, True) == (
        "<tr><td>Mon 3 Mar 2025</td><td>Moderate</td><td></td></tr>"
        '<tr><td>&lt;Tue&gt;</td><td class="text-body-secondary">Not answered</td>'
        "<td>off day</td></tr>"
    )
    assert symptom_rows(points, False) == (
        "<tr><td>Mon 3 Mar 2025</td><td>Moderate</td></tr>"
        '<tr><td>&lt;Tue&gt;</td><td class="text-body-secondary">Not answered</td></tr>'
    )
    readings = [{"label": "Mar 2025", "systolic": 141, "diastolic": 92, "kg": Decimal("71.50")}]
    assert reading_rows(readings, "systolic", "diastolic") == (
        "<tr><td>Mar 2025</td><td>141</td><td>92</td></tr>"
    )
    assert reading_rows(readings, "kg") == "<tr><td>Mar 2025</td><td>71.5</td></tr>"


@pytest.fixture
def two_cycles(patient, profile, today, sunitinib, hfs, fatigue):
    """Two on/off periods in the last sixty days: sunitinib 50 mg 4 on / 2 off for thirty
    days (hand-foot syndrome 3 every day), then 37.5 mg 2 on / 1 off to today (1 every day)."""
    profile.tracked_symptoms.set([hfs, fatigue])
    first = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("50"),
        days_on=4,
        days_off=2,
        starts_on=today - timedelta(days=59),
        ends_on=today - timedelta(days=30),
    )
    second = make_treatment(
        patient,
        sunitinib,
        dose_mg=Decimal("37.5"),
        days_on=2,
        days_off=1,
        starts_on=today - timedelta(days=29),
    )
    for n in range(60):
        make_day(patient, today - timedelta(days=59 - n), {hfs: 3 if n < 30 else 1})
    return first, second


def nav_of(page: bytes, label: str) -> str:
    """The markup inside the page's ``<nav aria-label="{label}">``."""
    after = page.decode().split(f'<nav aria-label="{label}"', 1)[1]
    return after.split(">", 1)[1].split("</nav>", 1)[0]


def cycle_heading(page: bytes) -> str:
    return visible_text(page.decode().split('id="cycle-heading"', 1)[1].split("</h3>", 1)[0])


def test_the_cycle_table_shows_the_latest_on_off_period_and_links_to_the_others(
    patient_client, two_cycles
):
    first, second = two_cycles
    response = patient_client.get(reverse("journal:trends"))
    page = response.content

    assert period_label(second) in cycle_heading(page)
    rows = {row[0]: row[1:] for row in table_rows(page, "cycle-table")}
    assert list(rows) == ["Day of cycle", "Day 1", "Day 2", "Day 3 (off)"]
    assert rows["Day 1"] == ["1 (10)"]
    (chart,) = trends_data(response)["cycles"]
    assert chart["id"] == f"cycle-{second.pk}"
    # One table at a time: the other period is a link, the one shown marked as current.
    nav = nav_of(page, "On/off period shown")
    assert (
        visible_text(nav).split() == " ".join([period_label(first), period_label(second)]).split()
    )
    assert re.search(r'aria-current="page">' + re.escape(period_label(second)), nav)
    assert f'href="{reverse("journal:trends")}?range=90&amp;cycle={first.pk}#cycle-heading"' in nav


def test_the_cycle_table_asked_for_is_shown_and_kept_by_the_other_links(
    patient_client, two_cycles
):
    first, second = two_cycles
    response = patient_client.get(reverse("journal:trends"), {"cycle": first.pk})
    page = response.content

    assert period_label(first) in cycle_heading(page)
    rows = {row[0]: row[1:] for row in table_rows(page, "cycle-table")}
    assert list(rows)[1:] == ["Day 1", "Day 2", "Day 3", "Day 4", "Day 5 (off)", "Day 6 (off)"]
    assert rows["Day 1"] == ["3 (5)"]  # thirty days of a six-day cycle
    assert trends_data(response)["cycles"][0]["id"] == f"cycle-{first.pk}"
    nav = nav_of(page, "On/off period shown")
    assert re.search(r'aria-current="page">' + re.escape(period_label(first)), nav)
    ranges = nav_of(page, "Time range")
    assert f"range=all&amp;cycle={first.pk}" in ranges


def test_a_caregiver_chooses_the_cycle_table_by_links_of_their_own(
    caregiver_client, share, two_cycles
):
    first, second = two_cycles
    url = reverse("care:trends", args=[share.pk])
    page = caregiver_client.get(url).content

    assert period_label(second) in cycle_heading(page)
    nav = nav_of(page, "On/off period shown")
    assert f'href="{url}?range=90&amp;cycle={first.pk}#cycle-heading"' in nav
    page = caregiver_client.get(url, {"range": "90", "cycle": first.pk}).content
    assert period_label(first) in cycle_heading(page)
    assert table_rows(page, "cycle-table")[1] == ["Day 1", "3 (5)"]


def test_another_patients_period_asked_for_shows_ones_own_latest(
    patient_client, two_cycles, sunitinib
):
    other = make_user("other")
    theirs = make_treatment(other, sunitinib, dose_mg=Decimal("25"), days_on=28, days_off=14)
    page = patient_client.get(reverse("journal:trends"), {"cycle": theirs.pk}).content

    assert period_label(two_cycles[1]) in cycle_heading(page)
    assert "25 mg" not in visible_text(page)


def test_an_on_off_schedule_that_has_ended_is_a_link_until_asked_for(
    patient_client, recent_reduction
):
    """The 4-on/2-off fortnight ended before today's continuous 37.5 mg: its table and chart
    are drawn only when asked for, and its link says which is shown."""
    high, _ = recent_reduction
    url = reverse("journal:trends")
    response = patient_client.get(url)
    page = response.content

    section = page.decode().split('id="cycle-heading"', 1)[1].split("</section>", 1)[0]
    assert "This on/off period has ended: open it to see each symptom's average" in (
        visible_text(section)
    )
    nav = nav_of(page, "On/off period shown")
    assert visible_text(nav).split() == period_label(high).split()
    assert f'href="{url}?range=90&amp;cycle={high.pk}#cycle-heading"' in nav
    assert "aria-current" not in nav
    assert "cycle-table" not in page.decode()
    assert trends_data(response)["cycles"] == []

    page = patient_client.get(url, {"range": "90", "cycle": high.pk}).content
    assert period_label(high) in cycle_heading(page)
    assert "has ended" not in visible_text(page)
    assert table_rows(page, "cycle-table")[1] == ["Day 1", "1.3 (3)", "1 (3)"]
    assert "On/off period shown" not in page.decode()  # the only one, shown: no choice left


def test_several_ended_schedules_are_each_a_link(
    patient_client, patient, two_cycles, sunitinib, today
):
    first, second = two_cycles
    second.ends_on = today - timedelta(days=5)
    second.save()
    make_treatment(patient, sunitinib, dose_mg=Decimal("25"), starts_on=today - timedelta(days=4))
    DayLog.objects.filter(patient=patient).link_to_periods()
    page = patient_client.get(reverse("journal:trends")).content

    assert "These on/off periods have ended: choose one to see" in visible_text(page)
    nav = nav_of(page, "On/off period shown")
    assert (
        visible_text(nav).split() == " ".join([period_label(first), period_label(second)]).split()
    )
    assert "aria-current" not in nav
    assert "cycle-table" not in page.decode()


def test_a_caregiver_sees_an_ended_schedule_as_a_link_too(
    caregiver_client, share, recent_reduction
):
    high, _ = recent_reduction
    url = reverse("care:trends", args=[share.pk])
    page = caregiver_client.get(url, {"range": "all"}).content

    assert "cycle-table" not in page.decode()
    assert f'href="{url}?range=all&amp;cycle={high.pk}#cycle-heading"' in nav_of(
        page, "On/off period shown"
    )
    page = caregiver_client.get(url, {"range": "all", "cycle": high.pk}).content
    assert table_rows(page, "cycle-table")[1] == ["Day 1", "1.3 (3)", "1 (3)"]


def test_an_on_off_period_without_answers_says_so(
    patient_client, patient, profile, today, sunitinib
):
    make_standard_sunitinib(patient, sunitinib, starts_on=today - timedelta(days=9))
    for n in range(10):
        make_day(patient, today - timedelta(days=n))
    response = patient_client.get(reverse("journal:trends"))
    page = response.content

    assert "No symptom was answered on the days of this period" in visible_text(page)
    assert "cycle-table" not in page.decode()
    assert trends_data(response)["cycles"] == []
    # One on/off period, in force today: its table needs no choice.
    assert "On/off period shown" not in page.decode()
