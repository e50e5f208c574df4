from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from journal.models import AccessEvent, Grade
from library.models import WarningSign
from tests.conftest import make_day, make_treatment, warm
from tests.pages import visible_text

HISTORY = reverse("journal:history")


def care_history(share):
    return reverse("care:history", args=[share.pk])


@pytest.fixture
def days(patient, symptoms, imatinib, today):
    make_treatment(patient, imatinib, starts_on=today - timedelta(days=30))
    hand_foot, fatigue = symptoms["hand-foot-syndrome"], symptoms["fatigue"]
    return [
        make_day(
            patient,
            today - timedelta(days=2),
            {hand_foot: Grade.SEVERE, fatigue: Grade.MILD},
            note="Blisters on both heels.",
            for_doctor=True,
            systolic=162,
            diastolic=95,
            weight_kg=Decimal("70.5"),
        ),
        make_day(
            patient, today - timedelta(days=1), {hand_foot: Grade.NONE, fatigue: Grade.MODERATE}
        ),
        make_day(patient, today, {fatigue: Grade.NONE, hand_foot: None}),
    ]


# --- Access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(HISTORY)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_owner_sees_days_newest_first_with_the_worst_grade_in_words(patient_client, days, today):
    response = patient_client.get(HISTORY)
    assert response.status_code == 200
    html = response.content.decode()
    dates = [log.date for log in response.context["page"]]
    assert dates == sorted(dates, reverse=True)
    assert 'text-bg-danger grade-badge">Severe</span>' in html
    assert 'text-bg-warning grade-badge">Moderate</span>' in html
    assert "Imatinib 400 mg" in html
    assert "Blisters on both heels." in html
    assert "For the doctor" in html
    for log in days:  # each card's date opens its day
        assert f'<a href="{log.get_absolute_url()}">{log.date:%A} {log.date.day} ' in html
    # The oldest card, as it reads.
    oldest = today - timedelta(days=2)
    card = visible_text(html).split(f"{oldest:%A} {oldest.day} {oldest:%B %Y} ", 1)[1]
    assert card.startswith(
        "Worst: Severe For the doctor Imatinib 400 mg · Took all of it · blood pressure 162/95 "
        "(high) · 70.5 kg Hand-foot syndrome: severe (contact care team) Fatigue: mild "
        "Blisters on both heels."
    )


def test_none_and_not_answered_read_differently(patient_client, days, today):
    text = visible_text(patient_client.get(HISTORY).content)
    newest = text.split(f"{today:%A} {today.day} {today:%B %Y} ", 1)[1]
    assert newest.startswith(
        "Worst: None Imatinib 400 mg · Took all of it None: fatigue "
        "Not answered: hand-foot syndrome"
    )
    yesterday = today - timedelta(days=1)
    card = text.split(f"{yesterday:%A} {yesterday.day} {yesterday:%B %Y} ", 1)[1]
    assert card.startswith(
        "Worst: Moderate Imatinib 400 mg · Took all of it Fatigue: moderate "
        "None: hand-foot syndrome"
    )


def test_a_day_with_nothing_answered_says_so(patient_client, patient, symptoms, today):
    make_day(patient, today, {symptoms["fatigue"]: None})
    text = visible_text(patient_client.get(HISTORY).content)
    assert "No symptom answered" in text
    assert "Not answered: fatigue" in text


def test_caregiver_reads_the_history_without_private_notes(caregiver_client, share, days, patient):
    response = caregiver_client.get(care_history(share))
    assert response.status_code == 200
    html = response.content.decode()
    assert "journal (read-only)" in html
    assert "Blisters on both heels." not in html
    assert "Severe" in html
    assert reverse("journal:day", args=[days[0].date.isoformat()]) not in html
    assert AccessEvent.objects.filter(patient=patient, page="history").count() == 1


def test_caregiver_allowed_notes_sees_them(caregiver_client, share, days):
    share.can_see_notes = True
    share.save()
    assert "Blisters on both heels." in caregiver_client.get(care_history(share)).content.decode()


def test_caregiver_cannot_post_to_the_history(caregiver_client, share, days):
    assert caregiver_client.post(care_history(share)).status_code == 403


def test_stranger_cannot_read_the_patients_history(stranger_client, share, days, patient):
    response = stranger_client.get(care_history(share))
    assert response.status_code == 404
    assert not AccessEvent.objects.exists()


def test_a_revoked_share_no_longer_opens_the_history(caregiver_client, share, days):
    from django.utils import timezone

    share.revoked_at = timezone.now()
    share.save()
    assert caregiver_client.get(care_history(share)).status_code == 404


def test_owner_post_is_refused(patient_client, days):
    assert patient_client.post(HISTORY).status_code == 405


def test_notes_are_escaped_and_keep_their_line_breaks(patient_client, patient, symptoms, today):
    log = make_day(
        patient, today, {symptoms["fatigue"]: Grade.MILD}, note="<script>alert(1)</script>\nA & B"
    )
    log.reports.update(note='<img src=x onerror="alert(2)">')
    html = patient_client.get(HISTORY).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert (
        '<p class="mb-1 history-note">&lt;script&gt;alert(1)&lt;/script&gt;<br>A &amp; B</p>'
        in html
    )
    assert (
        '<span class="fw-semibold">Fatigue:</span> &lt;img src=x onerror=&quot;alert(2)&quot;&gt;'
        in html
    )


def test_caregiver_without_notes_sees_no_symptom_note(
    caregiver_client, share, patient, fatigue, today
):
    log = make_day(patient, today, {fatigue: Grade.MILD})
    log.reports.update(note="Worse after the walk")
    html = caregiver_client.get(care_history(share)).content.decode()
    assert "Fatigue: mild" in visible_text(html)
    assert "Worse after the walk" not in html


def test_urgent_answers_warning_signs_and_a_day_without_treatment_read_as_such(
    patient_client, patient, symptoms, today
):
    log = make_day(
        patient,
        today,
        {symptoms["diarrhoea"]: Grade.VERY_SEVERE, symptoms["fatigue"]: Grade.SEVERE},
        treatment=None,
    )
    signs = list(WarningSign.objects.order_by("drug__order", "order", "text")[:2])
    log.warning_signs.set(signs)
    text = visible_text(patient_client.get(HISTORY).content)
    card = text.split(f"{today:%A} {today.day} {today:%B %Y} ", 1)[1]
    assert card.startswith(
        f"Worst: Very severe No treatment · Took all of it "
        f"Warning signs (urgent help): {signs[0].text}; {signs[1].text} "
        "Fatigue: severe (contact care team) Diarrhoea: very severe (urgent help)"
    )


def test_the_filters_symptom_is_in_bold(patient_client, days):
    html = patient_client.get(HISTORY, {"symptom": "fatigue"}).content.decode()
    assert '<li class="list-inline-item fw-bold">Fatigue: moderate</li>' in html
    assert '<li class="list-inline-item">Hand-foot syndrome: severe' in html


# --- Filters ---------------------------------------------------------------------------------


def test_filter_by_symptom_keeps_days_where_it_was_present(patient_client, days):
    response = patient_client.get(HISTORY, {"symptom": "hand-foot-syndrome"})
    assert [log.date for log in response.context["page"]] == [days[0].date]
    assert "1 day matches with hand-foot syndrome" in response.content.decode()


def test_filter_by_date_range(patient_client, days):
    response = patient_client.get(
        HISTORY, {"start": days[1].date.isoformat(), "end": days[1].date.isoformat()}
    )
    assert [log.date for log in response.context["page"]] == [days[1].date]


def test_backwards_date_range_is_explained(patient_client, days):
    response = patient_client.get(
        HISTORY, {"start": days[2].date.isoformat(), "end": days[0].date.isoformat()}
    )
    assert "The end date must be on or after the start date." in response.content.decode()
    assert len(response.context["page"]) == 3


def test_history_is_paginated_and_keeps_the_filter(patient_client, long_journal):
    response = patient_client.get(HISTORY, {"symptom": "fatigue", "page": "2"})
    page = response.context["page"]
    assert page.number == 2
    assert len(page) == 30
    assert "symptom=fatigue&amp;page=3" in response.content.decode()


def test_history_query_count_is_fixed(patient_client, long_journal, django_assert_max_num_queries):
    # Including the alert rules, the patient's own thresholds and their treatments (3), and
    # the warning signs ticked (1).
    with django_assert_max_num_queries(12):
        assert patient_client.get(HISTORY).status_code == 200
    with django_assert_max_num_queries(12):
        assert patient_client.get(HISTORY, {"symptom": "fatigue", "page": "5"}).status_code == 200


def test_shared_history_query_count_is_fixed(
    caregiver_client, share, long_journal, django_assert_max_num_queries
):
    # As the patient's page, with the share (the patient's profile and the caregiver's menu
    # read with it) and the record of the caregiver's view: still at most 12 (issue 17), on
    # a warm worker.
    warm(caregiver_client, care_history(share))
    with django_assert_max_num_queries(12):
        assert caregiver_client.get(care_history(share)).status_code == 200


# --- A caregiver's filters are links ---------------------------------------------------------


def links(response, name):
    return {link["label"]: link for link in response.context[name]}


def test_caregiver_filters_by_symptom_with_a_link(caregiver_client, share, days):
    response = caregiver_client.get(care_history(share))
    symptom_links = links(response, "symptom_links")
    assert symptom_links["Any symptom"]["current"]
    hand_foot = symptom_links["Hand-foot syndrome"]
    assert hand_foot["href"] == f"{care_history(share)}?symptom=hand-foot-syndrome"
    assert f'href="{hand_foot["href"]}"' in response.content.decode()

    response = caregiver_client.get(hand_foot["href"])

    assert [log.date for log in response.context["page"]] == [days[0].date]
    assert links(response, "symptom_links")["Hand-foot syndrome"]["current"]
    assert 'aria-current="page">Hand-foot syndrome</a>' in response.content.decode()


def test_caregiver_date_links_keep_the_symptom(caregiver_client, share, days, patient, symptoms):
    old = make_day(patient, days[0].date - timedelta(days=40), {symptoms["fatigue"]: 1})
    response = caregiver_client.get(care_history(share), {"symptom": "fatigue"})
    assert [log.date for log in response.context["page"]][-1] == old.date
    range_links = links(response, "range_links")
    assert range_links["All dates"]["current"]
    start = (days[2].date - timedelta(days=29)).isoformat()
    assert range_links["Last 30 days"]["href"] == (
        f"{care_history(share)}?symptom=fatigue&start={start}"
    )

    response = caregiver_client.get(range_links["Last 30 days"]["href"])

    assert [log.date for log in response.context["page"]] == [days[1].date, days[0].date]
    assert links(response, "range_links")["Last 30 days"]["current"]
    # Choosing another symptom keeps the dates; "All dates" drops them.
    assert links(response, "symptom_links")["Any symptom"]["href"] == (
        f"{care_history(share)}?start={start}"
    )
    assert links(response, "range_links")["All dates"]["href"] == (
        f"{care_history(share)}?symptom=fatigue"
    )


def test_caregiver_with_unusable_dates_is_told_and_sees_every_day(caregiver_client, share, days):
    response = caregiver_client.get(care_history(share), {"start": "2025-13-45"})
    assert "Those filters could not be used: Enter a valid date." in response.content.decode()
    assert len(response.context["page"]) == 3
    assert links(response, "range_links")["All dates"]["current"]


def test_owner_filters_with_the_form_not_links(patient_client, days):
    response = patient_client.get(HISTORY)
    assert "symptom_links" not in response.context
    assert 'name="symptom"' in response.content.decode()


# --- Going to any day ------------------------------------------------------------------------


def test_a_patient_goes_to_any_past_day_from_the_history(patient_client, profile, today):
    page = visible_text(patient_client.get(HISTORY).content)
    assert "Go to a day" in page and "To log a day you missed, or change one." in page

    response = patient_client.get(HISTORY, {"go": (today - timedelta(days=40)).isoformat()})

    assert response.status_code == 302
    assert response.url == reverse("journal:day", args=[today - timedelta(days=40)])


def test_a_future_day_is_refused_beside_the_field_and_kept(patient_client, profile, today):
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = patient_client.get(HISTORY, {"go": tomorrow})

    assert response.status_code == 200
    assert "That day has not happened yet: choose today or before." in visible_text(
        response.content
    )
    assert f'value="{tomorrow}"' in response.content.decode()


def test_a_caregiver_has_no_day_to_go_to(caregiver_client, share, today):
    response = caregiver_client.get(care_history(share), {"go": today.isoformat()})
    assert response.status_code == 200
    assert "Go to a day" not in visible_text(response.content)
