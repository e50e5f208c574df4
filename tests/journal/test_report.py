"""The clinic-visit report: content for a known journal, dates, query count, access."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from journal.models import (
    AccessEvent,
    CareShare,
    CareTeamThreshold,
    DoseTaken,
    Grade,
    SymptomReport,
)
from journal.report.alerts import compact_dates
from library.models import WarningSign
from tests.conftest import make_day, make_standard_sunitinib, make_treatment, warm
from tests.pages import table_rows, visible_text

REPORT = reverse("journal:report")
MARCH = {"start": "2025-03-03", "end": "2025-03-23"}  # three whole weeks, Monday to Sunday


def care_report(share):
    return reverse("care:report", args=[share.pk])


@pytest.fixture
def march(patient, symptoms, imatinib, sunitinib):
    """A hand-made journal around March 2025 (weeks starting 3, 10 and 17 March)."""
    hfs, fatigue, diarrhoea = (
        symptoms["hand-foot-syndrome"],
        symptoms["fatigue"],
        symptoms["diarrhoea"],
    )
    make_treatment(patient, imatinib, starts_on=date(2025, 1, 1), ends_on=date(2025, 3, 9))
    make_standard_sunitinib(patient, sunitinib, starts_on=date(2025, 3, 10), reason="side_effects")
    # Outside the range on both sides: the Sunday before (same week as 24 Feb) and after.
    make_day(patient, date(2025, 3, 2), {hfs: 4}, note="Outside before.")
    make_day(patient, date(2025, 3, 25), {hfs: 4}, note="Outside after.")
    make_day(
        patient,
        date(2025, 3, 3),
        {hfs: 1, fatigue: 2},
        systolic=130,
        diastolic=85,
        weight_kg=Decimal("70.0"),
    )
    day = make_day(
        patient,
        date(2025, 3, 5),
        {fatigue: 1},
        systolic=145,
        diastolic=92,
        note="Could not walk far.",
        for_doctor=True,
    )
    SymptomReport.objects.create(day=day, symptom=hfs, grade=3, note="Blisters on both heels.")
    make_day(
        patient,
        date(2025, 3, 11),
        {hfs: 2, fatigue: 4},
        dose_taken=DoseTaken.SOME,
        systolic=162,
        diastolic=101,
        weight_kg=Decimal("69.0"),
    )
    make_day(patient, date(2025, 3, 12), {fatigue: 1}, dose_taken=DoseTaken.MISSED)
    make_day(patient, date(2025, 3, 20), {diarrhoea: 2}, weight_kg=Decimal("68.5"))


# --- Content ---------------------------------------------------------------------------------


def test_week_table_holds_the_worst_grade_of_each_symptom_each_week(patient_client, march):
    response = patient_client.get(REPORT, MARCH)

    assert response.status_code == 200
    weeks = response.context["weeks"]
    assert [s["slug"] for s in weeks["symptoms"]] == [
        "hand-foot-syndrome",
        "fatigue",
        "diarrhoea",
    ]
    assert [
        (row["start"], row["end"], row["days_logged"], row["grades"]) for row in weeks["rows"]
    ] == [
        (date(2025, 3, 3), date(2025, 3, 9), 2, [3, 2, None]),
        (date(2025, 3, 10), date(2025, 3, 16), 2, [2, 4, None]),
        (date(2025, 3, 17), date(2025, 3, 23), 1, [None, None, 2]),
    ]
    # What the reader sees: the number and the word (the word is hidden on paper), a dash
    # for a week without an answer, and per symptom the days severe or worse.
    assert table_rows(response.content, "report-weeks") == [
        ["Week", "Days logged", "Hand-foot syndrome", "Fatigue", "Diarrhoea"],
        ["3–9 Mar", "2", "3 severe", "2 moderate", "–not answered"],
        ["10–16 Mar", "2", "2 moderate", "4 very severe", "–not answered"],
        ["17–23 Mar", "1", "–not answered", "–not answered", "2 moderate"],
        ["Days severe or worse", "1", "1", "0"],
    ]


def test_a_range_reaching_back_before_the_journal_starts_at_its_first_week(patient_client, march):
    response = patient_client.get(REPORT, {"start": "1900-01-01", "end": "2025-03-23"})

    rows = response.context["weeks"]["rows"]
    # The first logged day is Sunday 2 March, in the week of Monday 24 February.
    assert [row["start"] for row in rows] == [
        date(2025, 2, 24),
        date(2025, 3, 3),
        date(2025, 3, 10),
        date(2025, 3, 17),
    ]


def test_week_labels_name_the_month_once_or_both_and_a_single_day(patient_client, march):
    response = patient_client.get(REPORT, {"start": "2025-02-24", "end": "2025-03-10"})

    rows = table_rows(response.content, "report-weeks")
    assert [row[0] for row in rows] == [
        "Week",
        "24 Feb–2 Mar",
        "3–9 Mar",
        "10 Mar",
        "Days severe or worse",
    ]
    assert rows[1] == ["24 Feb–2 Mar", "1", "4 very severe", "–not answered"]


def test_a_range_starting_mid_week_counts_only_its_own_days(patient_client, march):
    response = patient_client.get(REPORT, {"start": "2025-03-04", "end": "2025-03-09"})

    rows = response.context["weeks"]["rows"]
    assert [(row["start"], row["end"], row["grades"]) for row in rows] == [
        (date(2025, 3, 4), date(2025, 3, 9), [3, 1]),
    ]


def test_report_summarises_treatment_vitals_adherence_notes_and_alerts(patient_client, march):
    response = patient_client.get(REPORT, MARCH)
    ctx, html = response.context, response.content.decode()

    assert "Clinic report: Pat" in html
    assert [t.drug.slug for t in ctx["treatments"]] == ["imatinib", "sunitinib"]
    assert [t.changed_in_range for t in ctx["treatments"]] == [False, True]
    assert "Changed on 10 Mar 2025" in html

    bp = ctx["bp"]
    assert (bp["readings"], bp["max_systolic"], bp["high_readings"]) == (3, 162, 2)
    assert "average 146/93 mmHg" in html
    assert "highest 162/101 on 11 Mar 2025" in html

    assert "Weight: 70 kg on 3 Mar 2025 to 68.5 kg on 20 Mar 2025: down 1.5 kg (2.1%)." in (
        visible_text(html)
    )

    adherence = ctx["adherence"]
    assert (adherence["taken_all"], adherence["taken_some"], adherence["missed"]) == (3, 1, 1)
    assert adherence["percent_all"] == 60

    # Severe or worse: hand-foot syndrome on 5 March, fatigue on 11 March.
    assert [symptom["severe_days"] for symptom in ctx["weeks"]["symptoms"]] == [1, 1, 0]
    notes = [(note["date"], note["note"], note["for_doctor"]) for note in ctx["notes"]]
    assert notes == [(date(2025, 3, 5), "Could not walk far.", True)]
    assert [report.note for report in ctx["notes"][0]["severe"]] == ["Blisters on both heels."]
    assert (
        "Wed 5 Mar 2025 — for the doctor: “Could not walk far.”; hand-foot syndrome severe (3): "
        "“Blisters on both heels.”"
    ) in visible_text(html)
    # Moderate diarrhoea is an alert: the library's rule for it (Macmillan) is grade 2.
    alerts = ctx["alerts"]
    assert alerts.urgent == []
    assert [(group.kind, group.count, group.dates) for group in alerts.care_team] == [
        ("symptom", 2, "5 and 11 Mar"),  # hand-foot syndrome
        ("symptom", 1, "11 Mar"),  # fatigue
        ("symptom", 1, "20 Mar"),  # diarrhoea
        ("bp", 1, "11 Mar"),
    ]
    assert "Blood pressure: 1 reading at or above 160/100, 162/101 on 11 Mar." in read(html)
    # Every high reading (140/90 or above) is listed with its day.
    assert "<li>5 Mar 145/92</li><li>11 Mar 162/101</li>" in html
    assert "Outside before." not in html and "Outside after." not in html


def test_default_range_starts_at_the_last_clinic_visit(patient_client, profile, today):
    profile.last_visit_on = today - timedelta(days=10)
    profile.save()

    response = patient_client.get(REPORT)

    assert (response.context["start"], response.context["end"]) == (profile.last_visit_on, today)
    assert "since the last clinic visit" in response.content.decode()


def test_default_range_is_six_weeks_without_a_visit_date(patient_client, today, library):
    response = patient_client.get(REPORT)

    assert response.context["end"] == today
    assert response.context["days_in_range"] == 42


@pytest.mark.parametrize(
    "query",
    [
        {"start": "not-a-date"},
        {"start": "2025-13-45", "end": "2025-03-01"},
        {"start": "2025-03-20", "end": "2025-03-01"},
    ],
)
def test_unusable_dates_fall_back_to_the_default_range_with_a_message(
    patient_client, today, library, query
):
    response = patient_client.get(REPORT, query)

    assert response.status_code == 200
    assert response.context["end"] == today
    assert response.context["days_in_range"] == 42
    assert "could not be used" in response.content.decode()


def test_an_end_in_the_future_is_cut_to_today(patient_client, today, library):
    response = patient_client.get(
        REPORT, {"start": (today - timedelta(days=3)).isoformat(), "end": "2999-01-01"}
    )

    assert response.context["end"] == today
    assert response.context["days_in_range"] == 4
    assert "cannot cover days still to come" in response.content.decode()


def test_grades_are_words_and_numbers_on_a_print_stylesheet(patient_client, march):
    html = patient_client.get(REPORT, MARCH).content.decode()

    assert "css/report.css" in html
    assert "Print or save as PDF" in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style


# Issue 17: every page at most 12 queries, whatever the journal's length. The patient's page:
# session, user, profile, the menu, then the report's 8 or 9: treatments, the patient's own
# thresholds, the alert rules (kept per library version), the notable reports, the day
# counts by period and week (adherence, days per week and blood pressure together), the days
# the report names (high readings, the highest, first and last weighing, notes for the
# doctor), the ticked warning signs and the weekly grades.
REPORT_QUERIES = 12


def test_query_count_does_not_grow_with_the_journal(
    patient_client, long_journal, today, django_assert_max_num_queries
):
    whole = {"start": (today - timedelta(days=729)).isoformat(), "end": today.isoformat()}
    warm(patient_client, REPORT, whole)
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = patient_client.get(REPORT, whole)
    assert response.status_code == 200
    assert len(response.context["weeks"]["rows"]) >= 104


def test_query_count_is_the_same_for_a_small_journal(
    patient_client, profile, march, django_assert_max_num_queries
):
    warm(patient_client, REPORT, MARCH)
    with django_assert_max_num_queries(REPORT_QUERIES):
        patient_client.get(REPORT, MARCH)


def test_caregiver_query_count_does_not_grow_with_the_journal(
    caregiver_client, share, long_journal, today, django_assert_max_num_queries
):
    whole = {"start": (today - timedelta(days=729)).isoformat(), "end": today.isoformat()}
    # As the patient's page, with the share (the patient's profile and the caregiver's menu
    # read with it) and the record of the caregiver's view.
    warm(caregiver_client, care_report(share), whole)
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = caregiver_client.get(care_report(share), whole)
    assert response.status_code == 200


def test_two_year_report_figures_add_up_in_twelve_queries(
    patient_client, long_journal, today, django_assert_max_num_queries
):
    """The figures a doctor reads over two years, against the journal's own rows: days
    logged (in all and week by week), adherence, blood pressure (count, average, highest,
    high readings) and weight, which the page reads from two queries over the days."""
    first, last = long_journal[0], long_journal[-2]  # up to yesterday: the weight changes
    whole = {"start": first.date.isoformat(), "end": last.date.isoformat()}
    warm(patient_client, REPORT, whole)
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = patient_client.get(REPORT, whole)
    html = visible_text(response.content.decode())

    days = long_journal[:-1]
    assert f"{len(days)} days logged." in html
    assert sum(row["days_logged"] for row in response.context["weeks"]["rows"]) == len(days)
    assert f"took the full dose on 100% of treatment days answered ({len(days)} all," in html
    systolic = [day.systolic for day in days]
    diastolic = [day.diastolic for day in days]
    average = f"{round(sum(systolic) / len(days))}/{round(sum(diastolic) / len(days))}"
    highest = max(days, key=lambda day: (day.systolic, day.diastolic, -day.date.toordinal()))
    high = sum(1 for day in days if day.systolic >= 140 or day.diastolic >= 90)
    assert (
        f"{len(days)} readings, average {average} mmHg; highest "
        f"{highest.systolic}/{highest.diastolic} on {highest.date:%-d %b %Y}. "
        f"{high} readings at or above 140/90:"
    ) in html
    assert (
        f"Weight: 70 kg on {first.date:%-d %b %Y} to 72 kg on {last.date:%-d %b %Y}: "
        "up 2 kg (2.9%)."
    ) in html


# --- Access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, share):
    for url in (REPORT, care_report(share)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_caregiver_reads_the_report_without_private_notes(caregiver_client, share, march):
    response = caregiver_client.get(care_report(share), MARCH)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Clinic report: Pat" in html
    assert "journal (read-only)" in html
    assert response.context["weeks"]["rows"][0]["grades"] == [3, 2, None]
    assert "Blisters on both heels." not in html
    assert "Could not walk far." not in html
    assert "notes are private" in html
    assert AccessEvent.objects.filter(share=share, page="report").count() == 1


def test_caregiver_allowed_notes_sees_them(caregiver_client, share, march):
    share.can_see_notes = True
    share.save()

    html = caregiver_client.get(care_report(share), MARCH).content.decode()

    assert "Blisters on both heels." in html
    assert "Could not walk far." in html


def test_a_care_team_thresholds_note_is_private_like_the_day_notes(
    caregiver_client, share, patient, march, symptoms
):
    CareTeamThreshold.objects.create(
        patient=patient,
        symptom=symptoms["fatigue"],
        care_team_grade=Grade.MODERATE,
        note="Dr Okafor, ring the ward",
    )
    text = visible_text(caregiver_client.get(care_report(share), MARCH).content)
    assert "The care team asked to be called for fatigue from moderate (2)." in text
    assert "Okafor" not in text

    share.can_see_notes = True
    share.save()
    text = visible_text(caregiver_client.get(care_report(share), MARCH).content)
    assert "fatigue from moderate (2) (“Dr Okafor, ring the ward”)." in text


def test_caregiver_cannot_post_to_the_report(caregiver_client, share, march):
    response = caregiver_client.post(care_report(share), MARCH)

    assert response.status_code == 403
    assert not AccessEvent.objects.filter(share=share).exists()


def test_owner_post_is_not_allowed(patient_client, march):
    assert patient_client.post(REPORT).status_code == 405


def test_stranger_cannot_read_someone_elses_report(stranger_client, share, march):
    response = stranger_client.get(care_report(share))

    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_revoked_caregiver_gets_404(caregiver_client, share, march):
    CareShare.objects.filter(pk=share.pk).update(revoked_at=share.accepted_at)

    assert caregiver_client.get(care_report(share)).status_code == 404


def test_own_report_shows_only_own_journal(stranger_client, march):
    response = stranger_client.get(REPORT, MARCH)

    assert response.status_code == 200
    assert response.context["weeks"]["symptoms"] == []
    assert response.context["adherence"]["days"] == 0
    assert "Blisters" not in response.content.decode()


# --- A caregiver's ranges are links ----------------------------------------------------------


def test_caregiver_picks_the_range_with_links(caregiver_client, share, profile, today):
    profile.last_visit_on = today - timedelta(days=10)
    profile.save()
    visit = profile.last_visit_on

    response = caregiver_client.get(care_report(share))

    range_links = {link["label"]: link for link in response.context["range_links"]}
    since_visit = f"Since the last clinic visit ({visit.day} {visit:%b %Y})"
    assert list(range_links) == [since_visit, "Last 6 weeks", "Last 3 months", "Last year"]
    assert range_links[since_visit]["current"]
    assert not range_links["Last 3 months"]["current"]
    start = (today - timedelta(days=90)).isoformat()
    assert range_links["Last 3 months"]["href"] == f"{care_report(share)}?start={start}"
    assert f'href="{range_links["Last 3 months"]["href"]}"' in response.content.decode()

    response = caregiver_client.get(range_links["Last 3 months"]["href"])

    assert (response.context["start"], response.context["end"]) == (
        date.fromisoformat(start),
        today,
    )
    assert response.context["days_in_range"] == 91
    current = [link["label"] for link in response.context["range_links"] if link["current"]]
    assert current == ["Last 3 months"]


def test_caregiver_without_a_visit_date_starts_on_six_weeks(caregiver_client, share, library):
    response = caregiver_client.get(care_report(share))

    labels = [link["label"] for link in response.context["range_links"] if link["current"]]
    assert labels == ["Last 6 weeks"]
    assert response.context["days_in_range"] == 42


def test_caregiver_dates_in_the_query_still_work(caregiver_client, share, march):
    response = caregiver_client.get(care_report(share), MARCH)

    assert (response.context["start"], response.context["end"]) == (
        date(2025, 3, 3),
        date(2025, 3, 23),
    )
    assert not any(link["current"] for link in response.context["range_links"])


def test_owner_picks_dates_with_the_form(patient_client, library):
    response = patient_client.get(REPORT)

    assert "range_links" not in response.context
    assert "Show these dates" in response.content.decode()


def test_the_date_fields_show_the_dates_in_use(patient_client, profile, today):
    profile.last_visit_on = today - timedelta(days=10)
    profile.save()

    html = patient_client.get(REPORT).content.decode()

    assert re.search(rf'name="start" value="{profile.last_visit_on.isoformat()}"', html)
    assert re.search(rf'name="end" value="{today.isoformat()}"', html)


# --- Alerts, grouped --------------------------------------------------------------------------


def read(html: str) -> str:
    """Text as a browser lays it out: tags dropped without adding spaces ("<b>X</b>:" reads
    "X:"), entities decoded, whitespace collapsed. For the report's own markup (no script)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def between(html: str, start: str, end: str) -> str:
    """The text of the part of the page from ``start`` up to ``end`` (both markup)."""
    return read(html[html.index(start) : html.index(end, html.index(start))])


@pytest.fixture
def march_alerts(patient, symptoms, sunitinib):
    """March 2025 on sunitinib: diarrhoea severe on four days, mouth sores severe for two days
    then very severe (urgent), hand-foot syndrome moderate for a week, a warning sign ticked
    twice, blood pressure once at the alert level and once at the crisis level."""
    make_standard_sunitinib(patient, sunitinib, starts_on=date(2025, 2, 1))
    diarrhoea, mouth, hfs = (
        symptoms["diarrhoea"],
        symptoms["mouth-sores"],
        symptoms["hand-foot-syndrome"],
    )
    bp = {4: (165, 95), 8: (185, 110)}
    sign = WarningSign.objects.filter(drug=sunitinib).order_by("order").first()
    for day in range(1, 21):
        grades = {hfs: 2 if day <= 7 else 1}
        if day in (3, 5, 9, 12):
            grades[diarrhoea] = 3
        if day >= 18:
            grades[mouth] = 4 if day == 20 else 3
        systolic, diastolic = bp.get(day, (130, 80))
        log = make_day(patient, date(2025, 3, day), grades, systolic=systolic, diastolic=diastolic)
        if day in (10, 11):
            log.warning_signs.add(sign)
    return sign


def test_alerts_are_grouped_per_symptom_with_days_worst_and_dates(patient_client, march_alerts):
    html = patient_client.get(REPORT, {"start": "2025-03-01", "end": "2025-03-21"}).content
    html = html.decode()

    care_team = between(html, "Contact the care team the same day", "</ul>")
    assert care_team == (
        "Contact the care team the same day: "
        "Hand-foot syndrome: 7 days, worst moderate (2) — 1–7 Mar. Call from moderate (2). "
        "Diarrhoea: 4 days, worst severe (3) — 3, 5, 9 and 12 Mar. Call from moderate (2)."
    )
    # Not a line per day.
    alerts = between(html, 'id="report-alerts"', "</section>")
    assert alerts.count("Diarrhoea") == 1
    assert "3 Mar 2025" not in alerts


def test_urgent_alerts_stand_apart_from_the_others(patient_client, march_alerts):
    html = patient_client.get(REPORT, {"start": "2025-03-01", "end": "2025-03-21"}).content
    html = html.decode()

    urgent = between(html, '<div class="report-urgent">', "</div>")
    assert urgent == (
        "Urgent: the journal told the patient to get urgent help. "
        "Mouth sores: 3 days, worst very severe (4) — 18–20 Mar. "
        "Urgent on 20 Mar (CTCAE grade 4: life-threatening). Call from severe (3). "
        f"Warning sign “{march_alerts.text}” (from the Sunitinib label): 2 days — 10 and 11 Mar. "
        "Blood pressure: 2 readings at or above 160/100, highest 185/110 on 8 Mar — 4 and 8 Mar. "
        "At or above 180/120 (hypertensive crisis) on 8 Mar."
    )
    assert "Mouth sores" not in between(html, "Contact the care team the same day", "</ul>")


def test_a_warning_signs_new_words_show_once_a_curator_saves_them(patient_client, march_alerts):
    """The report names ticked signs from the library kept in memory: a save is a new
    library version, so the next report reads the new words."""
    march = {"start": "2025-03-01", "end": "2025-03-21"}
    assert f"Warning sign “{march_alerts.text}”" in read(
        patient_client.get(REPORT, march).content.decode()
    )

    march_alerts.text = "Black or bloody stools"
    march_alerts.save()

    assert "Warning sign “Black or bloody stools” (from the Sunitinib label): 2 days" in read(
        patient_client.get(REPORT, march).content.decode()
    )


def test_dates_span_two_years_name_the_year(patient_client, patient, symptoms, imatinib):
    make_treatment(patient, imatinib, starts_on=date(2024, 12, 1))
    for day in (date(2024, 12, 30), date(2025, 1, 2)):
        make_day(patient, day, {symptoms["diarrhoea"]: 3})

    response = patient_client.get(REPORT, {"start": "2024-12-20", "end": "2025-01-10"})

    (group,) = response.context["alerts"].care_team
    assert group.dates == "30 Dec 2024; 2 Jan 2025"


@pytest.mark.parametrize(
    ("days", "with_year", "expected"),
    [
        ([3, 5, 9, 12], False, "3, 5, 9 and 12 Mar"),
        ([12, 3, 4, 5, 6, 7, 9, 7], False, "3–7, 9 and 12 Mar"),
        ([3, 4], False, "3 and 4 Mar"),
        ([9], False, "9 Mar"),
        ([9], True, "9 Mar 2025"),
        ([30, 31, 32, 33], False, "30 and 31 Mar; 1 and 2 Apr"),
    ],
)
def test_compact_dates(days, with_year, expected):
    march = [date(2025, 3, 1) + timedelta(days=day - 1) for day in days]

    assert compact_dates(march, with_year=with_year) == expected


# --- Not answered is not "none" ---------------------------------------------------------------


def test_a_week_left_unanswered_is_a_dash_never_none_or_zero(
    patient_client, patient, symptoms, imatinib
):
    hfs, fatigue = symptoms["hand-foot-syndrome"], symptoms["fatigue"]
    make_treatment(patient, imatinib)
    make_day(patient, date(2025, 3, 3), {hfs: 1, fatigue: None})
    make_day(patient, date(2025, 3, 4), {hfs: 1, fatigue: None})
    make_day(patient, date(2025, 3, 10), {hfs: 0, fatigue: None})
    make_day(patient, date(2025, 3, 11), {hfs: None, fatigue: 0})

    response = patient_client.get(REPORT, {"start": "2025-03-03", "end": "2025-03-16"})

    assert response.context["weeks"]["rows"][0]["grades"] == [1, None]
    assert table_rows(response.content, "report-weeks") == [
        ["Week", "Days logged", "Hand-foot syndrome", "Fatigue"],
        ["3–9 Mar", "2", "1 mild", "–not answered"],
        ["10–16 Mar", "2", "0 none", "0 none"],
        ["Days severe or worse", "0", "0"],
        ["Days not answered", "1", "3"],
    ]
    assert "– not answered" in visible_text(response.content)  # the legend


def test_the_report_names_ctcae_terms_for_the_clinician(patient_client, patient, symptoms, march):
    make_day(patient, date(2025, 3, 21), {symptoms["cognitive-fog"]: 1})

    text = read(patient_client.get(REPORT, MARCH).content.decode())

    # Only where CTCAE's words differ from the patient's (fatigue is fatigue in both).
    assert (
        "CTCAE v5 terms: Hand-foot syndrome — palmar-plantar erythrodysesthesia syndrome; "
        "Brain fog (chemo brain) — memory impairment, concentration impairment; "
        "Diarrhoea — diarrhea."
    ) in text


# --- Which reports the alerts read ------------------------------------------------------------


def test_a_grade_below_severe_is_an_alert_where_the_drugs_rule_says_so(
    patient_client, patient, symptoms, imatinib, sunitinib
):
    """The report reads only the reports that may raise an alarm: for swelling, moderate is
    one on imatinib (its own rule) and not on sunitinib (the rule for every drug)."""
    swelling = symptoms["swelling"]
    make_treatment(patient, imatinib, starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 9))
    make_standard_sunitinib(patient, sunitinib, starts_on=date(2025, 3, 10))
    make_day(patient, date(2025, 3, 4), {swelling: 2})
    make_day(patient, date(2025, 3, 5), {swelling: 1})
    make_day(patient, date(2025, 3, 11), {swelling: 2})

    html = patient_client.get(REPORT, MARCH).content.decode()

    assert between(html, "Contact the care team the same day", "</ul>") == (
        "Contact the care team the same day: Swelling around the eyes or legs: 1 day, worst "
        "moderate (2) — 4 Mar. Call from moderate (2) on Imatinib."
    )


def test_a_care_team_threshold_below_the_librarys_rule_lists_the_mild_days(
    patient_client, patient, symptoms, march
):
    CareTeamThreshold.objects.create(
        patient=patient, symptom=symptoms["fatigue"], care_team_grade=Grade.MILD
    )

    response = patient_client.get(REPORT, MARCH)

    (fatigue,) = [
        group
        for group in response.context["alerts"].care_team
        if group.kind == "symptom" and group.symptom.slug == "fatigue"
    ]
    assert (fatigue.count, fatigue.dates) == (4, "3, 5, 11 and 12 Mar")
    assert "Fatigue: 4 days, worst very severe (4) — 3, 5, 11 and 12 Mar." in read(
        response.content.decode()
    )


# --- The patient's words are text -------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_the_patients_words_on_the_report_are_escaped(
    client, patient, caregiver, share, symptoms, imatinib
):
    """Day notes, symptom notes, a care-team threshold's note and a treatment's maker are
    the patient's free text: printed as text, for the patient and a caregiver allowed them."""
    hfs = symptoms["hand-foot-syndrome"]
    make_treatment(patient, imatinib, starts_on=date(2025, 3, 1), maker=f"Maker {SCRIPT}")
    day = make_day(patient, date(2025, 3, 4), note=f"Doctor {SCRIPT}", for_doctor=True)
    SymptomReport.objects.create(day=day, symptom=hfs, grade=3, note='Heels "<img src=x>"')
    make_day(patient, date(2025, 3, 6), {hfs: 3}, note=f"Severe day {SCRIPT}")
    CareTeamThreshold.objects.create(
        patient=patient, symptom=hfs, care_team_grade=Grade.MILD, note=f"Ward {SCRIPT}"
    )
    share.can_see_notes = True
    share.save()

    for reader, url in ((patient, REPORT), (caregiver, care_report(share))):
        client.force_login(reader)
        html = client.get(url, MARCH).content.decode()

        assert "<script>alert" not in html and "<img src=x>" not in html
        for text in ("(Maker", "for the doctor: “Doctor", "the day's note: “Severe day", "(“Ward"):
            assert f"{text} &lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "severe (3): “Heels &quot;&lt;img src=x&gt;&quot;”" in html
