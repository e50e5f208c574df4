import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import AccessEvent, Grade
from tests.conftest import make_day, make_standard_sunitinib, periods_read
from tests.pages import table_rows, visible_text

DASHBOARD = reverse("journal:dashboard")


def care_dashboard(share):
    return reverse("care:dashboard", args=[share.pk])


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_not_logged_today_offers_one_big_button(patient_client, library):
    html = patient_client.get(DASHBOARD).content.decode()
    assert "You have not logged today yet." in html
    assert f'href="{reverse("journal:today")}">Log today</a>' in html


def test_logged_today_says_so(patient_client, patient, today, library):
    make_day(patient, today)
    text = visible_text(patient_client.get(DASHBOARD).content)
    assert "Today is logged." in text
    days = "day" if today.day == 1 else "days"
    assert f"1 of {today.day} {days} logged in {today:%B}." in text


def test_current_treatment_and_cycle_day(patient_client, patient, sunitinib, today):
    make_standard_sunitinib(patient, sunitinib, starts_on=today - timedelta(days=22))
    text = visible_text(patient_client.get(DASHBOARD).content)
    assert "Sunitinib 50 mg once daily, 4 weeks on, 2 weeks off" in text
    assert "day 23 of 42, on treatment" in text


def test_todays_period_comes_with_todays_log_once_logged(
    patient_client, patient, sunitinib, today
):
    """Issue 17: a saved day holds its period, so a logged today's treatment is read with
    the fourteen days, not by a query of the periods; the words are the same."""
    make_standard_sunitinib(patient, sunitinib, starts_on=today - timedelta(days=22))
    with CaptureQueriesContext(connection) as not_logged:
        before = visible_text(patient_client.get(DASHBOARD).content)
    make_day(patient, today)
    with CaptureQueriesContext(connection) as logged:
        after = visible_text(patient_client.get(DASHBOARD).content)
    for text in (before, after):
        assert "Sunitinib 50 mg once daily, 4 weeks on, 2 weeks off" in text
        assert "day 23 of 42, on treatment" in text
    assert len(periods_read(not_logged.captured_queries)) == 1
    assert periods_read(logged.captured_queries) == []


def test_fourteen_day_strip_per_tracked_symptom(patient_client, patient, symptoms, profile, today):
    make_day(patient, today - timedelta(days=3), {symptoms["fatigue"]: Grade.MODERATE})
    make_day(patient, today - timedelta(days=1), {symptoms["fatigue"]: None})
    make_day(patient, today - timedelta(days=20), {symptoms["fatigue"]: Grade.VERY_SEVERE})
    response = patient_client.get(DASHBOARD)
    strip = {row["symptom"].slug: row["cells"] for row in response.context["strip"]}
    assert set(strip) == set(profile.tracked_symptoms.values_list("slug", flat=True))
    assert len(strip["fatigue"]) == 14
    # What the patient reads: the last fourteen days, today first (a phone opens on it), one
    # grade on day -3, a day logged without answering fatigue on day -1.
    rows = {row[0]: row[1:] for row in table_rows(response.content, "strip")}
    # Today's heading reads "Today", and to a screen reader "Wednesday 2 December"; the others
    # show "We 2".
    assert rows["Symptom"][0] == f"Today{today:%A} {today.day} {today:%B}"
    last = today - timedelta(days=13)
    assert (
        rows["Symptom"][-1]
        == f"{last:%a}"[:2] + f" {last.day}" + f"{last:%A} {last.day} {last:%B}"
    )
    assert rows["Fatigue"] == (
        ["–not logged", "?not answered", "–not logged", "2 Moderate"] + ["–not logged"] * 10
    )
    # Another symptom on the day logged without it: not answered either, never "none".
    assert rows["Nausea"][1] == "?not answered"


def test_recent_alerts_are_listed(patient_client, patient, symptoms, today, library):
    make_day(patient, today - timedelta(days=2), {symptoms["hand-foot-syndrome"]: Grade.SEVERE})
    make_day(patient, today - timedelta(days=1), systolic=170, diastolic=95)
    make_day(patient, today - timedelta(days=30), {symptoms["fatigue"]: Grade.VERY_SEVERE})
    response = patient_client.get(DASHBOARD)
    alerts = response.context["alerts"]
    assert [alert.log.date for alert in alerts] == [
        today - timedelta(days=1),
        today - timedelta(days=2),
    ]
    text = visible_text(response.content)
    start = text.index("Recent alerts")
    # (visible_text spaces out the link: "Tuesday 1 December : …")
    listed = text[start : text.index("Treatment", start)].replace(" :", ":")
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    # What the patient reads: each day, newest first, and what it raised.
    assert f"{yesterday:%A} {yesterday.day} {yesterday:%B}: blood pressure 170/95" in listed
    assert f"{before:%A} {before.day} {before:%B}: Hand-foot syndrome severe" in listed
    # Each day links to its log.
    html = response.content.decode()
    assert f'<a href="/journal/day/{yesterday.isoformat()}/">{yesterday:%A}' in html


def test_an_alert_needing_urgent_help_is_marked_in_the_list(
    caregiver_client, share, patient, symptoms, today
):
    make_day(patient, today - timedelta(days=1), {symptoms["diarrhoea"]: Grade.VERY_SEVERE})
    make_day(patient, today - timedelta(days=3), {symptoms["diarrhoea"]: Grade.SEVERE})
    response = caregiver_client.get(care_dashboard(share))
    text = visible_text(response.content)
    listed = text[text.index("Recent alerts") : text.index("No current treatment")]
    urgent, care = today - timedelta(days=1), today - timedelta(days=3)
    assert f"{urgent:%A} {urgent.day} {urgent:%B}: Diarrhoea very severe (urgent help)" in listed
    assert f"{care:%A} {care.day} {care:%B}: Diarrhoea severe;" not in listed
    assert f"{care:%A} {care.day} {care:%B}: Diarrhoea severe" in listed
    # A caregiver reads the days, with no link to the patient's day log.
    assert "/journal/day/" not in response.content.decode().split("<main", 1)[1]


def test_a_caregiver_reads_the_grid_headings_with_whole_dates(
    caregiver_client, share, patient, symptoms, today
):
    make_day(patient, today - timedelta(days=1), {symptoms["fatigue"]: Grade.MILD})
    response = caregiver_client.get(care_dashboard(share))
    rows = {row[0]: row[1:] for row in table_rows(response.content, "strip")}
    assert rows["Symptom"][0] == f"{today:%a}"[:2] + f" {today.day}"
    assert f'<abbr title="{today:%A} {today.day} {today:%B}">{today:%a}'[:-1] in (
        response.content.decode()
    )


def test_todays_alert_shows_the_care_team_notice(
    patient_client, patient, symptoms, profile, today
):
    profile.care_team_phone = "01632 960000"
    profile.save()
    make_day(patient, today, {symptoms["diarrhoea"]: Grade.SEVERE})
    text = visible_text(patient_client.get(DASHBOARD).content)
    assert "Contact your care team today" in text
    assert "You recorded diarrhoea at a level your care team wants to hear about." in text
    assert "Call your care team: 01632 960000" in text


def test_a_caregiver_is_told_whose_care_team_should_hear(
    caregiver_client, share, patient, symptoms, profile, today
):
    profile.care_team_phone = "01632 960000"
    profile.save()
    make_day(patient, today, {symptoms["diarrhoea"]: Grade.SEVERE})

    text = visible_text(caregiver_client.get(care_dashboard(share)).content)
    alerts = text[text.index("Recent alerts") : text.index("No current treatment")]

    assert "Pat's care team should hear about this today" in alerts
    assert "Pat recorded diarrhoea at a level their care team wants to hear about." in alerts
    assert "Pat's care team: 01632 960000" in alerts
    assert "your care team" not in alerts.lower()
    assert "settings" not in alerts.lower()


def test_caregiver_reads_the_dashboard_without_write_links(
    caregiver_client, share, patient, symptoms, today
):
    make_day(patient, today - timedelta(days=1), {symptoms["fatigue"]: Grade.MILD})
    response = caregiver_client.get(care_dashboard(share))
    assert response.status_code == 200
    # The page itself, without the navigation (which holds the caregiver's own journal links).
    html = response.content.decode().split("<main", 1)[1]
    assert "You are viewing Pat's journal (read-only)" in html
    assert "Pat has not logged today yet." in html
    assert f'href="{reverse("journal:today")}">Log today</a>' not in html
    assert reverse("journal:treatment") + '">' not in html
    assert reverse("care:history", args=[share.pk]) in html
    assert AccessEvent.objects.filter(patient=patient, page="dashboard").count() == 1


def test_caregiver_cannot_post_to_the_dashboard(caregiver_client, share, patient):
    assert caregiver_client.post(care_dashboard(share)).status_code == 403
    assert not AccessEvent.objects.exists()


def test_stranger_gets_not_found_for_a_share_not_theirs(stranger_client, share):
    assert stranger_client.get(care_dashboard(share)).status_code == 404
    assert (
        stranger_client.get(reverse("care:dashboard", args=[share.pk + 1000])).status_code == 404
    )
    assert not AccessEvent.objects.exists()


def test_owner_post_is_refused(patient_client, library):
    assert patient_client.post(DASHBOARD).status_code == 405


def test_dashboard_query_count_is_fixed(
    patient_client, long_journal, django_assert_max_num_queries
):
    # Including the alert rules, the patient's own thresholds and their treatments, and the
    # days of the last month not logged; on a worker's first page, the library's rules,
    # symptoms and warning signs read once (a warm worker's page is 12: ``make bench``).
    with django_assert_max_num_queries(15):
        assert patient_client.get(DASHBOARD).status_code == 200


def test_shared_dashboard_query_count_is_fixed(
    caregiver_client, share, long_journal, django_assert_max_num_queries
):
    # As the patient's page, and the share and the record of the caregiver's view.
    with django_assert_max_num_queries(16):
        assert caregiver_client.get(care_dashboard(share)).status_code == 200


def test_days_not_logged_in_the_last_month_are_one_tap_each(patient_client, patient, today):
    make_day(patient, today - timedelta(days=1))
    make_day(patient, today - timedelta(days=3))

    html = patient_client.get(DASHBOARD).content.decode()
    fill_in = html[
        html.index("Days to fill in") : html.index("</nav>", html.index("Days to fill in"))
    ]

    links = re.findall(r'href="/journal/day/([0-9-]+)/"', fill_in)
    assert links[:2] == [
        (today - timedelta(days=2)).isoformat(),
        (today - timedelta(days=4)).isoformat(),
    ]
    assert len(links) == 28  # 30 days before today, two of them logged


def test_an_alert_links_to_its_day_and_says_the_grade(patient_client, patient, symptoms, today):
    day = make_day(patient, today - timedelta(days=2), {symptoms["diarrhoea"]: Grade.SEVERE})
    html = patient_client.get(DASHBOARD).content.decode()
    alerts = html[html.index("Recent alerts") : html.index("treatment-heading")]
    assert f'href="{day.get_absolute_url()}"' in alerts
    assert "Diarrhoea severe" in visible_text(alerts)


def test_a_caregiver_sees_how_many_days_are_missing_without_links(
    caregiver_client, share, patient, today
):
    make_day(patient, today - timedelta(days=1))
    text = visible_text(caregiver_client.get(care_dashboard(share)).content)
    assert "29 of the last 30 days are not logged." in text
    assert "Days to fill in" not in text
