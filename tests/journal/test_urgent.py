"""The urgent tier: blood pressure at the crisis level asks for urgent help, not only a call
today, on every page that shows the day, worded for whoever reads it, with its source."""

from datetime import timedelta

import pytest
from django.urls import reverse

from journal.models import BP_ALERT, BP_CRISIS, BP_HIGH, DayLog
from tests.conftest import make_day
from tests.pages import visible_text

URGENT = "Get urgent help now"
TODAY_NOTICE = "Contact your care team today"


@pytest.mark.parametrize(
    ("systolic", "diastolic", "crisis", "alert"),
    [
        (180, 90, True, True),
        (150, 120, True, True),
        (179, 119, False, True),
        (160, 80, False, True),
        (159, 99, False, False),
    ],
)
def test_the_levels_are_reached_by_either_number(systolic, diastolic, crisis, alert):
    day = DayLog(systolic=systolic, diastolic=diastolic)
    assert day.bp_crisis is crisis
    assert day.bp_alert is alert


def test_every_level_cites_a_source_that_can_be_opened():
    for level in (BP_HIGH, BP_ALERT, BP_CRISIS):
        assert level.source.url.startswith("https://")
        assert level.source.name and level.source.read_on
    assert (BP_CRISIS.systolic, BP_CRISIS.diastolic) == (180, 120)  # AHA hypertensive crisis
    assert (BP_ALERT.systolic, BP_ALERT.diastolic) == (160, 100)  # CTCAE v5 grade 3


def save_bp(client, profile, systolic, diastolic):
    data = {f"grade_{symptom.slug}": "0" for symptom in profile.tracked_symptoms.all()}
    data.update({"dose_taken": "all", "systolic": systolic, "diastolic": diastolic, "note": ""})
    day = reverse("journal:day", args=[profile.today()])
    return client.post(day, data, follow=True)


def test_a_crisis_reading_on_the_day_log_asks_for_urgent_help_first(patient_client, profile):
    text = visible_text(save_bp(patient_client, profile, "184", "104").content)

    # The urgent notice says it all, the call to the care team included: no second notice.
    assert TODAY_NOTICE not in text
    assert "Blood pressure 184/104 is at or above 180/120" in text
    assert "call the emergency number" in text
    assert "call your care team now, not later today" in text
    assert "Source: American Heart Association" in text


def test_a_reading_below_the_crisis_level_asks_for_a_call_today_only(patient_client, profile):
    text = visible_text(save_bp(patient_client, profile, "175", "110").content)

    assert TODAY_NOTICE in text
    assert URGENT not in text


def test_the_caregiver_is_told_what_the_patient_should_do(
    caregiver_client, share, patient, profile
):
    make_day(patient, profile.today(), systolic=190, diastolic=100)

    text = visible_text(caregiver_client.get(reverse("care:dashboard", args=[share.pk])).content)

    assert "Get urgent help now for Pat" in text
    assert "Pat should sit quietly for a few minutes" in text
    assert "call the emergency number" in text
    assert "call Pat's care team now" in text
    assert "your" not in text[text.index(URGENT) : text.index("Source: American")]


def test_history_dashboard_and_report_mark_the_crisis_reading(patient_client, patient, profile):
    today = profile.today()
    make_day(patient, today - timedelta(days=1), systolic=182, diastolic=95)
    make_day(patient, today - timedelta(days=2), systolic=165, diastolic=95)

    history = visible_text(patient_client.get(reverse("journal:history")).content)
    dashboard = visible_text(patient_client.get(reverse("journal:dashboard")).content)
    report = visible_text(patient_client.get(reverse("journal:report")).content)

    assert "blood pressure 182/95 (very high: urgent help)" in history
    assert "blood pressure 165/95 (high)" in history
    assert "blood pressure 182/95 (urgent help)" in dashboard
    assert "Blood pressure: 2 readings at or above 160/100, highest 182/95 on" in report
    assert "At or above 180/120 (hypertensive crisis) on" in report


def test_the_trends_chart_draws_each_level_as_its_kind(patient_client, patient, profile):
    make_day(patient, profile.today(), systolic=150, diastolic=90)
    page = patient_client.get(reverse("journal:trends")).content.decode()
    data = page.split('<script id="trends-data" type="application/json">', 1)[1]

    assert '"value": 180, "label": "180 urgent help", "kind": "crisis"' in data
    assert '"value": 160, "label": "160 call your team", "kind": "alert"' in data
    assert '"value": 90, "label": "90 high", "kind": "high"' in data
