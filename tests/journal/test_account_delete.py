"""Deleting an account: shown first, password required, exactly the patient's data removed."""

from datetime import date

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import (
    AccessEvent,
    CareShare,
    DayLog,
    Profile,
    SymptomReport,
    Treatment,
)
from library.models import Drug, Entry, Symptom
from tests.conftest import PASSWORD, make_day, make_treatment
from tests.pages import visible_text

DELETE = reverse("journal:account_delete")


@pytest.fixture
def journal(patient, profile, share, caregiver, symptoms, imatinib):
    make_treatment(patient, imatinib, starts_on=date(2025, 1, 1))
    make_day(patient, date(2025, 3, 1), {symptoms["fatigue"]: 2, symptoms["nausea"]: 1})
    make_day(patient, date(2025, 3, 2), {symptoms["fatigue"]: 3})
    AccessEvent.objects.create(
        patient=patient, viewer=caregiver, share=share, page="history", path="/care/1/history/"
    )


@pytest.fixture
def neighbour(stranger, symptoms, imatinib):
    """Another patient, whose journal must come through untouched."""
    make_treatment(stranger, imatinib, starts_on=date(2025, 1, 1))
    make_day(stranger, date(2025, 3, 1), {symptoms["fatigue"]: 1})
    return stranger


def test_page_shows_what_will_be_deleted(patient_client, journal):
    response = patient_client.get(DELETE)

    assert response.status_code == 200
    assert response.context["summary"] == {
        "days": 2,
        "reports": 3,
        "treatments": 1,
        "shares_given": 1,
        "shares_received": 0,
        "access_events": 1,
        "views_made": 0,
    }
    html = response.content.decode()
    assert "2 logged days, with 3 symptom grades" in html
    assert "1 treatment period" in html
    assert "1 share with caregivers" in html
    assert "1 entry in the log of who viewed your journal" in html
    assert "Your password" in html
    assert reverse("journal:export_json") in html  # a copy first


def test_wrong_password_deletes_nothing(patient_client, patient, journal):
    response = patient_client.post(DELETE, {"password": "not-my-password"})

    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    assert get_user_model().objects.filter(pk=patient.pk).exists()
    assert DayLog.objects.for_patient(patient).count() == 2
    assert CareShare.objects.given_by(patient).count() == 1


def test_missing_password_deletes_nothing(patient_client, patient, journal):
    response = patient_client.post(DELETE, {})

    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=patient.pk).exists()


def test_deleting_removes_exactly_the_patients_data_and_logs_out(
    patient_client, patient, journal, neighbour, caregiver
):
    library_before = (Symptom.objects.count(), Drug.objects.count(), Entry.objects.count())

    response = patient_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not get_user_model().objects.filter(pk=patient.pk).exists()
    assert not Profile.objects.filter(user_id=patient.pk).exists()
    assert not Treatment.objects.filter(patient_id=patient.pk).exists()
    assert not DayLog.objects.filter(patient_id=patient.pk).exists()
    assert not SymptomReport.objects.filter(day__patient_id=patient.pk).exists()
    assert not CareShare.objects.filter(patient_id=patient.pk).exists()
    assert not AccessEvent.objects.filter(patient_id=patient.pk).exists()
    # Everyone and everything else is as it was.
    assert (Symptom.objects.count(), Drug.objects.count(), Entry.objects.count()) == library_before
    assert DayLog.objects.for_patient(neighbour).count() == 1
    assert SymptomReport.objects.for_patient(neighbour).count() == 1
    assert Treatment.objects.for_patient(neighbour).count() == 1
    assert get_user_model().objects.filter(pk=caregiver.pk).exists()
    # Logged out: the journal asks to log in again.
    assert patient_client.get(reverse("journal:dashboard")).status_code == 302


def test_caregivers_view_of_a_deleted_patient_disappears(
    client, patient, journal, caregiver, share
):
    client.force_login(patient)
    client.post(DELETE, {"password": PASSWORD})

    client.force_login(caregiver)
    assert client.get(reverse("care:report", args=[share.pk])).status_code == 404
    assert client.get(reverse("care:history", args=[share.pk])).status_code == 404
    assert not CareShare.objects.filter(caregiver=caregiver).exists()


def test_caregiver_deleting_their_account_leaves_the_patients_journal(
    caregiver_client, patient, journal, caregiver
):
    caregiver_client.post(DELETE, {"password": PASSWORD})

    assert not get_user_model().objects.filter(pk=caregiver.pk).exists()
    assert DayLog.objects.for_patient(patient).count() == 2
    assert Treatment.objects.for_patient(patient).count() == 1
    assert not CareShare.objects.given_by(patient).exists()


def test_patient_keeps_the_record_of_a_deleted_caregivers_views(patient, share, caregiver):
    carer = Client()
    carer.force_login(caregiver)
    carer.get(reverse("care:history", args=[share.pk]))
    carer.post(DELETE, {"password": PASSWORD})

    event = AccessEvent.objects.for_patient(patient).get()
    assert event.viewer is None
    assert event.viewer_name == "Carey"
    owner = Client()
    owner.force_login(patient)
    assert "Carey" in owner.get(reverse("journal:sharing")).content.decode()


# --- Nothing of theirs left at rest ---------------------------------------------------------


def log_in(address="198.51.100.20"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": "pat", "password": PASSWORD})
    assert response.status_code == 302
    return client


def users_with_a_session() -> list[str]:
    return sorted(session.get_decoded().get("_auth_user_id") for session in Session.objects.all())


def test_deleting_ends_every_session_of_the_user_on_every_device(patient, stranger):
    laptop, phone = log_in(), log_in("203.0.113.4")
    neighbour = Client()
    neighbour.force_login(stranger)
    assert users_with_a_session() == sorted([str(patient.pk)] * 2 + [str(stranger.pk)])

    laptop.post(DELETE, {"password": PASSWORD})

    assert users_with_a_session() == [str(stranger.pk)]
    response = phone.get(reverse("journal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert neighbour.get(reverse("journal:dashboard")).status_code == 200


def test_deleting_removes_the_log_in_records_that_carry_the_username(patient, stranger):
    Client().post(reverse("login"), {"username": "pat", "password": "wrong-password-1"})
    Client().post(reverse("login"), {"username": "stranger", "password": "wrong-password-1"})
    client = log_in()
    for username in ("pat", "stranger"):
        where = {"username": username, "ip_address": "203.0.113.4", "user_agent": "Firefox"}
        AccessAttempt.objects.create(**where, failures_since_start=1, attempt_time=timezone.now())
        AccessFailureLog.objects.create(**where)
    AccessLog.objects.create(username="stranger", ip_address="203.0.113.4", user_agent="Edge")
    assert AccessLog.objects.filter(username="pat").exists()

    client.post(DELETE, {"password": PASSWORD})

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.filter(username="pat").exists(), model
        assert model.objects.filter(username="stranger").exists(), model


def test_a_caregiver_is_told_their_views_stay_in_the_patients_log(patient, share, caregiver):
    carer = Client()
    carer.force_login(caregiver)
    carer.get(reverse("care:history", args=[share.pk]))
    carer.get(reverse("care:report", args=[share.pk]))

    text = visible_text(carer.get(DELETE).content)

    assert "What is kept" in text
    assert (
        "The people whose journals you followed keep the record that you viewed them "
        "(2 views), under your name “Carey”: it is part of their journal, not of yours."
    ) in text


def test_a_patient_who_viewed_no_journal_is_told_nothing_is_kept(patient_client, journal):
    text = visible_text(patient_client.get(DELETE).content)

    assert "What is kept" in text
    assert "Nothing: no other journal keeps a record of you." in text


# --- Access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    for response in (client.get(DELETE), client.post(DELETE, {"password": PASSWORD})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_wrong_method_is_refused(patient_client, patient):
    assert patient_client.put(DELETE).status_code == 405
    assert get_user_model().objects.filter(pk=patient.pk).exists()


def test_delete_page_query_count_does_not_grow_with_the_journal(
    patient_client, long_journal, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert patient_client.get(DELETE).status_code == 200
